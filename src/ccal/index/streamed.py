"""A listing of every date without the whole catalog: streamed from a trusted index, for exports.

``Session.catalog`` makes every opportunity a pydantic model and every date an ``Entry`` before a
listing is chosen; the listing, its records and the output text came on top: at 100,000
opportunities an export held 16-53 times the data file in memory. A trusted index holds the same
dates in sort order (``rank``), each row checked against its checksum. Here the rows are chosen
by ``timeline.stream`` (the loop ``query.select_listing`` and the fast path run) as they are
read, and the ``Entry`` of each row shown is made only when it is written (its opportunity
decoded from its index row, as the fast path's tables do; a few are kept for the next rows), so
an export holds a handful of rows at a time, whatever the size of the file.

The index's rows are the Typer app's catalog when no series is without an end (those the
command expands over its own span, ``timeline.span``, keeping the first occurrence after it when
none falls inside: ``recurrence.expand``; the index holds occurrences over its own cover), so an
index with such a series gives None (as one that cut a series at
``recurrence.MAX_OCCURRENCES``). Every row is checked before the first is written (a
damaged index must not end an export halfway): any doubt gives None, and the caller loads the
catalog as before (which reads the files and rebuilds the index). So do ``--past`` (most recent
first: the whole selection is turned round) and a ``--kind`` the built-in kinds do not hold (the
files' own declared kinds are checked against the loaded catalog).
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccal import timeline
from ccal.index.policy import Corrupt

if TYPE_CHECKING:
    from ccal.catalog import Entry
    from ccal.pipeline.select import Selection
    from ccal.query import Filters, Scope, Status, StreamedListing, Window

# Opportunities decoded and kept for their rows still to come (``_Decoded``): at most this many,
# some 2 KB each.
KEEP_DECODED = 8192


def streamed_listing(
    paths: list[Path],
    now: datetime,
    zone: tzinfo,
    filters: Filters,
    window: Window,
    scope: Scope,
    limit: int | None,
    marks: Mapping[str, Any],
    selection: Selection,
) -> tuple[StreamedListing, dict[str, datetime]] | None:
    """``query.select_listing`` of the catalog ``Session.select`` would load, as a
    ``StreamedListing`` of index rows, with each opportunity's LAST-MODIFIED
    (``render.ics.modified_times``); None when the index cannot give it (see the module)."""
    from ccal.index.reader import Index
    from ccal.rules import KINDS

    if scope == "past" or any(kind not in KINDS for kind in filters.kinds):
        return None
    index = Index.open(paths)
    if index is None:
        return None
    try:
        if index.open_series or index.capped:  # see the module's docstring
            return None
        now_us = timeline.micros(now)
        start_us = now_us - index.max_span_us if scope == "upcoming" else -(2**62)
        paths_of = index.item_paths()  # every item checked
        for _row in index.rows_from(start_us):  # every row checked before one is written
            pass
    except (sqlite3.Error, Corrupt, ValueError, KeyError, TypeError):
        return None
    from ccal.query import Filters as NoFilters
    from ccal.query import StreamedListing

    low_us, high_us = window.bounds_us()
    decoded = _Decoded(index)
    everyone = selection.keeps(None) and all(selection.keeps(m.status) for m in marks.values())

    def matches(row: sqlite3.Row) -> bool:
        opportunity = decoded(row["item"])[1]
        mark = marks.get(opportunity.id)
        if not selection.keeps(mark.status if mark is not None else None):
            return False  # ``pipeline.select.narrow``: the whole opportunity is left out
        return filters.matches(opportunity, (row["label"],))

    def source() -> Iterator[tuple[Entry, Status]]:
        rows = decoded.counted(index.rows_from(start_us))
        chosen = timeline.stream(
            rows,
            now_us,
            _moments,
            scope=scope,
            low_us=low_us,
            high_us=high_us,
            matches=None if everyone and filters == NoFilters() else matches,
            limit=limit,
            lead_us=index.lead_us,
        )
        for row, status in chosen:
            zone_key, opportunity = decoded(row["item"])
            yield index.entry(row, zone_key, opportunity), status

    listing = StreamedListing(source, now, zone, dict(marks))
    from ccal.render.ics import file_times

    return listing, file_times(paths_of.items())


class _Decoded:
    """Each item's zone and opportunity (``Index.decoded``), decoded once and kept until its
    last row has gone by: an opportunity's dates lie months apart, so a cache of the most
    recently used misses most of them (at 100,000 opportunities, LRU of 8,192 decoded 144,000
    times; this, 100,000 with at most ~5,000 held). At most ``KEEP_DECODED`` are held (the
    oldest go first: rows that never come, before ``rows_from``'s start, cannot hold one)."""

    def __init__(self, index: Any) -> None:
        self.index = index
        self.held: OrderedDict[int, list[Any]] = OrderedDict()  # seq -> [zone, opportunity, left]

    def __call__(self, seq: int) -> tuple[str, Any]:
        found = self.held.get(seq)
        if found is None:
            found = self.held[seq] = list(self.index.decoded(seq))
            if len(self.held) > KEEP_DECODED:
                self.held.popitem(last=False)
        return found[0], found[1]

    def counted(self, rows: Iterable[sqlite3.Row]) -> Iterator[sqlite3.Row]:
        """``rows``, each counted off its item once it has been used (when the next is asked
        for); an item with no row left is let go."""
        for row in rows:
            yield row
            found = self.held.get(row["item"])
            if found is not None:
                found[2] -= 1
                if found[2] <= 0:
                    del self.held[row["item"]]


def _moments(row: sqlite3.Row) -> tuple[int, int, int, int | None]:
    """What ``timeline.stream`` asks of a row (``Entry.moments`` for an ``Entry``)."""
    return row["item"], row["at_us"], row["due_us"], row["start_us"]
