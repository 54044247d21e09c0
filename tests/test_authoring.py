"""`ccal add`, `ccal extend` and `ccal schema`: nothing the user wrote is ever changed."""

from __future__ import annotations

import json
import shutil
import tomllib

import pytest

from tests.conftest import DATA

NOW = {"CCAL_NOW": "2026-01-10T10:00"}


@pytest.fixture
def mine(tmp_path):
    path = tmp_path / "mine.toml"
    shutil.copy(DATA / "edit_me.toml", path)
    return path


def test_add_appends_and_keeps_every_byte(ccal, mine):
    before = mine.read_bytes()
    result = ccal(
        "add", "clusters-2027", "--kind", "call", "--title", "Clusters 2027",
        "--deadline", "2027-01-31 17:00", "--deadline", "Cut-off 2=2027-04-30",
        "--event", "Info day=+14d..+15d", "--zone", "Europe/Brussels",
        "--url", "https://example.org/c", "--tag", "clusters", "--data", str(mine), env=NOW,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Added 'clusters-2027' (3 dates) to {mine}.\n"
    after = mine.read_bytes()
    assert after.startswith(before)
    added = tomllib.loads(after.decode())["opportunity"][-1]
    assert added["timezone"] == "Europe/Brussels"
    assert [(d["label"], str(d["at"]), str(d.get("end"))) for d in added["dates"]] == [
        ("Deadline", "2027-01-31 17:00:00", "None"),
        ("Cut-off 2", "2027-04-30", "None"),
        ("Info day", "2026-01-24", "2026-01-25"),  # relative forms stored as absolute dates
    ]
    assert b"[[opportunity.dates]]" in after[len(before) :]
    shown = ccal.json("deadlines", "clusters-2027", "--data", str(mine), "--as-of", "2027-01-01")
    assert [d["at"] for d in shown] == [
        "2026-01-24T23:59:59+01:00",
        "2027-01-31T17:00:00+01:00",
        "2027-04-30T23:59:59+02:00",
    ]


def test_add_refuses_a_duplicate_id_with_its_location(ccal, mine):
    before = mine.read_bytes()
    result = ccal("add", "my-call", "--kind", "call", "--title", "Again", "--data", str(mine))
    assert result.exit_code == 1
    assert result.stderr == f"{mine}:6:1: id 'my-call' already exists; nothing added\n"
    assert mine.read_bytes() == before


def test_add_validates_the_whole_result_and_changes_nothing_on_error(ccal, mine):
    before = mine.read_bytes()
    bad = ccal("add", "Bad_Id", "--kind", "call", "--title", "x", "--data", str(mine))
    assert bad.exit_code == 2
    assert bad.stderr == (
        "ccal: invalid value for 'ID': id 'Bad_Id' is not a slug: use a-z, 0-9 and single '-' "
        "(e.g. clusters-2027)\n"
    )
    url = ccal(
        "add", "ok-id", "--kind", "call", "--title", "x", "--url", "ftp://x", "--data", str(mine)
    )
    assert url.exit_code == 2
    assert url.stderr.startswith("ccal: invalid value for '--url': 'ftp://x' is not an http(s) URL")
    gap = ccal(
        "add", "gap", "--kind", "talk", "--title", "x", "--deadline", "2027-03-28 02:30",
        "--data", str(mine),
    )  # fmt: skip
    assert gap.exit_code == 2 and "does not exist in Europe/Brussels" in gap.stderr
    assert mine.read_bytes() == before


def test_add_refuses_an_id_of_the_shipped_dataset_and_creates_the_user_file(ccal, tmp_path):
    from ccal.sources import user_data_file

    taken = ccal("add", "clusters-meet-regions", "--kind", "call", "--title", "x")
    assert taken.exit_code == 1 and "id 'clusters-meet-regions' already exists" in taken.stderr
    assert not user_data_file().exists()
    made = ccal("add", "my-own", "--kind", "talk", "--title", "Mine", "--deadline", "+3d", env=NOW)
    assert made.exit_code == 0, made.stderr
    text = user_data_file().read_text(encoding="utf-8")
    assert "version = 1\n" in text and 'id = "my-own"' in text and "at = 2026-01-13\n" in text
    assert ccal("validate").exit_code == 0


def test_add_relative_hours_become_local_times(ccal, mine):
    result = ccal(
        "add", "soon", "--kind", "talk", "--title", "Soon", "--deadline", "+36h",
        "--data", str(mine), env=NOW,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    # CCAL_NOW is naive system time (TZ=UTC in tests): 10:00 UTC + 36 h = 23:00 Brussels time.
    assert tomllib.loads(mine.read_text())["opportunity"][-1]["dates"][0]["at"].isoformat() == (
        "2026-01-11T23:00:00"
    )


def test_extend_moves_one_value_and_records_previous(ccal, mine):
    before = mine.read_text(encoding="utf-8")
    result = ccal("extend", "my-call", "cut-off 2", "--to", "+7d", "--data", str(mine))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"Extended 'my-call' Cut-off 2: 2027-04-30 → 2027-05-07 (+7 d) in {mine}.\n"
    )
    after = mine.read_text(encoding="utf-8")
    assert after == before.replace("at = 2027-04-30\n", "at = 2027-05-07\nprevious = 2027-04-30\n")
    again = ccal("extend", "my-call", "Cut-off 1", "--to", "2027-02-07 17:00", "--data", str(mine))
    assert again.exit_code == 0, again.stderr
    assert "at = 2027-02-07T17:00:00  # as announced\nprevious = 2027-01-31T17:00:00\n" in (
        mine.read_text(encoding="utf-8")
    )
    records = ccal.json("deadlines", "my-call", "--data", str(mine), "--as-of", "2027-01-01")
    assert [(r["label"], r["previous"]) for r in records] == [
        ("Cut-off 1", "2027-01-31T17:00:00+01:00"),
        ("Cut-off 2", "2027-04-30T23:59:59+02:00"),
    ]
    table = ccal("deadlines", "my-call", "--data", str(mine), "--as-of", "2027-01-01")
    assert "Cut-off 2 (extended +7 d)" in table.stdout
    assert "Cut-off 1 (extended +7 d)" in table.stdout
    listing = ccal("upcoming", "--data", str(mine), "--as-of", "2027-01-01")
    assert "(extended +7 d)" in listing.stdout


def test_moving_a_date_earlier_says_so_not_extended_minus(ccal, mine):
    """An earlier date is no extension: "moved earlier 4 d", never "extended -4 d"."""
    result = ccal("extend", "my-call", "Cut-off 2", "--to", "2027-04-26", "--data", str(mine))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"Moved 'my-call' Cut-off 2: 2027-04-30 → 2027-04-26 (earlier 4 d) in {mine}.\n"
    )
    table = ccal("deadlines", "my-call", "--data", str(mine), "--as-of", "2027-01-01")
    assert "Cut-off 2 (moved earlier 4 d)" in table.stdout
    assert "extended" not in table.stdout
    later = ccal("extend", "my-call", "Cut-off 2", "--to", "2027-05-14", "--data", str(mine))
    assert later.stdout.startswith("Extended 'my-call' Cut-off 2: 2027-04-26 → 2027-05-14 (+18 d)")
    table = ccal("deadlines", "my-call", "--data", str(mine), "--as-of", "2027-01-01")
    assert "Cut-off 2 (extended +14 d)" in table.stdout  # from where it first was


def test_extend_inline_tables_keeps_every_other_byte(ccal, tmp_path):
    path = tmp_path / "inline.toml"
    shutil.copy(DATA / "inline_dates.toml", path)
    before = path.read_text(encoding="utf-8")
    result = ccal("extend", "inline", "Days", "--to", "2027-03-17", "--data", str(path))
    assert result.exit_code == 0, result.stderr
    assert path.read_text(encoding="utf-8") == before.replace(
        '{ label = "Days", at = 2027-03-10, end = 2027-03-12 },',
        '{ label = "Days", at = 2027-03-17, previous = 2027-03-10, end = 2027-03-19 },',
    )


def test_extend_errors(ccal, mine):
    before = mine.read_bytes()
    label = ccal("extend", "my-call", "Cutoff 3", "--to", "+1d", "--data", str(mine))
    assert label.exit_code == 1 and "did you mean 'Cut-off 2' or 'Cut-off 1'?" in label.stderr
    unknown = ccal("extend", "my-cal", "Cut-off 1", "--to", "+1d", "--data", str(mine))
    assert unknown.exit_code == 1 and "did you mean 'my-call'" in unknown.stderr
    when = ccal("extend", "my-call", "Cut-off 1", "--to", "someday", "--data", str(mine))
    assert when.exit_code == 2 and "--to" in when.stderr
    shipped = ccal("extend", "clusters-meet-regions", "x", "--to", "+1d")
    assert shipped.exit_code == 2 and "shipped with ccal" in shipped.stderr
    assert mine.read_bytes() == before


def test_schema_describes_the_models(ccal):
    schema = json.loads(ccal("schema").stdout)
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    entry = schema["definitions"]["DateEntry"]
    assert entry["additionalProperties"] is False
    assert {"previous", "rrule", "until", "count"} <= set(entry["properties"])
    opportunity = schema["definitions"]["Opportunity"]
    assert set(opportunity["required"]) == {"id", "kind", "title"}
    kind = opportunity["properties"]["kind"]  # the built-in kinds, or a declared slug
    assert kind["anyOf"][0]["enum"] == ["talk", "call", "event", "survey"]
    assert "$defs" not in json.dumps(schema) and '"const"' not in json.dumps(schema)


def test_nothing_upcoming_mentions_add(ccal, fixture_file):
    from ccal.sources import user_data_file

    result = ccal("upcoming", "--as-of", "2040-01-01")
    assert "ccal add" in result.stdout
    assert str(user_data_file()) in result.stdout.replace("\n", "")


def test_nothing_upcoming_with_data_points_add_at_that_file(ccal, fixture_file, mine):
    from ccal.sources import user_data_file

    one = ccal("upcoming", "--data", str(fixture_file), "--as-of", "2040-01-01")
    flat = " ".join(one.stdout.split())
    assert f"--deadline +14d --data {fixture_file})" in flat
    assert str(user_data_file()) not in flat
    two = ccal(
        "upcoming", "--data", str(fixture_file), "--data", str(mine), "--as-of", "2040-01-01"
    )
    flat = " ".join(two.stdout.split())
    assert "one of the files you read with 'ccal add … --data FILE'" in flat
    assert str(user_data_file()) not in flat


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--event", "Info=2027-03-12..2027-03-10"),
         "invalid value for '--event' ('Info=2027-03-12..2027-03-10'): the end is before the "
         "start"),
        (("--deadline", "2027-01-01", "--deadline", "deadline=2027-02-01"),
         "invalid value for '--deadline' ('deadline=2027-02-01'): dates 1 and 2 are labelled "
         "'Deadline' and 'deadline', which differ only in case, accents or punctuation: give "
         "each date of an opportunity its own label"),
        (("--tag", "ok", "--tag", " "), "invalid value for '--tag': a tag must not be empty"),
        (("--url", "https://example.org/a b"),
         "invalid value for '--url': 'https://example.org/a b' is not a URL: it contains a space "
         "(write it as %20)"),
    ],
)  # fmt: skip
def test_add_reports_a_bad_entry_by_the_options_typed(ccal, mine, args, message):
    before = mine.read_bytes()
    result = ccal("add", "new-one", "--kind", "event", "--title", "T", *args, "--data", str(mine))
    assert result.exit_code == 2
    assert result.stderr == f"ccal: {message}\n"
    assert mine.read_bytes() == before


def test_add_shows_the_warnings_validate_would_print_for_the_new_entry(ccal, mine):
    dateless = ccal("add", "later", "--kind", "call", "--title", "Later", "--data", str(mine))
    assert dateless.exit_code == 0
    assert dateless.stdout == f"Added 'later' (0 dates) to {mine}.\n"
    ambiguous = ccal(
        "add", "night", "--kind", "talk", "--title", "Night", "--deadline", "2027-10-31 02:30",
        "--data", str(mine),
    )  # fmt: skip
    assert ambiguous.exit_code == 0
    validated = ccal("validate", str(mine)).stdout.splitlines()
    assert dateless.stderr.splitlines() == [line for line in validated if "'later'" in line]
    assert ambiguous.stderr.splitlines() == [line for line in validated if "'night'" in line]
    assert "warning: opportunity 'later'" in dateless.stderr
    assert "happens twice in Europe/Brussels" in ambiguous.stderr


# --- recurrence -------------------------------------------------------------------------------


def test_bounded_series_expands_dst_correct(ccal):
    records = ccal.json(
        "deadlines", "talks", "--data", str(DATA / "recurring.toml"), "--as-of", "2022-03-01"
    )
    assert [r["at"] for r in records] == [
        "2022-03-16T18:00:00+01:00",
        "2022-03-30T18:00:00+02:00",  # after the clocks went forward: still 18:00 local
        "2022-04-13T18:00:00+02:00",
        "2022-04-27T18:00:00+02:00",
    ]
    assert [r["end"][11:19] for r in records] == ["19:00:00"] * 4
    assert {r["rrule"] for r in records} == {"FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;COUNT=4"}
    assert [r["occurrence"] for r in records] == [0, 1, 2, 3]
    assert [r["status"] for r in records] == ["next", "upcoming", "upcoming", "upcoming"]


def test_until_series_and_its_rrule_for_ics(ccal):
    records = ccal.json(
        "deadlines", "until-series", "--data", str(DATA / "recurring.toml"), "--as-of", "2022-10-01"
    )
    assert [r["at"] for r in records] == [
        "2022-10-19T09:00:00+02:00",
        "2022-10-26T09:00:00+02:00",
        "2022-11-02T09:00:00+01:00",
        "2022-11-09T09:00:00+01:00",
    ]
    assert records[0]["rrule"] == "FREQ=WEEKLY;UNTIL=20221109T225959Z"


def test_unbounded_series_only_within_the_window(ccal):
    data = str(DATA / "recurring.toml")
    default = ccal.json("deadlines", "standup", "--data", data, "--as-of", "2024-06-01")
    days = [r["at"][:10] for r in default]
    assert days[0] == "2023-06-15" and days[-1] == "2025-05-15"  # a year either side of now
    assert len(days) == 24
    window = ccal.json(
        "list", "--dates", "--all", "--data", data, "--as-of", "2024-06-01",
        "--from", "2030-01-01", "--to", "2030-03-31", "--search", "monthly",
    )  # fmt: skip
    assert [r["at"][:10] for r in window] == ["2030-01-15", "2030-02-15", "2030-03-15"]
    assert all(r["rrule"] == "FREQ=MONTHLY" and r["all_day"] for r in window)


def test_append_keeps_crlf_files_consistent():
    from ccal.authoring import append_text

    old = "# mine\r\nversion = 1\r\n"
    new = append_text(
        old, {"id": "x", "kind": "talk", "title": "X", "dates": [{"label": "A", "at": "y"}]}
    )
    assert new.startswith(old)
    assert "\n" not in new.replace("\r\n", "")
    assert new.endswith('at = "y"\r\n')


def test_add_refuses_an_id_of_the_imported_portal_file(ccal):
    from ccal.sources import eu_portal_file, user_data_file

    assert ccal("import", "eu-portal", str(DATA / "eu-portal.json")).exit_code == 0
    taken = ccal(
        "add", "eu-life-tst-2022-05", "--kind", "call", "--title", "x",
        "--deadline", "2027-01-01",
    )  # fmt: skip
    assert taken.exit_code == 1
    assert taken.stderr.startswith(f"{eu_portal_file()}:")
    assert "id 'eu-life-tst-2022-05' already exists; nothing added" in taken.stderr
    assert not user_data_file().exists()
    assert ccal("list", "--as-of", "2022-06-01").exit_code == 0


def test_add_and_extend_print_the_warnings_validate_gives_for_the_entry(ccal, mine):
    added = ccal(
        "add", "a11", "--kind", "call", "--title", "Bell\x07", "--deadline", "2027-01-01",
        "--data", str(mine),
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    checked = ccal("validate", str(mine))
    warnings = [line for line in checked.stdout.splitlines() if "'a11'" in line]
    assert "control character \\x07" in warnings[0]
    assert added.stderr.splitlines() == warnings
    moved = ccal("extend", "a11", "Deadline", "--to", "2026-10-25 02:30", "--data", str(mine))
    assert moved.exit_code == 0, moved.stderr
    assert "happens twice in Europe/Brussels" in moved.stderr
    assert "control character" in moved.stderr


def test_extending_twice_keeps_the_original_date_as_previous(ccal, mine):
    for _ in range(2):
        result = ccal("extend", "my-call", "Cut-off 2", "--to", "+1d", "--data", str(mine))
        assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"Extended 'my-call' Cut-off 2: 2027-05-01 → 2027-05-02 (+1 d) in {mine}.\n"
    )
    text = mine.read_text(encoding="utf-8")
    assert text.endswith("at = 2027-05-02\nprevious = 2027-04-30\n")
    table = ccal("deadlines", "my-call", "--data", str(mine), "--as-of", "2027-01-01")
    assert "Cut-off 2 (extended +2 d)" in table.stdout


def test_extend_to_a_date_keeps_a_timed_entrys_time_of_day(ccal, mine):
    result = ccal("extend", "my-call", "Cut-off 1", "--to", "2027-02-05", "--data", str(mine))
    assert result.exit_code == 0, result.stderr
    assert "Cut-off 1: 2027-01-31 17:00 → 2027-02-05 17:00 (+5 d)" in result.stdout
    assert "at = 2027-02-05T17:00:00  # as announced\n" in mine.read_text(encoding="utf-8")


def test_extend_keeps_an_offset_value_in_its_offset(ccal, tmp_path):
    path = tmp_path / "offset.toml"
    path.write_text(
        'version = 1\n\n[[opportunity]]\nid = "far"\nkind = "call"\ntitle = "Far"\n\n'
        '[[opportunity.dates]]\nlabel = "Deadline"\nat = 2027-01-31T10:00:00+05:00\n',
        encoding="utf-8",
    )
    result = ccal("extend", "far", "Deadline", "--to", "+1d", "--data", str(path))
    assert result.exit_code == 0, result.stderr
    assert "(+1 d)" in result.stdout
    assert path.read_text(encoding="utf-8").endswith(
        "at = 2027-02-01T10:00:00+05:00\nprevious = 2027-01-31T10:00:00+05:00\n"
    )
    local = ccal("extend", "far", "Deadline", "--to", "2027-02-02 06:00", "--data", str(path))
    assert local.exit_code == 0, local.stderr
    assert "at = 2027-02-02T10:00:00+05:00\n" in path.read_text(encoding="utf-8")  # 06:00 CET


def test_add_and_extend_write_date_times_in_one_style(ccal, mine):
    added = ccal(
        "add", "late", "--kind", "talk", "--title", "Late", "--deadline", "2026-10-25 02:30",
        "--data", str(mine),
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    moved = ccal("extend", "late", "Deadline", "--to", "+2d", "--data", str(mine))
    assert moved.exit_code == 0, moved.stderr
    assert mine.read_text(encoding="utf-8").endswith(
        "at = 2026-10-27 02:30:00\nprevious = 2026-10-25 02:30:00\n"
    )


def test_naive_as_of_is_in_the_display_zone_for_add_and_extend(ccal, mine):
    tokyo = {"CCAL_TZ": "Asia/Tokyo"}
    added = ccal(
        "add", "c1", "--kind", "call", "--title", "x", "--deadline", "+1h",
        "--as-of", "2027-01-01 10:00", "--data", str(mine), env=tokyo,
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    # 10:00 in Tokyo is 02:00 in Brussels, the entry's zone; an hour later, 03:00.
    assert mine.read_text(encoding="utf-8").endswith("at = 2027-01-01 03:00:00\n")
    moved = ccal(
        "extend", "my-call", "Cut-off 2", "--to", "tomorrow", "--as-of", "2027-01-01 23:30",
        "--tz", "Asia/Tokyo", "--data", str(mine),
    )  # fmt: skip
    assert moved.exit_code == 0, moved.stderr
    assert "Cut-off 2: 2027-04-30 → 2027-01-02" in moved.stdout  # 15:30 on the 1st in Brussels


def test_add_names_the_entrys_zone_and_the_file_it_writes(ccal, mine):
    added = ccal(
        "add", "ny", "--kind", "call", "--title", "x", "--deadline", "2027-03-01 18:00",
        "--zone", "America/New_York", "--data", str(mine),
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    entries = tomllib.loads(mine.read_text(encoding="utf-8"))["opportunity"][-1:]
    assert [e["timezone"] for e in entries] == ["America/New_York"]
    assert str(entries[0]["dates"][0]["at"]) == "2027-03-01 18:00:00"
    bad = ccal("add", "ny3", "--kind", "call", "--title", "x", "--zone", "Mars/Base")
    assert bad.exit_code == 2 and "invalid value for '--zone'" in bad.stderr
    for command in ("add", "extend"):
        shown = " ".join(ccal(command, "--help").stdout.split())
        assert "The data file to" in shown and "Data file to read" not in shown
    assert "--tz" not in ccal("add", "--help").stdout


def test_add_refuses_tz_and_points_to_zone(ccal, mine):
    """Every other command's --tz is the display zone: on add it would silently mean the
    entry's zone, so it is a usage error naming --zone, and nothing is written."""
    before = mine.read_bytes()
    result = ccal(
        "add", "ny2", "--kind", "call", "--title", "x", "--tz", "America/New_York",
        "--data", str(mine),
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.startswith("ccal: 'add' has no '--tz'")
    assert "'--zone ZONE'" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert mine.read_bytes() == before


@pytest.mark.parametrize(
    "text",
    [
        'version = 1\n\n[[opportunity]]\nid = "c"\nkind = "call"\ntitle = "C"\n\n'
        '[[opportunity.dates]]\nlabel = "C1"\nat = 2027-01-31 17:00:00\n',
        'version = 1\n\n[[opportunity]]\nid = "c"\nkind = "call"\ntitle = "C"\n'
        'dates = [{ label = "C1", at = 2027-01-31 17:00:00 }, { label = "C2", at = 2027-03-01 }]\n',
    ],
    ids=["tables", "inline"],
)
def test_extending_back_to_the_original_date_leaves_no_history(ccal, tmp_path, text):
    """Moved twice, then back where it first was: the file is as it was, no "extended +0 min"."""
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    target = str(path)
    for to in ("+1d", "+1d", "2027-01-31 17:00"):
        moved = ccal(
            "extend", "c", "C1", "--to", to, "--as-of", "2026-11-26", "--data", str(target)
        )
        assert moved.exit_code == 0, moved.stderr
    assert path.read_text(encoding="utf-8") == text
    shown = ccal("deadlines", "c", "--as-of", "2026-11-26", "--data", target).stdout
    assert "extended" not in shown
