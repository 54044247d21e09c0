"""``ccal list``'s table of opportunities from a trusted index, without the whole catalog.

The Typer app makes every opportunity a pydantic model and every date an ``Entry`` before it
picks one row per opportunity; at 100,000 opportunities that and one Rich table of them held
~9 times the data file. A trusted index holds the same dates in sort order (``rank``), each row
checked against its checksum. Here one pass over the entry rows in rank order finds what each
opportunity's row needs -- how many dates, its next one (the first not passed:
``query.next_entry``) and the one that ended last (``query.latest_entry``) -- a few integers an
opportunity; ``query.item_in_scope`` and ``query.item_order`` choose and order them; the
opportunities are decoded a chunk at a time as ``render.table.items_table`` draws them
(``Rows``), and the widths come from the rows' ids, kinds and counts (``render.table.ItemsShown``).

The index's rows are the Typer app's catalog when no series is without an end (as for
``index.streamed``): an index with one, or one that cut a series, gives None, and so does any
doubt about a row. Standard library at import time (the start-up fast path calls it).
"""

from __future__ import annotations

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: the fast path imports this module
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable, Iterator, Mapping
    from datetime import datetime, tzinfo
    from typing import Any

    from ccal.index.reader import Index
    from ccal.query import Filters, Scope
    from ccal.render.table import ItemRow, ItemsShown

    Chosen = list[tuple[int, int | None, int | None]]  # (seq, next rank, latest rank)


def chosen_items(
    index: Index,
    now_us: int,
    scope: Scope,
    hidden: set[str] | frozenset[str] = frozenset(),
    matches: Callable[[Any, tuple[str, ...]], bool] | None = None,
) -> tuple[Chosen, list[str], list[str], list[int]] | None:
    """The opportunities ``query.select_items`` gives (no window), in its order, as (seq, rank
    of the next entry, rank of the latest) each, with every item's id, kind and number of
    dates by seq; None when the index cannot say (see the module). ``hidden``: the ids the
    user's pipeline leaves out (``pipeline.select.narrow``); ``matches(opportunity, labels)``:
    the filters (``query.Filters.matches``), asked of each opportunity decoded with its dates'
    labels (None: none is decoded but for its kind)."""
    import json
    from types import SimpleNamespace

    from ccal import timeline
    from ccal.index.policy import Corrupt, checked
    from ccal.index.reader import _ITEMS
    from ccal.index.tagged import decode
    from ccal.query import item_in_scope, item_order

    if index.open_series or index.capped:
        return None
    count = index.item_count
    next_at: list[int | None] = [None] * count
    next_rank: list[int | None] = [None] * count
    latest: list[tuple[int, int, int] | None] = [None] * count
    latest_rank: list[int | None] = [None] * count
    rows_of = [0] * count
    labels: list[list[str]] | None = [[] for _ in range(count)] if matches is not None else None
    for row in index.rows_from(-(2**62)):  # every row, in rank order, each checked
        item, due_us = row["item"], row["due_us"]
        rows_of[item] += 1
        if next_rank[item] is None and not timeline.is_passed(due_us, now_us):
            next_at[item], next_rank[item] = row["at_us"], row["rank"]
        # Of those that end together, the first in file order (``max`` over ``Item.entries``).
        key = (due_us, -row["position"], -(row["occurrence"] or 0))
        found = latest[item]
        if found is None or key > found:
            latest[item], latest_rank[item] = key, row["rank"]
        if labels is not None:
            labels[item].append(row["label"])
    ids: list[str] = []
    kinds: list[str] = []
    counts: list[int] = []
    order: list[tuple[Any, ...]] = []
    for expected, row in enumerate(index.connection.execute(f"{_ITEMS} ORDER BY seq")):
        if checked(row)["seq"] != expected or row["entries"] != rows_of[expected]:
            raise Corrupt("an opportunity's index rows are missing")
        seq = expected
        ids.append(row["id"])
        counts.append(row["entries"])
        if labels is not None and matches is not None:
            opportunity = decode(row["opportunity"], SimpleNamespace)
            kinds.append(opportunity.kind)
            if not matches(opportunity, tuple(labels[seq])):
                continue
        else:
            kinds.append(json.loads(row["opportunity"])["kind"])
        if row["id"] in hidden:
            continue
        if not item_in_scope(scope, next_rank[seq] is not None, rows_of[seq] > 0):
            continue
        due = latest[seq]
        order.append((*item_order(next_at[seq], None if due is None else due[0], ids[seq]), seq))
    if len(ids) != count:
        raise Corrupt("index items are missing")
    order.sort()
    chosen = [(found[-1], next_rank[found[-1]], latest_rank[found[-1]]) for found in order]
    return chosen, ids, kinds, counts


class Rows:
    """The ``render.table.ItemRow`` of each opportunity chosen, as a sequence whose slices are
    made when read: a chunk's opportunities are decoded, and their next or latest entries made,
    as the chunk is drawn (``items_table`` reads ``rows[low:high]``), and no more are held."""

    def __init__(
        self,
        index: Index,
        chosen: Chosen,
        counts: list[int],
        now: datetime,
        zone: tzinfo,
        marks: Mapping[str, Any],
    ) -> None:
        self.index, self.chosen, self.counts = index, chosen, counts
        self.now, self.zone, self.marks = now, zone, marks
        self._last: tuple[tuple[int, int, int], list[ItemRow]] | None = None

    def __len__(self) -> int:
        return len(self.chosen)

    def __getitem__(self, at: slice) -> list[ItemRow]:
        key = at.indices(len(self.chosen))
        if self._last is None or self._last[0] != key:
            self._last = key, [self._row(*found) for found in self.chosen[at]]
        return self._last[1]

    def _row(self, seq: int, next_rank: int | None, latest_rank: int | None) -> ItemRow:
        from ccal.render.table import ItemRow, next_or_latest

        zone_key, opportunity, _count = self.index.decoded(seq)
        upcoming, latest = (
            None if rank is None else self._entry(rank, zone_key, opportunity)
            for rank in (next_rank, None if next_rank is not None else latest_rank)
        )
        shown = next_or_latest(upcoming, latest, self.now, self.zone)
        return ItemRow(opportunity, self.counts[seq], shown, self.marks.get(opportunity.id))

    def _entry(self, rank: int, zone_key: str, opportunity: Any) -> Any:
        row: sqlite3.Row = self.index._entry_at(rank)
        return self.index.entry(row, zone_key, opportunity)

    def nexts(self) -> Iterator[str]:
        """Each row's Next (or latest) text, in order, made as read (what the widths ask)."""
        step = 100
        for low in range(0, len(self.chosen), step):
            for row in self[low : low + step]:
                yield str(row.upcoming)


def shown_of(rows: Rows, ids: list[str], kinds: list[str]) -> ItemsShown:
    """``render.table.ItemsShown`` of the rows chosen, from their ids, kinds and counts, and
    their Next texts as far as a width needs them."""
    from ccal.render.table import ItemsShown

    seqs = [found[0] for found in rows.chosen]
    return ItemsShown(
        (ids[seq] for seq in seqs),
        (kinds[seq] for seq in seqs),
        (rows.counts[seq] for seq in seqs),
        rows.nexts(),
    )


def items_table(
    index: Index,
    now: datetime,
    zone: tzinfo,
    scope: Scope,
    filters: Filters | None,
    marks: Mapping[str, Any],
    limit: int | None,
    title: str,
) -> Any:
    """What ``ccal list`` prints of the index's opportunities (no window, no ``--mine`` or
    ``--status``): ``render.table.items_table`` of the rows chosen, drawn a chunk at a time, or
    ``nothing_listed``; None when the index cannot say (the caller loads the catalog). The
    fast path and the Typer app both print it."""
    from ccal.render import table

    found = _listed(index, now, scope, filters, marks, limit)
    if found is None:
        return None
    chosen, ids, kinds, counts = found
    if not chosen:
        return table.nothing_listed(scope, empty=not index.item_count)
    rows = Rows(index, chosen, counts, now, zone, marks)
    return table.items_table(rows, title, shown_of(rows, ids, kinds))


def item_records(
    index: Index,
    now: datetime,
    scope: Scope,
    filters: Filters | None,
    marks: Mapping[str, Any],
    limit: int | None,
) -> Iterator[dict[str, Any]] | None:
    """What ``ccal list --json`` prints of the index's opportunities, the same choice as
    ``items_table``'s: each opportunity's ``render.json.item_record`` (the one definition of
    its keys), made as it is written; None when the index cannot say. Every row is read and
    checked before the first record is made."""
    found = _listed(index, now, scope, filters, marks, limit)
    return None if found is None else _records(index, found[0], now, marks)


def _listed(
    index: Index,
    now: datetime,
    scope: Scope,
    filters: Filters | None,
    marks: Mapping[str, Any],
    limit: int | None,
) -> tuple[Chosen, list[str], list[str], list[int]] | None:
    """``chosen_items`` as ``ccal list`` chooses (no ``--mine`` or ``--status``: the default
    pipeline selection), cut to ``limit``."""
    from ccal import timeline
    from ccal.pipeline.select import Selection

    selection = Selection(everything=scope == "all")  # as ``cli.options.selection_from``
    hidden = {i for i, mark in marks.items() if not selection.keeps(mark.status)}
    matches = None if filters is None else filters.matches
    found = chosen_items(index, timeline.micros(now), scope, hidden, matches)
    if found is None:
        return None
    chosen, ids, kinds, counts = found
    return (chosen if limit is None else chosen[:limit]), ids, kinds, counts


def _records(
    index: Index, chosen: Chosen, now: datetime, marks: Mapping[str, Any]
) -> Iterator[dict[str, Any]]:
    """``item_records``' records, ``step`` opportunities read at a time (``whole_items``)."""
    from pathlib import Path

    from ccal.catalog import Item
    from ccal.query import statuses
    from ccal.render.json import item_record

    step = 256
    paths: dict[str, Path] = {}  # a few data files: one ``Path`` each
    for low in range(0, len(chosen), step):
        seqs = [found[0] for found in chosen[low : low + step]]
        read = index.whole_items(seqs)
        for seq in seqs:
            zone, path, opportunity, entries = read[seq]
            where = paths.get(path) or paths.setdefault(path, Path(path))
            item = Item(opportunity, where, zone, tuple(entries))
            yield item_record(item, now, statuses(entries, now), marks.get(opportunity.id))
