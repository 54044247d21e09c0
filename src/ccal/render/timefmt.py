"""Moments, ranges and time left, written for people: all the human wording of time in one place.

Times are shown in the display zone; all-day dates stay calendar dates of their own zone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo

from ccal import timeline
from ccal.catalog import Entry
from ccal.clock import LAST_SECOND, zone_city
from ccal.controlchars import printable
from ccal.spans import countdown_text, under_way_text
from ccal.timeline import micros, seconds_left


def moment_text(moment: datetime, zone: tzinfo) -> str:
    """``Fri 29 Jul 2022 18:00 CEST``"""
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M} {local.tzname()}"


def day_text(moment: datetime, *, year: bool = True) -> str:
    """``Mon 13 Jun 2022``: the calendar day of an all-day entry in its own zone (``Mon 13 Jun``
    without ``year``, where a countdown beside it already says how far away it is)."""
    return (
        f"{moment:%a} {moment.day} {moment:%b %Y}"
        if year
        else f"{moment:%a} {moment.day} {moment:%b}"
    )


def when_text(entry: Entry, zone: tzinfo) -> str:
    """The date and time of an entry as a person reads it.

    All-day entries are calendar days of the entry's own zone and are never shifted; timed
    entries are shown in the display zone, with the end time when they have one.
    """
    if entry.all_day:
        first = day_text(entry.at)
        if entry.end is None or entry.end.date() == entry.at.date():
            return f"{first} (all day)"
        last = entry.end.astimezone(entry.zone)
        if last.time() != LAST_SECOND:  # a timed end (``end = …T12:00``): its time shows
            return f"{first} – {day_text(last)} {last:%H:%M} {last.tzname()}"
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


def extension_text(entry: Entry) -> str:
    """``+7 d``, ``+1 d 2 h``, ``-3 d``: how far ``ccal extend`` moved a date, on the wall clock
    of the entry's zone (a week across a DST change is still ``+7 d``)."""
    assert entry.previous is not None
    moved = entry.at.astimezone(entry.zone).replace(tzinfo=None) - entry.previous.astimezone(
        entry.zone
    ).replace(tzinfo=None)
    sign = "-" if moved.total_seconds() < 0 else "+"
    seconds = abs(int(moved.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [f"{n} {unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "min")) if n]
    return f"{sign}{' '.join(parts) or '0 min'}"


def moved_note(entry: Entry) -> str | None:
    """``extended +7 d`` for a date moved later, ``moved earlier 4 d`` for one moved earlier
    ("extended -4 d" reads as a longer deadline to someone skimming): what every format says
    about a date ``ccal extend`` moved (tables, Markdown, the iCalendar summary), or None for a
    date never moved."""
    if entry.previous is None:
        return None
    shift = extension_text(entry)
    return f"moved earlier {shift[1:]}" if shift.startswith("-") else f"extended {shift}"


# --- two clocks: the entry's own zone next to the display zone ---------------------------------


def same_clock(moment: datetime, zone: tzinfo, other: tzinfo) -> bool:
    """True when both zones read the same wall-clock time at ``moment`` (one clock is enough)."""
    return moment.astimezone(zone).utcoffset() == moment.astimezone(other).utcoffset()


def two_clocks(
    moment: datetime,
    own: tzinfo,
    display: tzinfo,
    *,
    dated: bool = False,
    year: bool = True,
    end: datetime | None = None,
) -> str:
    """``18:00 Brussels · 17:00 London``: the entry's zone first, the display zone when it differs.

    With ``dated`` the first clock carries its date (``year=False``: without the year); the
    second names its day only when the display zone is already on another day, so a Tokyo
    morning reads as the evening before.
    A timed range (``end``) reads ``09:00–10:00 Tokyo · 00:00–01:00 UTC`` within one day and
    ``09:00 Brussels, until Fri 27 Nov 17:00`` (its own zone) across days.
    """
    mine = moment.astimezone(own)
    last = end.astimezone(own) if end is not None else None
    same_day = last is not None and last.date() == mine.date()
    first = f"{mine:%H:%M}{f'–{last:%H:%M}' if same_day else ''} {zone_city(own)}"
    if dated:
        first = f"{day_text(mine, year=year)} {first}"
    if last is not None and not same_day:
        first += f", until {last:%a} {last.day} {last:%b} {last:%H:%M}"
    if same_clock(moment, own, display):
        return first
    theirs = moment.astimezone(display)
    day = f"{theirs:%a} {theirs.day} {theirs:%b} " if theirs.date() != mine.date() else ""
    until = f"–{end.astimezone(display):%H:%M}" if same_day and end is not None else ""
    return f"{first} · {day}{theirs:%H:%M}{until} {zone_city(display)}"


def deadline_clocks(
    entry: Entry, display: tzinfo, *, dated: bool = False, year: bool = True
) -> str:
    """When an entry is due, on both clocks; an all-day entry says until when its day lasts
    (and which day, when it spans several: ``all day, until Thu 23 Jun, 23:59 Brussels``)."""
    if not entry.all_day:
        return two_clocks(entry.at, entry.zone, display, dated=dated, year=year, end=entry.end)
    until = two_clocks(entry.due, entry.zone, display)
    if entry.end is not None and entry.end.date() != entry.at.date():  # several days: which
        last = entry.end.astimezone(entry.zone)
        until = f"{last:%a} {last.day} {last:%b}, {until}"
    day = f"{day_text(entry.at, year=year)}, " if dated else ""
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
        last = entry.due.astimezone(entry.zone)  # the display clock may be on another day
        day = f"{ends:%a} {ends.day} {ends:%b} " if ends.date() != last.date() else ""
        return f"{text} in {zone_city(entry.zone)}{sep}ends {day}{ends:%H:%M} {ends.tzname()}"
    mine = entry.at.astimezone(entry.zone)
    theirs = entry.at.astimezone(display)
    day = f"{mine:%a} {mine.day} {mine:%b} " if mine.date() != theirs.date() else ""
    own = f"{mine:%H:%M}"
    if entry.end is not None and entry.end.astimezone(entry.zone).date() == mine.date():
        own += f"–{entry.end.astimezone(entry.zone):%H:%M}"
    return f"{text}{sep}{day}{own} {zone_city(entry.zone)}"


# --- time left -----------------------------------------------------------------------------------


def time_left(entry: Entry, now: datetime, span: Callable[[int], str] = countdown_text) -> str:
    """Where an entry stands, the same words in every human output: ``in 3 days 4 h``,
    ``under way, ends in 3 h`` (a range that has started, see ``query.under_way``) or
    ``passed 2 days ago``. ``span`` words a number of seconds (long, compact or to the second)."""
    return time_left_us(entry.at_us, entry.start_us, entry.due_us, micros(now), span)


def time_left_us(
    at_us: int,
    start_us: int | None,
    due_us: int,
    now_us: int,
    span: Callable[[int], str] = countdown_text,
) -> str:
    """``time_left`` of an entry's moments (``Entry.moments``, an index row's columns): a table
    of every row words the countdowns its widths need without making an ``Entry`` of each."""
    if timeline.under_way(start_us, due_us, now_us):  # a range: ``due_us`` is its end
        return under_way_text(seconds_left(now_us, due_us), span)
    if timeline.is_passed(due_us, now_us):
        return f"passed {span(seconds_left(now_us, due_us))}"
    return span(seconds_left(now_us, timeline.countdown_to(at_us, start_us, due_us, now_us)))
