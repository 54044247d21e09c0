"""Checking one new or changed entry of a big data file against the index, not the whole file.

``ccal add`` and ``ccal extend`` must leave a file that ``ccal validate`` accepts. Validating the
whole result costs a full parse (about 40 s for 100,000 entries); but when a fresh index of the
files exists (``index.reader.Index.open``: every file's identity and checksum match, every row
checked against its own checksum), the files were valid when indexed and are byte for byte what
was indexed, so only the entry that changes needs checking. ``layout`` gathers what that takes;
``Layout.vouch`` checks the changed entry in the file's context and returns the warnings the
whole check would give it. Anything unusual — no fresh index, a file laid out in a way the text
search below cannot prove, a problem of any kind — gives ``None``, and the caller does the whole
check (so every error is the whole check's own, located the same way).

What the text search relies on: an ``[[opportunity]]`` header line with no triple quote before
it is a real header (no multi-line string is open there, and no other TOML construct can hold
such a line), so ``opportunity`` is an array of tables and a new one may be appended. Every real
header is found (``header_starts``) unless its name is quoted, which is looked for. So
the n-th header line is the n-th opportunity's when no triple quote comes before the line after
it, or when as many header lines are found as the index has opportunities in the file (then
none is inside a string).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ccal.errors import Problem
    from ccal.index.reader import Index


# An ``[[opportunity]]`` header on a line of its own (a comment may follow; CRLF too), searched
# for after a newline: a search led by a literal is six times faster than one tried at each line.
_HEADER_LINE = r"[ \t]*\[\[[ \t]*opportunity[ \t]*\]\][ \t]*(?:#.*)?\r?$"
_FIRST_HEADER = re.compile(_HEADER_LINE, re.MULTILINE)
_LATER_HEADER = re.compile("\n" + _HEADER_LINE, re.MULTILINE)


def header_starts(text: str) -> Iterator[int]:
    """Where each line that is an ``[[opportunity]]`` header starts, in order (a line inside a
    multi-line string looks the same: callers check the count against what they parsed)."""
    if _FIRST_HEADER.match(text):
        yield 0
    for found in _LATER_HEADER.finditer(text):
        yield found.start() + 1


# An array-of-tables header whose name is quoted (``[["opportunity"]]``): a real header that
# ``header_starts`` does not see, so counting them would no longer prove anything.
_QUOTED_HEADER = re.compile(r"[ \t]*\[\[[ \t]*[\"']")
_LATER_QUOTED_HEADER = re.compile(r"\n" + _QUOTED_HEADER.pattern)  # led by a literal: fast


@dataclass
class Layout:
    """What a fresh index, and the text itself, vouch for about one data file and the files
    read with it."""

    path: Path  # the file to change, as its writer names it (problems name it so)
    text: str  # its text, as read under the writers' lock
    top: str  # the text before the first ``[[opportunity]]``: the file's top-level keys
    others: Sequence[Path]  # the other files read with it (for duplicate ids)
    index: Index
    _scan: _Scan | None = field(default=None, repr=False)

    def has_id(self, opportunity_id: str) -> bool | None:
        """Whether any of the files holds ``opportunity_id``; ``None``: the index cannot say.

        A text without a backslash spells every string as it is (no escapes, no line
        continuations), so an id it does not contain is not one of its ids: a search, where
        asking the index must read and check every row.
        """
        from ccal.store import read_text

        texts = [self.text, *(read_text(other) or "" for other in self.others)]
        if all(opportunity_id not in text and "\\" not in text for text in texts):
            return False
        scan = self.scanned()
        return None if scan is None else opportunity_id in scan.ids

    def scanned(self) -> _Scan | None:
        """Every row of ``items``, each checked (a corrupt index lies by omission too: an id
        lookup alone could miss a duplicate); ``None`` if one does not check out."""
        if self._scan is None:
            self._scan = _scan(self.index, os.path.realpath(self.path)) or _Scan({}, [], -1)
        return None if self._scan.count < 0 else self._scan

    def span_of(self, opportunity_id: str) -> tuple[int, int] | None:
        """The text of one opportunity of the file: from its header to the next one; ``None``
        where that cannot be proven (see the module's docstring)."""
        text = self.text
        place = _place(self.index, opportunity_id, self.path)
        if place is not None:  # no triple quote up to its end: every header line there is real
            starts = list(islice(header_starts(text), place + 2))
            stop = starts[place + 1] if len(starts) > place + 1 else len(text)
            if len(starts) > place and not _unsure(text, stop, quotes=True):
                return starts[place], stop
        scan = self.scanned()  # some may be in strings: as many as there are opportunities
        place = -1 if scan is None else scan.ids.get(opportunity_id, -1)
        if scan is None or place < 0 or _unsure(text, len(text), quotes=False):
            return None
        starts = list(header_starts(text))
        if len(starts) != scan.count:
            return None
        return starts[place], starts[place + 1] if place + 1 < len(starts) else len(text)

    def vouch(self, new: str, start: int, stop: int, opportunity_id: str) -> list[Problem] | None:
        """The warnings ``store.check_text`` would give ``new``, where ``new[start:stop]`` holds
        the one entry (``opportunity_id``) that differs from the indexed file, its id in no
        other entry (the caller made sure). ``None`` if the entry has any error, or is not what
        it should be: the caller then checks the whole text.

        The entry is parsed alone, below the file's own top; its problems are then moved down
        by the lines between the two in ``new``, so each has the line it has there (columns are
        the same: the entry starts a line in both).
        """
        from dataclasses import replace

        from ccal.checking import results_problems
        from ccal.index.policy import Corrupt
        from ccal.loader import parse_text

        result = parse_text(self.top + new[start:stop], self.path)
        if len(result.items) != 1 or result.items[0].id != opportunity_id:
            return None
        try:
            problems = results_problems([result], zones=_Zones(self))
        except Corrupt:
            return None
        if any(p.severity == "error" for p in problems):
            return None
        top_lines = self.top.count("\n")
        shift = new.count("\n", 0, start) - top_lines
        return [
            replace(p, line=p.line + shift) if p.line is not None and p.line > top_lines else p
            for p in problems
        ]


@dataclass
class _Scan:
    ids: dict[str, int]  # every id of every file read together → its place in the file (or -1)
    zones: list[str]  # the zones of the file's opportunities, each once, in file order
    count: int  # the file's opportunities


class _Zones(Mapping[str, Sequence[str]]):
    """``checking.fixed_offset_problems``'s zones of the file's other entries, read from the
    index only if asked (only an entry in a fixed offset needs them)."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout

    def __getitem__(self, name: str) -> Sequence[str]:
        from ccal.index.policy import Corrupt

        if name != str(self.layout.path):
            raise KeyError(name)
        scan = self.layout.scanned()
        if scan is None:
            raise Corrupt("an index item does not match its checksum")
        return scan.zones

    def __iter__(self) -> Iterator[str]:
        return iter([str(self.layout.path)])

    def __len__(self) -> int:
        return 1


def _unsure(text: str, stop: int, *, quotes: bool) -> bool:
    """Whether ``text[:stop]`` may hide a header from ``header_starts`` (a quoted name) or, with
    ``quotes``, show it one inside a multi-line string."""
    if _QUOTED_HEADER.match(text, 0, stop) or _LATER_QUOTED_HEADER.search(text, 0, stop):
        return True
    return quotes and (text.find('"""', 0, stop) >= 0 or text.find("'''", 0, stop) >= 0)


def layout(text: str, path: Path, sources: Sequence[Path], others: Sequence[Path]) -> Layout | None:
    """The ``Layout`` of ``text`` (the text of ``path``, read under the writers' lock) if a fresh
    index of ``sources`` (the files reading commands read together: ``path`` and exactly
    ``others``) vouches for it, else ``None``.

    The index is opened after the text was read, so a file changed since then fails its identity
    check (size, mtime, inode and a checksum of its bytes).
    """
    from ccal.index.policy import disabled
    from ccal.index.reader import Index

    real = os.path.realpath(path)
    files = {os.path.realpath(p) for p in sources}
    if disabled() or files != {real, *(os.path.realpath(p) for p in others)}:
        return None
    first = next(header_starts(text), -1)
    quotes = [n for n in (text.find('"""', 0, first), text.find("'''", 0, first)) if n >= 0]
    if first < 0 or quotes:
        return None
    index = Index.open(list(sources))
    if index is None:
        return None
    from ccal.index.policy import whole_checks

    if index.whole is None or index.whole != whole_checks(list(sources)):
        return None  # the index's identity check samples a big file: a writer checks every byte
    return Layout(Path(path), text, text[:first], list(others), index)


def _scan(index: Index, real: str) -> _Scan | None:
    import sqlite3

    from ccal.index.policy import ITEM_COLUMNS, Corrupt, row_check

    ids: dict[str, int] = {}
    zones: dict[str, None] = {}
    count = 0
    resolved: dict[str, str] = {}
    seq, ident, where, zone = (ITEM_COLUMNS.index(n) for n in ("seq", "id", "path", "zone"))
    try:
        connection = index.connection
        connection.row_factory = None  # plain tuples: a third faster over 100,000 rows
        query = f"SELECT {', '.join(ITEM_COLUMNS)} FROM items ORDER BY seq"
        for expected, row in enumerate(connection.execute(query)):
            if row_check(row[:-1]) != row[-1] or row[seq] != expected or row[ident] in ids:
                raise Corrupt("an index item does not match its checksum, or is out of order")
            if row[where] not in resolved:
                resolved[row[where]] = os.path.realpath(row[where])
            if resolved[row[where]] == real:
                ids[row[ident]] = count
                zones.setdefault(row[zone])
                count += 1
            else:
                ids[row[ident]] = -1
        if len(ids) != index.item_count:
            raise Corrupt("index items are missing")
    except (sqlite3.Error, Corrupt, KeyError, TypeError, ValueError):
        return None
    finally:
        connection.row_factory = sqlite3.Row
    return _Scan(ids, list(zones), count)


def _place(index: Index, opportunity_id: str, path: Path) -> int | None:
    """The opportunity's place in its file, from its (checked) index row; the caller checks that
    the text found there is that opportunity (the first place of the file is not checked)."""
    import sqlite3

    from ccal.index.policy import ITEM_COLUMNS, Corrupt, checked

    try:
        query = f"SELECT {', '.join(ITEM_COLUMNS)} FROM items WHERE id = ?"
        row = index.connection.execute(query, (opportunity_id,)).fetchone()
        if row is None or checked(row)["id"] != opportunity_id:
            return None
        if os.path.realpath(row["path"]) != os.path.realpath(path):
            return None
        first = index.connection.execute(
            "SELECT MIN(seq) FROM items WHERE path = ?", (row["path"],)
        ).fetchone()[0]
        return int(row["seq"]) - int(first)
    except (sqlite3.Error, Corrupt, KeyError, TypeError, ValueError):
        return None


def indexed_file(opportunity_id: str, sources: Sequence[Path]) -> Path | None:
    """Which of ``sources`` holds ``opportunity_id``, as a fresh index of them says (one checked
    row); ``None`` if there is no such index or it does not know the id (then the files are read,
    and say so)."""
    import sqlite3

    from ccal.index.policy import ITEM_COLUMNS, Corrupt, checked, disabled
    from ccal.index.reader import Index

    index = None if disabled() else Index.open(list(sources))
    if index is None:
        return None
    try:
        query = f"SELECT {', '.join(ITEM_COLUMNS)} FROM items WHERE id = ?"
        row = index.connection.execute(query, (opportunity_id,)).fetchone()
        if row is None or checked(row)["id"] != opportunity_id:
            return None
        named: Any = row["path"]
    except (sqlite3.Error, Corrupt, KeyError, TypeError):
        return None
    finally:
        index.connection.close()
    return next((p for p in sources if str(p) == named), None)
