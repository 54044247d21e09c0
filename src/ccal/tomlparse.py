"""TOML text → values, exactly as ``tomllib.loads`` gives them, fast on big files.

Three parsers, one meaning (TOML 1.0, ``tomllib``'s values, its errors worded by ``tomllib``):

- ``toml-rs`` (Rust, ``toml_version="1.0.0"``): about five times faster than the compiled
  ``tomli`` on a data file of 10,000 opportunities. It is asked only what it is known to answer
  as ``tomli`` does, and it never has the last word on a document it does not like: any error
  of it (its kind, its wording, its line) sends the text to the exact parsers below, which
  decide and word the error. Where it would differ from them on a document it accepts, it is
  not asked at all: a text starting with a BOM (``tomllib`` rejects one), brackets that may nest
  deeper than ``NESTING`` (``tomli`` refuses more than 400 levels; ``toml-rs`` crashes the
  process somewhere past 4,000) and a line long enough for a key of 1,000 parts (``tomli``'s
  limit). ``tests/test_tomlparse.py`` checks, on generated documents, that whatever it accepts
  ``tomllib`` and ``tomli`` accept with the same values, types and key order.
- ``tomli`` (compiled by mypyc, the upstream of the standard library's parser): the exact parser.
- ``tomllib``: asked only to word an error (or, without ``tomli``, to parse).

A big file is given to ``toml-rs`` in pieces cut before a ``[[opportunity]]`` line (at least
``CHUNK`` characters each): parsing a whole 100,000-opportunity file at once holds its Rust
document beside the Python values (1.8× the memory of ``tomllib``). Pieces are joined only
when that cannot change the meaning (see ``_in_pieces``); anything else is parsed whole.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ccal.errors import Problem

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")

# Imported with this module (~3 ms), not on first use: tomli's limit on the parts of a key is
# the recursion limit when it is imported, which a caller may have raised for a while (the
# test suite's Hypothesis does); the limit must not depend on when the first file was read.
try:
    import tomli
except ImportError:  # pragma: no cover - a declared dependency
    tomli = None  # type: ignore[assignment]  # then tomllib parses, as it would

# Below this many characters tomli is as quick: importing toml-rs alone costs ~8 ms, what tomli
# takes for ~100 KB (a user's own file, a shipped one, every small text ``add`` parses).
FAST_FROM = 1 << 17
NESTING = 256  # brackets that may nest deeper than this go to the exact parser (tomli: 400)
KEY_LINE = 1997  # a key of 1,000 parts (tomli's limit, the default recursion limit) is this long
CHUNK = 1 << 20  # characters: a piece's Rust document is a few MB, its parse a few ms
_HEADER = "[[opportunity]]\n"  # where a big ccal file is cut: each piece one or more of them

# ``shallow`` counts brackets in the text with every character that cannot open, close or
# hide one deleted (bytes: ``bytes.translate`` deletes in C, a 4 MB file in ~4 ms). Kept: the
# brackets, what starts a string or a comment, what ends one (a line break), the backslash
# (escapes) and the comma (so that two strings in a list stay apart).
_NEUTRAL = bytes(b for b in range(256) if b not in b"[]{}\"'#\\\n,")
# An innermost pair in that text: brackets or braces holding no other bracket, brace, ``#`` or
# backslash, and quotes only as complete one-line strings not next to another quote (line breaks
# allowed: an array over several lines). Wherever such a pair sits, a parser either reads all of
# it as code (a real pair: nothing inside can start a string or a comment hiding its close) or
# meets its opening bracket inside a string or comment (not real): leaving it out of the count
# never hides a real opening bracket on the way down. (Deleted characters only bring strings
# closer together: fewer pairs match, never more.)
_INNERMOST = re.compile(
    rb"""[\[{](?:[\n,]++|"[^"'\\\n\[\]{}]*+"(?!["'])|'[^'"\n\[\]{}]*+'(?!['"]))*+[\]}]"""
)
_LONG_LINE = re.compile(rf"\n[^\n]{{{KEY_LINE}}}")


def parse_toml(text: str) -> dict[str, Any]:
    """``tomllib.loads(text)``: the same values, the same ``TOMLDecodeError`` (``tomllib``'s
    wording and position) and, past ``tomli``'s nesting limits, its ``RecursionError``."""
    fast = _fast(text) if len(text) >= FAST_FROM else None
    return fast if fast is not None else exact(text)


def exact(text: str) -> dict[str, Any]:
    """``tomli`` (the compiled ``tomllib``), errors worded by ``tomllib`` itself."""
    if tomli is None:  # pragma: no cover - a declared dependency; tomllib gives the same
        return tomllib.loads(text)
    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError:
        return tomllib.loads(text)  # raises with the standard wording (or agrees after all)


def _fast(text: str) -> dict[str, Any] | None:
    """The values by ``toml-rs``, or None where the exact parsers must decide."""
    try:
        import toml_rs
    except ImportError:  # pragma: no cover - a declared dependency, wheels for the usual systems
        return None
    if text.startswith("\ufeff") or not shallow(text) or _key_may_be_long(text):
        return None

    def parse(piece: str) -> Any:
        return toml_rs.loads(piece, toml_version="1.0.0")

    try:
        return _in_pieces(text, parse)
    except (KeyboardInterrupt, SystemExit):  # pragma: no cover
        raise
    except BaseException:  # any complaint (a Rust panic is a BaseException): the exact parser's
        return None


def shallow(text: str) -> bool:
    """True only if no brackets of ``text`` can nest deeper than ``NESTING``, whatever its
    strings and comments hold: counts and substitutions, never a parse.

    A document nests at most as deep as it has opening brackets. Left out of the count, step
    by step: ``[[opportunity]]`` and the like (four brackets around a bare key: all real, or
    all inside a string or comment), then up to three times every innermost pair
    (``_INNERMOST``: flat arrays and inline tables, then the arrays that held them). Each step
    takes out pairs holding no other bracket, so it lowers the depth by 2 (headers) or 1 at
    most; what is left bounds the rest. A step sees the text the one before left: a pair whose
    opening bracket is real held only real code, so the pairs taken out of it were real too.
    """
    if text.count("[") + text.count("{") <= NESTING:
        return True
    rest = text.encode("utf-8", "surrogatepass").translate(None, _NEUTRAL)
    rest, lowered = rest.replace(b"[[]]", b""), 2
    for _ in range(3):
        if rest.count(b"[") + rest.count(b"{") + lowered <= NESTING:
            return True
        rest, lowered = _INNERMOST.sub(b"", rest), lowered + 1
    return rest.count(b"[") + rest.count(b"{") + lowered <= NESTING


def _key_may_be_long(text: str) -> bool:
    """Whether a line may hold a dotted key of 1,000 parts (``tomli`` refuses it)."""
    starts = [0] if _line_end(text, 0) >= KEY_LINE else []
    starts += [found.start() + 1 for found in _LONG_LINE.finditer(text)]
    return any(text.count(".", start, _line_end(text, start)) >= 999 for start in starts)


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end < 0 else end


class Unjoinable(ValueError):
    """A piece of a big file that ``toml-rs`` does not read, or that cannot be joined to the
    others as it is: the whole text is for ``parse_toml``."""


def stream(text: str) -> tuple[dict[str, Any], Iterator[Any]] | None:
    """A big ccal file as its top table and its ``opportunity`` tables one by one, read by
    ``toml-rs`` piece after piece: a caller that validates each table as it comes never holds
    the whole file's tables (at 100,000 opportunities the largest thing a load would hold).

    None where ``parse_toml`` is for the text (not big, not cut into pieces, not for
    ``toml-rs``). The tables are those ``parse_toml(text)["opportunity"]`` would give; the
    iterator holds copies of the pieces, not ``text``, and raises ``Unjoinable`` where a piece
    says otherwise (what came before it is to be thrown away, and the whole text parsed by
    ``parse_toml``).
    """
    try:
        import toml_rs
    except ImportError:  # pragma: no cover
        return None
    first = _first_piece(text)
    if first is None or text.startswith("\ufeff") or not shallow(text) or _key_may_be_long(text):
        return None

    def parse(piece: str) -> Any:
        return toml_rs.loads(piece, toml_version="1.0.0")

    try:
        top = parse(text[:first])
    except (KeyboardInterrupt, SystemExit):  # pragma: no cover
        raise
    except BaseException:  # any complaint (a Rust panic is a BaseException)
        return None
    if type(top) is not dict or "opportunity" in top:
        return None

    pieces, start = [], first
    while start < len(text):
        end = _piece_end(text, start)
        pieces.append(text[start:end])
        start = end
    pieces.reverse()

    def tables() -> Iterator[Any]:
        # Only the pieces are kept (the caller may drop the text), each until it is read.
        while pieces:
            yield from _piece(pieces.pop(), parse)

    return top, tables()


def _first_piece(text: str) -> int | None:
    """Where the first piece starts (its ``[[opportunity]]`` line), or None: not in pieces."""
    if len(text) < 2 * CHUNK:
        return None
    if text.startswith(_HEADER):
        return 0
    first = text.find("\n" + _HEADER) + 1
    return first if first > 0 else None


def _piece_end(text: str, start: int) -> int:
    cut = text.find("\n" + _HEADER, start + CHUNK)
    return len(text) if cut < 0 else cut + 1


def _piece(piece: str, parse: Any) -> list[Any]:
    """A piece's ``opportunity`` tables, or ``Unjoinable``."""
    try:
        found = parse(piece)
    except (KeyboardInterrupt, SystemExit):  # pragma: no cover
        raise
    except BaseException as exc:  # any complaint: the exact parser's
        raise Unjoinable("a piece toml-rs does not read") from exc
    if type(found) is not dict or list(found) != ["opportunity"]:
        raise Unjoinable("a piece with more than opportunities")
    tables = found["opportunity"]
    if type(tables) is not list:
        raise Unjoinable("opportunity is not a list of tables")
    return tables


def _in_pieces(text: str, parse: Any) -> dict[str, Any] | None:
    """``parse(text)``, in pieces cut before ``[[opportunity]]`` lines when it is big.

    The text before the first such line is parsed alone and must not define ``opportunity``
    (as ``opportunity = [...]`` it could not be extended: a whole parse would fail); every
    other piece starts with that line, so each of its tables is a new opportunity or belongs
    to one of the piece itself, and it must give nothing but ``opportunity`` (a table of its
    own could clash with another piece's). A cut inside a multi-line string or array leaves
    the piece before it unterminated: an error, so the whole goes to the exact parser.
    None where the pieces cannot be joined as they are.
    """
    first = _first_piece(text)
    if first is None:
        return parse(text)
    top = parse(text[:first])
    if type(top) is not dict or "opportunity" in top:
        return None
    opportunities: list[Any] = []
    start = first
    try:
        while start < len(text):
            end = _piece_end(text, start)
            opportunities += _piece(text[start:end], parse)
            start = end
    except Unjoinable:
        return None
    top["opportunity"] = opportunities
    return top


def toml_problem(exc: tomllib.TOMLDecodeError, name: str) -> Problem:
    """tomllib's error as a located problem (its position moved out of the message): the
    wording of every TOML error, a data file's and the configuration's."""
    from ccal.errors import Problem

    message = str(exc)
    found = _TOML_POSITION.search(message)
    line, column = (int(found[1]), int(found[2])) if found else (None, None)
    message = _TOML_POSITION.sub("", message).strip()
    return Problem(name, f"invalid TOML: {message}", line, column)
