"""AoE and fixed offsets: accepted wherever a zone is, and labelled by their real offset."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccal.clock import TimeInputError, fixed_label, zone_city, zone_label, zone_named
from ccal.index import fastpath

DATA = Path(__file__).parent / "data"
ZONES = DATA / "fixed-zones.toml"


@pytest.mark.parametrize(
    ("name", "key", "label", "hours"),
    [
        ("AoE", "AoE", "AoE", -12),
        ("aoe", "AoE", "AoE", -12),
        ("UTC+8", "UTC+8", "UTC+8", 8),
        ("UTC-7", "UTC-7", "UTC-7", -7),
        ("utc-7", "UTC-7", "UTC-7", -7),
        ("UTC+05:30", "UTC+05:30", "UTC+05:30", 5.5),
        ("UTC\u221212", "UTC\u221212", "UTC\u221212", -12),  # as ccal itself prints it
        ("Etc/GMT+12", "Etc/GMT+12", "UTC\u221212", -12),  # POSIX inverts the sign
        ("Etc/GMT-14", "Etc/GMT-14", "UTC+14", 14),
    ],
)
def test_fixed_zones_keep_their_name_and_show_their_real_offset(name, key, label, hours):
    zone = zone_named(name)
    moment = datetime(2026, 7, 1, 12, tzinfo=zone)
    assert zone.key == key
    assert moment.utcoffset() == timedelta(hours=hours)
    assert moment.tzname() == zone_label(zone) == zone_city(zone) == label
    assert zone_named(name) is zone  # one object per name: zones compare by identity


@pytest.mark.parametrize("name", ["UTC+15", "UTC+5:60", "AoX", "Etc/GMT+13", "UTC+", "GMT+8"])
def test_impossible_offsets_are_readable_errors(name):
    with pytest.raises(TimeInputError):
        zone_named(name)


def test_other_zones_are_not_relabelled():
    assert fixed_label("Europe/Brussels") is None
    assert fixed_label("Etc/GMT") is None
    assert zone_city(zone_named("UTC")) == "UTC"


@settings(max_examples=60, deadline=None)
@given(
    st.integers(-12, 14),
    st.sampled_from([0, 15, 30, 45]),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)),
)
def test_a_fixed_offset_is_the_same_offset_at_any_date(hours, minutes, local):
    if hours in (-12, 14) and minutes:
        return
    sign = "-" if hours < 0 else "+"
    zone = zone_named(f"UTC{sign}{abs(hours):02d}:{minutes:02d}")
    offset = timedelta(hours=abs(hours), minutes=minutes) * (-1 if hours < 0 else 1)
    aware = local.replace(tzinfo=zone)
    assert aware.utcoffset() == offset
    assert aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local


def test_aoe_deadlines_show_local_time_with_the_aoe_time_beneath(ccal):
    result = ccal(
        "upcoming", "--data", str(ZONES), "--as-of", "2026-05-01", "--tz", "Asia/Shanghai"
    )
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if "NeurIPS 2026" in line)
    assert "Sat 16 May 2026 19:59 CST" in lines[at]
    assert "Fri 15 May 23:59 AoE" in lines[at + 1]
    assert "23:59 UTC\u221212" in result.stdout and "GMT+12" not in result.stdout
    assert "Fri 15 May 23:59 UTC+05:30" in result.stdout


@pytest.mark.parametrize("how", ["option", "variable"])
def test_aoe_is_a_display_zone(ccal, how):
    args = ["upcoming", "--data", str(ZONES), "--as-of", "2026-05-01", "--json"]
    env = {"CCAL_TZ": "AoE"} if how == "variable" else None
    rows = ccal.json(*args, *(["--tz", "AoE"] if how == "option" else []), env=env)
    neurips = next(r for r in rows if r["id"] == "neurips-2026")
    assert (neurips["at"], neurips["timezone"]) == ("2026-05-15T23:59:00-12:00", "AoE")
    table = ccal(*args[:-1], *(["--tz", "AoE"] if how == "option" else []), env=env)
    assert "times in AoE" in table.stdout


def test_add_takes_a_fixed_zone(ccal, tmp_path):
    mine = tmp_path / "mine.toml"
    added = ccal(
        "add", "paper", "--kind", "call", "--title", "Paper", "--deadline",
        "2026-05-15 23:59", "--zone", "AoE", "--data", str(mine),
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    rows = ccal.json("deadlines", "paper", "--data", str(mine), "--as-of", "2026-05-01")
    assert rows[0]["at"] == "2026-05-15T23:59:00-12:00"
    assert rows[0]["timezone"] == "AoE"


def test_the_fast_path_answers_fixed_zones_as_the_typer_app(tmp_path, monkeypatch, capsys, ccal):
    data = Path(shutil.copy(ZONES, tmp_path / "zones.toml"))
    os.utime(data, (1_600_000_000, 1_600_000_000))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    argv = ["upcoming", "--json", "--tz", "AoE", "--as-of", "2026-05-01", "--data", str(data)]
    slow = ccal(*argv)  # builds the index, with its zones stored by name
    assert slow.exit_code == 0
    assert fastpath.answer(argv) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(slow.stdout)
    again = ccal("deadlines", "etc", "--data", str(data), "--as-of", "2026-05-01", "--tz", "UTC")
    assert "UTC\u221212" in again.stdout  # the index gives the zone back by its name


def test_validate_warns_of_a_fixed_offset_only_when_the_file_names_the_place(ccal, tmp_path):
    lone = tmp_path / "lone.toml"
    text = (DATA / "invalid" / "fixed_offset_in_summer.toml").read_text()
    lone.write_text(text.replace('timezone = "Europe/Brussels"', 'timezone = "UTC+1"'))
    result = ccal("validate", str(lone))
    assert result.exit_code == 0 and "no problems" in result.stdout  # nothing to compare with


def test_an_ics_export_defines_every_fixed_zone_it_uses(ccal):
    from icalendar import Calendar

    exported = ccal("export", "--format", "ics", "--data", str(ZONES), "--as-of", "2026-05-01")
    calendar = Calendar.from_ical(exported.stdout)
    defined = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    assert {"AoE", "UTC+05:30", "Etc/GMT+12"} <= defined
    starts = {str(e["UID"]): e["DTSTART"].dt.astimezone(UTC) for e in calendar.walk("VEVENT")}
    assert starts["neurips-2026.paper@ccal"] == datetime(2026, 5, 16, 11, 59, tzinfo=UTC)
    assert starts["fixed.paper@ccal"] == datetime(2026, 5, 15, 18, 29, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-05-15 23:59 AoE", datetime(2026, 5, 16, 11, 59, tzinfo=UTC)),
        ("Fri 15 May 2026 23:59 AoE", datetime(2026, 5, 16, 11, 59, tzinfo=UTC)),
        ("2026-05-15 08:00 UTC+8", datetime(2026, 5, 15, 0, 0, tzinfo=UTC)),
        ("2026-05-15 00:00 UTC\u221212", datetime(2026, 5, 15, 12, 0, tzinfo=UTC)),
    ],
)
def test_ccal_reads_the_fixed_zones_it_prints(typed, expected):
    from ccal.clock import parse_when

    assert parse_when(typed, zone_named("Europe/Brussels")) == expected


def test_fixed_zones_pickle_and_copy_as_themselves():
    import copy
    import pickle

    moment = datetime(2026, 5, 15, 23, 59, tzinfo=zone_named("AoE"))
    assert pickle.loads(pickle.dumps(moment)).tzinfo is moment.tzinfo
    assert copy.deepcopy(moment).tzinfo is moment.tzinfo
