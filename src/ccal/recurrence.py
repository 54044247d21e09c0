"""Repeating dates: an RFC 5545 RRULE on a date entry, expanded in the entry's own zone.

A series is stored once in the file (``rrule`` plus ``until`` or ``count``) and expanded into
ordinary entries only when a question is asked, so listings, statuses and exports need no special
case. Wall-clock times repeat in the entry's zone: a weekly 18:00 talk stays at 18:00 across DST.
A series without an end is expanded only over the span asked about (see ``span``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, cast

from ccal.clock import TimeInputError
from ccal.timeline import REACH_DAYS, micros, occurs
from ccal.timeline import span as span  # re-exported: where a command expands its series

if TYPE_CHECKING:
    from dateutil.rrule import rrule

    from ccal.catalog import Entry

# How far around "now" a series without an end is expanded when the question has no window.
DEFAULT_REACH = timedelta(days=REACH_DAYS)
# A guard against rules such as FREQ=SECONDLY: no series yields more than this many entries,
# and no expansion steps through more than MAX_STEPS occurrences to reach its window.
MAX_OCCURRENCES = 1000
MAX_STEPS = 100_000
_RESERVED = ("UNTIL", "COUNT", "DTSTART")


@dataclass(frozen=True)
class Recurrence:
    """The repeat rule of one date entry: the RRULE as written and its end (aware ``until``)."""

    body: str
    until: datetime | None = None
    count: int | None = None

    @property
    def bounded(self) -> bool:
        return self.until is not None or self.count is not None

    def rfc5545(self, all_day: bool) -> str:
        """The complete RRULE value for an ICS file: the body plus UNTIL (UTC, or a DATE for
        all-day series, as RFC 5545 requires) or COUNT."""
        text = self.body
        if self.count is not None:
            text += f";COUNT={self.count}"
        elif self.until is not None:
            if all_day:
                text += f";UNTIL={self.until:%Y%m%d}"
            else:
                text += f";UNTIL={self.until.astimezone(UTC):%Y%m%dT%H%M%SZ}"
        return text

    def rule(self, dtstart: datetime) -> rrule:
        """The dateutil rule starting at the aware local ``dtstart``."""
        return parse_rule(self.body, dtstart).replace(until=self.until, count=self.count)


_SUB_DAILY = ("HOURLY", "MINUTELY", "SECONDLY")


def parse_rule(body: str, dtstart: datetime, *, all_day: bool = False) -> rrule:
    """Check an RRULE body; raise ``TimeInputError`` with a readable reason when it is unusable.

    An all-day date repeats by whole days at least: every hour, each occurrence would be the
    same day again (all-day dates last until their day ends)."""
    from dateutil.rrule import rrulestr

    text = body.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts = [part.split("=", 1)[0].strip().upper() for part in text.split(";") if part.strip()]
    for reserved in _RESERVED:
        if reserved in parts:
            raise TimeInputError(
                f"put {reserved} in its own key ({reserved.lower()} = …), not inside rrule"
                if reserved != "DTSTART"
                else "the series starts at 'at': DTSTART does not belong inside rrule"
            )
    if "FREQ" not in parts:
        raise TimeInputError(f"rrule '{body}' has no FREQ (e.g. FREQ=WEEKLY;BYDAY=WE)")
    fields = dict(part.split("=", 1) for part in text.upper().split(";") if "=" in part)
    freq = fields.get("FREQ", "").strip()
    if all_day and freq in _SUB_DAILY:
        raise TimeInputError(
            f"an all-day date cannot repeat FREQ={freq}: use DAILY or longer, or give 'at' a time"
        )
    try:
        # one RRULE body, no forceset: an rrule (a set needs several lines or forceset)
        return cast("rrule", rrulestr(text, dtstart=dtstart))
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as exc:
        reason = str(exc) or type(exc).__name__
        raise TimeInputError(f"rrule '{body}' is not a valid RFC 5545 RRULE ({reason})") from None


def expand(entry: Entry, low: datetime, high: datetime) -> list[Entry]:
    """The occurrences of a repeating entry: all of a bounded series (up to MAX_OCCURRENCES),
    those overlapping ``low``–``high`` for a series without an end — or, when none does, the
    first one after ``high``: a series that starts (or next repeats) later still shows, as a
    date ahead, in every listing (a window's own filter drops it where it does not belong).

    Each occurrence is an ordinary ``Entry`` with its ``occurrence`` number (0 = the first) and a
    ``position`` unique within its opportunity, so statuses keep working unchanged.
    """
    recurrence = entry.recurrence
    if recurrence is None:
        return [entry]
    zone = entry.zone
    start_local = entry.at.astimezone(zone)
    stride = max(len(entry.opportunity.dates), 1)
    low_us, high_us = micros(low), micros(high)
    found: list[Entry] = []
    for number, moment in enumerate(recurrence.rule(start_local)):
        if number >= MAX_STEPS or len(found) >= MAX_OCCURRENCES:
            break
        # A wall-clock time in a DST gap means the same instant as the hour before it (RFC 5545).
        at = moment.astimezone(UTC).astimezone(zone)
        end = _shifted_end(entry, at)
        # Instants (µs): datetimes sharing a tzinfo compare as wall-clock times.
        if not recurrence.bounded and micros(at) > high_us:
            if not found:  # nothing in the span (a series starting later): its next date, so
                found.append(_occurrence(entry, at, end, number, stride))  # it never vanishes
            break
        if not occurs(not recurrence.bounded, micros(at), micros(end or at), low_us, high_us):
            continue
        found.append(_occurrence(entry, at, end, number, stride))
    return found


def _occurrence(
    entry: Entry, at: datetime, end: datetime | None, number: int, stride: int
) -> Entry:
    return dataclasses.replace(
        entry, at=at, end=end, occurrence=number, position=entry.position + stride * number
    )


def _shifted_end(entry: Entry, at: datetime) -> datetime | None:
    if entry.end is None:
        return None
    # Keep the wall-clock length (an all-day range of three days stays three calendar days).
    first_local = entry.at.astimezone(entry.zone).replace(tzinfo=None)
    end_local = entry.end.astimezone(entry.zone).replace(tzinfo=None)
    local = at.astimezone(entry.zone).replace(tzinfo=None) + (end_local - first_local)
    return local.replace(tzinfo=entry.zone).astimezone(UTC).astimezone(entry.zone)


def series_head(entry: Entry) -> Entry:
    """The first occurrence of the series ``entry`` belongs to, rebuilt from the data file.

    A calendar keeps a series as one event with its RRULE, so an export needs the series'
    start even when the selection holds only later occurrences. ``expand`` numbers positions
    as ``base + stride * occurrence``; this is its inverse.
    """
    if entry.recurrence is None or not entry.occurrence:
        return entry
    from ccal.clock import instant

    stride = max(len(entry.opportunity.dates), 1)
    base = entry.position - stride * entry.occurrence
    dated = entry.opportunity.dates[base]
    at, _ = instant(dated.at, entry.zone)
    end = instant(dated.end, entry.zone)[0] if dated.end is not None else None
    return dataclasses.replace(entry, at=at, end=end, occurrence=0, position=base)
