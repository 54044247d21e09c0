"""``forecast.pending``: estimates only for series with nothing ahead, always after the latest
known edition, each point inside its range and the range reaching past now."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ccal.forecast import pending
from ccal.loader import load_catalog


def _catalog_text(days: list[int], first_year: int) -> str:
    parts = ['version = 1\ntimezone = "UTC"\n']
    for number, day in enumerate(days):
        year = first_year + number
        at = datetime(year, 1, 1, 12) + timedelta(days=day)
        parts.append(
            f'[[opportunity]]\nid = "c-{year}"\nkind = "call"\ntitle = "C {year}"\n'
            f'series = "c"\n\n[[opportunity.dates]]\nlabel = "Paper"\n'
            f"at = {at:%Y-%m-%dT%H:%M:%S}\n"
        )
    return "\n".join(parts)


@settings(max_examples=40, deadline=None)
@given(
    days=st.lists(st.integers(60, 300), min_size=2, max_size=5),
    first_year=st.integers(2018, 2022),
    now_days=st.integers(0, 365 * 9),
)
def test_estimates_follow_the_latest_edition_and_never_sit_beside_a_date_ahead(
    days, first_year, now_days
):
    now = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(days=now_days)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "c.toml"
        path.write_text(_catalog_text(days, first_year), encoding="utf-8")
        catalog = load_catalog([path])
    latest_year = first_year + len(days) - 1
    ahead = any(entry.due >= now for entry in catalog.entries())
    guesses = pending(catalog, now)
    if ahead:
        assert guesses == []
    for guess in guesses:
        assert guess.date.range_start <= guess.date.at <= guess.date.range_end
        assert guess.date.range_end >= now
        assert guess.estimate.year > latest_year
        assert guess.estimate.basis[-1] == latest_year


def _conference(year: int, paper: str | None, days: str) -> str:
    dates = f'[[opportunity.dates]]\nlabel = "Paper"\nat = {paper}\n\n' if paper else ""
    return (
        f'[[opportunity]]\nid = "conf-{year}"\nkind = "call"\ntitle = "Conf {year}"\n'
        f'series = "conf"\n\n{dates}[[opportunity.dates]]\nlabel = "Conference"\nat = {days}\n'
    )


def _load(text: str, tmp_path: Path):
    path = tmp_path / "conf.toml"
    path.write_text('version = 1\ntimezone = "UTC"\n\n' + text, encoding="utf-8")
    return load_catalog([path])


def test_an_announced_edition_with_its_deadlines_tbd_gets_them_estimated(tmp_path):
    # Conf 2026's own days are known (ahead), its Paper deadline is TBD: the deadline is the
    # estimate, on the announced edition, and its real Conference days are not estimated again
    text = _conference(2024, "2024-03-13T23:59:00", "2024-07-01") + _conference(
        2025, "2025-03-12T23:59:00", "2025-06-30"
    )
    now = datetime(2026, 2, 1, tzinfo=UTC)
    announced = text + _conference(2026, None, "2026-07-06")
    (guess,) = pending(_load(announced, tmp_path), now)
    assert (guess.date.label, guess.estimate.year, guess.title) == ("Paper", 2026, "Conf 2026")
    assert guess.id == "conf-2026-estimated" and guess.date.at.date().isoformat() == "2026-03-11"
    known = text + _conference(2026, "2026-03-11T23:59:00", "2026-07-06")
    assert pending(_load(known, tmp_path), now) == []  # the real deadline: no estimate
