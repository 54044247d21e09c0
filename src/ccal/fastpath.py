"""Hot read-only invocations answered from the index with the standard library alone.

Shell prompts, status bars and cron call ``ccal`` often; Typer and pydantic cost ~150 ms before a
command runs. ``__main__`` asks ``answer(argv)`` first. It recognises a strict, small grammar::

    ccal upcoming --json [--limit|-n N] [--within D] [--until W] [--kind|-k K]... [--tag|-t T]...
                  [--search|-s S] [--organiser O] [--as-of W] [--tz Z] [--data F]...
    ccal deadlines (ID | --call|-c ID) --json [--as-of W] [--tz Z] [--data F]...

(and ``CCAL_NOW``, ``CCAL_TZ``, ``CCAL_DATA``), computes the answer with the core's own functions
(``clock``, ``query``, ``render.json``) over a trusted index, and prints it. Anything else --
another form, any error to report, a missing or stale index, ``CCAL_NO_FASTPATH=1`` or
``CCAL_NO_CACHE=1`` -- returns None *before printing anything*, and the Typer app answers as if
this module did not exist. Adding a command is one grammar entry and one small function.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: importing typing costs this path ~3 ms
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

FLAG, VALUE, MANY = "flag", "value", "many"
_SESSION = {"--json": ("json", FLAG), "--as-of": ("as_of", VALUE), "--tz": ("tz", VALUE)}
_SESSION["--data"] = ("data", MANY)
_FILTERS = {
    "--kind": ("kind", MANY),
    "-k": ("kind", MANY),
    "--tag": ("tag", MANY),
    "-t": ("tag", MANY),
    "--search": ("search", VALUE),
    "-s": ("search", VALUE),
    "--organiser": ("organiser", VALUE),
}
_KINDS = ("talk", "call", "event", "survey")  # the --kind choices (``models.KINDS``)


# --- the hot commands: each returns the text to print, or None to let the Typer app answer ------


def _upcoming(values: dict[str, Any], positional: list[str]) -> str | None:
    from ccal.clock import parse_duration, parse_when
    from ccal.index import statuses_of
    from ccal.query import Filters, Window
    from ccal.render.json import dumps, entry_record

    kinds, limit = values.get("kind", []), values.get("limit")
    if positional or not values.get("json") or any(k not in _KINDS for k in kinds):
        return None
    if limit is not None:
        limit = int(limit)  # what Click's INT does; a ValueError falls through
        if limit < 1:
            return None
    within, until = values.get("within"), values.get("until")
    if within and until:
        return None
    found = _session(values)
    if found is None:
        return None
    index, now, zone = found
    end = None
    if until:
        end = parse_when(until, zone, now=now, day_end=True)
    if within:
        end = parse_duration(within).after(now)
    filters = Filters(
        kinds=tuple(kinds),
        tags=tuple(values.get("tag", ())),
        organiser=values.get("organiser"),
        search=values.get("search"),
    )
    entries = index.upcoming(now, filters, Window(end=end), limit)
    status = statuses_of(index, entries, now)
    return dumps([entry_record(e, now, status[(e.opportunity.id, e.position)]) for e in entries])


def _deadlines(values: dict[str, Any], positional: list[str]) -> str | None:
    from ccal.catalog import Entry
    from ccal.query import statuses
    from ccal.render.json import dumps, entry_record

    call = values.get("call")
    given = positional[0] if positional else None
    wanted = call or given
    if len(positional) > 1 or not values.get("json") or not wanted:
        return None
    if call and given and call != given:
        return None
    found = _session(values)
    if found is None:
        return None
    index, now, _zone = found
    entries = index.item_entries(wanted)
    if entries is None:  # unknown id: the Typer app words the did-you-mean
        return None
    entries.sort(key=Entry.sort_key)
    status = statuses(entries, now)
    return dumps([entry_record(e, now, status[(e.opportunity.id, e.position)]) for e in entries])


COMMANDS: dict[str, tuple[dict[str, tuple[str, str]], Callable[..., str | None]]] = {
    "upcoming": (
        {
            **_SESSION,
            **_FILTERS,
            "--limit": ("limit", VALUE),
            "-n": ("limit", VALUE),
            "--within": ("within", VALUE),
            "--until": ("until", VALUE),
        },
        _upcoming,
    ),
    "deadlines": ({**_SESSION, "--call": ("call", VALUE), "-c": ("call", VALUE)}, _deadlines),
}


# --- the shared part: grammar, session, output --------------------------------------------------


def answer(argv: list[str]) -> int | None:
    """The exit code after answering ``argv``, or None when the Typer app must answer it."""
    if not argv or argv[0] not in COMMANDS or _switched_on("CCAL_NO_FASTPATH"):
        return None
    options, command = COMMANDS[argv[0]]
    parsed = parse(argv[1:], options)
    if parsed is None:
        return None
    try:
        text = command(*parsed)
    except Exception:  # whatever it is, the Typer app reports it (or answers) the usual way
        return None
    if text is None:
        return None
    return _emit(text)


def parse(args: list[str], options: dict[str, tuple[str, str]]):
    """Options (``--name value``, ``--name=value``, ``-x value``) and positionals, as Click does.

    Anything outside that -- ``--``, ``-n5``, ``--help``, an unknown option, a missing value --
    is None: not understood here.
    """
    values: dict[str, Any] = {}
    positional: list[str] = []
    rest = iter(args)
    for arg in rest:
        if not arg.startswith("-"):
            positional.append(arg)
            continue
        name, equals, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name not in options:
            return None
        key, kind = options[name]
        if kind == FLAG:
            if equals:
                return None
            values[key] = True
            continue
        value = inline if equals else next(rest, None)
        if value is None:
            return None
        if kind == MANY:
            values.setdefault(key, []).append(value)
        else:
            values[key] = value  # Click: the last one wins
    return values, positional


def _session(values: dict[str, Any]):
    """``cli.options.session_from`` (plus the open index), or None where it would complain."""
    from datetime import UTC, datetime
    from pathlib import Path

    from ccal.clock import parse_when, system_zone, zone_named
    from ccal.index import Index, disabled
    from ccal.sources import active_sources

    if disabled():
        return None
    as_of = values["as_of"] if "as_of" in values else _env("CCAL_NOW")
    tz = values["tz"] if "tz" in values else _env("CCAL_TZ")
    data = values.get("data")
    if data is None:
        from_env = _env("CCAL_DATA")
        data = from_env.split(os.pathsep) if from_env is not None else None
    if data is not None and not all(data):
        return None
    zone = zone_named(tz) if tz else system_zone()
    now = real_now = datetime.now(UTC)
    if as_of:
        now = parse_when(as_of, zone, now=real_now)
    index = Index.open(active_sources([Path(p) for p in data] if data else None))
    if index is None:
        return None
    return index, now, zone


def _env(name: str) -> str | None:
    """An option's environment variable as Click reads it: empty means unset."""
    return os.environ.get(name) or None


def _switched_on(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


def _emit(text: str) -> int:
    """Print like ``cli.options.print_json``; a closed pipe exits quietly, as ``cli.app`` does."""
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass
    return 0
