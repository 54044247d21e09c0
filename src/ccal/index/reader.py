"""Reading a trusted index: the rows the fast path answers from, or a whole ``Catalog``.

Rows are read by the names of ``policy.ENTRY_COLUMNS`` / ``ITEM_COLUMNS`` and each is checked
against its own checksum before use (``policy.checked``), entries in ``rank`` order with no rank
missing: a changed, lost or reordered row raises ``Corrupt`` instead of being served. SQL only
narrows where to start reading (``at_us``, ``item``); which rows a listing shows, and with which
status, is decided by ``ccal.timeline``.

Standard library only at import time: the start-up fast path queries it without pydantic.
"""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import datetime

from ccal import __version__
from ccal.index.policy import (
    ENTRY_COLUMNS,
    FORMAT,
    ITEM_COLUMNS,
    SERIES_COLUMNS,
    Corrupt,
    checked,
    identities,
    index_name,
    meta_check,
)
from ccal.index.tagged import decode

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: importing typing costs the fast path ~2 ms
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any

    from ccal.catalog import Catalog, Entry

_TOUCH_SECONDS = 86400  # an index in use has its mtime refreshed at most once a day
_ENTRIES = "SELECT " + ", ".join(f'"{name}"' for name in ENTRY_COLUMNS) + " FROM entries"
_ITEMS = "SELECT " + ", ".join(ITEM_COLUMNS) + " FROM items"
_SERIES = "SELECT " + ", ".join(f'"{name}"' for name in SERIES_COLUMNS) + " FROM series"


class Index:
    """A trusted, open index. Every method may raise ``sqlite3.Error`` or ``Corrupt``: callers
    fall back to the files (and the Typer path rebuilds the index)."""

    def __init__(self, connection: sqlite3.Connection, meta: dict[str, str]) -> None:
        connection.row_factory = sqlite3.Row  # rows by column name; ``tuple(row)`` for checks
        self.connection = connection
        self.max_span_us = int(meta["max_span_us"])  # the longest due_us - at_us
        self.lead_us = int(meta["lead_us"])  # the longest at_us - start_us
        self.count = int(meta["entries"])  # rows of ``entries`` (occurrences included)
        self.file_count = int(meta["file_entries"])  # dates as the files give them
        self.item_count = int(meta["items"])
        self.remind_zone = meta["remind_zone"]  # the zone whose remind lines were rendered ahead
        # Series without an end are expanded over cover_low_us..cover_high_us (``writer._cover``).
        self.cover_us = (int(meta["cover_low_us"]), int(meta["cover_high_us"]))
        self.open_series = int(meta["open_series"])
        self.capped = meta["capped"] == "1"
        # Where a series without an end has no occurrence held here (``writer._quiet_spans``).
        self.quiet_us = [
            (int(low), int(high))
            for low, _, high in (span.partition(":") for span in meta["quiet"].split(",") if span)
        ]
        # Every file's checksum over all its bytes when built (``policy.whole_checks``), or None.
        self.whole: str | None = meta.get("whole")

    @classmethod
    def open(cls, paths: list[Any]) -> Index | None:
        """The index of ``paths`` if it exists and matches every file exactly, else None.

        Only a regular file is opened: a FIFO or a device in its place is not an index.
        """
        import stat

        try:
            target = index_name(paths)
            info = os.stat(target)
            if not stat.S_ISREG(info.st_mode):
                return None
            # A URI opens it read-only; SQLite's URI syntax only needs these three escaped.
            escaped = target.replace("%", "%25").replace("?", "%3f").replace("#", "%23")
            connection = sqlite3.connect(f"file:{escaped}?mode=ro", uri=True)
        except (OSError, ValueError, sqlite3.Error):
            return None
        try:
            meta = dict(connection.execute("SELECT key, value FROM meta"))
            current = identities(paths)
            if (
                meta.get("format") == FORMAT
                and meta.get("version") == __version__
                and meta.get("crc") == meta_check(meta)
                and current is not None
                and meta.get("files") == current
            ):
                if time.time() - info.st_mtime > _TOUCH_SECONDS:
                    _touch(target)  # used: ``prune`` keeps the most recently used
                return cls(connection, meta)
        except (sqlite3.Error, ValueError, KeyError, TypeError):
            pass
        connection.close()
        return None

    # --- what the fast path asks: rows in sort order, for ``timeline.select`` -----------------

    def rows_from(self, low_us: int) -> Iterator[sqlite3.Row]:
        """Every entry row with ``at_us >= low_us`` and those after it, in ``rank`` (sort)
        order, each checked: a row not passed at ``now`` has ``at_us >= now - max_span_us``,
        so ``rows_from(now - max_span_us)`` holds every row ``timeline.select`` needs."""
        # Ranks follow at_us, so the first index entry at or after low_us (ties in rowid, i.e.
        # rank, order) is the first row wanted: one seek, where min(rank) would scan them all.
        found = self.connection.execute(
            "SELECT rank FROM entries WHERE at_us >= ? ORDER BY at_us, rank LIMIT 1", (low_us,)
        ).fetchone()
        start = self.count if found is None else found[0]
        if start > 0:  # the row before must lie before low_us: else the time index lied
            before = self._entry_at(start - 1)
            if before["at_us"] >= low_us:
                raise Corrupt("the index's time order does not match its rows")
        expected = start
        for row in self.connection.execute(f"{_ENTRIES} WHERE rank >= ? ORDER BY rank", (start,)):
            checked(row)
            if row["rank"] != expected:
                raise Corrupt("an index row is missing")
            expected += 1
            yield row
        if expected != self.count:
            raise Corrupt("index rows are missing at the end")

    def item_rows(self, opportunity_id: str) -> list[sqlite3.Row] | None:
        """Every entry row of one opportunity in sort order, or None for an unknown id."""
        found = self.connection.execute(f"{_ITEMS} WHERE id = ?", (opportunity_id,)).fetchone()
        if found is None:
            return None
        item = checked(found)
        if item["id"] != opportunity_id:
            raise Corrupt("the index's id lookup does not match its rows")
        return self._rows_of(item["seq"], item["entries"])

    def _rows_of(self, item: int, count: int) -> list[sqlite3.Row]:
        rows = self.connection.execute(
            f"{_ENTRIES} WHERE item = ? ORDER BY rank", (item,)
        ).fetchall()
        for row in rows:
            if checked(row)["item"] != item:
                raise Corrupt("an index row is not where it was put")
        if len(rows) != count:
            raise Corrupt("an opportunity's index rows are missing")
        return rows

    def _entry_at(self, rank: int) -> sqlite3.Row:
        row = self.connection.execute(f"{_ENTRIES} WHERE rank = ?", (rank,)).fetchone()
        if row is None:
            raise Corrupt("an index row is missing")
        return checked(row)

    def _item(self, seq: int) -> sqlite3.Row:
        row = self.connection.execute(f"{_ITEMS} WHERE seq = ?", (seq,)).fetchone()
        if row is None:
            raise Corrupt("an index item is missing")
        return checked(row)

    def opportunity(self, seq: int, mapping_type: Any = None) -> Any:
        return decode(self._item(seq)["opportunity"], mapping_type)

    def decoded(self, seq: int) -> tuple[str, Any, int]:
        """An item's zone and its opportunity with the fields as attributes (no pydantic):
        what ``entry`` makes an ``Entry`` of its rows with; and how many rows it has."""
        from types import SimpleNamespace

        item = self._item(seq)
        return item["zone"], decode(item["opportunity"], SimpleNamespace), item["entries"]

    def whole_items(self, seqs: list[int]) -> dict[int, tuple[Any, str, Any, list[Entry]]]:
        """These items' zone (a ``tzinfo``), data file, opportunity (``decoded``'s stand-in) and
        every ``Entry`` of each in sort order (``Item``'s fields), by seq: two queries however
        many they are (``list --json`` asks a few hundred at a time; a query an item cost more
        than the rest of reading it), each row checked and each item's rows counted."""
        from types import SimpleNamespace

        from ccal.clock import zone_named

        marks = ", ".join("?" * len(seqs))
        wanted = set(seqs)
        items: dict[int, tuple[Any, str, Any, list[Entry]]] = {}
        counts: dict[int, int] = {}
        for row in self.connection.execute(f"{_ITEMS} WHERE seq IN ({marks})", seqs):
            seq = checked(row)["seq"]
            if seq not in wanted:
                raise Corrupt("the index's item lookup does not match its rows")
            opportunity = decode(row["opportunity"], SimpleNamespace)
            items[seq] = (zone_named(row["zone"]), row["path"], opportunity, [])
            counts[seq] = row["entries"]
        if len(items) != len(wanted):
            raise Corrupt("an index item is missing")
        query = f"{_ENTRIES} WHERE item IN ({marks}) ORDER BY item, rank"
        for row in self.connection.execute(query, seqs):
            found = items.get(checked(row)["item"])
            if found is None:
                raise Corrupt("an index row is not where it was put")
            found[3].append(_entry_in(row, found[0], found[2]))
        for seq, (_zone, _path, _opportunity, entries) in items.items():
            if len(entries) != counts[seq]:
                raise Corrupt("an opportunity's index rows are missing")
        return items

    def entry(self, row: sqlite3.Row, zone_key: str, opportunity: Any) -> Entry:
        """The ``Entry`` of a checked row (from ``rows_from``) of the item ``decoded`` gave."""
        return _entry(row, zone_key, opportunity)

    def item_paths(self) -> dict[str, str]:
        """Every opportunity's id -> its data file, each item row checked and none missing."""
        found: dict[str, str] = {}
        for expected, row in enumerate(self.connection.execute(f"{_ITEMS} ORDER BY seq")):
            if checked(row)["seq"] != expected:
                raise Corrupt("an index item is missing")
            found[row["id"]] = row["path"]
        if len(found) != self.item_count:
            raise Corrupt("index items are missing")
        return found

    def entries(self, items: list[int]) -> dict[int, Entry]:
        """Whole ``Entry`` objects of these items by their rank (what text renderers need), with
        a stand-in opportunity that has the fields as attributes (no pydantic)."""
        from types import SimpleNamespace

        found: dict[int, Entry] = {}
        for seq in items:
            item = self._item(seq)
            opportunity = decode(item["opportunity"], SimpleNamespace)
            for row in self._rows_of(seq, item["entries"]):
                found[row["rank"]] = _entry(row, item["zone"], opportunity)
        return found

    def entries_of(self, rows: list[sqlite3.Row]) -> list[Entry]:
        """The ``Entry`` of each of these rows (checked ones, from ``rows_from``), in their
        order: what a table of them needs, each opportunity decoded once and none of their
        other rows read again (a table of every row reads each row once)."""
        from types import SimpleNamespace

        of_item: dict[int, tuple[str, Any]] = {}
        for seq in sorted({row["item"] for row in rows}):
            item = self._item(seq)
            of_item[seq] = (item["zone"], decode(item["opportunity"], SimpleNamespace))
        return [_entry(row, *of_item[row["item"]]) for row in rows]

    def lazy_entries(self, rows: list[sqlite3.Row]) -> Entries:
        """The ``Entry`` of each of these rows, made only when read (``Entries``)."""
        return Entries(self, rows)

    # --- what the Typer path asks: the whole catalog, with real pydantic models --------------

    def catalog(self, *, models: bool = True) -> Catalog:
        """The whole catalog, its opportunities pydantic models validated again (what an edit
        writes back, or an index rebuilt from it, needs), or with ``models=False`` stand-ins
        with the fields as attributes (``decode``'s ``SimpleNamespace``): what reading them
        needs, when they were validated as the index was written and their rows are checked.
        (A republish of 11,000 calls: validating them again was 0.5 s of its 7 s.)"""
        from pathlib import Path
        from types import SimpleNamespace

        from ccal.catalog import Catalog, Item
        from ccal.clock import zone_named  # AoE and fixed offsets too, as the loader reads them
        from ccal.models import ANY_KIND, KINDS_CONTEXT, Opportunity, compact

        trusted = {KINDS_CONTEXT: ANY_KIND}  # checked against its file's kinds when indexed
        items: list[tuple[sqlite3.Row, Any, list[Entry]]] = []
        for expected, row in enumerate(self.connection.execute(f"{_ITEMS} ORDER BY seq")):
            if checked(row)["seq"] != expected:
                raise Corrupt("an index item is missing")
            if models:
                opportunity = decode(row["opportunity"])
                model = compact(Opportunity.model_validate(opportunity, context=trusted))
            else:
                model = decode(row["opportunity"], SimpleNamespace)
            items.append((row, model, []))
        if len(items) != self.item_count:
            raise Corrupt("index items are missing")
        in_file_order: list[tuple[int, int, Entry]] = []
        count = 0
        for rank, row in enumerate(self.connection.execute(f"{_ENTRIES} ORDER BY rank")):
            if checked(row)["rank"] != rank:
                raise Corrupt("an index row is missing")
            count += 1
            if row["seq"] is None:  # an occurrence: the command expands its series itself
                continue
            item, model, _ = items[row["item"]]
            in_file_order.append((row["seq"], row["item"], _entry(row, item["zone"], model)))
        if count != self.count:
            raise Corrupt("index rows are missing")
        for row in self.connection.execute(f"{_SERIES} ORDER BY seq"):
            item, model, _ = items[checked(row)["item"]]
            in_file_order.append((row["seq"], row["item"], _entry(row, item["zone"], model, 0)))
        in_file_order.sort(key=lambda found: found[0])
        for expected, (seq, item_seq, entry) in enumerate(in_file_order):
            if seq != expected:
                raise Corrupt("index rows are out of order")
            items[item_seq][2].append(entry)
        if len(in_file_order) != self.file_count:
            raise Corrupt("index rows are missing")
        for row, _model, entries in items:
            if sum(e.recurrence is not None for e in entries) != row["series"]:
                raise Corrupt("an opportunity's series rows are missing")
        return Catalog(
            tuple(
                Item(model, Path(row["path"]), zone_named(row["zone"]), tuple(entries))
                for row, model, entries in items
            )
        )

    def ids(self) -> list[str]:
        return [row["id"] for row in self.connection.execute("SELECT id FROM items ORDER BY seq")]


class Entries:
    """The entries of some checked rows, as a sequence whose slices are made when read
    (``Index.entries_of``): a table of every row makes a chunk's entries as it draws the chunk,
    and holds no more of them at a time."""

    def __init__(self, index: Index, rows: list[sqlite3.Row]) -> None:
        self.index, self.rows = index, rows
        self._last: tuple[tuple[int, int, int], list[Entry]] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, at: slice) -> list[Entry]:
        """The entries of these rows; the last slice made is kept, since a table reads a
        chunk's entries twice: for its widths (``__iter__``) and to draw it."""
        key = at.indices(len(self.rows))
        if self._last is None or self._last[0] != key:
            self._last = key, self.index.entries_of(self.rows[at])
        return self._last[1]

    def __iter__(self) -> Iterator[Entry]:
        """Every entry in order, made ``step`` rows at a time."""
        step = 100
        for low in range(0, len(self.rows), step):
            yield from self[low : low + step]


def _entry(row: sqlite3.Row, zone_key: str, opportunity: Any, occurrence: Any = None) -> Entry:
    """The ``Entry`` of a checked row (of ``entries``, or of ``series`` with ``occurrence`` 0):
    each instant in the entry's own zone, with its fold."""
    from ccal.clock import zone_named  # AoE and fixed offsets too, as the loader reads them

    return _entry_in(row, zone_named(zone_key), opportunity, occurrence)


def _entry_in(row: sqlite3.Row, zone: Any, opportunity: Any, occurrence: Any = None) -> Entry:
    """``_entry`` with the item's zone already looked up (``whole_items``: once an item)."""
    from ccal.catalog import Entry

    folds = row["folds"]
    at = _moment(row["at"], zone, folds & 1)
    assert at is not None
    recurrence = None
    if row["rrule"] is not None:
        from ccal.recurrence import Recurrence

        until = _moment(row["until"], zone, folds >> 3 & 1)
        recurrence = Recurrence(row["rrule"], until=until, count=row["count"])
        if occurrence is None:
            occurrence = row["occurrence"]
    return Entry(
        opportunity=opportunity,
        position=row["position"],
        label=row["label"],
        at=at,
        end=_moment(row["end"], zone, folds >> 1 & 1),
        all_day=bool(row["all_day"]),
        zone=zone,
        tentative=bool(row["tentative"]),
        source=row["source"],
        previous=_moment(row["previous"], zone, folds >> 2 & 1),
        recurrence=recurrence,
        occurrence=occurrence,
    )


def _moment(text: str | None, zone: Any, fold: int) -> datetime | None:
    """A stored instant: in the entry's own zone, the same wall clock, with its zone and fold
    back."""
    if text is None:
        return None
    return datetime.fromisoformat(text).replace(tzinfo=zone, fold=fold)


def _touch(path: str) -> None:
    try:
        os.utime(path)
    except OSError:  # a read-only cache: pruning then only sees build times
        return
