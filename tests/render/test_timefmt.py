"""Human time text (render/timefmt.py): countdown spans and zone names, for any span."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st
from hypothesis.strategies import timezones

from ccal.clock import zone_city
from ccal.render.timefmt import two_clocks
from ccal.spans import compact_countdown, countdown_text, dhms_text

UNIT_SECONDS = {"d": 86400, "h": 3600, "min": 60, "s": 1}
SPAN = st.integers(min_value=-(10**9), max_value=10**9)


def total(text: str) -> int:
    return sum(int(n) * UNIT_SECONDS[u] for n, u in re.findall(r"(\d+) (d|h|min|s)\b", text))


@given(SPAN)
def test_dhms_text_adds_up_to_the_seconds(seconds):
    assert total(dhms_text(seconds)) == abs(seconds)
    assert dhms_text(seconds).endswith(" s")


@given(SPAN.filter(lambda s: s != 0))
def test_compact_countdown_is_two_units_at_most_and_never_overstates(seconds):
    text = compact_countdown(seconds)
    assert text.startswith("in ") if seconds > 0 else text.endswith(" ago")
    assert 1 <= len(re.findall(r"\d+", text)) <= 2
    shown = total(text)
    assert shown <= abs(seconds)
    # What is left out is less than one unit below the largest shown: "2 d 4 h" is exact to
    # the hour, "1 min 30 s" to the second.
    largest = max(UNIT_SECONDS[u] for u in re.findall(r"\d+ (d|h|min|s)\b", text))
    below = {86400: 3600, 3600: 60, 60: 1, 1: 1}[largest]
    assert abs(seconds) - shown < below or (largest == 1 and shown == abs(seconds))


def test_compact_countdown_examples():
    assert compact_countdown(2 * 86400 + 4 * 3600 + 59) == "in 2 d 4 h"
    assert compact_countdown(3 * 86400) == "in 3 d"
    assert compact_countdown(3605) == "in 1 h"
    assert compact_countdown(40) == "in 40 s"
    assert compact_countdown(0) == "now"
    assert compact_countdown(-90) == "1 min 30 s ago"
    assert dhms_text(30) == "30 s"
    assert dhms_text(86400 + 5) == "1 d 0 h 0 min 5 s"


def test_zone_city():
    assert zone_city(ZoneInfo("Europe/Brussels")) == "Brussels"
    assert zone_city(ZoneInfo("America/New_York")) == "New York"
    assert zone_city(ZoneInfo("UTC")) == "UTC"
    assert zone_city(UTC) == "UTC"


@given(
    st.datetimes(min_value=datetime(1980, 1, 1), max_value=datetime(2100, 1, 1)),
    timezones(),
    timezones(),
)
def test_two_clocks_show_the_right_wall_times(naive, own, display):
    moment = naive.replace(tzinfo=UTC)
    text = two_clocks(moment, own, display)
    mine, theirs = moment.astimezone(own), moment.astimezone(display)
    assert text.startswith(f"{mine:%H:%M} {zone_city(own)}")
    if mine.utcoffset() == theirs.utcoffset():
        assert " · " not in text
    else:
        assert text.endswith(f"{theirs:%H:%M} {zone_city(display)}")


@given(st.integers(-(10**9), 10**9))
def test_countdown_text_says_which_side_of_now(seconds):
    text = countdown_text(seconds)
    assert text.startswith("in ") == (seconds > 0)
    assert text.endswith(" ago") == (seconds < 0)


def test_countdown_text_examples():
    assert countdown_text(3 * 86400 + 4 * 3600 + 59) == "in 3 days 4 h"
    assert countdown_text(25 * 60 + 10) == "in 25 min"
    assert countdown_text(30) == "in 30 s"
    assert countdown_text(-86400) == "1 day ago"
    assert countdown_text(0) == "now"


def test_a_timed_range_shows_its_end_on_both_clocks():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    tokyo, utc, brussels = ZoneInfo("Asia/Tokyo"), ZoneInfo("UTC"), ZoneInfo("Europe/Brussels")
    start, end = datetime(2022, 9, 7, 9, 0, tzinfo=tokyo), datetime(2022, 9, 7, 10, tzinfo=tokyo)
    assert two_clocks(start, tokyo, utc, end=end) == "09:00–10:00 Tokyo · 00:00–01:00 UTC"
    assert two_clocks(start, tokyo, tokyo, end=end) == "09:00–10:00 Tokyo"
    fair = datetime(2026, 11, 25, 9, tzinfo=brussels), datetime(2026, 11, 27, 17, tzinfo=brussels)
    assert two_clocks(fair[0], brussels, brussels, dated=True, end=fair[1]) == (
        "Wed 25 Nov 2026 09:00 Brussels, until Fri 27 Nov 17:00"
    )


def test_a_range_ending_this_second_is_under_way_ending_now_in_every_form():
    from ccal.spans import compact_countdown, countdown_dhms, countdown_text, under_way_text

    for span in (countdown_text, compact_countdown, countdown_dhms):
        assert under_way_text(0, span) == "under way, ends now"
        assert under_way_text(90, span).startswith("under way, ends in ")


def test_an_all_day_range_names_the_day_it_ends_on_the_display_clock(ccal, tmp_path):
    data = tmp_path / "days.toml"
    data.write_text(
        'version = 1\ntimezone = "Europe/Brussels"\n[[opportunity]]\nid = "conf"\n'
        'kind = "event"\ntitle = "Conf"\n[[opportunity.dates]]\nlabel = "Days"\n'
        "at = 2026-10-24\nend = 2026-10-26\n",
        encoding="utf-8",
    )
    args = ("--as-of", "2026-10-24T12:00+02:00", "--data", str(data))
    tokyo = ccal("upcoming", "--tz", "Asia/Tokyo", *args).stdout
    assert "ends Tue 27 Oct 07:59 JST" in tokyo, tokyo
    utc = ccal("upcoming", "--tz", "UTC", *args).stdout
    assert "ends 22:59 UTC" in utc and "ends Mon" not in utc, utc
