"""Hot read-only invocations answered from the index with the standard library alone.

Shell prompts, status bars and cron call ``ccal`` often; Typer and pydantic cost ~150 ms before a
command runs. ``__main__`` asks ``answer(argv)`` first. It recognises a strict, small grammar::

    ccal upcoming [--json] [--limit|-n N] [--within D] [--until W] [--kind|-k K]... [--tag|-t T]...
                  [--search|-s S] [--organiser O] [--as-of W] [--tz Z] [--data F]...
    ccal countdown [ID] [--once] [filters] [--as-of W] [--tz Z] [--data F]...
    ccal list [--dates | --all|-a | --past] [--limit|-n N] [filters] [--as-of W] [--tz Z]
              [--data F]...
    ccal show ID [--as-of W] [--tz Z] [--data F]...
    ccal deadlines (ID | --call|-c ID) [--json] [--as-of W] [--tz Z] [--data F]...
    ccal remind [--json] [--exit-status] [--within D] [--until W] [filters] [--as-of W] [--tz Z]
                [--data F]...

(and ``CCAL_NOW``, ``CCAL_TZ``, ``CCAL_DATA``) and answers over a trusted index. Which rows, and
each one's status, is ``timeline.select`` -- the function ``query.select_listing`` calls for the
Typer app -- over the index's rows in sort order. The JSON records were rendered by
``render.json.entry_record`` when the index was built; here only the two values that depend on
"now" (``seconds_left``, ``status``) are spliced in, so the common call imports ``sqlite3``,
``timeline`` and nothing else of ccal's core. Options that need parsing (``--as-of``,
``--within``, filters, remind's text) import the core's own functions (``clock``, ``query``,
``render``) lazily. With no trusted index (missing or stale: the first call after a change),
the files are read and indexed here, as the Typer app would (``index.first_load``), and the
call answered from the new index. Anything else -- another form, any error to report, a
corrupt index, ``CCAL_NO_FASTPATH=1`` or ``CCAL_NO_CACHE=1`` -- returns None *before printing
anything*, and the Typer app answers as if this module did not exist (given what was read, if
anything: the files are never read twice). A bug here is no error to
report: with ``CCAL_DEBUG=1`` it is raised, not handed over. Adding a command is one grammar
entry and one small function.
"""

from __future__ import annotations

import os
import sys

from ccal import timeline
from ccal.index.fastargs import (
    FILTER_OPTIONS,
    FLAG,
    MANY,
    SESSION_OPTIONS,
    VALUE,
    Session,
    open_session,
    parse,
    switched_on,
)
from ccal.index.records import listing, splice

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: importing typing costs this path ~3 ms
if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable, Iterable
    from typing import Any

    Chosen = list[tuple[sqlite3.Row, timeline.Status]]  # rows ``timeline.select`` kept

# --- the hot commands: each returns (output, exit code), or None to let the Typer app answer ----


def _limit(values: dict[str, Any]) -> int | bool | None:
    """``--limit`` as Click's INT reads it (None: not given), or False for a usage error the
    Typer app words ("two", 0)."""
    limit = values.get("limit")
    if limit is None:
        return None
    try:
        number = int(limit)
    except ValueError:
        return False
    return number if number >= 1 else False


def _list(values: dict[str, Any], positional: list[str]) -> tuple[str, int] | None:
    """``ccal list``'s table of opportunities (``_items``), or with ``--dates`` of what is
    ahead (no ``--past``, ``--all``): the ``upcoming`` selection under the title "Dates"
    (``cli.listing.list_``). No ``--from``, ``--to``."""
    limit = _limit(values)
    if positional or values.get("json") or limit is False or not _known_kinds(values):
        return None
    every, past = values.get("all"), values.get("past")
    if every and past:  # a usage error: the Typer app words it
        return None
    if not values.get("dates"):
        return _items(values, "all" if every else "past" if past else "upcoming", limit)
    if every or past:
        return None
    session = open_session(values)
    if session is None or not _with_marks(session):
        return None
    chosen = _selected(session, values, None, None, limit)
    from ccal.render import table

    if not chosen:
        return _print(table.nothing_listed("upcoming"))
    return _print(_upcoming_fitted(session, chosen, "Dates", values))


def _items(values: dict[str, Any], scope: Any, limit: int | None) -> tuple[str, int] | None:
    """``cli.listing.list_``'s table of opportunities, by ``index.items.items_table`` (the
    Typer app's too, over a trusted index): rows found in one pass over the index, each
    opportunity decoded as its chunk is drawn, so a table of 100,000 holds a chunk at a time."""
    session = open_session(values)
    if session is None or not _with_marks(session):
        return None
    from ccal.index.items import items_table
    from ccal.render.table import heading

    now, zone = session.now(), session.zone()
    title = heading("Opportunities", now, zone, zone_from=_zone_from(values))
    shown = items_table(
        session.index, now, zone, scope, _filters(values), session.marks, limit, title
    )
    return None if shown is None else _print(shown)


def _zone_from(values: dict[str, Any]) -> str | None:
    """Where the display zone came from, as ``cli.options.session_from`` says it."""
    return "--tz" if values.get("tz") else "CCAL_TZ" if os.environ.get("CCAL_TZ") else None


def _upcoming(values: dict[str, Any], positional: list[str]) -> tuple[str, int] | None:
    limit = _limit(values)
    if positional or not _known_kinds(values) or limit is False:
        return None
    within, until = values.get("within"), values.get("until")
    if within and until:
        return None
    session = open_session(values)
    if session is None or not _with_marks(session):
        return None
    rows = _selected(session, values, within, until, limit)
    if not values.get("json"):
        return _upcoming_table(session, values, rows)
    return _listing(session, rows) + "\n", 0


def _upcoming_table(
    session: Session, values: dict[str, Any], chosen: Chosen
) -> tuple[str, int] | None:
    """``cli.listing.upcoming``'s table, by the same ``render.table.upcoming_table`` over a
    ``query.Listing`` of only the rows shown (whole entries made from them, ``Index.entries``):
    Rich is imported, pydantic and Typer are not. Nothing to show is handed over (what is
    near, said by ``nothing_upcoming``, needs the whole catalog)."""
    if not chosen:
        return None
    return _print(_upcoming_fitted(session, chosen, "Upcoming", values))


def _upcoming_fitted(session: Session, chosen: Chosen, what: str, values: dict[str, Any]) -> Any:
    """``render.table.upcoming_table`` of the rows chosen, under the heading ``what``: its
    entries made a chunk at a time as it is drawn (``reader.Entries``), its widths from the
    rows (``render.table.Shown``: ids and countdowns from their columns, When texts only as
    far as a width needs them), so a table of every row starts printing at once."""
    from ccal.query import Listing
    from ccal.render import table
    from ccal.render.timefmt import time_left_us, when_both

    rows = [row for row, _status in chosen]
    entries = session.index.lazy_entries(rows)
    statuses = {(row["opportunity_id"], row["position"]): status for row, status in chosen}
    now, zone, now_us = session.now(), session.zone(), session.now_us
    listing = Listing(entries, statuses, now, zone, session.marks)
    lefts = [time_left_us(row["at_us"], row["start_us"], row["due_us"], now_us) for row in rows]
    whens = (when_both(entry, zone, "\n") for entry in entries)
    shown = table.Shown((row["opportunity_id"] for row in rows), lefts, whens)
    title = table.heading(what, now, zone, zone_from=_zone_from(values))
    return table.upcoming_table(listing, title, shown)


def _print(*parts: Any) -> tuple[str, int]:
    """Print as the Typer app prints a table: long ones in chunks, through the pager on a
    terminal (``ccal.paging``); a closed pipe exits quietly, as ``cli.root`` does."""
    from ccal import paging

    console = paging.console()
    try:
        paging.show(console, *parts)
        paging.done(console)
    except BrokenPipeError:
        from ccal.streams import silence_stdout

        silence_stdout()
    return "", 0


def _remind(values: dict[str, Any], positional: list[str]) -> tuple[str, int] | None:
    if positional or not _known_kinds(values):
        return None
    until = values.get("until")
    if until and values.get("within"):  # a usage error: the Typer app words it
        return None
    from ccal.timeline import remind_within

    within = remind_within(values.get("within"), until)  # as ``cli.countdown.remind``
    session = open_session(values)
    if session is None or not _with_marks(session):
        return None
    rows = _selected(session, values, within, until, None)
    code = 1 if values.get("exit_status") and not rows else 0
    if values.get("json"):
        return _listing(session, rows) + "\n", code
    return "".join(line + "\n" for line in _remind_lines(session, rows)), code


def _remind_lines(session: Session, chosen: Chosen) -> list[str]:
    """``render.remind.remind_lines``: the countdown (``spans``, as ``render.timefmt.time_left``
    words it) before the rest of each line as the index rendered it ahead, by
    ``render.remind.remind_rest``, for its zone."""
    zone = session.zone()
    rows = [row for row, _status in chosen]
    if all(row["remind"] for row in rows) and getattr(zone, "key", None) == (
        session.index.remind_zone
    ):
        from ccal.spans import compact_countdown, under_way_text

        now_us = session.now_us
        lines = []
        for row in rows:
            at_us, due_us, start_us = row["at_us"], row["due_us"], row["start_us"]
            if timeline.under_way(start_us, due_us, now_us):
                left = under_way_text(timeline.seconds_left(now_us, due_us), compact_countdown)
            else:  # a range ahead counts down to its start (``timeline.countdown_to``)
                to_us = timeline.countdown_to(at_us, start_us, due_us, now_us)
                left = compact_countdown(timeline.seconds_left(now_us, to_us))
            lines.append(f"{left} · {row['remind']}")
        return lines
    from ccal.render.remind import remind_lines  # another zone: rendered here, from entries

    entries = session.index.entries(sorted({row["item"] for row in rows}))
    return remind_lines([entries[row["rank"]] for row in rows], session.now(), zone)


def _deadlines(values: dict[str, Any], positional: list[str]) -> tuple[str, int] | None:
    call = values.get("call")
    given = positional[0] if positional else None
    wanted = call or given
    if len(positional) > 1 or not wanted:
        return None
    if call and given and call != given:
        return None
    session = open_session(values)
    if session is None or not _with_marks(session):
        return None
    rows = session.index.item_rows(wanted)
    if rows is None:  # unknown id: the Typer app words the did-you-mean
        return None
    chosen = timeline.select(_occurring(session, rows, None), session.now_us, _moments, scope="all")
    if not values.get("json"):
        return _deadlines_table(session, chosen)
    return _listing(session, chosen) + "\n", 0


def _deadlines_table(session: Session, chosen: Chosen) -> tuple[str, int] | None:
    """``cli.listing.deadlines``'s table and summary line, by ``render.table`` over the rows of
    the one opportunity; an undated one (no rows) is handed over."""
    if not chosen:
        return None
    from ccal.render import table

    listing = _table_listing(session, chosen)
    first = listing.entries[0]
    title = _title_of(first.opportunity)
    return _print(table.dates_table(listing, title), table.dates_summary(listing))


def _countdown(values: dict[str, Any], positional: list[str]) -> tuple[str, int] | None:
    """``cli.countdown.countdown``'s one line (``--once``, or not a terminal): the entry
    ``query.next_deadline`` picks, asked of only the rows that can be it. The live view,
    ``--json`` and anything to report (nothing ahead, an ID with filters) are handed over."""
    if len(positional) > 1 or values.get("json") or not _known_kinds(values):
        return None
    wanted = positional[0] if positional else None
    filtered = any(values.get(k) for k in ("kind", "tag", "organiser", "search"))
    if wanted and filtered:
        return None
    if not values.get("once"):
        from ccal.paging import _is_terminal  # as ``cli.countdown.stdout_is_terminal``

        if _is_terminal():
            return None
    session = open_session(values)
    if session is None or not _with_marks(session):
        return None
    index, now_us = session.index, session.now_us
    if wanted:
        rows: Iterable[sqlite3.Row] | None = index.item_rows(wanted)
        if rows is None:
            return None
        matches = None
    else:
        rows = index.rows_from(now_us - index.max_span_us)
        matches = _filter(session, values)
        kept = _kept(session)
        if kept is not None:
            only, matches = matches, (lambda row: kept(row) and (only is None or only(row)))
    # Rows come soonest first and a countdown runs to no earlier than ``at - lead_us`` (a range
    # still ahead runs to its start): past the best moment so far, none can be picked.
    best: int | None = None
    candidates = []
    for row in _occurring(session, rows, None):
        if best is not None and row["at_us"] - index.lead_us > best:
            break
        if timeline.is_passed(row["due_us"], now_us) or (matches and not matches(row)):
            continue
        moment = timeline.countdown_to(row["at_us"], row["start_us"], row["due_us"], now_us)
        best = moment if best is None else min(best, moment)
        candidates.append(row)
    if not candidates:
        return None  # nothing ahead: the Typer app words it
    from ccal.query import next_deadline
    from ccal.render.countdown import countdown_line

    entries = index.entries(sorted({row["item"] for row in candidates}))
    target = next_deadline([entries[row["rank"]] for row in candidates], session.now())
    if target is None:
        return None
    return countdown_line(target, session.now(), session.zone()) + "\n", 0


def _show(values: dict[str, Any], positional: list[str]) -> tuple[str, int] | None:
    """``cli.listing.show``'s view (fields, dates table, sources) by ``render.table.item_view``
    over the one opportunity's rows; an unknown id or an undated one is handed over."""
    if len(positional) != 1 or values.get("json"):
        return None
    session = open_session(values)
    if session is None or not _with_marks(session):
        return None
    index = session.index
    rows = index.item_rows(positional[0])
    if not rows:
        return None
    from types import SimpleNamespace

    from ccal.clock import zone_named
    from ccal.query import Listing, statuses
    from ccal.render import table

    shown = list(_occurring(session, rows, None))  # in rank order: ``Entry.sort_key``'s
    entries = index.entries([rows[0]["item"]])
    dated = [entries[row["rank"]] for row in shown]
    now = session.now()
    listing = Listing(dated, statuses(dated, now), now, session.zone(), session.marks)
    found = index._item(rows[0]["item"])
    opportunity = (
        dated[0].opportunity if dated else index.opportunity(found["seq"], SimpleNamespace)
    )
    item = SimpleNamespace(
        opportunity=opportunity, zone=zone_named(found["zone"]), path=found["path"]
    )
    return _print(*table.item_view(item, listing))  # type: ignore[arg-type]


def _title_of(opportunity: Any) -> Any:
    """``render.table.title_of`` of the opportunity's item (it reads only the opportunity)."""
    from types import SimpleNamespace

    from ccal.render.table import title_of

    return title_of(SimpleNamespace(opportunity=opportunity, id=opportunity.id))  # type: ignore[arg-type]


def _table_listing(session: Session, chosen: Chosen) -> Any:
    """The ``query.Listing`` ``select_listing`` gives the Typer app, of only the rows chosen:
    whole entries made from them (``Index.entries_of``)."""
    from ccal.query import Listing

    shown = session.index.entries_of([row for row, _status in chosen])
    statuses = {
        (entry.opportunity.id, entry.position): status
        for entry, (_row, status) in zip(shown, chosen, strict=True)
    }
    marks = session.marks
    return Listing(shown, statuses, session.now(), session.zone(), marks)


def _notify(values: dict[str, Any], positional: list[str]) -> tuple[str, int] | None:
    """``ccal notify`` with nothing to send (see ``pipeline.fastcheck``); else the Typer app."""
    if positional:
        return None
    session = open_session(values)
    if session is None:
        return None
    from ccal.pipeline.fastcheck import nothing_due

    return ("", 0) if nothing_due(session) else None


COMMANDS: dict[str, tuple[dict[str, tuple[str, str]], Callable[..., tuple[str, int] | None]]] = {
    "upcoming": (
        {
            **SESSION_OPTIONS,
            **FILTER_OPTIONS,
            "--limit": ("limit", VALUE),
            "-n": ("limit", VALUE),
            "--within": ("within", VALUE),
            "--until": ("until", VALUE),
        },
        _upcoming,
    ),
    "countdown": (
        {**SESSION_OPTIONS, **FILTER_OPTIONS, "--once": ("once", FLAG)},
        _countdown,
    ),
    "show": (SESSION_OPTIONS, _show),
    "list": (
        {
            **SESSION_OPTIONS,
            **FILTER_OPTIONS,
            "--dates": ("dates", FLAG),
            "--all": ("all", FLAG),
            "-a": ("all", FLAG),
            "--past": ("past", FLAG),
            "--limit": ("limit", VALUE),
            "-n": ("limit", VALUE),
        },
        _list,
    ),
    "deadlines": (
        {**SESSION_OPTIONS, "--call": ("call", VALUE), "-c": ("call", VALUE)},
        _deadlines,
    ),
    "notify": (
        {"--as-of": ("as_of", VALUE), "--tz": ("tz", VALUE), "--data": ("data", MANY)},
        _notify,
    ),
    "remind": (
        {
            **SESSION_OPTIONS,
            **FILTER_OPTIONS,
            "--within": ("within", VALUE),
            "--until": ("until", VALUE),
            "--exit-status": ("exit_status", FLAG),
        },
        _remind,
    ),
}


_NOT_EMPTY = ("as_of", "tz", "within", "until")  # typed empty: an error (``cli.options``)


def _known_kinds(values: dict[str, Any]) -> bool:
    """Whether every ``--kind`` is known, as ``cli.options`` reads them (``rules.chosen``: any
    case, comma lists); ``values["kind"]`` becomes the kinds chosen."""
    kinds = values.get("kind")
    if not kinds:
        return True
    from ccal.rules import KINDS, chosen  # only when asked: each module costs ~0.3 ms

    picked, unknown = chosen(kinds, KINDS)
    values["kind"] = picked
    return bool(picked) and not unknown


def _moments(row: sqlite3.Row) -> tuple[int, int, int, int | None]:
    """What ``timeline.select`` asks of a row (``Entry.moments`` for an ``Entry``)."""
    return row["item"], row["at_us"], row["due_us"], row["start_us"]


def _selected(
    session: Session,
    values: dict[str, Any],
    within: str | None,
    until: str | None,
    limit: int | None,
) -> Chosen:
    """``query.select_listing(catalog, now, zone, filters, window, "upcoming", limit)``, as
    index rows: ``timeline.select`` over them in sort order (SQL only says where to start);
    filters are ``query.Filters`` itself, on the stored opportunity."""
    end_us = end = None
    if until is not None or within is not None:
        from ccal.timeline import window_bounds

        zone, now = session.zone(), session.now()  # ``ahead``: as upcoming and remind ask
        _start, end = window_bounds(zone, now, within=within, until=until, ahead=True)
        assert end is not None
        end_us = timeline.micros(end)
    index, now_us = session.index, session.now_us
    matches = _filter(session, values)
    kept = _kept(session)
    if kept is not None:
        filtered, matches = matches, (lambda row: kept(row) and (filtered is None or filtered(row)))
    return timeline.select(
        _occurring(session, index.rows_from(now_us - index.max_span_us), end),
        now_us,
        _moments,
        high_us=end_us,
        matches=matches,
        limit=limit,
        lead_us=index.lead_us,
    )


class _Uncovered(Exception):
    """The question reaches past the span over which the index expanded series without an end."""


def _occurring(session: Session, rows: Iterable[sqlite3.Row], end: Any) -> Iterable[sqlite3.Row]:
    """The rows of the catalog as the Typer app expands it for this question: an occurrence of
    a series without an end is there only within ``timeline.span`` (``Session.catalog``)."""
    index = session.index
    if not index.open_series:
        return rows
    low, high = timeline.span(session.now(), None, end)
    low_us, high_us = timeline.micros(low), timeline.micros(high)
    cover_low, cover_high = index.cover_us
    if index.capped or low_us < cover_low or high_us > cover_high:
        raise _Uncovered
    if end is None and any(low < low_us and high_us < high for low, high in index.quiet_us):
        raise _Uncovered  # a series with nothing in the span: its next date is not held here
    return (
        row
        for row in rows
        if timeline.occurs(row["open"], row["at_us"], row["due_us"], low_us, high_us)
    )


def _with_marks(session: Session) -> bool:
    """The user's pipeline marks on the session (``pipeline.state``, standard library); False
    when the state file has a problem: the Typer app reports it."""
    from ccal.pipeline.paths import state_file_name

    session.marks = {}
    if not os.path.isfile(state_file_name()):
        return True  # the usual case: nothing more to import
    from ccal.pipeline.state import read_state

    state, problems = read_state()
    session.marks = state.marks
    return not problems


def _ids(session: Session) -> dict[int, str]:
    return dict(session.index.connection.execute("SELECT seq, id FROM items"))


def _kept(session: Session) -> Callable[[sqlite3.Row], bool] | None:
    """What a default listing keeps of the user's pipeline (``pipeline.select.Selection()``):
    None when nothing is marked done or dropped."""
    marks = session.marks
    if not marks:
        return None  # the usual case: the rule's module is not imported (~2.5 M instructions)
    from ccal.pipeline.select import Selection

    selection = Selection()
    hidden = {i for i, mark in marks.items() if not selection.keeps(mark.status)}
    if not hidden:
        return None
    ids = _ids(session)
    return lambda row: ids[row["item"]] not in hidden


def _filters(values: dict[str, Any]) -> Any:
    """The ``query.Filters`` typed (``cli.options.filters_from``), or None for none."""
    if not any(values.get(k) for k in ("kind", "tag", "organiser", "search")):
        return None
    from ccal.query import Filters

    return Filters(
        kinds=tuple(values.get("kind", ())),
        tags=tuple(values.get("tag", ())),
        organiser=values.get("organiser"),
        search=values.get("search"),
    )


def _filter(session: Session, values: dict[str, Any]) -> Callable[[sqlite3.Row], bool] | None:
    filters = _filters(values)
    if filters is None:
        return None
    from types import SimpleNamespace

    opportunities: dict[int, Any] = {}

    def matches(row: sqlite3.Row) -> bool:
        item = row["item"]
        if item not in opportunities:
            opportunities[item] = session.index.opportunity(item, SimpleNamespace)
        return filters.matches(opportunities[item], (row["label"],))

    return matches


def _listing(session: Session, chosen: Chosen) -> str:
    """``render.json.dumps([entry_record(e, now, status) ...])`` from the pre-rendered records."""
    now_us = session.now_us
    pieces = _rendered_later(session, chosen)
    records = []
    for row, status in chosen:
        head, middle, tail = pieces.get(row["rank"]) or (row["head"], row["middle"], row["tail"])
        left = timeline.seconds_left(now_us, row["at_us"])
        records.append(splice(head, middle, tail, left, status))
    marks = session.marks
    if marks:  # ``"mine"``: spliced in as ``render.json.mine_record`` renders it
        ids = _ids(session)
        mine: dict[int, str] = {}
        for number, (row, _status) in enumerate(chosen):
            item = row["item"]
            mark = marks.get(ids[item])
            if mark is not None:
                if item not in mine:
                    mine[item] = _mine_json(mark)
                text = records[number]
                at = text.rindex(_NO_MINE)  # the last key: a title's quotes are escaped
                rest = text[at + len(_NO_MINE) :]
                records[number] = f'{text[:at]}"mine": {mine[item]}{rest}'
    return listing(records)


_NO_MINE = '"mine": null'


def _mine_json(mark: Any) -> str:
    """``render.json.mine_record`` as ``render.json.dumps`` lays it out inside a listing
    record (its keys two levels in)."""
    import json

    from ccal.render.json import mine_record

    return json.dumps(mine_record(mark), ensure_ascii=False, indent=2).replace("\n", "\n    ")


def _rendered_later(session: Session, chosen: Chosen) -> dict[int, tuple[str, str, str]]:
    """The record pieces of rows the index did not render ahead (entries already passed when
    it was built), by the same ``records.record_pieces``."""
    missing = [row for row, _status in chosen if row["head"] is None]
    if not missing:
        return {}
    from ccal.index.records import record_pieces

    entries = session.index.entries(sorted({row["item"] for row in missing}))
    return {row["rank"]: record_pieces(entries[row["rank"]]) for row in missing}


# --- the shared part: grammar, session, output --------------------------------------------------


def answer(argv: list[str]) -> int | None:
    """The exit code after answering ``argv``, or None when the Typer app must answer it."""
    if not argv or argv[0] not in COMMANDS or switched_on("CCAL_NO_FASTPATH"):
        return None
    options, command = COMMANDS[argv[0]]
    parsed = parse(argv[1:], options)
    if parsed is None or any(parsed[0].get(key) == "" for key in _NOT_EMPTY):
        return None  # ``--within ""`` and the like: a usage error the Typer app words
    import sqlite3  # here, not at the top: ``ccal --help`` and the other commands never need it

    from ccal.deferred import defer
    from ccal.index.policy import Corrupt

    defer("inspect")  # the tables' dataclasses (Rich's, ``catalog.Entry``) never call it

    try:
        answered = command(*parsed)
    except (Corrupt, sqlite3.Error):  # a damaged index: the Typer app reads the files, rebuilds
        return None
    except _Uncovered:  # repeating dates the index did not expand so far: the Typer app does
        return None
    except Exception as exc:
        from ccal.clock import TimeInputError

        if isinstance(exc, TimeInputError):  # a bad --as-of, --tz, --within: the Typer app's
            return None  # to word, as a usage error
        # Anything else is a bug: the Typer app still answers, in its words; a developer asks
        # to see it instead with CCAL_DEBUG=1, as ``cli.root`` shows its tracebacks.
        if switched_on("CCAL_DEBUG"):
            raise
        return None
    if answered is None:
        return None
    from ccal.index import forget_loaded

    forget_loaded()  # answered here: nothing read from the files is handed over
    output, code = answered
    return _emit(output, code)


def _emit(text: str, code: int) -> int | None:
    """Print as the Typer app prints; a closed pipe exits quietly, as ``cli.root`` does.

    Output that cannot be written at all (no stdout: started with ``>&-``; a full disk) is no
    answer: None, and the Typer app tries and words the failure as it words it, in one line.
    """
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        from ccal.streams import silence_stdout  # as ``cli.root`` does: exit quietly

        silence_stdout()
    except (OSError, AttributeError):  # AttributeError: ``sys.stdout`` is None
        return None
    return code
