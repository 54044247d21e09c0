"""ccal import ics: any iCalendar file, and ccal's own export read back to the same entries."""

from __future__ import annotations

from datetime import UTC, datetime

from ccal.importers import ics
from ccal.loader import load_catalog
from tests.conftest import DATA

CALENDAR = DATA / "calendar.ics"
ROUND_TRIP = DATA / "ics-roundtrip.toml"


def _records():
    result = ics.convert(CALENDAR.read_bytes(), str(CALENDAR), {})
    return result, {r["title"]: r for r in result.records}


def test_events_and_todos_become_dated_entries():
    result, records = _records()
    assert (result.total, result.imported, result.skipped) == (9, 6, 3)
    review = records["Grant review meeting"]
    assert review["kind"] == "event" and review["timezone"] == "America/New_York"
    assert review["dates"] == [
        {"label": "Event", "at": datetime(2026, 3, 16, 17), "end": datetime(2026, 3, 16, 18, 30)}
    ]
    assert review["tags"] == ["grants", "review", "NIH"]  # every CATEGORIES line
    assert (review["url"], review["location"]) == ("https://example.org/review", "Room 4")
    assert review["summary"] == "Bring the scores.\nRoom 4."
    retreat = records["Team retreat"]["dates"][0]
    assert (str(retreat["at"]), str(retreat["end"])) == ("2026-04-20", "2026-04-22")  # DTEND excl.
    standup = records["Stand-up"]["dates"][0]
    assert (standup["rrule"], standup["count"]) == ("FREQ=WEEKLY;BYDAY=MO,WE", 10)
    assert standup["end"] == datetime(2026, 3, 2, 14, 15)  # DURATION
    todo = records["NSF annual report"]
    assert todo["kind"] == "deadline" and todo["dates"][0]["label"] == "Due"
    custom = records["In a zone of its own name"]["dates"][0]["at"]
    assert custom == datetime(2026, 7, 1, 13, tzinfo=UTC)  # its VTIMEZONE's instant
    floating = records["Outlook-style UID"]
    assert floating["timezone"] == "America/New_York"  # X-WR-TIMEZONE
    assert floating["dates"][0]["tentative"] is True


def test_skipped_items_say_why():
    result, _found = _records()
    reasons = " | ".join(result.reasons)
    assert "RECURRENCE-ID" in reasons and "cancelled" in reasons and "without a DUE" in reasons


def test_ids_are_stable_slugs_of_the_uid():
    first = [r["id"] for r in _records()[0].records]
    assert first == [r["id"] for r in _records()[0].records]
    assert all(i.startswith("ics-") and len(i) <= 64 for i in first)


def _entries(catalog, strip=""):
    found = set()
    for item in catalog.items:
        o = item.opportunity
        head = (o.id.removeprefix(strip), o.kind, o.title, o.organiser, o.url, o.summary,
                tuple(o.tags), o.location, item.zone.key)  # fmt: skip
        for e in item.entries:
            found.add(
                (
                    *head,
                    e.label,
                    e.at.astimezone(UTC),
                    e.end and e.end.astimezone(UTC),
                    e.all_day,
                    e.tentative,
                    e.source,
                    e.rrule,
                )
            )
    return found


def test_an_export_imports_back_to_the_same_entries(ccal, tmp_path):
    exported = ccal(
        "export", "--format", "ics", "--all", "--data", str(ROUND_TRIP), "--as-of", "2022-01-01"
    )
    assert exported.exit_code == 0, exported.stderr
    calendar = tmp_path / "export.ics"
    calendar.write_text(exported.stdout)
    out = tmp_path / "back.toml"
    done = ccal("import", "ics", str(calendar), "-o", str(out))
    assert done.exit_code == 0, done.stderr
    original = _entries(load_catalog([ROUND_TRIP]))
    assert _entries(load_catalog([out]), strip="ics-") == original
    assert len(original) == 9
    again = tmp_path / "again.toml"
    assert ccal("import", "ics", str(calendar), "-o", str(again)).exit_code == 0
    assert out.read_text().split("\n", 1)[1] == again.read_text().split("\n", 1)[1]


def test_a_malformed_calendar_is_one_line_and_nothing_is_written(ccal, tmp_path):
    out = tmp_path / "out.toml"
    assert ccal("import", "ics", str(CALENDAR), "-o", str(out)).exit_code == 0
    before = out.read_bytes()
    bad = tmp_path / "bad.ics"
    for text in ("not a calendar", "BEGIN:VCALENDAR\nBEGIN:VEVENT\n", "BEGIN:VEVENT\nEND:VEVENT\n"):
        bad.write_text(text)
        result = ccal("import", "ics", str(bad), "-o", str(out))
        assert result.exit_code == 1, result.stdout
        assert result.stderr.startswith("ccal: ") and result.stderr.count("\n") == 1, result.stderr
        assert out.read_bytes() == before


def test_the_default_output_is_part_of_the_default_data(ccal, tmp_path):
    assert ccal("import", "ics", str(CALENDAR)).exit_code == 0
    rows = ccal.json("upcoming", "--as-of", "2026-03-01", "--kind", "deadline")
    assert [r["title"] for r in rows] == ["NSF annual report"]


def test_a_directory_of_calendars_keeps_each_uid_once(ccal, tmp_path):
    folder = tmp_path / "feeds"
    (folder / "team").mkdir(parents=True)
    (folder / "team" / "a.ics").write_bytes(CALENDAR.read_bytes())
    (folder / "b.ICS").write_bytes(CALENDAR.read_bytes())
    (folder / "notes.txt").write_text("not a calendar")
    out = tmp_path / "feeds.toml"
    done = ccal("import", "ics", str(folder), "-o", str(out), "--json")
    assert done.exit_code == 0, done.stderr
    summary = __import__("json").loads(done.stdout)
    assert (summary["items"], summary["imported"]) == (18, 6)
    assert summary["skipped"] == 3 + 3 + 6  # each file's own three, then the six again


def test_the_status_sync_compares_is_tentative_or_confirmed_when_the_dates_agree():
    def with_dates(*flags):
        return {"dates": [{"label": f"d{n}", "tentative": f} for n, f in enumerate(flags)]}

    assert ics.record_status(with_dates(True)) == "tentative"
    assert ics.record_status(with_dates(False, False)) == "confirmed"
    assert ics.record_status({"dates": [{"label": "Event"}]}) == "confirmed"  # no STATUS
    assert ics.record_status(with_dates(True, False)) is None
    assert ics.record_status({"dates": []}) is None


def test_a_tzid_nothing_defines_is_skipped_never_read_as_utc():
    """``TZID=Nowhere/Land`` with no VTIMEZONE: the wall clock's instant is unknown, so the
    event is skipped with its reason, not imported as that wall clock in UTC."""
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n"
        "BEGIN:VEVENT\r\nUID:a@x\r\nDTSTART;TZID=Nowhere/Land:20270101T100000\r\n"
        "SUMMARY:Bad zone\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:b@x\r\nDTSTART:20270101T100000Z\r\n"
        "DTEND;TZID=Nowhere/Land:20270101T120000\r\nSUMMARY:Bad end zone\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    result = ics.convert(text.encode(), "odd.ics", {})
    assert (result.imported, result.skipped) == (0, 2)
    assert all("unknown time zone 'Nowhere/Land'" in reason for reason in result.reasons)
