"""The feeds' helpers: assembled feeds are icalendar's own bytes; tag feeds select as --tag does."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccal.publish.feeds import _slugs

DATA = Path(__file__).resolve().parents[1] / "data"
NOW = datetime(2026, 3, 1, tzinfo=UTC)

# Text that folds every way: escapes (\\ ; ,), carets, quotes, 2-, 3- and 4-byte characters.
TEXT = st.text(alphabet=st.sampled_from('ab ;:,\\^"xyz019éŠ€漢🙂\t'), max_size=240)
ZONES = ("Europe/Brussels", "Asia/Tokyo", "America/New_York", "UTC")
MOMENTS = ("2026-03-08T01:30:00", "2026-10-25T02:30:00", "2026-07-01T18:00:00", "2026-12-31")


def toml(text: str) -> str:
    """A TOML basic string (JSON's escapes, but astral characters as themselves)."""
    return json.dumps(text, ensure_ascii=False)


@st.composite
def catalogs(draw) -> str:
    """A data file of a few opportunities: long hostile text, several zones, all-day and timed
    dates, ranges, repeating, tentative and moved dates."""
    parts = ['version = 1\ntimezone = "Europe/Brussels"']
    for number in range(draw(st.integers(1, 5))):
        zone = draw(st.sampled_from(ZONES))
        tags = draw(st.lists(TEXT.filter(str.strip), max_size=3, unique_by=str.casefold))
        lines = [
            "[[opportunity]]",
            f'id = "op-{number}"',
            f"kind = {json.dumps(draw(st.sampled_from(['call', 'event', 'talk'])))}",
            f"title = {toml(draw(TEXT.filter(str.strip)))}",
            f"summary = {toml(draw(TEXT.filter(str.strip)))}",
            f"location = {toml(draw(TEXT.filter(str.strip)))}",
            f'timezone = "{zone}"',
            f"tags = [{', '.join(map(toml, tags))}]",
            f'url = "https://example.org/{"x" * draw(st.integers(0, 120))}"',
        ]
        for n in range(draw(st.integers(1, 3))):
            at = draw(st.sampled_from(MOMENTS))
            lines += ["", "[[opportunity.dates]]", f'label = "Date {n}"', f"at = {at}"]
            choice = draw(st.integers(0, 4))
            if choice == 0:
                lines.append(f"end = {'2027-01-02' if len(at) == 10 else '2027-01-02T10:00:00'}")
            elif choice == 1:
                lines += ['rrule = "FREQ=MONTHLY"', "count = 3"]
            elif choice == 2:
                was = "2026-12-24" if len(at) == 10 else "2026-06-20T18:00:00"
                lines.append(f"previous = {was}")
            if draw(st.booleans()):
                lines.append("tentative = true")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def listing_of(text: str):
    from ccal.catalog import Catalog
    from ccal.loader import parse_text
    from ccal.query import select_dates, statuses
    from ccal.recurrence import span
    from ccal.render import Listing

    result = parse_text(text, Path("generated.toml"))
    assert not result.errors, result.errors
    catalog = Catalog(tuple(result.items)).expanded(*span(NOW, None, None))
    entries = select_dates(catalog, NOW, scope="all")
    return Listing(entries, statuses(entries, NOW), NOW, ZoneInfo("Europe/Brussels"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(), st.booleans())
def test_assembled_feeds_are_icalendars_own_serialisation(text, chosen):
    """Every feed is assembled from events rendered once; each must be byte for byte what
    icalendar writes for the whole calendar of its events (``ics.calendar`` for all.ics)."""
    from ccal.publish import feeds
    from ccal.render import ics
    from ccal.render.formats import RenderOptions

    listing = listing_of(text)
    modified = {"op-0": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)}
    options = RenderOptions(chosen_occurrences=chosen, modified=modified)
    files, planned, _whole, _kept = feeds.render_feeds(listing, "Feeds ; \\ é", options)
    whole = ics.calendar(listing, options, name="Feeds ; \\ é", modified=modified)
    assert files["feeds/all.ics"] == whole.encode("utf-8")
    vevents = {
        str(vevent["UID"]): (vevent, day)
        for vevent, day in ics.series_events(
            listing.entries, options, ics.stamp_of(listing), modified
        )
    }
    for feed in planned:  # all.ics too: ``ics.calendar`` against icalendar's own ``to_ical``
        reference = ics.header(listing, name=feed.name)
        chosen_events = [vevents[uid][0] for uid in feed.uids]
        if listing.entries:  # zones for the years of every date, as in all.ics
            first, last = ics.zone_years(listing.entries, [day for _v, day in vevents.values()])
            for zone in ics.zones(sorted(ics.used_zones(chosen_events)), first, last):
                reference.add_component(zone)
        for vevent in chosen_events:
            reference.add_component(vevent)
        assert files[feed.path] == reference.to_ical(), feed.path


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(), st.booleans(), st.lists(st.integers(1, 10**6), max_size=2))
def test_an_events_text_is_its_components_to_ical(text, chosen, alarms):
    """``ics.event_text`` writes an event without building it: the bytes must be those of the
    icalendar component ``ics.event`` builds from the same properties, alarms included, and
    the zones those its DTSTART and DTEND name; written twice (the second time from the lines
    kept), the same."""
    from datetime import timedelta

    from ccal.render import ics
    from ccal.render.formats import RenderOptions

    listing = listing_of(text)
    before = tuple(timedelta(seconds=seconds) for seconds in alarms)
    options = RenderOptions(chosen_occurrences=chosen, alarms=before)
    stamp = ics.stamp_of(listing)
    modified = {"op-1": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)}
    for head, rule, when in [*ics.series_heads(listing.entries, options, modified)] * 2:
        vevent = ics.event(head, options, stamp, rule, when)
        written, zones = ics.event_text(head, options, stamp, rule, when)
        assert written.encode("utf-8") == vevent.to_ical()
        assert zones == ics.used_zones([vevent])


@settings(max_examples=300)
@given(TEXT, TEXT)
def test_folding_is_icalendars(summary, location):
    """``ics.component_text`` folds lines itself: the bytes must be icalendar's to_ical."""
    from icalendar import Event

    from ccal.render.ics import component_text

    event = Event()
    event.add("summary", summary * 3)
    event.add("location", location)
    event.add("x-long", "\\" * 80 + "^" * 80 + summary)
    assert component_text(event).encode("utf-8") == event.to_ical()


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


def test_one_instant_in_two_zones_keeps_each_zone():
    """Lines are made once per distinct value: 18:00 in Brussels and 17:00 UTC are one instant
    (equal ``datetime``s) but two DTSTART lines, each with its own zone."""
    from ccal.render import ics

    text = 'version = 1\ntimezone = "UTC"\n' + "".join(
        f'\n[[opportunity]]\nid = "op-{n}"\nkind = "call"\ntitle = "T{n}"\n'
        f'timezone = "{zone}"\n\n[[opportunity.dates]]\nlabel = "D"\nat = {at}\n'
        for n, (zone, at) in enumerate(
            [("Europe/Brussels", "2026-12-01T18:00:00"), ("UTC", "2026-12-01T17:00:00")]
        )
    )
    written = ics.calendar(listing_of(text)).replace("\r\n ", "")
    assert "DTSTART;TZID=Europe/Brussels:20261201T180000" in written
    assert "DTSTART:20261201T170000Z" in written
