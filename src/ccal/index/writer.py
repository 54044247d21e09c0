"""Building the index: the resolved catalog written to SQLite, then renamed into place.

Rows are streamed (never all in memory at once). A big index is written by two processes
(``_two_processes``): a forked child makes part of the entries rows into a database of its own,
copied in when it is done; a child that fails has its rows made here instead.

Each entry's ``--json`` record and the now-independent part of its ``remind`` line are
pre-rendered here -- by the renderers themselves (``render.json.entry_record``,
``render.remind.remind_rest``) -- but only for entries that are not yet passed at the moment
the index is built: those are what a later call shows, and rendering every past date of a big
file would double the cost of a first load. A row without them is rendered when asked, by the
same functions (see ``fastpath``).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from array import array
from typing import Any

from ccal import __version__
from ccal.index.policy import (
    ENTRY_COLUMNS,
    FORMAT,
    ITEM_COLUMNS,
    SERIES_COLUMNS,
    identities,
    index_name,
    meta_check,
    prune,
    row_check,
    whole_checks,
)
from ccal.index.records import record_pieces
from ccal.index.tagged import encode
from ccal.timeline import micros

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import tzinfo
    from pathlib import Path
    from typing import Any

    from ccal.catalog import Catalog, Entry

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE items (
    seq INTEGER PRIMARY KEY,      -- catalog (file) order
    id TEXT NOT NULL,             -- unique: see INDEXES
    path TEXT NOT NULL,           -- the data file it came from
    zone TEXT NOT NULL,           -- the opportunity's IANA zone
    opportunity TEXT NOT NULL,    -- the validated opportunity, as tagged JSON
    entries INTEGER NOT NULL,     -- how many entries rows it has: none may go missing
    series INTEGER NOT NULL,      -- how many series rows
    crc INTEGER NOT NULL          -- ``policy.row_check`` of the columns before it
);
CREATE TABLE entries (
    rank INTEGER PRIMARY KEY,     -- place in ``timeline.sort_key`` order: 0, 1, 2, … no gap
    seq INTEGER,                  -- catalog order (NULL: an occurrence, see series)
    item INTEGER NOT NULL REFERENCES items (seq),
    opportunity_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    label TEXT NOT NULL,
    at TEXT NOT NULL,             -- RFC 3339, in the entry's zone
    "end" TEXT,
    at_us INTEGER NOT NULL,       -- microseconds since 1970-01-01 UTC (``timeline.micros``)
    due_us INTEGER NOT NULL,      -- end (or at) in microseconds: passed once it is behind now
    start_us INTEGER,             -- a range: when it is under way from (``Entry.start_us``)
    all_day INTEGER NOT NULL,
    tentative INTEGER NOT NULL,
    source TEXT,
    previous TEXT,                -- RFC 3339, in the entry's zone
    folds INTEGER NOT NULL,       -- fold of at, end, previous, until (bits 0-3): repeated hours
    occurrence INTEGER,           -- of a repeating date: its number in the series, and the
    rrule TEXT,                   -- series' rule, until, count; open: 1 for a series without
    "until" TEXT,                 -- an end (expanded over meta cover_low_us..cover_high_us)
    count INTEGER,
    open INTEGER NOT NULL,
    head TEXT,                    -- the entry's ``--json`` record as printed in a listing, cut
    middle TEXT,                  -- around its two now-dependent values: head, seconds_left,
    tail TEXT,                    -- middle, status, tail (NULL: passed when indexed)
    remind TEXT,                  -- its remind line after the countdown, for meta remind_zone
    crc INTEGER NOT NULL          -- ``policy.row_check`` of the columns before it
);
CREATE TABLE series (             -- repeating dates as written (``policy.SERIES_COLUMNS``)
    seq INTEGER PRIMARY KEY, item INTEGER NOT NULL, position INTEGER NOT NULL,
    label TEXT NOT NULL, at TEXT NOT NULL, "end" TEXT, all_day INTEGER NOT NULL,
    tentative INTEGER NOT NULL, source TEXT, previous TEXT, folds INTEGER NOT NULL,
    rrule TEXT NOT NULL, "until" TEXT, count INTEGER, crc INTEGER NOT NULL
);
"""
COVER_DAYS = 2 * 366  # series without an end: expanded this far around the build's "now"
INDEXES = (  # built after the rows are in: one sort instead of a B-tree insert per row
    "CREATE UNIQUE INDEX items_by_id ON items (id)",
    "CREATE INDEX entries_by_time ON entries (at_us)",  # where a reader starts: coarse
    "CREATE INDEX entries_by_item ON entries (item, rank)",
)
RENDER_ALL_UP_TO = 5000  # entries: below this, rendering them all costs under ~0.1 s


def write(paths: list[Path], files: str, catalog: Catalog, now: Any, display: tzinfo) -> None:
    """Write the index next to its final place, then rename it in: readers see all or nothing.

    Entries not passed at ``now`` (all of a small catalog) get their pre-rendered texts;
    ``display`` is the zone their remind lines are rendered for (another renders them when asked).
    """
    target = index_name(paths)
    folder = os.path.dirname(target)
    os.makedirs(folder, exist_ok=True)
    prune(folder, keep=target)
    temp = os.path.join(folder, f".{os.path.basename(target)}.{os.getpid()}.tmp")
    try:
        connection = sqlite3.connect(temp, isolation_level=None)
        try:
            # A temporary file renamed in when complete: no journal, no fsync needed.
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            connection.executescript(SCHEMA)
            connection.execute("BEGIN")
            zone_key = getattr(display, "key", None)
            small = sum(len(item.entries) for item in catalog.items) <= RENDER_ALL_UP_TO
            render_from = -(2**62) if small else micros(now)
            cover = _cover(catalog, now)
            # A writer's child's part: named like its temporary file, so ``prune`` deletes it
            # too should both be left behind (a writer killed midway).
            part = f"{temp.removesuffix('.tmp')}.part.tmp"
            _fill(connection, catalog, cover, render_from, display if zone_key else None, part)
            for statement in INDEXES:  # not executescript: it would commit first
                connection.execute(statement)
            max_span, lead, count = connection.execute(
                "SELECT coalesce(max(due_us - at_us), 0), "
                "coalesce(max(at_us - coalesce(start_us, at_us)), 0), count(*) FROM entries"
            ).fetchone()
            meta = {"format": FORMAT, "version": __version__, "files": files}
            meta.update(max_span_us=str(max_span), lead_us=str(lead), remind_zone=zone_key or "")
            meta.update(entries=str(count), items=str(len(catalog.items)))
            meta["file_entries"] = str(sum(len(item.entries) for item in catalog.items))
            meta.update(cover_low_us=str(cover[0]), cover_high_us=str(cover[1]))
            meta.update(open_series=str(cover[3]), capped=str(int(cover[4])), quiet=cover[5])
            whole = whole_checks(paths)  # for writers: kept only if no file changed meanwhile
            if whole is not None and identities(paths) == files:
                meta["whole"] = whole
            meta["crc"] = meta_check(meta)
            connection.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))
            connection.execute("COMMIT")
        finally:
            connection.close()
        os.replace(temp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def _cover(catalog: Catalog, now: Any) -> tuple[int, int, Catalog, int, bool, str]:
    """The catalog with every repeating date expanded: bounded series whole, series without an
    end over ``COVER_DAYS`` around ``now`` (in µs, the first two values: a fast-path question
    whose ``timeline.span`` lies outside them goes to the Typer app). Also how many series have
    no end, whether one of them was cut at ``recurrence.MAX_OCCURRENCES`` (the index then
    answers nothing of them: a command's own expansion would be cut elsewhere), and their
    quiet spans (``_quiet_spans``)."""
    series = [e for item in catalog.items for e in item.entries if e.recurrence is not None]
    if not series:
        return -(2**62), 2**62, catalog, 0, False, ""
    from datetime import timedelta

    from ccal.recurrence import MAX_OCCURRENCES

    low, high = now - timedelta(days=COVER_DAYS), now + timedelta(days=COVER_DAYS)
    expanded = catalog.expanded(low, high)
    open_series = [e for e in series if e.recurrence is not None and not e.recurrence.bounded]
    occurrences: dict[tuple[str, int], list[Entry]] = {}
    stride = {item.id: max(len(item.opportunity.dates), 1) for item in catalog.items}
    for item in expanded.items:
        for entry in item.entries:
            if entry.occurrence is not None:
                base = entry.position - stride[item.id] * entry.occurrence
                occurrences.setdefault((item.id, base), []).append(entry)
    runs = [occurrences.get((e.opportunity.id, e.position), []) for e in open_series]
    capped = any(len(run) >= MAX_OCCURRENCES for run in runs)
    return micros(low), micros(high), expanded, len(open_series), capped, _quiet_spans(runs)


QUIET_SPANS_KEPT = 256  # more, and every question without a window end goes to the Typer app


def _quiet_spans(runs: list[list[Entry]]) -> str:
    """Where a series without an end has no occurrence the index holds, as ``low:high`` µs
    pairs (``reader.Index.quiet_us`` reads them): before its first, between two, after its last.

    With no window end, ``recurrence.expand`` gives a series with no occurrence in the span
    asked about its first one after it ("Monthly talks from 2029" still shows); the index
    holds only the occurrences over its cover, so the fast path hands such a question, whose
    span lies inside a quiet span, to the Typer app. Such a span is at least ``REACH_DAYS``
    long (``timeline.span``): shorter gaps are left out, and of the open-ended ones only the
    latest first occurrence and the earliest last one matter.
    """
    from itertools import pairwise

    from ccal.timeline import REACH_DAYS

    reach_us = (REACH_DAYS * 86_400 - 2 * 3600) * 1_000_000  # a DST hour either way, spare
    lead, tail, gaps = -(2**62), 2**62, []
    for run in runs:
        if not run:
            continue
        ordered = sorted(run, key=lambda entry: entry.at_us)
        lead, tail = max(lead, ordered[0].at_us), min(tail, ordered[-1].due_us)
        for before, after in pairwise(ordered):
            if after.at_us - before.due_us > reach_us:
                gaps.append((before.due_us, after.at_us))
    if len(gaps) > QUIET_SPANS_KEPT:
        gaps = [(-(2**62), 2**62)]
    spans = [(-(2**62), lead), (tail, 2**62), *gaps]
    return ",".join(f"{low}:{high}" for low, high in spans)


def _fill(
    connection: sqlite3.Connection,
    catalog: Catalog,
    cover: tuple[Any, ...],
    now_us: int,
    display: Any,
    part_path: str,
) -> None:
    expanded: Catalog = cover[2]
    repeats = expanded is not catalog  # ``_cover`` expands only a catalog with a series
    # Each row's place in file order: its place in the expanded catalog when nothing repeats
    # (no mapping kept for a big file), else looked up (occurrences have none).
    file_seq = None
    if repeats:
        in_file = (entry for it in catalog.items for entry in it.entries)
        file_seq = {id(entry): seq for seq, entry in enumerate(in_file)}
    entries = [entry for it in expanded.items for entry in it.entries]
    item_of = array("l", (item for item, it in enumerate(expanded.items) for _ in it.entries))
    # Only the order is kept, and the rows made one at a time in rank order (all of a big
    # file's rows at once would cost more memory than its parse).
    at_us, order = rank_order(entries)
    if expanded is catalog:  # the command's own listing needs the same order: no second sort
        catalog.in_order([entries[n] for n in order])

    def rows(ranks: range) -> Iterator[tuple[Any, ...]]:
        for rank in ranks:
            n = order[rank]
            row = (
                rank,
                *_entry_row(
                    _seq(file_seq, n, entries), item_of[n], entries[n], at_us[n], now_us, display
                ),
            )
            yield (*row, row_check(row))

    # Both CPUs: the later 70% of the ranks (the dates ahead among them, whose texts are
    # rendered) are made by a forked child while this process writes the items, the series and
    # the first 30%, about even halves of the work (a 10k file: ~0.55 s of CPU each on the
    # shared VM); SQLite then copies the child's rows in.
    count = len(order)
    cut = count * 3 // 10 if _two_processes(count) else count
    part = None
    if cut < count:
        try:
            part = _start_part(part_path, rows(range(cut, count)))
        except OSError:  # no process to be had (EAGAIN, ENOMEM): all the rows made here
            cut = count
    try:
        items = (
            _item_row(seq, item, len(grown.entries), repeats)
            for seq, (item, grown) in enumerate(zip(catalog.items, expanded.items, strict=True))
        )
        connection.executemany(
            f"INSERT INTO items VALUES ({', '.join('?' * len(ITEM_COLUMNS))})",
            ((*row, row_check(row)) for row in items),
        )
        in_file_order = (
            (item, entry) for item, it in enumerate(catalog.items) for entry in it.entries
        )
        series = (
            _series_row(seq, item, entry)
            for seq, (item, entry) in enumerate(in_file_order)
            if entry.recurrence is not None
        )
        connection.executemany(
            f"INSERT INTO series VALUES ({', '.join('?' * len(SERIES_COLUMNS))})",
            ((*row, row_check(row)) for row in series),
        )
        connection.executemany(_INSERT_ENTRIES, rows(range(cut)))
        if part is not None:
            if _finish_part(part):
                # SQLite copies the child's rows as they are: no value goes through Python.
                # (Left attached: a database cannot be detached inside the transaction, and
                # the connection is closed once the index is complete.)
                connection.execute("ATTACH DATABASE ? AS part", (part[1],))
                connection.execute("INSERT INTO entries SELECT * FROM part.entries")
            else:  # the child failed: the same rows here (and the same error, if one)
                connection.executemany(_INSERT_ENTRIES, rows(range(cut, count)))
    finally:
        if part is not None:
            _finish_part(part)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(part[1])


_NAMES = ", ".join(f'"{name}"' for name in ENTRY_COLUMNS)
_INSERT_ENTRIES = f"INSERT INTO entries ({_NAMES}) VALUES ({', '.join('?' * len(ENTRY_COLUMNS))})"
PARALLEL_FROM = 10_000  # entries rows: below this a second process saves less than it costs


def _two_processes(count: int) -> bool:
    """Whether to make part of the entries rows in a forked child: a big index, a second CPU,
    ``os.fork``, and no other thread (a fork copies only the calling one: a lock another holds
    would stay locked in the child). Not when SIGCHLD is ignored (a disposition inherited through
    exec from a parent that ignores it): the kernel reaps the child, whose status, and so
    whether its part is whole, is lost (``_finish_part``); its work would be done twice."""
    import signal
    import threading

    return (
        count >= PARALLEL_FROM
        and hasattr(os, "fork")
        and (os.cpu_count() or 1) > 1
        and threading.active_count() == 1
        and signal.getsignal(signal.SIGCHLD) is not signal.SIG_IGN
    )


def _start_part(path: str, rows: Iterator[tuple[Any, ...]]) -> list[Any]:
    """Fork a child that writes ``rows`` to the table ``entries`` of a database of its own at
    ``path``; [its pid or None once reaped, ``path``, whether it succeeded].

    The child leaves at once, never through this function's caller: whatever it meets, even
    an interrupt as ``os.fork`` returns (before a ``try`` of its own), ends it here. Escaping,
    it ran the writer's clean-up (deleting this process's temporary index) and the command's
    own handling of the interrupt a second time."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    parent = os.getpid()
    try:
        pid = os.fork()
        if pid == 0:  # the child: write, then leave at once (no teardown, no parent's handlers)
            _write_part(path, rows)
            os._exit(0)
    except BaseException:
        if os.getpid() != parent:
            os._exit(1)
        raise
    return [pid, path, False]


def _write_part(path: str, rows: Iterator[tuple[Any, ...]]) -> None:
    """The child's work (``_start_part``): ``rows`` into a database of its own."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode = OFF")
    connection.execute("PRAGMA synchronous = OFF")
    connection.executescript(SCHEMA)
    connection.execute("BEGIN")
    connection.executemany(_INSERT_ENTRIES, rows)
    connection.execute("COMMIT")
    connection.close()


def _finish_part(part: list[Any]) -> bool:
    """Wait for the child of ``_start_part`` (once); whether it wrote every one of its rows.
    A child reaped by another (SIGCHLD ignored: ``waitpid`` fails once it has gone) counts as
    failed: its rows are then made here."""
    if part[0] is not None:
        try:
            _, status = os.waitpid(part[0], 0)
        except ChildProcessError:
            status = -1
        part[0] = None
        part[2] = status != -1 and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    return bool(part[2])


def rank_order(entries: list[Entry]) -> tuple[array[int], list[int]]:
    """Each entry's ``micros(at)``, and the entries' indices in ``timeline.sort_key`` order.

    The same order as sorting by ``sort_key`` itself (a test compares them), made by three
    stable sorts on its fields from the last to the first: a key tuple per entry (~150 bytes
    with its numbers) would be the largest thing a first load of a big file holds.
    """
    at_us = array("q", (entry.at_us for entry in entries))
    order = sorted(range(len(entries)), key=lambda n: entries[n].position)
    order.sort(key=lambda n: entries[n].opportunity.id)
    order.sort(key=at_us.__getitem__)
    return at_us, order


def _seq(file_seq: dict[int, int] | None, n: int, entries: list[Entry]) -> int | None:
    return n if file_seq is None else file_seq.get(id(entries[n]))


def _instants(entry: Entry) -> tuple[str, str | None, str | None, str | None, int]:
    """at, end, previous and the series' until as RFC 3339 text in the entry's own zone (the
    only zone stored), with each one's fold (bits 0-3 of ``folds``: the repeated hour)."""
    zone, at = entry.zone, entry.at
    if at.tzinfo is not zone:
        raise ValueError("an instant outside the entry's zone")
    texts: list[str | None] = [at.isoformat(), None, None, None]
    folds = at.fold
    until = entry.recurrence.until if entry.recurrence is not None else None
    others = (entry.end, entry.previous, until)
    if others != (None, None, None):  # most dates: a single moment, nothing more to write
        for bit, moment in enumerate(others, start=1):
            if moment is not None:
                if moment.tzinfo is not zone:
                    raise ValueError("an instant outside the entry's zone")
                folds |= moment.fold << bit
                texts[bit] = moment.isoformat()
    at_text, end, previous, until_text = texts
    assert at_text is not None
    return at_text, end, previous, until_text, folds


def _item_row(seq: int, item: Any, entries: int, repeats: bool) -> tuple[Any, ...]:
    """The row of ``ITEM_COLUMNS`` but ``crc`` (``repeats``: whether any date of the catalog
    does, else no item has a series to count)."""
    series = sum(e.recurrence is not None for e in item.entries) if repeats else 0
    opportunity = encode(item.opportunity)
    return (seq, item.id, str(item.path), item.zone.key, opportunity, entries, series)


def _series_row(seq: int, item: int, entry: Entry) -> tuple[Any, ...]:
    """The row of ``SERIES_COLUMNS`` but ``crc``: a repeating date as the file gives it."""
    at, end, previous, until, folds = _instants(entry)
    assert entry.recurrence is not None
    return (
        seq,
        item,
        entry.position,
        entry.label,
        at,
        end,
        int(entry.all_day),
        int(entry.tentative),
        entry.source,
        previous,
        folds,
        entry.recurrence.body,
        until,
        entry.recurrence.count,
    )


def _entry_row(
    seq: int | None, item: int, entry: Entry, at_us: int, now_us: int, display: Any
) -> tuple[Any, ...]:
    """The row of ``ENTRY_COLUMNS`` but ``rank`` and ``crc``, as SQLite will give it back (ints,
    not bools); ``at_us`` is ``micros(entry.at)``, worked out once for the sort."""
    at, end, previous, until, folds = _instants(entry)
    recurrence = entry.recurrence
    due_us, start_us = entry.due_us, entry.start_us
    head = middle = tail = remind = None
    if due_us >= now_us:
        head, middle, tail = record_pieces(entry)
        if display is not None:
            remind = remind_rest(entry, display)
    return (
        seq,
        item,
        entry.opportunity.id,
        entry.position,
        entry.label,
        at,
        end,
        at_us,
        due_us,
        start_us,
        int(entry.all_day),
        int(entry.tentative),
        entry.source,
        previous,
        folds,
        entry.occurrence if recurrence is not None else None,
        recurrence.body if recurrence is not None else None,
        until,
        recurrence.count if recurrence is not None else None,
        int(recurrence is not None and not recurrence.bounded),
        head,
        middle,
        tail,
        remind,
    )


def remind_rest(entry: Entry, display: Any) -> str:
    from ccal.render.remind import remind_rest

    return remind_rest(entry, display)
