"""Moments and ranges written for people, in the display zone; all-day dates stay calendar dates."""

from __future__ import annotations

from datetime import datetime, tzinfo

from ccal.catalog import Entry


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
