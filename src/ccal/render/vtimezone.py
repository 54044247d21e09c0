"""VTIMEZONE blocks from zoneinfo, written so every common calendar reads them the same way.

RFC 5545 allows many spellings of one zone; consumers support few. vobject and ical.js keep only
the first value of an ``RDATE`` list (and Radicale, built on vobject, answers time-range queries
with it), and an observance that stops with the block's last year puts an open-ended series an
hour off from then on. So each run of yearly switches with one rule ("last Sunday of March,
02:00") is one observance with an ``RRULE`` — open when zoneinfo keeps that rule through 2100,
``UNTIL`` its last switch otherwise — and a switch that belongs to no run is an observance of
its own with just ``DTSTART``. ``DTSTART`` is the wall clock *before* the switch
(RFC 5545 3.6.5: local time in ``TZOFFSETFROM``): 02:00 for the spring switch of Brussels, not
the 03:00 shown after it. Everything is sorted, so the same zones give the same bytes.
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ccal.clock import zone_named

if TYPE_CHECKING:
    from icalendar import Timezone

# Switches are found by probing the zone once a day and narrowing each change to the second
# (a probe ~2.5 µs; a zone up to 2100 in ~75 ms). A week is not enough: in 2000 Boa Vista kept
# summer time for seven days, and zoneinfo's Gaza resumes it for one week in October 2040.
_STEP = 86400
# A yearly run is written open-ended only when zoneinfo keeps it up to here: Cairo's "Friday
# after the last Thursday of October" looks like "last Friday of October" for years on end.
_LAST_YEAR = 2100
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class Switch:
    """One change of a zone's offset, abbreviation or daylight flag, at a UTC instant."""

    at: datetime  # UTC
    before: timedelta
    after: timedelta
    name: str
    daylight: bool

    @property
    def local(self) -> datetime:
        """The naive wall clock just before the switch: what RFC 5545 puts in DTSTART."""
        return (self.at + self.before).replace(tzinfo=None)

    def signature(self) -> tuple[Any, ...]:
        local = self.local
        return (self.daylight, self.before, self.after, self.name, local.month, local.time())


@dataclass(frozen=True)
class Observance:
    """One STANDARD or DAYLIGHT sub-component: a first onset, and a yearly rule or none."""

    daylight: bool
    start: datetime  # naive local wall time (in ``before``)
    before: timedelta
    after: timedelta
    name: str
    rrule: dict[str, object] | None = None


def _state(zone: ZoneInfo, seconds: int) -> tuple[timedelta, str, bool]:
    moment = datetime.fromtimestamp(seconds, zone)
    dst = moment.dst()
    return (
        moment.utcoffset() or timedelta(0),
        moment.tzname() or "",
        bool(dst and dst > timedelta(0)),
    )


def _seconds(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def switches(zone: ZoneInfo, first: date, last: date) -> list[Switch]:
    """Every switch of ``zone`` from ``first`` (UTC midnight) to ``last``, oldest first."""
    low, high = _seconds(first), _seconds(last)
    found: list[Switch] = []
    seconds, state = low, _state(zone, low)
    while seconds < high:
        step = min(_STEP, high - seconds)
        following = _state(zone, seconds + step)
        if following != state:
            early, late = seconds, seconds + step  # state at early, a change by late
            while late - early > 1:
                middle = (early + late) // 2
                if _state(zone, middle) == state:
                    early = middle
                else:
                    late = middle
            after = _state(zone, late)
            at = datetime.fromtimestamp(late, UTC)
            found.append(Switch(at, state[0], after[0], after[1], after[2]))
            seconds, state = late, after
            continue
        seconds += step
    return found


def _patterns(day: date) -> set[tuple[Any, ...]]:
    """Every yearly rule that names ``day`` in its month: the nth or last weekday, the fixed
    day, or "weekday on or after the dth" (tzdata's ``Sun>=8``)."""
    weekday = _DAYS[day.weekday()]
    length = _calendar.monthrange(day.year, day.month)[1]
    shortest = 28 if day.month == 2 else length
    found: set[tuple[Any, ...]] = {("nth", (day.day - 1) // 7 + 1, weekday), ("fixed", day.day)}
    if day.day + 7 > length:
        found.add(("nth", -1, weekday))
    for lowest in range(max(1, day.day - 6), day.day + 1):
        if lowest + 6 <= shortest:
            found.add(("on-or-after", lowest, weekday))
    return found


def _preferred(patterns: set[tuple[Any, ...]]) -> tuple[Any, ...]:
    """The spelling most consumers understand: last, then nth weekday, fixed day, window."""
    order = {"nth": 0, "fixed": 1, "on-or-after": 2}
    return min(patterns, key=lambda p: (order[p[0]], p[0] == "nth" and p[1] != -1, p[1:]))


def _rule(month: int, pattern: tuple[Any, ...], until: datetime | None) -> dict[str, object]:
    rule: dict[str, object] = {"FREQ": "YEARLY", "BYMONTH": month}
    if pattern[0] == "nth":
        rule["BYDAY"] = f"{pattern[1]}{pattern[2]}"
    elif pattern[0] == "fixed":
        rule["BYMONTHDAY"] = pattern[1]
    else:
        rule["BYDAY"] = pattern[2]
        rule["BYMONTHDAY"] = list(range(pattern[1], pattern[1] + 7))
    if until is not None:
        rule["UNTIL"] = until  # RFC 5545: UNTIL of a VTIMEZONE rule is in UTC
    return rule


@lru_cache(maxsize=64)  # one export asks once per zone; a test session asks again and again
def observances(zone: ZoneInfo, first: date, last: date) -> tuple[Observance, ...]:
    """The observances that reproduce ``zone`` from ``first`` on: the state at ``first``, then
    runs of yearly switches sharing one rule, open-ended when zoneinfo keeps the rule to
    ``_LAST_YEAR`` (and ``UNTIL`` their last switch otherwise), and one-off switches."""
    end = date(max(last.year + 1, _LAST_YEAR), 1, 1)
    offset, name, daylight = _state(
        zone, int(datetime.combine(first, datetime.min.time(), UTC).timestamp())
    )
    start = datetime.combine(first, datetime.min.time()) + offset
    found = [Observance(daylight, start, offset, offset, name)]
    runs: dict[tuple[Any, ...], list[tuple[list[Switch], set[tuple[Any, ...]]]]] = {}
    for switch in switches(zone, first, end):
        chains = runs.setdefault(switch.signature(), [])
        patterns = _patterns(switch.local.date())
        if chains:
            chain, shared = chains[-1]
            both = shared & patterns
            if switch.local.year == chain[-1].local.year + 1 and both:
                chain.append(switch)
                chains[-1] = (chain, both)
                continue
        chains.append(([switch], patterns))
    for chains in runs.values():
        for chain, shared in chains:
            head = chain[0]
            rule = None
            if len(chain) > 1:
                still = chain[-1].local.year >= end.year - 1
                # UNTIL is a UTC instant (RFC 5545), but vobject compares it with the local
                # onset: a day after the last switch (a year before the next) suits both.
                until = None if still else chain[-1].at + timedelta(days=1)
                rule = _rule(head.local.month, _preferred(shared), until)
            found.append(
                Observance(head.daylight, head.local, head.before, head.after, head.name, rule)
            )
    found.sort(key=lambda o: (o.start, o.daylight))
    return tuple(found)


def vtimezone(key: str, first: date, last: date) -> Timezone:
    """The ``icalendar`` VTIMEZONE of IANA zone ``key``, right from ``first`` on and, where the
    zone's rule is still in force, for ever after (``last`` only extends an ended rule's reach)."""
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

    block = Timezone()
    block.add("tzid", key)
    for observance in observances(zone_named(key), first, last):
        part = TimezoneDaylight() if observance.daylight else TimezoneStandard()
        part.add("dtstart", observance.start)
        if observance.rrule is not None:
            part.add("rrule", vRecur(observance.rrule))
        part.add("tzname", observance.name)
        part.add("tzoffsetfrom", observance.before)
        part.add("tzoffsetto", observance.after)
        block.add_component(part)
    return block
