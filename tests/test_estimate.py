"""Estimates of the next edition: honest about what they know, deterministic, never confident
when the editions disagree."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from ccal.estimate import Edition, Estimate, NoEstimate, estimate_next

BRUSSELS = ZoneInfo("Europe/Brussels")
AOE = timezone(timedelta(hours=-12), "AoE")


def yearly(days: dict[int, str], zone=UTC, label: str = "Paper") -> list[Edition]:
    return [
        Edition(f"conf{year % 100}", year, {label: datetime.fromisoformat(v).replace(tzinfo=zone)})
        for year, v in days.items()
    ]


NEURIPS = {  # ccfddl's NeurIPS paper deadlines (UTC), 2021-2026
    2021: "2021-05-28 20:00",
    2022: "2022-05-19 20:00",
    2023: "2023-05-17 20:00",
    2024: "2024-05-22 20:00",
    2025: "2025-05-15 23:59",
    2026: "2026-05-07 11:59",
}


def test_a_yearly_series_gets_the_next_year_with_its_basis_and_a_range_around_the_point():
    result = estimate_next("nips", yearly(NEURIPS))
    assert isinstance(result, Estimate)
    assert result.year == 2027
    assert result.basis == (2021, 2022, 2023, 2024, 2025, 2026)
    assert result.cadence == "yearly"
    (paper,) = result.dates
    assert paper.label == "Paper"
    assert paper.range_start <= paper.at <= paper.range_end
    assert paper.at.timetz().replace(tzinfo=None).isoformat() == "11:59:00"  # its time of day
    assert datetime(2027, 4, 15, tzinfo=UTC) < paper.at < datetime(2027, 5, 31, tzinfo=UTC)


def test_held_out_neurips_2026_falls_inside_the_range_estimated_from_2021_2025():
    history = yearly(NEURIPS)
    result = estimate_next("nips", history[:-1])
    assert isinstance(result, Estimate) and result.year == 2026
    (paper,) = result.dates
    assert paper.range_start <= history[-1].dates["Paper"] <= paper.range_end


def test_one_edition_gives_no_estimate_and_says_why():
    result = estimate_next("solo", yearly({2024: "2024-03-01 12:00"}))
    assert isinstance(result, NoEstimate)
    assert "only one edition" in result.reason


def test_editions_without_dates_are_ignored():
    editions = [*yearly({2023: "2023-03-01 12:00"}), Edition("tbd", 2024, {})]
    assert isinstance(estimate_next("s", editions), NoEstimate)


def test_a_conference_that_moved_from_spring_to_autumn_gets_no_confident_answer():
    result = estimate_next(
        "moved", yearly({2022: "2022-03-10 12:00", 2023: "2023-03-12 12:00", 2024: "2024-10-01"})
    )
    assert isinstance(result, NoEstimate)
    assert "disagree" in result.reason


def test_a_biennial_series_skips_a_year():
    result = estimate_next(
        "bi", yearly({2020: "2020-06-05 12:00", 2022: "2022-06-03 12:00", 2024: "2024-06-07"})
    )
    assert isinstance(result, Estimate)
    assert (result.year, result.cadence) == (2026, "every 2 years")
    assert result.dates[0].at.year == 2026


def test_a_fortnightly_talk_series_stays_on_its_weekday_and_time_in_its_zone():
    start = datetime(2022, 9, 7, 8, 30, tzinfo=BRUSSELS)  # a Wednesday, summer time
    talks = [start + timedelta(weeks=2 * n) for n in range(6)]  # across the October change
    editions = [Edition(f"talk-{n}", at.year, {"Talk": at}) for n, at in enumerate(talks)]
    result = estimate_next("talks", editions)
    assert isinstance(result, Estimate)
    assert result.cadence == "every 14 days"
    (talk,) = result.dates
    assert talk.at.weekday() == 2 and (talk.at.hour, talk.at.minute) == (8, 30)
    assert talk.at.date() == (talks[-1] + timedelta(weeks=2)).date()


def test_every_label_of_the_latest_edition_is_estimated_soonest_first():
    editions = [
        Edition(
            f"c{y}",
            y,
            {
                "Paper": datetime(y, 5, 15, 23, 59, tzinfo=AOE),
                "Abstract": datetime(y, 5, 10, 23, 59, tzinfo=AOE),
            },
        )
        for y in (2023, 2024, 2025)
    ]
    editions[-1] = Edition(
        "c2025", 2025, {**editions[-1].dates, "Rebuttal": datetime(2025, 7, 20, tzinfo=AOE)}
    )
    result = estimate_next("c", editions)
    assert isinstance(result, Estimate)
    assert [d.label for d in result.dates] == ["Abstract", "Paper", "Rebuttal"]
    assert all(d.at.tzinfo is AOE for d in result.dates)
    rebuttal = result.dates[-1]
    assert rebuttal.range_start <= datetime(2026, 7, 20, tzinfo=AOE) <= rebuttal.range_end


def test_with_after_an_old_series_is_rolled_forward_and_widened():
    history = yearly({2022: "2022-06-10 12:00", 2023: "2023-06-09 12:00", 2024: "2024-06-07"})
    plain = estimate_next("s", history)
    rolled = estimate_next("s", history, after=datetime(2026, 12, 1, tzinfo=UTC))
    assert isinstance(plain, Estimate) and isinstance(rolled, Estimate)
    assert (plain.year, rolled.year) == (2025, 2027)
    width = [(e.dates[0].range_end - e.dates[0].range_start).days for e in (plain, rolled)]
    assert width[1] > width[0]
    assert rolled.dates[0].range_end >= datetime(2026, 12, 1, tzinfo=UTC)


# --- properties -----------------------------------------------------------------------------------

ZONES = st.sampled_from([UTC, BRUSSELS, ZoneInfo("America/New_York"), AOE])


@st.composite
def series(draw):
    zone = draw(ZONES)
    first = draw(st.integers(2005, 2020))
    gaps = draw(st.lists(st.integers(1, 2), min_size=1, max_size=8))
    base = draw(st.integers(1, 330))  # day of year of the first edition
    years = [first]
    for gap in gaps:
        years.append(years[-1] + gap)
    editions = []
    for year in years:
        jitter = draw(st.integers(-20, 20))
        day = datetime(year, 1, 1) + timedelta(days=base + jitter)
        at = datetime.combine(day.date(), datetime.min.time().replace(hour=12), tzinfo=zone)
        editions.append(Edition(f"e{year}", year, {"Deadline": at}))
    return editions


@settings(max_examples=150, deadline=None)
@given(series(), st.randoms(use_true_random=False))
def test_estimates_are_deterministic_and_do_not_depend_on_input_order(editions, rnd: random.Random):
    shuffled = list(editions)
    rnd.shuffle(shuffled)
    assert estimate_next("s", editions) == estimate_next("s", shuffled)


@settings(max_examples=150, deadline=None)
@given(series())
def test_every_estimate_is_after_the_latest_edition_and_inside_its_own_range(editions):
    result = estimate_next("s", editions)
    if isinstance(result, NoEstimate):
        assert result.reason
        return
    latest = max(e.year for e in editions)
    assert result.year > latest
    assert result.basis == tuple(sorted(e.year for e in editions))
    for estimated in result.dates:
        assert estimated.range_start <= estimated.at <= estimated.range_end
        assert estimated.at.utcoffset() is not None
        assert (estimated.range_end - estimated.range_start) >= timedelta(days=14)


@settings(max_examples=100, deadline=None)
@given(st.integers(2000, 2020), st.integers(2, 8), st.integers(1, 12), st.integers(1, 28), ZONES)
def test_a_series_on_the_same_day_every_year_is_estimated_on_that_day(
    first, count, month, day, zone
):
    editions = [
        Edition(f"e{year}", year, {"Deadline": datetime(year, month, day, 18, 0, tzinfo=zone)})
        for year in range(first, first + count)
    ]
    result = estimate_next("same", editions)
    assert isinstance(result, Estimate)
    (estimated,) = result.dates
    assert estimated.at == datetime(first + count, month, day, 18, 0, tzinfo=zone)
