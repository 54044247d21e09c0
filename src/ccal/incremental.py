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

What the text search relies on: an ``[[opportunity]]`` header line found before the file's
first triple quote is a real header (no multi-line string is open there, and no other TOML
construct can hold such a line), so ``opportunity`` is an array of tables and a new one may be
appended. Every real header is then found (``extending.header_starts``) unless its name is
quoted, which is looked for; so when as many header lines are found as the index has
opportunities in the file, none is inside a string, and the n-th is the n-th opportunity's.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccal.extending import header_starts

if TYPE_CHECKING:
    from ccal.errors import Problem


# An array-of-tables header whose name is quoted (``[["opportunity"]]``): a real header that
# ``header_starts`` does not see, so counting them would no longer prove anything.
_QUOTED_HEADER = re.compile(r"[ \t]*\[\[[ \t]*[\"']")
_LATER_QUOTED_HEADER = re.compile(r"\n" + _QUOTED_HEADER.pattern)  # led by a literal: fast


@dataclass
class Layout:
    """What a fresh index vouches for about one data file and the files read with it."""

    path: Path  # the file to change, as its writer names it (problems name it so)
    top: str  # the text before the first ``[[opportunity]]``: the file's top-level keys
    ids: dict[str, int]  # every id of every file read together → its place in ``path`` (or -1)
    zones: list[str]  # the zones of ``path``'s opportunities, each once, in file order
    count: int  # ``path``'s opportunities
    _starts: list[int] | None = field(default=None, repr=False)

    def starts(self, text: str) -> list[int] | None:
        """Where each opportunity's header starts, if the headers can be trusted (see above)."""
        if self._starts is None:
            quoted = _QUOTED_HEADER.match(text) or _LATER_QUOTED_HEADER.search(text)
            found = [] if quoted else list(header_starts(text))
            self._starts = found if len(found) == self.count else []
        return self._starts or None

    def span_of(self, text: str, opportunity_id: str) -> tuple[int, int] | None:
        """The text of one opportunity of ``path``: from its header to the next one."""
        place = self.ids.get(opportunity_id, -1)
        starts = self.starts(text) if place >= 0 else None
        if starts is None:
            return None
        return starts[place], starts[place + 1] if place + 1 < len(starts) else len(text)

    def vouch(
        self, new: str, start: int, stop: int, opportunity_id: str, *, known: bool
    ) -> list[Problem] | None:
        """The warnings ``store.check_text`` would give ``new``, where ``new[start:stop]`` holds
        the one entry (``opportunity_id``) that differs from the indexed file: an appended one
        (``known`` False) or one changed in place. ``None`` if the entry has any error, or is not
        what it should be: the caller then checks the whole text.

        The entry is parsed alone, below the file's own top and as many blank lines as there are
        lines before it, so each problem has the line and column it has in ``new``.
        """
        from ccal.checking import results_problems
        from ccal.loader import parse_text

        if (opportunity_id in self.ids) is not known:
            return None  # a duplicate id (or a lost one): the whole check says where
        filler = "\n" * (new.count("\n", 0, start) - self.top.count("\n"))
        result = parse_text(self.top + filler + new[start:stop], self.path)
        if len(result.items) != 1 or result.items[0].id != opportunity_id:
            return None
        problems = results_problems([result], zones={str(self.path): self.zones})
        if any(p.severity == "error" for p in problems):
            return None
        return problems


def layout(text: str, path: Path, sources: Sequence[Path], others: Sequence[Path]) -> Layout | None:
    """The ``Layout`` of ``text`` (the text of ``path``, read under the writers' lock) if a fresh
    index of ``sources`` (the files reading commands read together: ``path`` and exactly
    ``others``) vouches for it, else ``None``.

    The index is opened after the text was read, so a file changed since then fails its identity
    check. Every row of ``items`` is read and checked (a corrupt index lies by omission too: an id
    lookup alone could miss a duplicate).
    """
    import sqlite3

    from ccal.index.policy import ITEM_COLUMNS, Corrupt, disabled, row_check
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
    ids: dict[str, int] = {}
    zones: dict[str, None] = {}
    count = 0
    resolved: dict[str, str] = {}
    seq, ident, where, zone = (ITEM_COLUMNS.index(n) for n in ("seq", "id", "path", "zone"))
    try:
        index.connection.row_factory = None  # plain tuples: a third faster over 100,000 rows
        query = f"SELECT {', '.join(ITEM_COLUMNS)} FROM items ORDER BY seq"
        for expected, row in enumerate(index.connection.execute(query)):
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
        index.connection.close()
    return Layout(Path(path), text[:first], ids, list(zones), count)


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
