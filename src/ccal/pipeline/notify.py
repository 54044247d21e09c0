"""``ccal notify``: work out what is due (``due.pending``), send it on every channel, and record
each delivery in the sent-log -- one channel at a time, so a failing one stays due while the
others are done. Runs hold a lock: a second run waits, then finds the log already updated."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from ccal.pipeline import due as rules
from ccal.pipeline.notify_config import NotifySettings

if TYPE_CHECKING:
    from ccal.catalog import Entry
    from ccal.pipeline.select import Selection


@dataclass
class Report:
    """What a run did: (channel, notification) sent or that would be, and one line per failure."""

    sent: list[tuple[str, Any]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def selection_for(settings: NotifySettings) -> Selection:
    """The entries in scope: ``mine`` as ``--mine``, ``all`` as a default listing."""
    from ccal.pipeline.select import Selection

    return Selection(mine=settings.scope == "mine")


def horizon(settings: NotifySettings) -> int:
    """The largest threshold, in seconds: dates further ahead need no reminder yet."""
    every = [
        settings.thresholds_for(None),
        *(settings.thresholds_for(s) for s in settings.by_status),
    ]
    return max((t for ts in every for t in ts), default=0)


def candidates(
    session: Any, settings: NotifySettings
) -> tuple[list[rules.Candidate], dict[int, Entry]]:
    """The dates ahead in scope within the horizon, as ``due.Candidate`` and by key."""
    from ccal.pipeline.select import narrow
    from ccal.query import Filters, Window, select_entries
    from ccal.timeline import micros

    window = Window(start=session.now, end=session.now + timedelta(seconds=horizon(settings)))
    catalog = narrow(session.catalog(window), session.marks, selection_for(settings))
    found: list[rules.Candidate] = []
    entries: dict[int, Entry] = {}
    for entry in select_entries(catalog, session.now, Filters(), window, "upcoming"):
        mark = session.marks.get(entry.opportunity.id)
        status = mark.status if mark is not None else None
        candidate = rules.Candidate(entry.opportunity.id, entry.label, micros(entry.at), status)
        found.append(candidate)
        entries[id(candidate)] = entry
    return found, entries


def due_now(
    session: Any, settings: NotifySettings, log: rules.SentLog
) -> tuple[list[rules.Due], dict[int, Entry]]:
    from ccal.timeline import micros

    found, entries = candidates(session, settings)
    late_after = rules.threshold_seconds(settings.late_after)
    pending = rules.pending(
        found,
        settings.thresholds_for,
        list(settings.channels),
        log,
        micros(session.now),
        late_after,
    )
    return pending, entries


def run(session: Any, settings: NotifySettings, *, dry_run: bool = False) -> Report:
    """One ``ccal notify``: send what is due, record what went out, report what failed."""
    from filelock import FileLock, Timeout

    from ccal.errors import CcalError
    from ccal.pipeline.paths import sent_log_name
    from ccal.store import LOCK_TIMEOUT

    path = sent_log_name()
    if dry_run:
        return _run(session, settings, _read_log(path), dry_run=True)
    import os

    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        with FileLock(rules.lock_name(path), timeout=LOCK_TIMEOUT):
            return _run(session, settings, _read_log(path), dry_run=False)
    except Timeout:
        raise CcalError("another 'ccal notify' is still running; try again") from None


def _read_log(path: str) -> rules.SentLog:
    from ccal.errors import CcalError

    try:
        return rules.SentLog.read(path)
    except (ValueError, OSError) as exc:
        raise CcalError(f"cannot read the sent-log: {exc} (delete it to start afresh)") from None


def _run(session: Any, settings: NotifySettings, log: rules.SentLog, *, dry_run: bool) -> Report:
    from ccal.pipeline.channels import ChannelFailed, send
    from ccal.pipeline.message import notification
    from ccal.timeline import micros

    report = Report()
    pending, entries = due_now(session, settings, log)
    now_us = micros(session.now)
    for item in pending:
        entry = entries[id(item.candidate)]
        message = notification(item, entry, item.candidate.status, session.now, session.zone)
        for name in item.channels:
            if dry_run:
                report.sent.append((name, message))
                continue
            try:
                send(settings.channels[name], message)
            except ChannelFailed as exc:
                report.failures.append(
                    f"channel '{name}' ({settings.channels[name].type}): {exc}; "
                    f"'{message.subject}' will be retried on the next run"
                )
                continue
            log.add(item.record(name, now_us))
            rules.save(log, now_us)  # at once: a crash later must not send this twice
            report.sent.append((name, message))
    return report


def test(settings: NotifySettings, channel: str, now: Any) -> None:
    """``--test CHANNEL``: one test message, recorded nowhere."""
    from ccal.errors import CcalError, UsageProblem
    from ccal.pipeline.channels import ChannelFailed, send
    from ccal.pipeline.message import test_notification

    if channel not in settings.channels:
        from ccal.sources import config_file_name

        known = ", ".join(f"'{c}'" for c in settings.channels) or "none"
        raise UsageProblem(
            f"no channel '{channel}' in [notify.channels] (configured: {known}); add a "
            f"[notify.channels.{channel}] table to {config_file_name()}"
        )
    try:
        send(settings.channels[channel], test_notification(channel, now))
    except ChannelFailed as exc:
        raise CcalError(f"channel '{channel}' ({settings.channels[channel].type}): {exc}") from None
