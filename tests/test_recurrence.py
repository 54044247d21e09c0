"""Repeating dates: an open-ended series never vanishes because it starts (or repeats) later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conftest import DATA

from ccal.loader import load_catalog
from ccal.recurrence import expand

FEEDS = str(DATA / "feeds.toml")
LATER = "later-series"  # monthly from 10 Jan 2029, no end


def test_expand_gives_the_next_date_of_a_series_with_nothing_in_the_span():
    (entry,) = next(i for i in load_catalog([DATA / "feeds.toml"]).items if i.id == LATER).entries
    low = datetime(2025, 12, 1, tzinfo=UTC)
    found = expand(entry, low, low + timedelta(days=366))
    assert [(e.at.isoformat(), e.occurrence) for e in found] == [("2029-01-10T10:00:00+01:00", 0)]
    # With occurrences in the span, the span's occurrences only (no extra one after it).
    inside = expand(entry, datetime(2029, 1, 1, tzinfo=UTC), datetime(2029, 3, 1, tzinfo=UTC))
    assert [e.at.day for e in inside] == [10, 10]


def test_a_series_starting_years_later_is_listed_everywhere(ccal):
    """Before, with --as-of more than a year before its first date it vanished from every
    format, `list --all` included."""
    pinned = ("--data", FEEDS, "--as-of", "2026-12-01")
    listed = ccal("list", "--all", *pinned)
    assert listed.exit_code == 0, listed.stderr
    assert "Monthly talks from 2029" in listed.stdout
    assert LATER in {r["id"] for r in ccal.json("list", "--all", *pinned)}
    upcoming = [r for r in ccal.json("upcoming", *pinned) if r["id"] == LATER]
    assert [(r["at"], r["occurrence"], r["status"]) for r in upcoming] == [
        ("2029-01-10T10:00:00+01:00", 0, "next")
    ]
    exported = ccal("export", "-f", "json", "--all", *pinned)
    assert LATER in exported.stdout


def test_a_window_still_leaves_out_a_series_that_starts_after_it(ccal):
    found = ccal.json("upcoming", "--data", FEEDS, "--as-of", "2026-12-01", "--within", "30d")
    assert LATER not in {r["id"] for r in found}
