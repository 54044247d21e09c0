"""The compact reminder line and the two clocks it shares with tables, across DST changes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ccal.loader import load_catalog
from ccal.render.remind import remind_line
from ccal.render.timefmt import two_clocks, when_both

DATA = Path(__file__).parents[1] / "data"
BRUSSELS = ZoneInfo("Europe/Brussels")
NEW_YORK = ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")


@pytest.fixture(scope="module")
def dst_call():
    catalog = load_catalog([DATA / "countdown.toml"])
    return {e.label: e for e in catalog.find("dst-call").entries}


NOW = datetime(2022, 10, 25, 14, 0, tzinfo=BRUSSELS)


def test_remind_line_reads_like_the_issue(dst_call):
    line = remind_line(dst_call["Before the change"], NOW, BRUSSELS)
    assert line == "in 2 d 4 h · Before the change · DST Call · Thu 27 Oct 18:00 Brussels"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        # Europe and the USA both on summer time: six hours apart.
        ("Before the change", "18:00 Brussels · 12:00 New York"),
        # Europe has left summer time, the USA has not: five hours apart for a week.
        ("Change day", "18:00 Brussels · 13:00 New York"),
        ("Between the changes", "18:00 Brussels · 13:00 New York"),
        # Both on standard time: six hours again.
        ("After both", "18:00 Brussels · 12:00 New York"),
    ],
)
def test_two_clocks_follow_each_zones_own_dst_change(dst_call, label, expected):
    assert remind_line(dst_call[label], NOW, NEW_YORK).endswith(f" {expected}")


def test_tables_show_the_display_clock_first_then_the_entrys_own(dst_call):
    assert when_both(dst_call["Before the change"], UTC) == (
        "Thu 27 Oct 2022 16:00 UTC · 18:00 Brussels"
    )
    assert when_both(dst_call["Change day"], UTC) == "Sun 30 Oct 2022 17:00 UTC · 18:00 Brussels"
    assert when_both(dst_call["Change day"], BRUSSELS) == "Sun 30 Oct 2022 18:00 CET"


def test_all_day_entries_say_when_their_day_ends_on_the_display_clock():
    catalog = load_catalog([DATA / "countdown.toml"])
    (eoi,) = catalog.find("eoi-day").entries
    assert when_both(eoi, NEW_YORK) == "Fri 4 Nov 2022 (all day) in Brussels · ends 18:59 EDT"
    # 25 Oct 14:00 CEST to 4 Nov 23:59:59 CET is 10 d 10 h of elapsed time (the clocks go back
    # on 30 Oct), not the 10 d 9 h a wall-clock subtraction would give.
    assert remind_line(eoi, NOW, NEW_YORK) == (
        "in 10 d 10 h · EOI · All-day expression of interest · "
        "Fri 4 Nov, all day, until 23:59 Brussels · 18:59 New York"
    )


def test_tentative_dates_are_marked(dst_call):
    assert " · After both (tbc) · " in remind_line(dst_call["After both"], NOW, BRUSSELS)


def test_an_event_under_way_says_when_it_ends():
    catalog = load_catalog([DATA / "fixture.toml"])
    (talk,) = catalog.find("tokyo-talk").entries
    during = datetime(2022, 9, 7, 9, 30, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert remind_line(talk, during, UTC).startswith("under way, ends in 30 min · Talk · ")


def test_two_clocks_name_the_day_when_the_display_zone_is_on_another_one():
    moment = datetime(2022, 9, 7, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert two_clocks(moment, ZoneInfo("Asia/Tokyo"), NEW_YORK) == (
        "09:00 Tokyo · Tue 6 Sep 20:00 New York"
    )
