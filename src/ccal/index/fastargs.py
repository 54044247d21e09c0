"""The fast path's argv grammar and session: options read exactly as Click and ``cli.options`` read
them, with the standard library alone (see ``fastpath``).

``parse`` understands ``--name value``, ``--name=value`` and ``-x value``; ``session`` is
``cli.options.session_from`` plus the open index, or None wherever that would complain.
"""

from __future__ import annotations

import os
import time

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: importing typing costs this path ~3 ms
if TYPE_CHECKING:
    from datetime import datetime, tzinfo
    from typing import Any

FLAG, VALUE, MANY = "flag", "value", "many"
SESSION_OPTIONS = {"--json": ("json", FLAG), "--as-of": ("as_of", VALUE), "--tz": ("tz", VALUE)}
SESSION_OPTIONS["--data"] = ("data", MANY)
FILTER_OPTIONS = {
    "--kind": ("kind", MANY),
    "-k": ("kind", MANY),
    "--tag": ("tag", MANY),
    "-t": ("tag", MANY),
    "--search": ("search", VALUE),
    "-s": ("search", VALUE),
    "--organiser": ("organiser", VALUE),
}


def parse(
    args: list[str], options: dict[str, tuple[str, str]]
) -> tuple[dict[str, Any], list[str]] | None:
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


class Session:
    """``cli.options.Session`` for the fast path: "now", the display zone and the open index.

    The zone and a ``datetime`` "now" are worked out only when an option needs them: the plain
    hot call needs neither ``zoneinfo`` nor ``ccal.clock``.
    """

    def __init__(self, index: Any, now_us: int, now: Any, zone: Any) -> None:
        self.index, self.now_us, self._now, self._zone = index, now_us, now, zone
        self.marks: dict[str, Any] = {}  # the pipeline marks, read by ``fastpath._with_marks``

    def zone(self) -> Any:
        if self._zone is None:
            from ccal.sources import default_zone

            self._zone = default_zone()
        return self._zone

    def now(self) -> Any:
        """The moment asked about in the display zone, as ``session_from`` gives it."""
        if self._now is None:
            from datetime import UTC, datetime, timedelta

            moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=self.now_us)
            self._now = moment.astimezone(self.zone())
        return self._now


def open_session(values: dict[str, Any]) -> Session | None:
    """``cli.options.session_from`` (plus the open index), or None where it would complain."""
    from ccal.index.policy import disabled
    from ccal.index.reader import Index
    from ccal.sources import source_names

    if disabled():
        return None
    as_of = values["as_of"] if "as_of" in values else _env("CCAL_NOW")
    tz = values["tz"] if "tz" in values else _env("CCAL_TZ")
    data = values.get("data")
    if data is None:
        from_env = _env("CCAL_DATA")  # empty entries skipped, as ``cli.options._data_files`` does
        data = [e for e in from_env.split(os.pathsep) if e] or None if from_env else None
    if data is not None and not all(data):
        return None
    zone: tzinfo | None = None
    now: datetime | None = None
    if tz:
        from ccal.clock import zone_named

        zone = zone_named(tz)
    if as_of:
        from datetime import UTC, datetime

        from ccal.clock import parse_when
        from ccal.sources import default_zone
        from ccal.timeline import micros

        zone = zone or default_zone()
        real_now = datetime.now(UTC).astimezone(zone)
        now = parse_when(as_of, zone, now=real_now).astimezone(zone)
        now_us = micros(now)
    else:
        now_us = time.time_ns() // 1000  # what ``datetime.now(UTC)`` reads, in microseconds
    paths = source_names(data)
    index = Index.open(paths)
    if index is not None:
        return Session(index, now_us, now, zone)
    # No trusted index (the files changed, or none was built yet): read and index the files
    # here, as the Typer app would, and answer from the new index (``index.first_load``).
    from pathlib import Path

    from ccal.index import first_load

    session = Session(None, now_us, now, zone)
    first_load([Path(name) for name in paths], session.now(), session.zone())  # as Click gives
    session.index = Index.open(paths)
    return session if session.index is not None else None


def _env(name: str) -> str | None:
    """An option's environment variable as Click reads it: empty means unset."""
    return os.environ.get(name) or None


def switched_on(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")
