"""ics export: parsed back with icalendar, and imported into khal (a real calendar client)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

BRUSSELS = "Europe/Brussels"


def parse(text: str) -> Calendar:
    return Calendar.from_ical(text)


def events(text: str) -> dict[str, object]:
    return {str(e["UID"]): e for e in parse(text).walk("VEVENT")}


def test_one_event_per_entry_with_stable_unique_uids(export):
    found = events(export("--format", "ics", "--all"))
    assert sorted(found) == [
        "eoi-deadline.expression-of-interest@ccal",
        "kosice-workshop.workshop@ccal",
        "summer-call.cut-off-1@ccal",
        "summer-call.cut-off-2@ccal",
        "summer-call.cut-off-3@ccal",
        "tokyo-talk.talk@ccal",
    ]
    # The same entry keeps its UID whatever else is selected, so re-imports update it.
    narrowed = events(export("--format", "ics", "--kind", "call", "--as-of", "2022-11-01"))
    assert sorted(narrowed) == ["summer-call.cut-off-2@ccal", "summer-call.cut-off-3@ccal"]


def test_dst_pair_stays_18_00_brussels_with_a_matching_vtimezone(export):
    text = export("--format", "ics", "--all")
    found = events(text)
    july = found["summer-call.cut-off-1@ccal"].decoded("DTSTART")
    december = found["summer-call.cut-off-2@ccal"].decoded("DTSTART")
    for moment in (july, december):
        assert (moment.hour, moment.minute) == (18, 0)
        assert str(moment.tzinfo) == BRUSSELS or getattr(moment.tzinfo, "key", "") == BRUSSELS
    assert july.astimezone(UTC) == datetime(2022, 7, 29, 16, tzinfo=UTC)
    assert december.astimezone(UTC) == datetime(2022, 12, 2, 17, tzinfo=UTC)
    assert "DTSTART;TZID=Europe/Brussels:20220729T180000" in text
    zones = {str(tz["TZID"]) for tz in parse(text).walk("VTIMEZONE")}
    assert zones == {BRUSSELS, "Asia/Tokyo"}
    assert parse(text).get_missing_tzids() == set()


def test_all_day_is_a_date_with_an_exclusive_end_and_ranges_keep_their_end(export):
    found = events(export("--format", "ics", "--all"))
    eoi = found["eoi-deadline.expression-of-interest@ccal"]
    assert eoi.decoded("DTSTART") == date(2022, 6, 13)
    assert eoi.decoded("DTEND") == date(2022, 6, 14)
    workshop = found["kosice-workshop.workshop@ccal"]
    assert (workshop.decoded("DTSTART"), workshop.decoded("DTEND")) == (
        date(2022, 6, 22),
        date(2022, 6, 24),
    )
    talk = found["tokyo-talk.talk@ccal"]
    assert talk.decoded("DTEND") - talk.decoded("DTSTART") == timedelta(hours=1)
    assert "DTEND" not in found["summer-call.cut-off-1@ccal"]  # a deadline is an instant


def test_fields_status_categories_url_description_and_stamp(export):
    found = events(export("--format", "ics", "--all"))
    first, third = found["summer-call.cut-off-1@ccal"], found["summer-call.cut-off-3@ccal"]
    assert str(first["SUMMARY"]) == "Summer Call: Cut-off 1"
    assert str(first["STATUS"]) == "CONFIRMED"
    assert str(third["STATUS"]) == "TENTATIVE"
    assert str(third["SUMMARY"]) == "Summer Call: Cut-off 3 (tentative)"
    assert list(first["CATEGORIES"].cats) == ["clusters", "regions", "call"]
    assert str(first["URL"]) == "https://example.org/summer-call"
    assert "Source: https://example.org/summer-call/news" in str(first["DESCRIPTION"])
    assert str(found["kosice-workshop.workshop@ccal"]["LOCATION"]) == "Košice"
    stamps = {e.decoded("DTSTAMP") for e in found.values()}
    assert stamps == {datetime(2022, 5, 31, 22, tzinfo=UTC)}  # the pinned now, in UTC


def test_the_same_inputs_give_the_same_file(export):
    assert export("--format", "ics", "--all") == export("--format", "ics", "--all")


def test_repeatable_alarms_before_each_date(export):
    found = events(export("--format", "ics", "--all", "--alarm", "1d", "--alarm", "2h"))
    for event in found.values():
        alarms = event.walk("VALARM")
        assert [a.decoded("TRIGGER") for a in alarms] == [-timedelta(days=1), -timedelta(hours=2)]
        assert {str(a["ACTION"]) for a in alarms} == {"DISPLAY"}
    eoi = found["eoi-deadline.expression-of-interest@ccal"].walk("VALARM")[0]
    assert eoi["TRIGGER"].params["RELATED"] == "END"  # a day-long deadline ends with its day
    cut_off = found["summer-call.cut-off-1@ccal"].walk("VALARM")[0]
    assert cut_off["TRIGGER"].params["RELATED"] == "START"


@pytest.mark.parametrize("value", ["1mo", "0d", "soon"])
def test_bad_alarm_is_a_usage_error(ccal, fixture_file, value):
    result = ccal("export", "--data", str(fixture_file), "-f", "ics", "--alarm", value)
    assert result.exit_code == 2
    assert "--alarm" in result.stderr


def test_hostile_text_survives_exactly_and_injects_nothing(export):
    text = export("--format", "ics", "--all", data="hostile.toml")
    found = events(text)
    assert len(found) == 2
    markup = found["markup-event.day-one-two-three-four-five@ccal"]
    assert str(markup["SUMMARY"]).endswith(": Day one, two; three \\ four\nfive")
    assert str(markup["LOCATION"]) == "Line one\nline two, with; punctuation \\ and a backslash"
    assert str(markup["DESCRIPTION"]).startswith("Title\nDESCRIPTION:injected")
    formula = found["formula-call.1-1-then-more@ccal"]
    assert str(formula["SUMMARY"]) == '=HYPERLINK("http://x","y"): -1+1, then; more'
    assert list(formula["CATEGORIES"].cats) == ["-2+3", "ok;tag", "call"]
    lines = text.split("\r\n")  # injected text stays inside escaped values, never a line
    assert lines.count("BEGIN:VEVENT") == 2 and lines.count("END:VEVENT") == 2


def test_shipped_data_clusters_meet_regions_cut_offs_at_18_00_brussels(ccal, tmp_path):
    target = tmp_path / "eccp.ics"
    result = ccal("export", "--format", "ics", "--all", "--output", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    calendar = parse(target.read_text(encoding="utf-8"))
    cut_offs = [
        e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("clusters-meet-regions.")
    ]
    assert len(cut_offs) == 8
    for event in cut_offs:
        start = event.decoded("DTSTART")
        assert (start.hour, start.minute, start.tzinfo.key) == (18, 0, BRUSSELS)
    assert calendar.get_missing_tzids() == set()


# --- khal ---------------------------------------------------------------------------------------


def khal(tmp_path: Path, local_zone: str, *args: str) -> subprocess.CompletedProcess:
    """Run khal (installed with the test extra) on a throw-away config and calendar folder."""
    folder = tmp_path / "calendar"
    folder.mkdir(exist_ok=True)
    config = tmp_path / "khal.conf"
    config.write_text(
        f"""[calendars]
[[ccal]]
path = {folder}
type = calendar

[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
local_timezone = {local_zone}
default_timezone = {local_zone}

[default]
default_calendar = ccal
""",
        encoding="utf-8",
    )
    beside = Path(sys.executable).with_name("khal")  # the venv's khal, else the one on PATH
    program = beside if beside.exists() else shutil.which("khal")
    assert program, "khal is missing: pip install -e '.[test]'"
    return subprocess.run(
        [str(program), "-c", str(config), *args],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize(
    ("local_zone", "july", "december"),
    [
        (BRUSSELS, "2022-07-29 18:00", "2022-12-02 18:00"),
        ("UTC", "2022-07-29 16:00", "2022-12-02 17:00"),
    ],
)
def test_khal_imports_the_shipped_export(ccal, tmp_path, local_zone, july, december):
    target = tmp_path / "eccp.ics"
    assert ccal("export", "-f", "ics", "--all", "--alarm", "1d", "-o", str(target)).exit_code == 0
    imported = khal(tmp_path, local_zone, "import", "--batch", "-a", "ccal", str(target))
    assert imported.returncode == 0, imported.stderr
    assert imported.stderr == ""
    stored = sorted(p.name for p in (tmp_path / "calendar").glob("*.ics"))
    assert len(stored) == target.read_text(encoding="utf-8").count("BEGIN:VEVENT")
    assert "clusters-meet-regions.2022-call-cut-off-1@ccal.ics" in stored
    for day, expected in (("2022-07-29", july), ("2022-12-02", december)):
        listed = khal(tmp_path, local_zone, "list", "--format", "{start} {title}", day, "2d")
        assert listed.returncode == 0, listed.stderr
        assert (
            f"{expected} Call for Expression of Interest – Clusters meet Regions" in listed.stdout
        )


def test_khal_imports_hostile_text(ccal, tmp_path):
    target = tmp_path / "hostile.ics"
    data = Path(__file__).resolve().parents[1] / "data" / "hostile.toml"
    assert (
        ccal("export", "--data", str(data), "-f", "ics", "--all", "-o", str(target)).exit_code == 0
    )
    imported = khal(tmp_path, BRUSSELS, "import", "--batch", "-a", "ccal", str(target))
    assert imported.returncode == 0, imported.stderr
    assert len(list((tmp_path / "calendar").glob("*.ics"))) == 2


def test_a_repeating_date_is_one_event_with_its_rrule_even_when_later_occurrences_are_chosen(
    export,
):
    # On 1 Apr 2022 the fortnightly series (4 talks from 16 Mar) has two occurrences left.
    found = events(
        export(
            "--format",
            "ics",
            "--as-of",
            "2022-04-01",
            "--search",
            "fortnightly",
            data="recurring.toml",
        )
    )
    assert list(found) == ["talks.talk@ccal"]
    talk = found["talks.talk@ccal"]
    assert talk["DTSTART"].dt == datetime(2022, 3, 16, 18, 0, tzinfo=talk["DTSTART"].dt.tzinfo)
    assert str(talk["DTSTART"].dt.tzinfo) == BRUSSELS
    rule = talk["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["COUNT"] == [4] and rule["BYDAY"] == ["WE"]


def test_both_02_30s_of_the_repeated_autumn_hour_keep_their_instants(export):
    """A wall-clock time in the repeated hour means its first occurrence to a calendar (RFC 5545,
    3.3.5), so the second one must not be written as TZID wall-clock time."""
    found = events(export("--format", "ics", "--all", data="repeated-hour.toml"))

    def instant(uid: str, prop: str) -> datetime:
        return found[f"night-shift.{uid}@ccal"].decoded(prop).astimezone(UTC)

    assert instant("first-02-30", "DTSTART") == datetime(2022, 10, 30, 0, 30, tzinfo=UTC)
    assert instant("second-02-30", "DTSTART") == datetime(2022, 10, 30, 1, 30, tzinfo=UTC)
    assert instant("across-the-change", "DTSTART") == datetime(2022, 10, 29, 23, 30, tzinfo=UTC)
    assert instant("across-the-change", "DTEND") == datetime(2022, 10, 30, 1, 45, tzinfo=UTC)


@pytest.mark.parametrize(
    "chosen",
    [("--within", "30d"), ("--from", "2022-04-10", "--to", "2022-05-31"), ("--limit", "1")],
    ids=" ".join,
)
def test_a_window_or_limit_exports_only_the_chosen_occurrences(export, chosen):
    """The series starts at the first occurrence chosen and stops after the last (COUNT), so a
    calendar shows exactly the dates the JSON export of the same selection lists."""
    from dateutil.rrule import rrulestr

    args = ("--as-of", "2022-04-01", "--search", "fortnightly", *chosen)
    listed = [
        datetime.fromisoformat(r["at"])
        for r in json.loads(export("--format", "json", *args, data="recurring.toml"))
    ]
    assert listed  # the talks of 13 and 27 Apr 2022, or the first of them
    found = events(export("--format", "ics", *args, data="recurring.toml"))
    assert list(found) == ["talks.talk@ccal"]  # the series' UID: a re-import updates it
    talk = found["talks.talk@ccal"]
    start = talk.decoded("DTSTART")
    occurrences = list(rrulestr(talk["RRULE"].to_ical().decode(), dtstart=start))
    assert occurrences == listed


@pytest.mark.parametrize(
    "command",
    [("upcoming", "--within", "30d"), ("list", "--dates", "--from", "2022-04-10", "--limit", "1")],
    ids=" ".join,
)
def test_upcoming_and_list_write_the_same_ics_as_export(ccal, export, command):
    """``--format ics`` on a listing command is the export of the same selection: the same
    occurrences of a series, not the whole series from its first date."""
    args = ("--as-of", "2022-04-01", "--search", "fortnightly", *command[1:])
    if command[0] == "list":
        args = tuple(a for a in args if a != "--dates")
    data = str(Path(__file__).resolve().parents[1] / "data" / "recurring.toml")
    listed = ccal(command[0], "--format", "ics", "--tz", "Europe/Brussels", "--data", data, *args)
    assert listed.exit_code == 0, listed.stderr
    text = listed.stdout_bytes.decode("utf-8")
    assert text == export("--format", "ics", *args, data="recurring.toml")
    assert "COUNT=" in text


def test_a_past_export_carries_only_past_occurrences(export):
    """``--past`` looks back: its calendar must not repeat a series into the future."""
    from dateutil.rrule import rrulestr

    args = ("--as-of", "2022-04-05", "--search", "fortnightly", "--past")  # 2 of its 4 talks
    listed = sorted(
        datetime.fromisoformat(r["at"])
        for r in json.loads(export("--format", "json", *args, data="recurring.toml"))
    )
    assert len(listed) > 1
    talk = events(export("--format", "ics", *args, data="recurring.toml"))["talks.talk@ccal"]
    start = talk.decoded("DTSTART")
    assert list(rrulestr(talk["RRULE"].to_ical().decode(), dtstart=start)) == listed
