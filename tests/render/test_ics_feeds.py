"""ics export read by vobject (the parser Radicale uses) and checked as a subscribed feed:
instants, time zones for open-ended series, reproducible bytes, change signals, metadata."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import vobject
from icalendar import Calendar

from ccal.text import label_key

DATA = Path(__file__).resolve().parents[1] / "data"
FEEDS = DATA / "feeds.toml"
PINNED = ("--as-of", "2026-01-01", "--tz", "Europe/Brussels")


def run(ccal, *args: str) -> str:
    result = ccal("export", *args)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes.decode("utf-8")


def feeds(ccal, *args: str, data: Path = FEEDS) -> str:
    return run(ccal, "--data", str(data), *PINNED, "-f", "ics", "--all", *args)


def by_uid(text: str) -> dict[str, object]:
    return {str(e["UID"]): e for e in Calendar.from_ical(text).walk("VEVENT")}


def test_every_timed_shipped_event_reads_back_at_its_instant_in_vobject(ccal):
    """Before: several switch dates on one RDATE line, of which vobject keeps the first, so the
    2022 cut-off 3 (18:00 Brussels on 1 Apr 2023) read as 17:00Z."""
    text = run(ccal, "-f", "ics", "--all", "--as-of", "2024-01-01")
    records = json.loads(run(ccal, "-f", "json", "--all", "--as-of", "2024-01-01"))
    expected = {
        f"{r['id']}.{label_key(r['label'])}@ccal": datetime.fromisoformat(r["at"])
        for r in records
        if not r["all_day"] and r["occurrence"] in (None, 0)
    }
    read = {}
    for vevent in vobject.readOne(text).vevent_list:
        start = vevent.dtstart.value
        if isinstance(start, datetime):
            read[vevent.uid.value] = start.astimezone(UTC)
    assert read == {uid: at.astimezone(UTC) for uid, at in expected.items()}
    assert len(read) >= 15
    cut_off_3 = read["clusters-meet-regions.2022-call-cut-off-3@ccal"]
    assert cut_off_3 == datetime(2023, 4, 1, 16, 0, tzinfo=UTC)


def test_no_time_zone_lists_several_dates_on_one_line(ccal):
    text = feeds(ccal)
    calendar = Calendar.from_ical(text)
    zones = calendar.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == sorted(
        ["America/New_York", "Australia/Sydney", "Etc/GMT+12", "Europe/Brussels"]
    )
    assert "RDATE" not in text


def test_spring_switches_start_at_the_instant_zoneinfo_switches(ccal):
    """DTSTART of an onset is the wall clock before it (in TZOFFSETFROM): 02:00 in Brussels
    and New York, not the 03:00 shown after the jump (an hour late before)."""
    calendar = Calendar.from_ical(feeds(ccal))
    for block in calendar.walk("VTIMEZONE"):
        zone = ZoneInfo(str(block["TZID"]))
        for part in block.walk("DAYLIGHT") + block.walk("STANDARD"):
            before, after = part.decoded("TZOFFSETFROM"), part.decoded("TZOFFSETTO")
            if before == after:
                continue  # the state at the block's start, not a switch
            onset = (part.decoded("DTSTART") - before).replace(tzinfo=UTC)
            assert datetime.fromtimestamp(onset.timestamp() - 1, zone).utcoffset() == before
            assert datetime.fromtimestamp(onset.timestamp(), zone).utcoffset() == after


def test_an_open_ended_series_keeps_its_instants_for_years_in_vobject(ccal):
    """Before, the zone block stopped two years after the last date while the weekly webinar's
    RRULE ran on: from then on New York occurrences were an hour off."""
    calendar = vobject.readOne(feeds(ccal))
    webinar = next(e for e in calendar.vevent_list if e.uid.value == "webinar.webinar@ccal")
    rules = webinar.getrruleset()
    new_york = ZoneInfo("America/New_York")
    for year in (2026, 2029, 2031, 2035):
        for month in (1, 7):
            moment = rules.after(datetime(year, month, 1, tzinfo=UTC))
            local = moment.astimezone(new_york)
            assert (local.hour, local.minute) == (12, 0), moment
            assert moment.utcoffset() == local.utcoffset(), moment


@pytest.mark.parametrize("seed", ["1", "2"])
def test_the_same_data_and_now_give_the_same_bytes_whatever_the_hash_seed(ccal, seed, tmp_path):
    """Before, the time zone blocks came out in hash order: six byte streams from eight runs."""
    here = feeds(ccal)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CCAL_")},
        "PYTHONHASHSEED": seed,
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    args = ["--data", str(FEEDS), *PINNED, "-f", "ics", "--all"]
    done = subprocess.run(
        [sys.executable, "-m", "ccal", "export", *args],
        env=env,
        capture_output=True,
        check=True,
    )
    assert done.stdout.decode("utf-8") == here


def test_a_moved_date_bumps_sequence_and_says_so(ccal):
    found = by_uid(feeds(ccal))
    moved = found["moved-call.cut-off-1@ccal"]
    assert int(moved["SEQUENCE"]) == 1
    assert int(found["moved-call.cut-off-2@ccal"]["SEQUENCE"]) == 0
    assert str(moved["SUMMARY"]) == "Moved call: Cut-off 1 (extended +14 d)"
    assert "Extended +14 d (was Tue 17 Mar 2026 18:00 CET)." in str(moved["DESCRIPTION"])


def test_last_modified_is_when_the_data_file_changed_never_after_now(ccal, tmp_path):
    data = tmp_path / "feeds.toml"
    data.write_bytes(FEEDS.read_bytes())
    changed = datetime(2025, 11, 3, 9, 30, tzinfo=UTC)
    os.utime(data, (changed.timestamp(), changed.timestamp()))
    found = by_uid(feeds(ccal, data=data))
    assert {e.decoded("LAST-MODIFIED") for e in found.values()} == {changed}
    assert {e.decoded("DTSTAMP") for e in found.values()} == {
        datetime(2025, 12, 31, 23, tzinfo=UTC)
    }
    # Standing before the change, the export cannot know of it: LAST-MODIFIED is "now" then.
    early = run(ccal, "--data", str(data), "--as-of", "2025-06-01T00:00Z", "-f", "ics", "--all")
    assert {e.decoded("LAST-MODIFIED") for e in by_uid(early).values()} == {
        datetime(2025, 6, 1, tzinfo=UTC)
    }
    # A date moved: the file changed, so do LAST-MODIFIED and SEQUENCE.
    later = changed + timedelta(days=10)
    data.write_text(
        data.read_text(encoding="utf-8").replace(
            'label = "Cut-off 2"\nat = 2026-09-30T18:00:00',
            'label = "Cut-off 2"\nat = 2026-10-07T18:00:00\nprevious = 2026-09-30T18:00:00',
        ),
        encoding="utf-8",
    )
    os.utime(data, (later.timestamp(), later.timestamp()))
    second = by_uid(feeds(ccal, data=data))["moved-call.cut-off-2@ccal"]
    assert (second.decoded("LAST-MODIFIED"), int(second["SEQUENCE"])) == (later, 1)


def test_feed_metadata_defaults_describe_the_selection(ccal):
    calendar = Calendar.from_ical(feeds(ccal))
    assert str(calendar["NAME"]) == str(calendar["X-WR-CALNAME"]) == "ccal: all dates"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Brussels"
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(days=1)
    assert calendar["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert str(calendar["X-PUBLISHED-TTL"]) == "P1D"  # an X- property is text to a reader
    narrowed = run(
        ccal, "--data", str(FEEDS), *PINNED, "-f", "ics", "-k", "call", "-t", "x", "-s", "nih"
    )
    assert (
        str(Calendar.from_ical(narrowed)["NAME"]) == "ccal: upcoming calls tagged x matching 'nih'"
    )


def test_calendar_name_and_refresh_options(ccal):
    text = feeds(ccal, "--calendar-name", "Grants office", "--refresh", "12h")
    calendar = Calendar.from_ical(text)
    assert str(calendar["NAME"]) == str(calendar["X-WR-CALNAME"]) == "Grants office"
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=12)
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT12H"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-f", "json", "--calendar-name", "x"), "'--calendar-name' only applies"),
        (("-f", "csv", "--refresh", "1d"), "'--refresh' only applies"),
        (("-f", "ics", "--refresh", "1mo"), "invalid value for '--refresh'"),
        (("-f", "ics", "--refresh", "10s"), "less than a minute"),
        (("-f", "ics", "--calendar-name", " "), "an empty name"),
    ],
)
def test_feed_options_refuse_bad_use(ccal, args, message):
    result = ccal("export", "--data", str(FEEDS), *PINNED, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_upcoming_names_its_calendar_as_export_does(ccal):
    listed = ccal("upcoming", "--data", str(FEEDS), *PINNED, "--format", "ics", "-k", "talk")
    assert listed.exit_code == 0, listed.stderr
    exported = run(ccal, "--data", str(FEEDS), *PINNED, "-f", "ics", "-k", "talk")
    assert listed.stdout_bytes.decode("utf-8") == exported


def test_a_series_starting_years_later_is_still_exported(ccal):
    """Before, an open-ended series starting more than a year after --as-of vanished."""
    found = by_uid(feeds(ccal))
    talk = found["later-series.talk@ccal"]
    assert talk.decoded("DTSTART") == datetime(2029, 1, 10, 10, tzinfo=ZoneInfo("Europe/Brussels"))
    assert "RRULE" in talk


def test_the_calendar_function_takes_name_and_refresh():
    """The public renderer ``ccal publish`` builds feeds with."""
    from ccal.clock import zone_named
    from ccal.loader import load_catalog
    from ccal.query import select_entries, statuses
    from ccal.render import Listing
    from ccal.render.ics import calendar, modified_times

    now = datetime(2026, 1, 1, tzinfo=UTC)
    catalog = load_catalog([FEEDS]).expanded(now - timedelta(days=366), now + timedelta(days=366))
    entries = select_entries(catalog, now, scope="all")
    listing = Listing(entries, statuses(catalog.entries(), now), now, zone_named("UTC"))
    text = calendar(
        listing, name="Feed", refresh=timedelta(hours=6), modified=modified_times(catalog.items)
    )
    parsed = Calendar.from_ical(text)
    assert str(parsed["NAME"]) == "Feed"
    assert parsed.decoded("REFRESH-INTERVAL") == timedelta(hours=6)
    assert all("LAST-MODIFIED" in e for e in parsed.walk("VEVENT"))
    with pytest.raises(ValueError):
        calendar(listing, name="Feed", refresh=timedelta(0))


def test_khal_puts_the_webinar_at_noon_new_york_years_on(ccal, tmp_path):
    from .test_ics import khal

    target = tmp_path / "feeds.ics"
    target.write_text(feeds(ccal), encoding="utf-8")
    imported = khal(tmp_path, "America/New_York", "import", "--batch", "-a", "ccal", str(target))
    assert imported.returncode == 0, imported.stderr
    for day in ("2026-07-01", "2031-07-02", "2031-12-03"):
        listed = khal(
            tmp_path, "America/New_York", "list", "--format", "{start} {title}", day, "1d"
        )
        assert listed.returncode == 0, listed.stderr
        assert f"{day} 12:00 Weekly webinar: Webinar" in listed.stdout
    # And the shipped 2022 cut-off 3, 18:00 Brussels on 1 Apr 2023 (just after the switch).
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    (shipped / "eccp.ics").write_text(
        run(ccal, "-f", "ics", "--all", "-k", "call"), encoding="utf-8"
    )
    imported = khal(shipped, "UTC", "import", "--batch", "-a", "ccal", str(shipped / "eccp.ics"))
    assert imported.returncode == 0, imported.stderr
    listed = khal(shipped, "UTC", "list", "--format", "{start} {title}", "2023-04-01", "1d")
    assert "2023-04-01 16:00 Call for Expression of Interest" in listed.stdout


def test_golden_feed(ccal, golden):
    """The whole file, byte for byte: a change to it is a decision (CCAL_UPDATE_GOLDEN=1)."""
    golden("feeds.ics", feeds(ccal, "--alarm", "1d", "--calendar-name", "Research office"))


@pytest.mark.parametrize("command", ["deadlines", "show"])
def test_one_opportunity_as_a_calendar_is_named_after_it(ccal, command):
    result = ccal(command, "moved-call", "--data", str(FEEDS), *PINNED, "--format", "ics")
    assert result.exit_code == 0, result.stderr
    calendar = Calendar.from_ical(result.stdout_bytes.decode("utf-8"))
    assert str(calendar["NAME"]) == "ccal: Moved call"
    assert all("LAST-MODIFIED" in e for e in calendar.walk("VEVENT"))
    assert [int(e["SEQUENCE"]) for e in calendar.walk("VEVENT")] == [1, 0]
