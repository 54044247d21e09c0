"""Hot read-only invocations answered from the index with the standard library alone.

Shell prompts, status bars and cron call ``ccal`` often; Typer and pydantic cost ~150 ms before a
command runs. ``__main__`` asks ``answer(argv)`` first. It recognises a strict, small grammar::

    ccal upcoming --json [--limit|-n N] [--within D] [--until W] [--kind|-k K]... [--tag|-t T]...
                  [--search|-s S] [--organiser O] [--as-of W] [--tz Z] [--data F]...
    ccal deadlines (ID | --call|-c ID) --json [--as-of W] [--tz Z] [--data F]...
    ccal remind [--json] [--exit-status] [--within D] [--until W] [filters] [--as-of W] [--tz Z]
                [--data F]...

(and ``CCAL_NOW``, ``CCAL_TZ``, ``CCAL_DATA``) and answers over a trusted index. The JSON records
were rendered by ``render.json.entry_record`` when the index was built; here only the two values
that depend on "now" (``seconds_left``, ``status``) are spliced in, so the common call imports
``sqlite3`` and nothing of ccal's core. Options that need parsing (``--as-of``, ``--within``,
filters, remind's text) import the core's own functions (``clock``, ``query``, ``render``) lazily.
Anything else -- another form, any error to report, a missing or stale index,
``CCAL_NO_FASTPATH=1`` or ``CCAL_NO_CACHE=1`` -- returns None *before printing anything*, and the
Typer app answers as if this module did not exist. Adding a command is one grammar entry and one
small function.
"""

from __future__ import annotations

import os
import sys

from ccal.fastargs import (
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

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: importing typing costs this path ~3 ms
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

# --- the hot commands: each returns (output, exit code), or None to let the Typer app answer ----


def _upcoming(values: dict[str, Any], positional: list[str]) -> tuple[str, int] | None:
    limit = values.get("limit")
    if positional or not values.get("json") or not _known_kinds(values):
        return None
    if limit is not None:
        limit = int(limit)  # what Click's INT does; a ValueError falls through
        if limit < 1:
            return None
    within, until = values.get("within"), values.get("until")
    if within and until:
        return None
    session = open_session(values)
    if session is None or not _with_marks(session):
        return None
    rows = _selected(session, values, within, until, limit)
    return _listing(session, rows) + "\n", 0


def _remind(values: dict[str, Any], positional: list[str]) -> tuple[str, int] | None:
    if positional or not _known_kinds(values):
        return None
    until = values.get("until")
    if until and values.get("within"):  # a usage error: the Typer app words it
        return None
    from ccal.rules import remind_within

    within = remind_within(values.get("within"), until)  # as ``cli.countdown.remind``
    session = open_session(values)
    if session is None or not _with_marks(session):
        return None
    rows = _selected(session, values, within, until, None)
    code = 1 if values.get("exit_status") and not rows else 0
    if values.get("json"):
        return _listing(session, rows) + "\n", code
    return "".join(line + "\n" for line in _remind_lines(session, rows)), code


def _remind_lines(session: Session, rows: list[tuple]) -> list[str]:
    """``render.remind.remind_lines``: the countdown (``spans``, as ``render.timefmt.time_left``
    words it) before the rest of each line as the index rendered it ahead, by
    ``render.remind.remind_rest``, for its zone."""
    zone = session.zone()
    if all(row[8] for row in rows) and getattr(zone, "key", None) == session.index.remind_zone:
        from ccal.spans import compact_countdown, under_way_text

        now_us = session.now_us
        lines = []
        for _item, _label, at_us, due_us, start_us, *_record, rest, _status, _seq in rows:
            if start_us is not None and start_us <= now_us <= due_us:  # ``query.under_way``
                left = under_way_text((due_us - now_us) // 1_000_000, compact_countdown)
            else:
                left = compact_countdown((at_us - now_us) // 1_000_000)
            lines.append(f"{left} · {rest}")
        return lines
    from ccal.render.remind import remind_lines  # another zone: rendered here, from entries

    entries = session.index.entries(sorted({row[0] for row in rows}))
    return remind_lines([entries[row[10]] for row in rows], session.now(), zone)


def _deadlines(values: dict[str, Any], positional: list[str]) -> tuple[str, int] | None:
    call = values.get("call")
    given = positional[0] if positional else None
    wanted = call or given
    if len(positional) > 1 or not values.get("json") or not wanted:
        return None
    if call and given and call != given:
        return None
    session = open_session(values)
    if session is None or not _with_marks(session):
        return None
    rows = session.index.item_rows(wanted, session.now_us)
    if rows is None:  # unknown id: the Typer app words the did-you-mean
        return None
    return _listing(session, rows) + "\n", 0


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
    kinds = values.get("kind")
    if not kinds:
        return True
    from ccal.rules import KINDS  # only when asked: each module costs the hot call ~0.3 ms

    return all(k in KINDS for k in kinds)


def _selected(
    session: Session, values: dict[str, Any], within: str | None, until: str | None, limit
) -> list[tuple]:
    """``query.select_entries(catalog, now, filters, window, "upcoming", limit)``, as index rows.

    SQL gives the entries not passed and inside the window, in ``Entry.sort_key`` order, with
    ``query.statuses``' status; filters are ``query.Filters`` itself, on the stored opportunity.
    """
    end_us = None
    if until is not None or within is not None:
        from ccal.index import micros
        from ccal.rules import window_bounds

        _start, end = window_bounds(session.zone(), session.now(), within=within, until=until)
        assert end is not None
        end_us = micros(end)
    matches = _filter(session, values)
    kept = _kept(session)
    if kept is not None:
        filtered, matches = matches, (lambda row: kept(row) and (filtered is None or filtered(row)))
    chosen = []
    for row in session.index.upcoming_rows(session.now_us, end_us):
        if matches is None or matches(row):
            chosen.append(row)
            if limit is not None and len(chosen) >= limit:
                break
    return chosen


def _with_marks(session: Session) -> bool:
    """The user's pipeline marks on the session (``pipeline.state``, standard library); False
    when the state file has a problem: the Typer app reports it."""
    from ccal.pipeline.paths import state_file_name

    session.marks = {}  # type: ignore[attr-defined]
    if not os.path.isfile(state_file_name()):
        return True  # the usual case: nothing more to import
    from ccal.pipeline.state import read_state

    state, problems = read_state()
    session.marks = state.marks  # type: ignore[attr-defined]
    return not problems


def _ids(session: Session) -> dict[int, str]:
    return dict(session.index.connection.execute("SELECT seq, id FROM items"))


def _kept(session: Session) -> Callable[[tuple], bool] | None:
    """What a default listing keeps of the user's pipeline (``pipeline.select.Selection()``):
    None when nothing is marked done or dropped."""
    from ccal.pipeline.select import Selection

    marks = session.marks  # type: ignore[attr-defined]
    selection = Selection()
    hidden = {i for i, mark in marks.items() if not selection.keeps(mark.status)}
    if not hidden:
        return None
    ids = _ids(session)
    return lambda row: ids[row[0]] not in hidden


def _filter(session: Session, values: dict[str, Any]) -> Callable[[tuple], bool] | None:
    if not any(values.get(k) for k in ("kind", "tag", "organiser", "search")):
        return None
    from types import SimpleNamespace

    from ccal.query import Filters

    filters = Filters(
        kinds=tuple(values.get("kind", ())),
        tags=tuple(values.get("tag", ())),
        organiser=values.get("organiser"),
        search=values.get("search"),
    )
    opportunities: dict[int, Any] = {}

    def matches(row: tuple) -> bool:
        item = row[0]
        if item not in opportunities:
            opportunities[item] = session.index.opportunity(item, SimpleNamespace)
        return filters.matches(opportunities[item], (row[1],))

    return matches


def _listing(session: Session, rows: list[tuple]) -> str:
    """``render.json.dumps([entry_record(e, now, status) ...])`` from the pre-rendered records."""
    from ccal.index import listing, splice

    now_us = session.now_us
    pieces = _rendered_later(session, rows)
    # ``clock.seconds_between``: whole seconds, rounded towards minus infinity.
    texts = []
    for _i, _l, at_us, _d, _e, head, middle, tail, _r, status, seq in rows:
        head, middle, tail = pieces.get(seq, (head, middle, tail))
        texts.append(splice(head, middle, tail, (at_us - now_us) // 1_000_000, status))
    marks = session.marks  # type: ignore[attr-defined]
    if marks:
        ids = _ids(session)
        mine = {}
        for number, row in enumerate(rows):
            mark = marks.get(ids[row[0]])
            if mark is not None:
                if row[0] not in mine:
                    mine[row[0]] = _mine_json(mark)
                text = texts[number]
                at = text.rindex(_NO_MINE)  # the last key: a title's quotes are escaped
                rest = text[at + len(_NO_MINE) :]
                texts[number] = f'{text[:at]}"mine": {mine[row[0]]}{rest}'
    return listing(texts)


_NO_MINE = '"mine": null'


def _mine_json(mark: Any) -> str:
    """``pipeline.select.mine_record`` as ``render.json.dumps`` lays it out inside a listing
    record (its keys two levels in)."""
    import json

    from ccal.pipeline.select import mine_record

    return json.dumps(mine_record(mark), ensure_ascii=False, indent=2).replace("\n", "\n    ")


def _rendered_later(session: Session, rows: list[tuple]) -> dict[int, tuple[str, str, str]]:
    """The record pieces of rows the index did not render ahead (entries already passed when
    it was built), by the same ``index_write.record_pieces``."""
    missing = [row for row in rows if row[5] is None]
    if not missing:
        return {}
    from ccal.index_write import record_pieces

    entries = session.index.entries(sorted({row[0] for row in missing}))
    return {row[10]: record_pieces(entries[row[10]]) for row in missing}


# --- the shared part: grammar, session, output --------------------------------------------------


def answer(argv: list[str]) -> int | None:
    """The exit code after answering ``argv``, or None when the Typer app must answer it."""
    if not argv or argv[0] not in COMMANDS or switched_on("CCAL_NO_FASTPATH"):
        return None
    options, command = COMMANDS[argv[0]]
    parsed = parse(argv[1:], options)
    if parsed is None or any(parsed[0].get(key) == "" for key in _NOT_EMPTY):
        return None  # ``--within ""`` and the like: a usage error the Typer app words
    try:
        answered = command(*parsed)
    except Exception:  # whatever it is, the Typer app reports it (or answers) the usual way
        return None
    if answered is None:
        return None
    output, code = answered
    return _emit(output, code)


def _emit(text: str, code: int) -> int:
    """Print as the Typer app prints; a closed pipe exits quietly, as ``cli.app`` does."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
    return code
