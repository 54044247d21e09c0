"""Time logic: properties over many instants and zones, plus the DST cases people trip over."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from conftest import DATA
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ccal.clock import (
    FIRST_YEAR,
    LAST_YEAR,
    Duration,
    TimeInputError,
    end_of_day,
    instant,
    is_ambiguous,
    is_nonexistent,
    localize,
    parse_duration,
    parse_when,
    wall_clock,
)
from ccal.timeline import seconds_between

BRUSSELS = ZoneInfo("Europe/Brussels")
ZONES = st.sampled_from(
    [ZoneInfo(n) for n in ("Europe/Brussels", "America/New_York", "Asia/Tokyo", "Australia/Sydney",
                           "Europe/London", "UTC", "Asia/Kolkata")]
)  # fmt: skip
NAIVE = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 12, 31))
AWARE = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2060, 12, 31), timezones=ZONES
)
DURATIONS = st.builds(
    Duration,
    years=st.integers(0, 3),
    months=st.integers(0, 24),
    days=st.integers(0, 400),
    seconds=st.integers(0, 10 * 86400),
)


@given(NAIVE, ZONES)
def test_localize_keeps_the_wall_clock_or_refuses_a_gap(local, zone):
    if is_nonexistent(local, zone):
        with pytest.raises(TimeInputError, match="does not exist"):
            localize(local, zone)
        return
    aware = localize(local, zone)
    assert aware.tzinfo is zone
    assert aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local.replace(fold=0)


# Every hour at which some zone's clocks change, so the gap and the repeated hour are hit often.
TRANSITIONS = st.builds(
    lambda day, hour, minute: datetime.combine(day, datetime.min.time()).replace(
        hour=hour, minute=minute
    ),
    st.sampled_from([date(2022, 3, 27), date(2022, 10, 30), date(2022, 3, 13), date(2022, 11, 6),
                     date(2022, 4, 3), date(2022, 10, 2), date(2022, 6, 1)]),
    st.integers(0, 3),
    st.sampled_from([0, 1, 30, 59]),
)  # fmt: skip


@given(NAIVE | TRANSITIONS, ZONES)
def test_wall_clock_is_localize_and_is_ambiguous_in_one(local, zone):
    if is_nonexistent(local, zone):
        with pytest.raises(TimeInputError, match="does not exist"):
            wall_clock(local, zone)
        return
    aware, repeated = wall_clock(local, zone)
    assert (aware, aware.fold, aware.tzinfo) == (localize(local, zone), 0, zone)
    assert repeated == is_ambiguous(local, zone)


def test_wall_clock_flags_the_repeated_hour_and_refuses_the_gap():
    assert wall_clock(datetime(2022, 10, 30, 2, 30), BRUSSELS)[1] is True
    assert wall_clock(datetime(2022, 10, 30, 3, 30), BRUSSELS)[1] is False
    with pytest.raises(TimeInputError):
        wall_clock(datetime(2022, 3, 27, 2, 30), BRUSSELS)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)), ZONES)
def test_an_all_day_entry_lasts_until_the_last_second_of_its_day(day, zone):
    moment, all_day = instant(day, zone)
    assert all_day
    assert moment == end_of_day(day, zone)
    assert moment.date() == day
    assert (moment + timedelta(seconds=1)).astimezone(zone).date() == day + timedelta(days=1)


@given(DURATIONS)
def test_a_duration_reads_back_from_its_own_text(duration):
    assert parse_duration(str(duration)) == duration


@given(AWARE, st.integers(0, 10**8))
def test_exact_durations_are_elapsed_time(moment, seconds):
    shifted = Duration(seconds=seconds).after(moment)
    assert seconds_between(moment, shifted) == seconds
    assert Duration(seconds=seconds).before(shifted).timestamp() == moment.timestamp()


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2060, 1, 1)), ZONES,
       st.integers(1, 400))  # fmt: skip
def test_calendar_days_keep_the_time_of_day(local, zone, days):
    start = local.replace(tzinfo=zone)
    shifted = Duration(days=days).after(start)
    target = local + timedelta(days=days)
    if not is_nonexistent(target, zone):
        assert shifted.replace(tzinfo=None) == target
    assert shifted > start


@given(AWARE)
def test_iso_text_of_an_instant_parses_back_to_it(moment):
    text = moment.isoformat()
    # Compared as timestamps: Python calls datetimes inside a DST gap unequal across zones.
    assert parse_when(text, BRUSSELS).timestamp() == moment.timestamp()


def test_brussels_dst_pair():
    july, _ = instant(datetime(2022, 7, 29, 18, 0), BRUSSELS)
    december, _ = instant(datetime(2022, 12, 2, 18, 0), BRUSSELS)
    assert july.astimezone(UTC).hour == 16
    assert december.astimezone(UTC).hour == 17


def test_gap_and_repeated_hour_in_brussels():
    assert is_nonexistent(datetime(2022, 3, 27, 2, 30), BRUSSELS)
    assert not is_nonexistent(datetime(2022, 3, 27, 3, 30), BRUSSELS)
    assert is_ambiguous(datetime(2022, 10, 30, 2, 30), BRUSSELS)
    first = localize(datetime(2022, 10, 30, 2, 30), BRUSSELS)
    assert first.utcoffset() == timedelta(hours=2)  # the first 02:30 is still summer time


def test_thirty_days_across_the_autumn_change_keep_1800():
    start = datetime(2022, 10, 15, 18, 0, tzinfo=BRUSSELS)
    assert parse_duration("30d").after(start) == datetime(2022, 11, 14, 18, 0, tzinfo=BRUSSELS)
    assert parse_duration("12h").after(start) == datetime(2022, 10, 16, 6, 0, tzinfo=BRUSSELS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-06-01", datetime(2022, 6, 1, 0, 0, tzinfo=BRUSSELS)),
        ("2022-07-29 17:59:30", datetime(2022, 7, 29, 17, 59, 30, tzinfo=BRUSSELS)),
        ("2022-07-29T16:00:00Z", datetime(2022, 7, 29, 16, 0, tzinfo=UTC)),
        ("29 Jul 2022 18:00", datetime(2022, 7, 29, 18, 0, tzinfo=BRUSSELS)),
        ("+14d", datetime(2022, 6, 15, 12, 0, tzinfo=BRUSSELS)),
        ("in 2 weeks", datetime(2022, 6, 15, 12, 0, tzinfo=BRUSSELS)),
        ("3 days ago", datetime(2022, 5, 29, 12, 0, tzinfo=BRUSSELS)),
        ("tomorrow", datetime(2022, 6, 2, 0, 0, tzinfo=BRUSSELS)),
        ("now", datetime(2022, 6, 1, 12, 0, tzinfo=BRUSSELS)),
    ],
)
def test_parse_when_forms(text, expected):
    now = datetime(2022, 6, 1, 12, 0, tzinfo=BRUSSELS)
    assert parse_when(text, BRUSSELS, now=now) == expected


def test_parse_when_day_end_includes_the_whole_day():
    assert parse_when("2022-06-13", BRUSSELS, day_end=True) == end_of_day(
        date(2022, 6, 13), BRUSSELS
    )


@pytest.mark.parametrize("text", ["", "banana", "03/04/2022", "Jul 2022", "2022-02-30"])
def test_parse_when_rejects_with_a_reason(text):
    with pytest.raises(TimeInputError):
        parse_when(text, BRUSSELS, now=datetime(2022, 6, 1, tzinfo=BRUSSELS))


@pytest.mark.parametrize("text", ["", "banana", "30", "d30", "3 parsecs", "1d x"])
def test_parse_duration_rejects_nonsense(text):
    with pytest.raises(TimeInputError):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30d", Duration(days=30)),
        ("2w", Duration(days=14)),
        ("12h", Duration(seconds=12 * 3600)),
        ("90m", Duration(seconds=90 * 60)),
        ("1mo", Duration(months=1)),
        ("1d12h", Duration(days=1, seconds=12 * 3600)),
        ("1 day 4 hours", Duration(days=1, seconds=4 * 3600)),
        ("2 weeks", Duration(days=14)),
    ],
)
def test_parse_duration_forms(text, expected):
    assert parse_duration(text) == expected


@settings(max_examples=300)
@given(
    st.integers(min_value=0, max_value=10**13),
    st.sampled_from(["s", "min", "h", "d", "w", "mo", "y"]),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=ZONES),
    st.booleans(),
)
def test_any_duration_shifts_in_range_or_says_why(amount, unit, moment, forward):
    """``--within``/``+Nd``/``--alarm`` never overflow: a moment between the years ccal handles,
    or a TimeInputError (which the CLI turns into a usage error)."""
    try:
        span = parse_duration(f"{amount}{unit}")
        shifted = span.after(moment) if forward else span.before(moment)
    except TimeInputError:
        return
    assert FIRST_YEAR <= shifted.year <= LAST_YEAR


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)), ZONES, st.booleans())
def test_any_typed_date_is_in_range_or_an_error(day, zone, day_end):
    try:
        moment = parse_when(day.isoformat(), zone, day_end=day_end)
    except TimeInputError:
        assert not FIRST_YEAR <= day.year <= LAST_YEAR
        return
    assert FIRST_YEAR <= moment.year <= LAST_YEAR


def test_a_written_date_with_a_known_zone_name_keeps_its_instant():
    assert parse_when("1 Jun 2022 10:00 UTC", BRUSSELS) == datetime(2022, 6, 1, 10, tzinfo=UTC)
    assert parse_when("1 Jun 2022 10:00 -0800", BRUSSELS) == datetime(2022, 6, 1, 18, tzinfo=UTC)


@given(st.integers(min_value=-99 * 60 - 59, max_value=99 * 60 + 59), st.booleans())
def test_any_typed_utc_offset_is_usable_or_an_error(minutes, spaced):
    """``+25:00`` parses (dateutil) but no datetime can hold it: an error here, never later."""
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    text = (
        f"2022-07-29 18:00 {sign}{hours:02d}{rest:02d}"
        if spaced
        else (f"2022-07-29T18:00{sign}{hours:02d}:{rest:02d}")
    )
    try:
        moment = parse_when(text, BRUSSELS)
    except TimeInputError:
        assert abs(minutes) >= 24 * 60
        return
    assert moment.astimezone(UTC).utcoffset() is not None


# --- issue 20 item 13: a day whose last hour repeats ends on its second pass ---------------------


@pytest.mark.parametrize(
    ("zone", "day", "utc"),
    [
        ("Africa/Cairo", date(2023, 10, 26), datetime(2023, 10, 26, 21, 59, 59, tzinfo=UTC)),
        ("America/Santiago", date(2022, 4, 2), datetime(2022, 4, 3, 3, 59, 59, tzinfo=UTC)),
        ("Europe/Brussels", date(2022, 10, 30), datetime(2022, 10, 30, 22, 59, 59, tzinfo=UTC)),
        ("Europe/Brussels", date(2022, 3, 27), datetime(2022, 3, 27, 21, 59, 59, tzinfo=UTC)),
    ],
)
def test_the_end_of_a_day_is_its_last_second(zone, day, utc):
    from ccal.clock import end_of_day

    assert end_of_day(day, ZoneInfo(zone)).timestamp() == utc.timestamp()


@given(st.dates(), st.integers(-12 * 60, 14 * 60))
def test_the_end_of_a_day_at_a_fixed_offset_is_its_wall_clock_last_second(day, minutes):
    """A fixed offset repeats no hour: the last second is 23:59:59 on that day, fold 0 (the
    shortcut that skips the zone lookup gives what the general rule gives)."""
    from ccal.clock import end_of_day

    zone = timezone(timedelta(minutes=minutes))
    moment = end_of_day(day, zone)
    assert moment == datetime.combine(day, time(23, 59, 59), zone) and moment.fold == 0
    assert moment.timestamp() == moment.replace(fold=1).timestamp()


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.sampled_from(
    ["Africa/Cairo", "America/Santiago", "Europe/Brussels", "Australia/Lord_Howe"]))  # fmt: skip
@example(date(2023, 10, 26), "Africa/Cairo")  # its last hour happens twice
@example(date(2022, 4, 2), "America/Santiago")
def test_the_end_of_a_day_remembered_is_the_one_worked_out(day, name):
    """``end_of_day`` keeps what it found in a named zone (by day and zone): what it gives from
    memory, and after the memory is full and starts again, is what the rule gives afresh."""
    from ccal import clock

    zone = ZoneInfo(name)
    first = datetime.combine(day, time(23, 59, 59), zone)
    second = first.replace(fold=1)
    fresh = second if second.timestamp() > first.timestamp() else first
    for _ in range(2):  # worked out, then remembered
        found = clock.end_of_day(day, zone)
        assert (found, found.fold) == (fresh, fresh.fold)
    clock._LAST_SECONDS.update({(number, zone): first for number in range(clock._REMEMBERED)})
    clock.end_of_day(day + timedelta(days=1), zone)  # full: it starts again
    assert len(clock._LAST_SECONDS) == 1
    assert clock.end_of_day(day, zone) == fresh


@given(NAIVE, ZONES)
@example(datetime(2022, 3, 27, 2, 30), BRUSSELS)  # skipped: the clocks jump from 02:00 to 03:00
def test_a_wall_time_worked_out_is_the_instant_its_clock_shows_or_the_one_after_a_gap(local, zone):
    """``wall_time_on`` gives the instant ``zone``'s clock reads ``local`` at, and for a wall
    time the clocks skip an instant on the far side of the gap: from memory as afresh."""
    from ccal.clock import wall_time_on

    for _ in range(2):  # worked out, then remembered
        moment = wall_time_on(local.date(), local.time(), zone)
        assert moment.tzinfo is zone
        if is_nonexistent(local, zone):
            assert timedelta(0) < moment.replace(tzinfo=None) - local <= timedelta(hours=1)
            assert not is_nonexistent(moment.replace(tzinfo=None), zone)
        else:
            assert moment.replace(tzinfo=None) == local and moment.fold == 0


def test_a_wall_time_remembered_keeps_its_pass_of_a_repeated_hour():
    from ccal.clock import wall_time_on

    # 02:30 on 30 Oct 2022 happens twice in Brussels: fold 0 is the first pass, fold 1 the second
    first = wall_time_on(date(2022, 10, 30), time(2, 30), BRUSSELS)
    second = wall_time_on(date(2022, 10, 30), time(2, 30, fold=1), BRUSSELS)
    assert (first.isoformat(), second.isoformat()) == (
        "2022-10-30T02:30:00+02:00",
        "2022-10-30T02:30:00+01:00",
    )


class _EqualZone(tzinfo):
    """A zone every other one equals (as two loaded copies of one zone may): not ``is`` it."""

    def utcoffset(self, dt):
        return timedelta(hours=1)

    def dst(self, dt):
        return timedelta(0)

    def __eq__(self, other):
        return isinstance(other, _EqualZone)

    def __hash__(self):
        return 1


def test_what_clock_remembers_is_in_the_very_zone_asked_for():
    from ccal.clock import end_of_day, wall_time_on

    one, other = _EqualZone(), _EqualZone()
    day = date(2027, 5, 3)
    for zone in (one, other, one):
        assert end_of_day(day, zone).tzinfo is zone
        assert wall_time_on(day, time(12), zone).tzinfo is zone


def test_what_clock_remembers_is_by_the_day_itself_and_any_zone_still_works():
    from dateutil import tz

    from ccal.clock import end_of_day, wall_time_on

    # the same instant on two days: an aware datetime equals the other, its day does not
    march = datetime(2026, 3, 1, 0, tzinfo=UTC)
    february = datetime(2026, 2, 28, 23, tzinfo=timezone(timedelta(hours=-1)))
    assert end_of_day(march, BRUSSELS).date() == date(2026, 3, 1)
    assert end_of_day(february, BRUSSELS).date() == date(2026, 2, 28)
    unhashable = tz.gettz("Europe/Brussels")  # dateutil's zones need not hash
    assert end_of_day(date(2026, 1, 1), unhashable).isoformat() == "2026-01-01T23:59:59+01:00"
    skipped = datetime(2022, 3, 27, 2, 30, tzinfo=unhashable)  # (how a zone reads a gap is its own)
    assert wall_time_on(skipped.date(), skipped.time(), unhashable) == skipped.astimezone(
        UTC
    ).astimezone(unhashable)


def test_a_wall_time_skipped_reads_as_the_hour_after():
    from ccal.clock import wall_time_on

    moment = wall_time_on(date(2022, 3, 27), time(2, 30), BRUSSELS)
    assert moment.isoformat() == "2022-03-27T03:30:00+02:00"


@pytest.mark.parametrize("no_cache", [(), ("--no-cache",)])
def test_an_all_day_entry_lasts_through_the_repeated_last_hour(ccal, no_cache):
    data = str(DATA / "repeated-last-hour.toml")
    for as_of, status in (("2023-10-26T21:30:00Z", "next"), ("2023-10-26T22:00:00Z", "passed")):
        [record] = ccal.json(*no_cache, "deadlines", "cairo-day", "--data", data, "--as-of", as_of)
        assert record["status"] == status, as_of
    [record] = ccal.json(
        *no_cache, "deadlines", "santiago-day", "--data", data, "--as-of", "2022-04-03T03:30Z"
    )
    assert record["status"] == "next"


# --- ccal reads back the moments it prints ---------------------------------------------------


@settings(max_examples=150)
@given(AWARE | st.sampled_from([datetime(2022, 10, 30, 0, 30, tzinfo=UTC),  # the repeated hour
                                datetime(2022, 10, 30, 1, 30, tzinfo=UTC)]), ZONES)  # fmt: skip
def test_the_printed_moment_reads_back_as_the_same_instant(moment, zone):
    """``--as-of "Wed 11 Mar 2026 17:00 CET"``: what ccal prints (``moment_text``) is an input
    it accepts, the abbreviation resolved against the zone (it picks the autumn hour too)."""
    from ccal.render.timefmt import moment_text

    exact = moment.astimezone(UTC).replace(second=0, microsecond=0)  # a real instant
    # Compared in UTC: PEP 495 makes a time of the repeated hour unequal to any other zone's.
    assert parse_when(moment_text(exact, zone), zone).astimezone(UTC) == exact.astimezone(UTC)


@pytest.mark.parametrize(
    ("text", "zone", "expected"),
    [
        ("Wed 11 Mar 2026 17:00 CET", "Europe/Brussels", "2026-03-11T17:00:00+01:00"),
        ("2022-10-30 02:30 CEST", "Europe/Brussels", "2022-10-30T02:30:00+02:00"),  # first
        ("2022-10-30 02:30 CET", "Europe/Brussels", "2022-10-30T02:30:00+01:00"),  # second
        ("Wed 11 Mar 2026 17:00 CET", "UTC", "2026-03-11T17:00:00+01:00"),  # the zone 'CET'
        ("Wed 11 Mar 2026 12:00 EST", "UTC", "2026-03-11T12:00:00-05:00"),  # the zone 'EST'
        ("Fri 29 Jul 2022 12:00 EDT", "America/New_York", "2022-07-29T12:00:00-04:00"),
    ],
)
def test_zone_abbreviations_resolve_against_the_zone(text, zone, expected):
    assert parse_when(text, ZoneInfo(zone)).isoformat() == expected


@pytest.mark.parametrize(
    ("text", "zone", "fragment"),
    [
        ("Sat 11 Jul 2026 17:00 CET", "Europe/Brussels", "is not what Europe/Brussels is called"),
        ("Wed 11 Mar 2026 17:00 IST", "Europe/Brussels", "'IST'"),  # India? Ireland? Israel?
        ("Wed 11 Mar 2026 17:00 CST", "UTC", "e.g. 17:00+00:00"),  # not guessed globally
        ("2022-03-27 02:30 CEST", "Europe/Brussels", "does not exist"),  # skipped in spring
        ("11 Mar 2026 CET", "Europe/Brussels", "goes after a time"),
    ],
)
def test_abbreviations_stay_strict(text, zone, fragment):
    with pytest.raises(TimeInputError, match=None) as caught:
        parse_when(text, ZoneInfo(zone))
    assert fragment in str(caught.value)


_DURATION_TEXT = st.text(
    alphabet="0123456789 \t\u00a0\u0663dhmswkoyrinsa,", max_size=12
) | st.builds(
    lambda n, gap, unit: f"{n}{gap}{unit}",
    st.integers(0, 10**14),
    st.sampled_from(["", " ", "  ", "\t", "\u00a0"]),
    st.sampled_from(["d", "days", "w", "mo", "h", "m", "min", "s", "y", "x", "dd", "D"]),
)


@given(_DURATION_TEXT)
def test_a_lone_part_is_read_as_the_pattern_reads_it(text):
    """``parse_duration`` reads ``7d`` without ``re``: the shortcut must agree with the pattern
    on every text — the same duration, or the same refusal."""
    import ccal.clock as clock

    def outcome(parse):
        try:
            return parse(text)
        except TimeInputError as exc:
            return str(exc)

    shortcut = outcome(clock.parse_duration)
    original, clock._one_part = clock._one_part, lambda cleaned: ("", None)
    try:
        assert outcome(clock.parse_duration) == shortcut
    finally:
        clock._one_part = original
