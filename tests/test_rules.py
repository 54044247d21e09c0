"""``rules``: the window of --from/--to/--within/--until, shared by the Typer app and fast path."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccal.clock import TimeInputError, end_of_day
from ccal.rules import REMIND_WITHIN, remind_within, window_bounds

BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = datetime(2022, 6, 1, 12, tzinfo=BRUSSELS)


def test_remind_defaults_to_seven_days_unless_a_window_is_given():
    assert remind_within(None, None) == REMIND_WITHIN == "7d"
    assert remind_within("3d", None) == "3d"
    assert remind_within(None, "2022-07-01") is None


def test_a_date_as_end_includes_that_day():
    start, end = window_bounds(BRUSSELS, NOW, start="2022-06-10", until="2022-07-29")
    assert start == datetime(2022, 6, 10, tzinfo=BRUSSELS)
    assert end == end_of_day(datetime(2022, 7, 29).date(), BRUSSELS)


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"within": ""}, "invalid value for '--within'"),
        ({"to": "2022-07-01", "within": "3d"}, "use either '--to' or '--within', not both"),
        ({"start": "2022-07-01", "to": "2022-06-01"}, "is before '--from 2022-07-01'"),
        ({"until": "someday"}, "invalid value for '--until'"),
    ],
)
def test_bad_windows_say_which_option(options, fragment):
    if "to" in options:
        options["end"] = options.pop("to")
    with pytest.raises(TimeInputError, match=fragment):
        window_bounds(BRUSSELS, NOW, **options)


@given(st.integers(min_value=0, max_value=3650), st.sampled_from(["d", "w", "h", "mo"]))
def test_within_is_the_same_as_until_the_same_span_ahead(amount, unit):
    """``--within D`` and ``--until +D`` end at the same moment: one reading of a duration."""
    within = window_bounds(BRUSSELS, NOW, within=f"{amount}{unit}")
    until = window_bounds(BRUSSELS, NOW, until=f"+{amount}{unit}")
    assert within == until
