"""Where a value sits in TOML text: maps a data path such as ``opportunity[2].dates[0].at`` back
to a line and column, so every problem can be reported as ``FILE:LINE:COL``.

tomllib gives values without positions, so this is a small scanner of its own. It understands
what TOML allows: ``[table]`` and ``[[array]]`` headers, dotted and quoted keys, inline tables and
arrays (also across lines), every kind of string, and comments. It only ever runs on text tomllib
has accepted, and it never raises: whatever it cannot place falls back to the nearest enclosing
table or key.
"""

from __future__ import annotations

import bisect
import contextlib
import re
from typing import Any

# A data path: table and key names, and array positions (``("opportunity", 2, "dates")``).
KeyPath = tuple[str | int, ...]

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR_END = re.compile(r"[,\]}\n#]")


class TomlLocator:
    """Line and column (both 1-based) of keys, tables and array elements in one TOML text."""

    def __init__(self, text: str, *, lazy: bool = False) -> None:
        self.text = text
        self.places: dict[KeyPath, tuple[int, int]] = {}
        self.spans: dict[KeyPath, tuple[int, int]] = {}  # key path → [start, end) of its value text
        self.inline: set[KeyPath] = set()  # key paths that sit inside an inline table
        self._starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self._arrays: dict[KeyPath, int] = {}
        # Lazy: scan only as far as the place asked for (see ``locate``), resuming there.
        self._resume: tuple[int, KeyPath] | None = (0, ())
        self._targets: set[KeyPath] = set()
        if not lazy:
            self._run()

    # --- public ---------------------------------------------------------------------------

    def locate(self, loc: KeyPath) -> tuple[int | None, int | None]:
        """The place of ``loc`` or of its nearest recorded ancestor; (None, None) for the root.

        A lazy locator scans on from where it stopped until ``loc`` itself is recorded: one
        unknown key in a file holding millions of values costs a scan up to that key, not a
        record of every value (the whole rest is scanned only if ``loc`` is not in the text).
        """
        loc = tuple(loc)
        if loc not in self.places:
            self.scan_until(loc)
        for cut in range(len(loc), 0, -1):
            place = self.places.get(loc[:cut])
            if place is not None:
                return place
        return None, None

    def start_at(self, array: KeyPath, number: int, index: int) -> None:
        """Begin a lazy scan at ``index``, the ``[[array]]`` header of element ``number`` (found
        by its caller), instead of at the top: what comes before is not scanned at all. The
        caller checks what it then reads (a header-like line inside a string would mislead)."""
        self._arrays[array] = number - 1
        self._resume = (index, ())

    def scan_until(self, *paths: KeyPath) -> None:
        """Scan on until one of ``paths`` is recorded (or to the end): everything before it,
        spans included, is then known. ``extend`` asks for the date after the one it moves."""
        if self._resume is None:
            return
        self._targets = set(paths)
        try:
            self._run()
        finally:
            self._targets = set()

    # --- scanning -------------------------------------------------------------------------

    def _position(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, index)
        return line, index - self._starts[line - 1] + 1

    def _record(self, path: KeyPath, index: int) -> None:
        self.places.setdefault(path, self._position(index))
        if path in self._targets:
            raise _Found

    def _run(self) -> None:
        # Keep what was found on a surprise: a locator must never hide the real problem.
        try:
            self._scan()
        except _Found:
            return
        except (IndexError, ValueError, RecursionError):
            pass
        self._resume = None  # scanned to the end (or as far as it could)

    def _scan(self) -> None:
        """From the resume point on; each statement starts by saving where to resume, so a stop
        inside one (``_Found``) scans it again next time (recording is idempotent)."""
        text = self.text
        assert self._resume is not None
        i, table = self._resume
        while i < len(text):
            self._resume = (i, table)
            i = self._skip_blank(i, newlines=True)
            if i >= len(text):
                break
            if text[i] == "[":
                start = i
                i, table = self._header(i)
                self._resume = (i, table)  # a header counts array elements: never run twice
                self._record(table, start)
                continue
            start = i
            i, key = self._key(i)
            path = (*table, *key)
            self._record(path, start)
            i = self._skip_blank(i + 1)  # past "="
            i = self._spanned(i, path)

    def _header(self, i: int) -> tuple[int, KeyPath]:
        text = self.text
        double = text.startswith("[[", i)
        i += 2 if double else 1
        i, names = self._key(i)
        i = text.index("]", i) + (2 if double else 1)
        resolved: KeyPath = ()
        for depth, name in enumerate(names):
            resolved = (*resolved, name)
            last = depth == len(names) - 1
            if last and double:
                number = self._arrays.get(resolved, -1) + 1
                self._arrays[resolved] = number
                resolved = (*resolved, number)
            elif resolved in self._arrays:  # a sub-table of the latest array element
                resolved = (*resolved, self._arrays[resolved])
        return i, resolved

    def _key(self, i: int) -> tuple[int, KeyPath]:
        """A possibly dotted, possibly quoted key; returns the index after it (before = or ])."""
        text = self.text
        parts = []
        while True:
            i = self._skip_blank(i)
            if text[i] in "\"'":
                end = self._string_end(i)
                parts.append(_unquote(text[i:end]))
                i = end
            else:
                match = _BARE.match(text, i)
                if not match:
                    raise ValueError("no key")
                parts.append(match.group())
                i = match.end()
            i = self._skip_blank(i)
            if i < len(text) and text[i] == ".":
                i += 1
                continue
            return i, tuple(parts)

    def _spanned(self, i: int, path: KeyPath) -> int:
        """Scan the value of the key at ``path`` and remember where its text is."""
        end = _advanced(i, self._value(i, path))
        trimmed = end
        while trimmed > i and self.text[trimmed - 1] in " \t\r":
            trimmed -= 1
        self.spans.setdefault(path, (i, trimmed))
        return end

    def _value(self, i: int, path: KeyPath) -> int:
        text = self.text
        char = text[i]
        if char in "\"'":
            return self._string_end(i)
        if char == "[":
            i += 1
            number = 0
            while True:
                i = self._skip_blank(i, newlines=True)
                if text[i] == "]":
                    return i + 1
                self._record((*path, number), i)
                i = _advanced(i, self._value(i, (*path, number)))
                number += 1
                i = self._skip_blank(i, newlines=True)
                if text[i] == ",":
                    i += 1
        if char == "{":
            i += 1
            while True:
                i = self._skip_blank(i, newlines=True)
                if text[i] == "}":
                    return i + 1
                if text[i] == ",":
                    i += 1
                    continue
                start = i
                i, key = self._key(i)
                self._record((*path, *key), start)
                self.inline.add((*path, *key))
                i = self._skip_blank(i + 1)
                i = self._spanned(i, (*path, *key))
        match = _SCALAR_END.search(text, i)
        return match.start() if match else len(text)

    def _string_end(self, i: int) -> int:
        text = self.text
        quote = text[i]
        if text.startswith(quote * 3, i):
            end = i + 3
            while True:
                end = text.index(quote * 3, end)
                if quote == '"' and _escaped(text, end):
                    end += 1
                    continue
                # Up to two quotes may sit right before the closing three.
                while text.startswith(quote, end + 3):
                    end += 1
                return end + 3
        end = i + 1
        while True:
            if text[end] == "\\" and quote == '"':
                end += 2
                continue
            if text[end] == quote:
                return end + 1
            if text[end] == "\n":
                raise ValueError("unterminated string")
            end += 1

    def _skip_blank(self, i: int, *, newlines: bool = False) -> int:
        text = self.text
        while i < len(text):
            char = text[i]
            if char in " \t\r" or (newlines and char == "\n"):
                i += 1
            elif char == "#":
                end = text.find("\n", i)
                i = len(text) if end < 0 else (end + 1 if newlines else end)
            else:
                break
        return i


class _Found(Exception):
    """The place a lazy ``locate`` asked for is recorded: stop scanning there."""


def _advanced(before: int, after: int) -> int:
    if after <= before:
        raise ValueError("no progress")  # text tomllib accepted never gets here; stop, not hang
    return after


def _escaped(text: str, index: int) -> bool:
    backslashes = 0
    while index - backslashes - 1 >= 0 and text[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _unquote(token: str) -> str:
    if token.startswith('"'):
        import tomllib

        try:
            return tomllib.loads(f"k = {token}")["k"]
        except tomllib.TOMLDecodeError:
            return token[1:-1]
    return token[1:-1]


class LazyLocator:
    """A ``TomlLocator`` built on first use: only a problem needs a line number, and scanning a
    large valid file costs more than parsing it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._locator: TomlLocator | None = None

    def locate(self, loc: KeyPath) -> tuple[int | None, int | None]:
        if self._locator is None:
            self._locator = TomlLocator(self.text, lazy=True)
        return self._locator.locate(loc)


class FileLocator(LazyLocator):
    """A ``LazyLocator`` that does not keep the text: it reads the file again on first use.

    A big file's text would otherwise stay in memory for the whole load only in case a problem
    needs a line. If the file no longer holds the text that was parsed (its checksum differs),
    nothing is placed: lines from another text would mislead.
    """

    def __init__(self, path: Any, checksum: int) -> None:
        self.path = path
        self.checksum = checksum
        self._locator = None
        self._tried = False

    def locate(self, loc: KeyPath) -> tuple[int | None, int | None]:
        if not self._tried:
            self._tried = True
            with contextlib.suppress(OSError, UnicodeDecodeError):
                from ccal.sources import input_text, read_input

                text = input_text(read_input(self.path)[0])
                if checksum(text) == self.checksum:
                    self._locator = TomlLocator(text, lazy=True)
        if self._locator is None:
            return None, None
        return self._locator.locate(loc)


def checksum(text: str) -> int:
    import zlib

    return zlib.crc32(text.encode("utf-8"))


# --- too deeply nested ----------------------------------------------------------------------------


def nesting_place(text: str, *, keys: bool = False, limit: int = 0) -> tuple[int, int]:
    """Line and column where ``text`` (TOML or JSON) first nests brackets and braces (outside
    strings and comments) deeper than ``limit``, else where it is deepest; with ``keys``, where
    its longest dotted key starts instead. Run only after a parser gave up on the depth
    (RecursionError), to say where: a pass over the characters, never recursive itself."""
    best_depth = best_at = depth = 0
    best_dots = dots = line_start = 0
    best_line_at = 0
    i, size = 0, len(text)
    while i < size:
        char = text[i]
        if char in "\"'":
            i = _past_string(text, i)
            continue
        if char == "#":
            end = text.find("\n", i)
            i = size if end < 0 else end
            continue
        if char == "\n":
            dots, line_start = 0, i + 1
        elif char in "[{":
            depth += 1
            if depth > best_depth and not (limit and best_depth > limit):
                best_depth, best_at = depth, i
        elif char in "]}":
            depth -= 1
        elif char == ".":
            dots += 1
            if dots > best_dots:
                best_dots, best_line_at = dots, line_start
        i += 1
    index = best_line_at if keys else best_at
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _past_string(text: str, i: int) -> int:
    quote = text[i]
    if text.startswith(quote * 3, i):
        end = text.find(quote * 3, i + 3)
        return len(text) if end < 0 else end + 3
    i += 1
    while i < len(text) and text[i] not in (quote, "\n"):
        i += 2 if text[i] == "\\" and quote == '"' else 1
    return i + 1
