"""The feeds' helpers: quick folding gives icalendar's bytes; tag feeds select as --tag does."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ccal.publish.feeds import _slugs, fold_ascii

DATA = Path(__file__).resolve().parents[1] / "data"

try:  # icalendar's own folding: private from 7.2, the public (since deprecated) one before
    from icalendar.parser.string import _foldline as foldline
except ImportError:
    from icalendar.parser import foldline

LINES = st.text(alphabet=st.sampled_from('ab ;:,\\^"xyz0123456789é'), max_size=400)


@settings(max_examples=200)
@given(LINES)
def test_quick_folding_folds_as_icalendar_does(line):
    assert fold_ascii(line, foldline) == foldline(line)


def test_two_tags_of_one_slug_get_distinct_file_names():
    names = _slugs(["a b", "a-b", "solo"])
    assert names["solo"] == "solo"
    assert names["a b"] != names["a-b"]
    assert names["a b"].startswith("a-b-") and names["a-b"].startswith("a-b-")


def test_a_series_gets_its_feed_and_data_without_series_gets_none():
    """An opportunity with ``series = "SLUG"`` gets ``feeds/series/<slug>.ics``; data without
    series gets no series feed."""
    from dataclasses import replace

    from ccal.loader import load_catalog
    from ccal.publish.feeds import plan

    entries = load_catalog([DATA / "publish.toml"]).entries()
    assert [f for f in plan(entries, "T") if f.group == "series"] == []

    def with_series(entry, name):
        opportunity = entry.opportunity.model_copy(update={"series": name})
        return replace(entry, opportunity=opportunity)

    named = [with_series(e, "horizon-europe" if e.opportunity.id == "horizon-call" else None)
             for e in entries]  # fmt: skip
    (series,) = [f for f in plan(named, "T") if f.group == "series"]
    assert series.path == "feeds/series/horizon-europe.ics"
    assert series.name == "T: horizon-europe"
    assert series.uids == ("horizon-call.cut-off-1@ccal", "horizon-call.cut-off-2@ccal")


def test_rendering_in_shares_gives_the_bytes_of_one_render(monkeypatch):
    """Many dates are rendered by one process per CPU: the feeds must not tell."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from ccal.loader import load_catalog
    from ccal.publish import feeds
    from ccal.query import select_dates, statuses
    from ccal.recurrence import span
    from ccal.render import Listing
    from ccal.render.formats import RenderOptions

    now = datetime(2022, 4, 1, tzinfo=UTC)
    names = ("fixture.toml", "recurring.toml", "hostile.toml", "publish.toml", "repeated-hour.toml")
    catalog = load_catalog([DATA / n for n in names]).expanded(*span(now, None, None))
    entries = select_dates(catalog, now, scope="all")
    listing = Listing(entries, statuses(entries, now), now, ZoneInfo("Europe/Brussels"))
    for chosen in (False, True):
        options = RenderOptions(chosen_occurrences=chosen)
        order = feeds.plan(entries, "T")[0].uids
        monkeypatch.setattr(feeds, "PARALLEL_FROM", 10**9)
        one = feeds.render_events(listing, options, "T", order)
        monkeypatch.setattr(feeds, "PARALLEL_FROM", 0)
        monkeypatch.setattr(
            feeds.os if hasattr(feeds, "os") else __import__("os"), "cpu_count", lambda: 3
        )
        shared = feeds.render_events(listing, options, "T", order)
        assert shared.zones == one.zones
        assert list(shared.events.items()) == list(one.events.items())
        assert shared.feed("H", order) == one.feed("H", order)
