"""Moments, ranges and time left, written for people: all the human wording of time in one place.

Times are shown in the display zone; all-day dates stay calendar dates of their own zone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from ccal.catalog import Entry
from ccal.clock import seconds_between, zone_city
from ccal.controlchars import printable
from ccal.query import under_way


def moment_text(moment: datetime, zone: tzinfo) -> str:
    """``Fri 29 Jul 2022 18:00 CEST``"""
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M} {local.tzname()}"


def day_text(moment: datetime) -> str:
    """``Mon 13 Jun 2022``: the calendar day of an all-day entry in its own zone."""
    return f"{moment:%a} {moment.day} {moment:%b %Y}"


def when_text(entry: Entry, zone: tzinfo) -> str:
    """The date and time of an entry as a person reads it.

    All-day entries are calendar days of the entry's own zone and are never shifted; timed
    entries are shown in the display zone, with the end time when they have one.
    """
    if entry.all_day:
        first = day_text(entry.at)
        if entry.end is None or entry.end.date() == entry.at.date():
            return f"{first} (all day)"
        last = entry.end
        if (last.year, last.month) == (entry.at.year, entry.at.month):
            return f"{entry.at:%a} {entry.at.day} – {day_text(last)}"
        return f"{first} – {day_text(last)}"
    if entry.end is None:
        return moment_text(entry.at, zone)
    start, end = entry.at.astimezone(zone), entry.end.astimezone(zone)
    if start.date() == end.date():
        return f"{start:%a} {start.day} {start:%b %Y %H:%M}–{end:%H:%M} {end.tzname()}"
    return f"{moment_text(start, zone)} – {moment_text(end, zone)}"


# --- labels -------------------------------------------------------------------------------------

# Words with which a label already says its date is not final: no "(tbc)" after them.
_TENTATIVE_WORDS = ("tbc", "tbd", "unconfirmed", "tentative", "to be confirmed")


def says_tentative(label: str) -> bool:
    folded = label.casefold()
    return any(word in folded for word in _TENTATIVE_WORDS)


def label_text(entry: Entry) -> str:
    """The label for a terminal, with ``(tbc)`` for a tentative date unless it says so itself
    (``C2Lab (unconfirmed)`` stays as it is)."""
    label = printable(entry.label)
    return f"{label} (tbc)" if entry.tentative and not says_tentative(label) else label


# --- two clocks: the entry's own zone next to the display zone ---------------------------------


def same_clock(moment: datetime, zone: tzinfo, other: tzinfo) -> bool:
    """True when both zones read the same wall-clock time at ``moment`` (one clock is enough)."""
    return moment.astimezone(zone).utcoffset() == moment.astimezone(other).utcoffset()


def two_clocks(moment: datetime, own: tzinfo, display: tzinfo, *, dated: bool = False) -> str:
    """``18:00 Brussels · 17:00 London``: the entry's zone first, the display zone when it differs.

    With ``dated`` the first clock carries its date; the second names its day only when the
    display zone is already on another day, so a Tokyo morning reads as the evening before.
    """
    mine = moment.astimezone(own)
    first = f"{mine:%H:%M} {zone_city(own)}"
    if dated:
        first = f"{day_text(mine)} {first}"
    if same_clock(moment, own, display):
        return first
    theirs = moment.astimezone(display)
    day = f"{theirs:%a} {theirs.day} {theirs:%b} " if theirs.date() != mine.date() else ""
    return f"{first} · {day}{theirs:%H:%M} {zone_city(display)}"


def deadline_clocks(entry: Entry, display: tzinfo, *, dated: bool = False) -> str:
    """When an entry is due, on both clocks; an all-day entry says until when its day lasts."""
    if not entry.all_day:
        return two_clocks(entry.at, entry.zone, display, dated=dated)
    until = two_clocks(entry.at, entry.zone, display)
    day = f"{day_text(entry.at)}, " if dated else ""
    return f"{day}all day, until {until}"


def when_both(entry: Entry, display: tzinfo, sep: str = " · ") -> str:
    """``when_text`` in the display zone, plus the entry's own clock when that reads otherwise.

    Tables use this so nobody mistakes 18:00 CEST for their local 18:00: ``Fri 29 Jul 2022
    17:00 BST · 18:00 Brussels``. All-day entries are days of their own zone, so they name that
    zone and say when the day ends on the display clock. Tables pass ``sep="\n"`` to keep the
    column narrow.
    """
    text = when_text(entry, display)
    if same_clock(entry.at, entry.zone, display):
        return text
    if entry.all_day:
        ends = entry.due.astimezone(display)
        return f"{text} in {zone_city(entry.zone)}{sep}ends {ends:%H:%M} {ends.tzname()}"
    mine = entry.at.astimezone(entry.zone)
    theirs = entry.at.astimezone(display)
    day = f"{mine:%a} {mine.day} {mine:%b} " if mine.date() != theirs.date() else ""
    own = f"{mine:%H:%M}"
    if entry.end is not None and entry.end.astimezone(entry.zone).date() == mine.date():
        own += f"–{entry.end.astimezone(entry.zone):%H:%M}"
    return f"{text}{sep}{day}{own} {zone_city(entry.zone)}"


# --- time left -----------------------------------------------------------------------------------


def countdown_text(seconds: int) -> str:
    """ "in 3 days 4 h", "in 25 min", "2 days 1 h ago": precise enough to act on, short to read."""
    if seconds == 0:
        return "now"
    span = _span_text(abs(seconds))
    return f"in {span}" if seconds > 0 else f"{span} ago"


def _span_text(seconds: int) -> str:
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        unit = "day" if days == 1 else "days"
        return f"{days} {unit} {hours} h" if hours and days < 100 else f"{days} {unit}"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min"
    return f"{secs} s"


def compact_countdown(seconds: int) -> str:
    """``in 2 d 4 h``, ``in 3 h 5 min``, ``in 40 s``: the two largest units, for one-line views."""
    if seconds == 0:
        return "now"
    days, rest = divmod(abs(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "min"), (secs, "s")]
    while parts[0][0] == 0:
        parts.pop(0)
    shown = [f"{amount} {unit}" for amount, unit in parts[:2] if amount]
    span = " ".join(shown)
    return f"in {span}" if seconds > 0 else f"{span} ago"


def dhms_text(seconds: int) -> str:
    """``2 d 4 h 0 min 5 s``, ``30 s``: every unit from the largest non-zero one down to seconds.

    The live countdown ticks every second, so seconds are always shown; leading zero units are
    dropped so the last minute reads ``30 s`` rather than ``0 d 0 h 0 min 30 s``.
    """
    days, rest = divmod(abs(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "min"), (secs, "s")]
    while len(parts) > 1 and parts[0][0] == 0:
        parts.pop(0)
    return " ".join(f"{amount} {unit}" for amount, unit in parts)


def countdown_dhms(seconds: int) -> str:
    """``in 2 d 4 h 0 min 5 s``, ``due now`` at the very second, ``1 h 0 min 5 s ago`` after."""
    if seconds > 0:
        return f"in {dhms_text(seconds)}"
    return "due now" if seconds == 0 else f"{dhms_text(seconds)} ago"


def time_left(entry: Entry, now: datetime, span: Callable[[int], str] = countdown_text) -> str:
    """Where an entry stands, the same words in every human output: ``in 3 days 4 h``,
    ``under way, ends in 3 h`` (a range that has started, see ``query.under_way``) or
    ``passed 2 days ago``. ``span`` words a number of seconds (long, compact or to the second)."""
    if under_way(entry, now):
        assert entry.end is not None
        return f"under way, ends {span(seconds_between(now, entry.end))}"
    if entry.is_passed(now):
        return f"passed {span(seconds_between(now, entry.due))}"
    return span(seconds_between(now, entry.at))
