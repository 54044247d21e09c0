"""What a reminder says: one ``Notification`` (subject, body, fields) that every channel sends in
its own shape. Times are worded by ``render.timefmt`` (the entry's clock and the reader's)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from ccal.catalog import Entry
from ccal.controlchars import printable
from ccal.pipeline.due import Due, duration_label, instant_text

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def moment_of(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


@dataclass(frozen=True)
class Notification:
    """One message, channel-neutral: webhooks send ``record()``, commands get ``environment()``."""

    opportunity_id: str
    title: str
    label: str
    at: datetime
    threshold: str
    late: bool
    moved: str | None
    status: str | None
    url: str | None
    subject: str
    body: str
    # When it is sent: "now" as the command has it (pinned by --as-of / CCAL_NOW), on the
    # display clock; the e-mail's Date header (the real clock would disagree with the body).
    sent: datetime

    def record(self) -> dict[str, Any]:
        return {
            "id": self.opportunity_id,
            "title": self.title,
            "label": self.label,
            "at": self.at.isoformat(timespec="seconds"),
            "threshold": self.threshold,
            "late": self.late,
            "moved": self.moved,
            "status": self.status,
            "url": self.url,
            "subject": self.subject,
            "body": self.body,
        }

    def environment(self) -> dict[str, str]:
        """``CCAL_ID``, ``CCAL_SUBJECT``, ...: the record for a program, as text."""
        values = self.record()
        return {
            f"CCAL_{name.upper()}": ("1" if value else "0")
            if isinstance(value, bool)
            else ("" if value is None else str(value))
            for name, value in values.items()
        }


def notification(
    due: Due, entry: Entry, status: str | None, now: datetime, display: tzinfo
) -> Notification:
    """The reminder for ``due`` about ``entry`` at ``now``, its times on both clocks."""
    from ccal.render.timefmt import deadline_clocks, moment_text, time_left

    opportunity = entry.opportunity
    title, label = printable(opportunity.title), printable(entry.label)
    left = time_left(entry, now)  # the words of every listing: an all-day range from its start
    moved = _moved(entry, due)
    subject = f"{title} · {label}: {left}"
    if due.late:
        subject = f"[late] {subject}"
    if moved:
        subject += f" (moved {moved})"
    lines = [
        f"{title} ({opportunity.id})",
        f"{label}: {deadline_clocks(entry, display, dated=True)}",
        f"Time left: {left[3:] if left.startswith('in ') else left}",
        f"Reminder: {_threshold_words(due.threshold)} before",
    ]
    if due.late:
        lines.append(
            f"Late: this reminder was due {moment_text(moment_of(due.crossed_us), display)}"
            " (ccal notify did not run then)."
        )
    if moved:
        was = moment_text(moment_of(due.moved_from_us or 0), display)
        lines.append(f"Moved {moved} since the last reminder (was {was}).")
    if status:
        lines.append(f"Your status: {status}")
    if opportunity.url:
        lines.append(printable(opportunity.url))
    lines.append(f"More: ccal show {opportunity.id}")
    return Notification(
        opportunity_id=opportunity.id,
        title=opportunity.title,
        label=entry.label,
        at=entry.at,
        threshold=duration_label(due.threshold),
        late=due.late,
        moved=moved,
        status=status,
        url=opportunity.url,
        subject=subject,
        body="\n".join(lines) + "\n",
        sent=now.astimezone(display),
    )


def _moved(entry: Entry, due: Due) -> str | None:
    """``+7 d``: how far the date moved since it was last reminded about (``extend``'s words)."""
    if due.moved_from_us is None:
        return None
    from ccal.render.table import extension_text

    return extension_text(replace(entry, previous=moment_of(due.moved_from_us)))


def _threshold_words(seconds: int) -> str:
    from ccal.spans import countdown_text

    return countdown_text(seconds).removeprefix("in ")


def test_notification(channel: str, now: datetime) -> Notification:
    """What ``ccal notify --test CHANNEL`` sends."""
    return Notification(
        opportunity_id="ccal-test",
        title="ccal test message",
        label="Test",
        at=now,
        threshold="0s",
        late=False,
        moved=None,
        status=None,
        url=None,
        subject=f"ccal: test message for channel '{channel}'",
        body=f"This is a test of the '{channel}' channel, sent by 'ccal notify --test' at "
        f"{instant_text(int(now.timestamp()) * 1_000_000)}.\n",
        sent=now,
    )
