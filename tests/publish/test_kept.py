"""Event texts kept beside a site: a republish that reuses them writes the bytes of one that
renders every event, and nothing is reused from other data."""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccal.publish import kept as keeping
from ccal.publish.kept import kept_path
from tests.publish.test_feeds import catalogs, listing_of

DATA = Path(__file__).resolve().parents[1] / "data"
# Another moment to publish at: the same, a second later, before the data's LAST-MODIFIED, later.
LATER = [datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 1, 0, 0, 1, tzinfo=UTC)]
LATER += [datetime(2025, 12, 31, 23, tzinfo=UTC), datetime(2027, 7, 1, 9, 30, tzinfo=UTC)]
SETTLED = 1_700_000_000  # a data file's mtime long past: its identity can be trusted


def site_files(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(), st.booleans(), st.sampled_from(LATER))
def test_kept_texts_restamped_are_the_events_rendered_anew(text, chosen, later_now):
    """Events taken from the publish before, their DTSTAMP written anew, are byte for byte
    the events rendered at the new moment: moved, tentative, repeating, hostile text, and a
    LAST-MODIFIED later than either moment."""
    from ccal.publish import feeds
    from ccal.render import Listing
    from ccal.render.formats import RenderOptions

    listing = listing_of(text)
    modified = {"op-0": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)}
    modified["op-1"] = datetime(2026, 6, 1, tzinfo=UTC)  # after the first moment
    options = RenderOptions(chosen_occurrences=chosen, modified=modified)
    order = feeds.plan(listing.entries, "T")[0].uids
    _first, kept = feeds.render_events(listing, options, order)
    later = Listing(listing.entries, {}, later_now, listing.display_zone)
    fresh, _ = feeds.render_events(later, options, order)
    reused, again = feeds.render_events(later, options, order, kept)
    assert reused == fresh
    assert again.events == feeds.render_events(later, options, order)[1].events


# Edits to a generated catalog: to one opportunity's title, to a date, to every one's zone.
EDITS = [
    ("", ""),
    ('title = "', 'title = "edited '),
    ("at = 2026-07-01T18:00:00", "at = 2026-07-02T18:00:00"),
    ('timezone = "Asia/Tokyo"', 'timezone = "UTC"'),
    ('label = "Date 1"', 'label = "Date 1b"'),
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs(), st.sampled_from(EDITS), st.booleans(), st.sampled_from(LATER), st.booleans())
def test_kept_texts_of_other_data_reused_are_the_events_rendered_anew(
    text, edit, chosen, later_now, touched
):
    """After an edit (another data set: places not compared), the kept events whose
    properties but their stamps are the same are taken, their DTSTAMP and LAST-MODIFIED
    written anew: byte for byte the events rendered anew, edited, moved, repeating, hostile
    text, a LAST-MODIFIED later than either moment, or none (a file that could not be read)."""
    from ccal.publish import feeds
    from ccal.render import Listing
    from ccal.render.formats import RenderOptions

    listing = listing_of(text)
    modified = {"op-0": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)}
    modified["op-1"] = datetime(2026, 6, 1, tzinfo=UTC)  # after the first moment
    options = RenderOptions(chosen_occurrences=chosen, modified=modified)
    _first, kept = feeds.render_events(listing, options, feeds.plan(listing.entries, "T")[0].uids)
    kept.same_data = False
    edited = listing_of(text.replace(*edit, 1))
    later = Listing(edited.entries, {}, later_now, edited.display_zone)
    if touched:  # the file changed: every LAST-MODIFIED moves; op-2's can no longer be read
        modified = {"op-0": datetime(2026, 2, 2, tzinfo=UTC), "op-1": later_now, "op-2": later_now}
        modified["op-3"] = datetime(2030, 1, 1, tzinfo=UTC)
        options = replace(options, modified=modified)
    order = feeds.plan(later.entries, "T")[0].uids
    fresh, fresh_kept = feeds.render_events(later, options, order)
    reused, again = feeds.render_events(later, options, order, kept)
    assert reused == fresh
    assert again.events == fresh_kept.events


def test_a_republish_reusing_kept_events_writes_what_a_first_publish_writes(ccal, tmp_path):
    data = tmp_path / "series.toml"
    shutil.copy(DATA / "series.toml", data)
    os.utime(data, (SETTLED, SETTLED))
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    args = ("--data", str(data), "--tz", "Europe/Brussels", "--past")
    assert ccal("publish", str(site), *args, "--as-of", "2026-01-01").exit_code == 0
    kept = kept_path(site).read_bytes()
    assert ccal("publish", str(site), *args, "--as-of", "2026-03-01").exit_code == 0
    assert ccal("publish", str(fresh), *args, "--as-of", "2026-03-01").exit_code == 0
    assert site_files(site) == site_files(fresh)
    assert kept_path(site).read_bytes() == kept  # every event reused: not written again
    assert ccal("publish", str(site), *args, "--as-of", "2026-03-02").exit_code == 0
    assert ccal("publish", str(fresh), *args, "--as-of", "2026-03-02").exit_code == 0
    assert site_files(site) == site_files(fresh)


def test_kept_events_of_other_data_or_a_broken_file_are_not_reused(ccal, tmp_path, monkeypatch):
    data = tmp_path / "series.toml"
    shutil.copy(DATA / "series.toml", data)
    os.utime(data, (SETTLED, SETTLED))
    site, fresh = tmp_path / "site", tmp_path / "fresh"
    args = ("--data", str(data), "--tz", "Europe/Brussels", "--as-of", "2026-01-01")
    assert ccal("publish", str(site), *args).exit_code == 0
    made_from = keeping.data_key([data])
    found = keeping.read(site, made_from)
    assert found is not None  # what the publish wrote, read back
    for uid, (place, digest, text, zones) in found.events.items():  # a stale file's texts
        stale = (place, digest + "x", text.replace("SUMMARY:", "SUMMARY:stale "), zones)
        found.events[uid] = stale
    keeping.write(site, made_from, replace(found, rendered=1))
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("NeurIPS", "NeurIPS (edited)"), encoding="utf-8")
    os.utime(data, (SETTLED + 60, SETTLED + 60))  # another identity: the texts are not reused
    assert ccal("publish", str(site), *args).exit_code == 0
    assert ccal("publish", str(fresh), *args).exit_code == 0
    assert site_files(site) == site_files(fresh)
    assert b"stale" not in (site / "feeds" / "all.ics").read_bytes()
    kept_path(site).write_text("{not json", encoding="utf-8")
    assert ccal("publish", str(site), *args).exit_code == 0
    assert site_files(site) == site_files(fresh)
    key = keeping.data_key([data])
    assert key is not None
    written = kept_path(site).read_bytes()  # a byte changed: its checksum no longer matches
    kept_path(site).write_bytes(written.replace(b"SUMMARY:", b"SUMMARY:x", 1))
    assert keeping.read(site, key) is None
    kept_path(site).write_bytes(written)
    found = keeping.read(site, key)
    assert found is not None and found.same_data
    found = keeping.read(site, key + "x")  # of other data: only the digests compared
    assert found is not None and not found.same_data
    monkeypatch.setattr(keeping, "FORMAT", keeping.FORMAT + 1)  # written by another ccal
    assert keeping.read(site, key) is None


def test_no_cache_neither_reads_nor_keeps_event_texts(ccal, tmp_path):
    site = tmp_path / "site"
    args = ("--data", str(DATA / "publish.toml"), "--as-of", "2026-01-01")
    assert ccal("--no-cache", "publish", str(site), *args).exit_code == 0
    assert not kept_path(site).exists()


def test_an_event_place_names_what_its_text_was_made_from():
    """A moved date is another text: its place (position, occurrence, RRULE, LAST-MODIFIED)
    is compared, never its UID alone."""
    from ccal.publish import feeds
    from ccal.render.formats import RenderOptions

    listing = listing_of(
        'version = 1\n[[opportunity]]\nid = "a"\nkind = "call"\ntitle = "A"\n\n'
        '[[opportunity.dates]]\nlabel = "Deadline"\nat = 2026-05-01T12:00:00\n'
    )
    options = RenderOptions()
    order = feeds.plan(listing.entries, "T")[0].uids
    _, kept = feeds.render_events(listing, options, order)
    (uid,) = kept.events
    place, digest, _text, zones = kept.events[uid]
    kept.events[uid] = ([*place[:2], "FREQ=DAILY", place[3]], digest + "x", "stale", zones)
    whole, _ = feeds.render_events(listing, options, order, kept)
    assert b"stale" not in whole.events[uid]
    assert whole == feeds.render_events(listing, options, order)[0]


def test_after_an_edit_only_the_events_it_changed_are_rendered():
    """Of other data, a kept event is taken when its properties but their stamps are the
    same (its text, marked here, shows it was taken), and rendered when the edit changed it."""
    from ccal.publish import feeds
    from ccal.render.formats import RenderOptions

    text = (
        'version = 1\n[[opportunity]]\nid = "a"\nkind = "call"\ntitle = "A"\n\n'
        '[[opportunity.dates]]\nlabel = "Deadline"\nat = 2026-05-01T12:00:00\n\n'
        '[[opportunity]]\nid = "b"\nkind = "call"\ntitle = "B"\n\n'
        '[[opportunity.dates]]\nlabel = "Deadline"\nat = 2026-05-01T12:00:00\n'
    )
    listing = listing_of(text)
    options = RenderOptions()
    _, kept = feeds.render_events(listing, options, feeds.plan(listing.entries, "T")[0].uids)
    for uid, (place, digest, old, zones) in kept.events.items():
        kept.events[uid] = (place, digest, old.replace("SUMMARY:", "SUMMARY:kept "), zones)
    kept.same_data = False
    edited = listing_of(text.replace('title = "B"', 'title = "B edited"'))
    whole, again = feeds.render_events(
        edited, options, ("a.deadline@ccal", "b.deadline@ccal"), kept
    )
    assert b"SUMMARY:kept A" in whole.events["a.deadline@ccal"]
    assert b"SUMMARY:B edited" in whole.events["b.deadline@ccal"]
    assert again.rendered == 2  # the places and a text are new: the file is written again
