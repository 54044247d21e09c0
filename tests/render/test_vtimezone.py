"""VTIMEZONE blocks against zoneinfo: every onset, and the offsets vobject reads back."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
import vobject
from dateutil.rrule import rrulestr
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Timezone

from ccal.render.vtimezone import vtimezone

# Zones that exercise every spelling: last/nth weekday, "Fri>=23", southern summers, negative
# DST (Dublin), Morocco's Ramadan breaks, abolished DST (São Paulo, Tehran), fixed offsets.
CHOSEN = (
    "Europe/Brussels",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Jerusalem",
    "Europe/Dublin",
    "Africa/Casablanca",
    "America/Sao_Paulo",
    "Asia/Tehran",
    "Pacific/Auckland",
    "America/Santiago",
    "Africa/Cairo",  # "Friday after the last Thursday": not always the last Friday
    "Asia/Gaza",  # one week of summer time again in October 2040
    "America/Boa_Vista",  # summer time for seven days in October 2000
    "Etc/GMT+12",
    "UTC",
)
ZONES = sorted(
    k for k in available_timezones() if "/" in k and not k.startswith(("posix", "right"))
)


def onsets(block, until: datetime) -> list[tuple[datetime, timedelta, timedelta]]:
    """(UTC instant, offset before, offset after) of every onset the block defines."""
    found = []
    for part in block.subcomponents:
        start = part.decoded("DTSTART")
        before = part.decoded("TZOFFSETFROM")
        after = part.decoded("TZOFFSETTO")
        assert "RDATE" not in part  # vobject and ical.js keep only the first value of a list
        starts = [start]
        if "RRULE" in part:
            text = part["RRULE"].to_ical().decode()
            body = ";".join(f for f in text.split(";") if not f.startswith("UNTIL="))
            rule = rrulestr(body, dtstart=start)
            until_value = part["RRULE"].get("UNTIL")
            if until_value:
                # UNTIL is UTC (RFC 5545); the rule runs on local onsets: compare in UTC.
                limit = until_value[0].replace(tzinfo=None)
                starts = []
                for onset in rule:
                    if onset - before > limit:
                        break
                    starts.append(onset)
            else:
                starts = list(rule.between(start, until.replace(tzinfo=None), inc=True))
        found += [((s - before).replace(tzinfo=UTC), before, after) for s in starts]
    return sorted(onset for onset in found if onset[0] <= until)  # open rules stop at until


def offset(zone: ZoneInfo, moment: datetime) -> timedelta:
    return moment.astimezone(zone).utcoffset() or timedelta(0)


def check_zone(key: str, first: date, last: date, reach: datetime) -> None:
    zone = ZoneInfo(key)
    block = Timezone.from_ical(vtimezone(key, first, last).to_ical())  # as a reader sees it
    found = onsets(block, reach)
    # The first observance is the state on ``first``; every later onset is a real switch.
    assert found[0][1] == found[0][2] == offset(zone, found[0][0])
    for at, before, after in found[1:]:
        assert offset(zone, at - timedelta(seconds=1)) == before, (key, at)
        assert offset(zone, at) == after, (key, at)
    # And no switch is missing: between two onsets zoneinfo keeps one offset.
    instants = [at for at, _, _ in found] + [reach]
    for (at, _, after), following in zip(found, instants[1:], strict=True):
        probe = at
        while probe < following:
            assert offset(zone, probe) == after, (key, probe)
            probe += timedelta(days=5)


@pytest.mark.parametrize("key", CHOSEN)
def test_every_onset_is_a_switch_of_zoneinfo_up_to_2099(key):
    check_zone(key, date(1999, 1, 1), date(2030, 1, 1), datetime(2099, 1, 1, tzinfo=UTC))


@settings(max_examples=15, deadline=None)
@given(key=st.sampled_from(ZONES), year=st.integers(1975, 2045), span=st.integers(0, 6))
def test_any_zone_and_years_agree_with_zoneinfo(key, year, span):
    check_zone(key, date(year, 1, 1), date(year + span, 1, 1), datetime(2055, 1, 1, tzinfo=UTC))


def test_a_rule_still_in_force_is_open_ended_and_spring_is_written_before_the_jump():
    block = vtimezone("Europe/Brussels", date(2021, 1, 1), date(2027, 1, 1))
    daylight = block.walk("DAYLIGHT")
    assert len(daylight) == 1
    spring = daylight[0]
    # 02:00 local in TZOFFSETFROM (+01:00) = 01:00Z, the instant zoneinfo switches.
    assert spring.decoded("DTSTART") == datetime(2021, 3, 28, 2, 0)
    assert spring["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"
    assert (
        block.to_ical()
        == vtimezone("Europe/Brussels", date(2021, 1, 1), date(2027, 1, 1)).to_ical()
    )


def test_an_abolished_rule_ends_with_until():
    block = Timezone.from_ical(
        vtimezone("America/Sao_Paulo", date(2010, 1, 1), date(2012, 1, 1)).to_ical()
    )
    rules = [p["RRULE"] for p in block.subcomponents if "RRULE" in p]
    assert rules and all("UNTIL" in r for r in rules)
    assert max(r["UNTIL"][0] for r in rules).year == 2019  # Brazil kept DST until 2019


def test_vobject_reads_the_offsets_of_every_chosen_zone():
    """vobject (and Radicale, built on it) reads these blocks as zoneinfo does, for years
    after the block's last explicit year too."""
    for key in CHOSEN:
        text = vtimezone(key, date(2020, 1, 1), date(2026, 1, 1)).to_ical().decode()
        calendar = (
            f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{text}END:VCALENDAR\r\n"
        )
        tz = vobject.readOne(calendar).vtimezone.gettzinfo()
        zone = ZoneInfo(key)
        moment = datetime(2020, 1, 3, 12, tzinfo=UTC)
        while moment.year < 2040:
            local = moment.astimezone(zone).replace(tzinfo=None)
            if local.replace(tzinfo=zone).astimezone(UTC) == moment and not _near_switch(
                zone, moment
            ):
                assert tz.utcoffset(local) == offset(zone, moment), (key, moment)
            moment += timedelta(days=17, hours=5)


def _near_switch(zone: ZoneInfo, moment: datetime) -> bool:
    """Within a few hours of a switch, a wall time can be ambiguous or skipped: readers differ."""
    return offset(zone, moment - timedelta(hours=3)) != offset(zone, moment + timedelta(hours=3))
