"""Which reminders are due: the one rule for ``ccal notify``, and its sent-log.

Standard library only: the fast path asks ``pending`` whether anything is due before Typer or
pydantic load (the common answer, every few minutes all day, is "nothing").

The rule, for each date ahead in scope, each channel and the thresholds before the date: once
``now`` is past one or more thresholds, the latest of them is sent once -- unless the sent-log
already has it for that channel. Older thresholds passed at the same time (the machine was off)
are covered by it: one catch-up message, marked late, never a burst. A date that has come sends
nothing. The log keys each message by (id, label, the date's instant, threshold, channel), so a
moved date re-arms every threshold, and a channel that failed is simply still due next run.
"""

from __future__ import annotations

import json
import os
from typing import Any

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: importing typing costs the fast path
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

SECOND_US = 1_000_000
DEFAULT_THRESHOLDS = ("7d", "1d", "2h")
DEFAULT_LATE_AFTER = "1h"
DEFAULT_CHANNELS = {"desktop": {"type": "desktop"}}
KEEP_PASSED_US = 30 * 86400 * SECOND_US  # log lines of dates this long past are dropped


def threshold_seconds(text: str) -> int:
    """``7d`` → 604800: a threshold as elapsed seconds; ValueError when it is not one."""
    from ccal.clock import TimeInputError, parse_duration

    try:
        span = parse_duration(text)
    except TimeInputError as exc:
        raise ValueError(str(exc)) from None
    if span.years or span.months:
        raise ValueError(f"'{text}': use weeks, days, hours or minutes (months vary in length)")
    seconds = span.days * 86400 + span.seconds
    if seconds <= 0:
        raise ValueError(f"'{text}' is no time at all")
    return seconds


def thresholds_for(
    thresholds: Iterable[str], by_status: dict[str, list[str]], status: str | None
) -> list[int]:
    """The thresholds (seconds, largest first) for an entry of ``status``: its own list in
    ``by_status`` if it has one, else the general ``thresholds`` -- except that what is marked
    ``done`` or ``dropped`` is not reminded about unless ``by_status`` names it."""
    if status in ("done", "dropped") and status not in by_status:
        return []
    chosen = by_status.get(status, thresholds) if status else thresholds
    return sorted({threshold_seconds(t) for t in chosen}, reverse=True)


def duration_label(seconds: int) -> str:
    """``604800`` → ``7d``, ``5400`` → ``1h30m``: a threshold as the log and messages say it."""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, rest = divmod(rest, 60)
    parts = [f"{n}{u}" for n, u in ((days, "d"), (hours, "h"), (minutes, "m"), (rest, "s")) if n]
    return "".join(parts) or "0s"


def instant_text(micros: int) -> str:
    """An instant in microseconds since 1970 as RFC 3339 UTC (``2022-12-02T17:00:00Z``)."""
    from datetime import UTC, datetime, timedelta

    moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


class Candidate:
    """A date ahead that may need reminding about: its opportunity, label, instant, status."""

    __slots__ = ("at_us", "label", "opportunity_id", "status")

    def __init__(self, opportunity_id: str, label: str, at_us: int, status: str | None) -> None:
        self.opportunity_id, self.label, self.at_us, self.status = (
            opportunity_id,
            label,
            at_us,
            status,
        )


class Due:
    """One reminder to send: a date, the threshold it is for, the channels still owed it."""

    __slots__ = ("candidate", "channels", "crossed_us", "late", "moved_from_us", "threshold")

    def __init__(
        self,
        candidate: Candidate,
        threshold: int,
        crossed_us: int,
        late: bool,
        moved_from_us: int | None,
        channels: list[str],
    ) -> None:
        self.candidate, self.threshold, self.crossed_us = candidate, threshold, crossed_us
        self.late, self.moved_from_us, self.channels = late, moved_from_us, channels

    def record(self, channel: str, now_us: int) -> dict[str, Any]:
        """The sent-log line for this reminder on ``channel``."""
        c = self.candidate
        return {
            "id": c.opportunity_id,
            "label": c.label,
            "at": instant_text(c.at_us),
            "threshold": duration_label(self.threshold),
            "channel": channel,
            "sent": instant_text(now_us),
        }


def key(opportunity_id: str, label: str, at: str, threshold: str, channel: str) -> str:
    return "\x1f".join((opportunity_id, label, at, threshold, channel))


class SentLog:
    """What was sent: a JSON file in the user state dir (replaced atomically, under the lock)."""

    def __init__(self, path: str, records: list[dict[str, Any]]) -> None:
        self.path = path
        self.records = records
        self.keys = {key(*(r[k] for k in _KEY_FIELDS)) for r in records}
        # (id, label, channel) -> the instants reminded about, latest sent last
        self.instants: dict[tuple[str, str, str], list[str]] = {}
        for r in records:
            self.instants.setdefault((r["id"], r["label"], r["channel"]), []).append(r["at"])

    @classmethod
    def read(cls, path: str) -> SentLog:
        """The log at ``path`` (empty if none); ValueError when it is not one of ccal's."""
        try:
            with open(path, encoding="utf-8") as handle:
                data = json.load(handle)
        except FileNotFoundError:
            return cls(path, [])
        if not isinstance(data, dict) or data.get("version") != 1:
            raise ValueError(f"{path}: not a ccal sent-log")
        records = data.get("sent")
        if not isinstance(records, list) or not all(
            isinstance(r, dict) and all(isinstance(r.get(k), str) for k in _FIELDS) for r in records
        ):
            raise ValueError(f"{path}: not a ccal sent-log")
        return cls(path, records)

    def has(self, due: Due, channel: str) -> bool:
        c = due.candidate
        at = instant_text(c.at_us)
        return key(c.opportunity_id, c.label, at, duration_label(due.threshold), channel) in (
            self.keys
        )

    def text(self, now_us: int) -> str:
        """The log to write: every line, but those of dates long past (nothing re-arms them)."""
        cutoff = instant_text(now_us - KEEP_PASSED_US)
        kept = [r for r in self.records if r["at"] >= cutoff]  # RFC 3339 UTC sorts as time
        return json.dumps({"version": 1, "sent": kept}, ensure_ascii=False, indent=1) + "\n"

    def add(self, record: dict[str, Any]) -> None:
        self.records.append(record)
        self.keys.add(key(*(record[k] for k in _KEY_FIELDS)))
        self.instants.setdefault((record["id"], record["label"], record["channel"]), []).append(
            record["at"]
        )


_KEY_FIELDS = ("id", "label", "at", "threshold", "channel")
_FIELDS = (*_KEY_FIELDS, "sent")


def pending(
    candidates: Iterable[Candidate],
    thresholds_for: Callable[[str | None], list[int]],
    channels: list[str],
    log: SentLog,
    now_us: int,
    late_after: int,
) -> list[Due]:
    """Every reminder due at ``now_us`` (see the module docstring), soonest date first."""
    found: list[Due] = []
    for candidate in sorted(candidates, key=lambda c: (c.at_us, c.opportunity_id, c.label)):
        if candidate.at_us <= now_us:
            continue  # the date has come: reminding now helps nobody
        crossed = [
            t for t in thresholds_for(candidate.status) if candidate.at_us - t * SECOND_US <= now_us
        ]
        if not crossed:
            continue
        latest = min(crossed)  # the threshold passed most recently
        crossed_us = candidate.at_us - latest * SECOND_US
        due = Due(
            candidate,
            latest,
            crossed_us,
            late=now_us - crossed_us > late_after * SECOND_US,
            moved_from_us=None,
            channels=[],
        )
        due.channels = [channel for channel in channels if not log.has(due, channel)]
        if not due.channels:
            continue
        due.moved_from_us = _moved_from(candidate, due.channels, log)
        found.append(due)
    return found


def _moved_from(candidate: Candidate, channels: list[str], log: SentLog) -> int | None:
    """The instant this date was last reminded about, when that is not where it is now (the
    date moved since): the message says by how much. None once the new instant was reminded."""
    from datetime import datetime

    at = instant_text(candidate.at_us)
    for channel in channels:
        seen = log.instants.get((candidate.opportunity_id, candidate.label, channel), [])
        if seen and at not in seen:
            previous = datetime.fromisoformat(seen[-1].replace("Z", "+00:00"))
            return int(previous.timestamp()) * SECOND_US
    return None


def save(log: SentLog, now_us: int) -> None:
    """Replace the log atomically (``store.atomic_write``)."""
    from pathlib import Path

    from ccal.store import atomic_write

    atomic_write(Path(log.path), log.text(now_us).encode("utf-8"), create_parents=True)


def lock_name(log_path: str) -> str:
    """The lock two ``ccal notify`` runs share: the second waits, then finds the log updated."""
    return os.path.join(os.path.dirname(log_path), ".notify.lock")
