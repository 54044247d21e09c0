"""`ccal validate`: every problem class from a small file, located as FILE:LINE:COL."""

from __future__ import annotations

import json

import pytest

from tests.conftest import DATA

INVALID = DATA / "invalid"

# file, line, column, severity, a phrase the message must contain
CASES = [
    ("syntax.toml", 5, 13, "error", "invalid TOML"),
    ("unknown_key.toml", 11, 1, "error", "unknown key 'tentativ'; did you mean 'tentative'?"),
    ("missing_title.toml", 3, 1, "error", "missing required key 'title'"),
    ("bad_kind.toml", 5, 1, "error", "kind must be 'talk', 'call', 'event' or 'survey'"),
    ("undeclared_kind.toml", 6, 1, "error", "(got 'conferance'); did you mean 'conference'?"),
    ("fixed_offset_in_summer.toml", 17, 1, "warning", "UTC+1 is the offset of Europe/Brussels"),
    ("bad_id.toml", 4, 1, "error", "is not a slug"),
    ("duplicate_id.toml", 9, 1, "error", "duplicate id 'a-talk' (first defined at"),
    ("unknown_zone.toml", 7, 1, "error", "unknown time zone 'Europe/Brusels'"),
    ("end_before_at.toml", 11, 1, "error", "end is before at"),
    ("empty_tag.toml", 7, 15, "error", "a tag must not be empty"),
    ("out_of_range_year.toml", 10, 1, "error", "use a date between the years 1000 and 9000"),
    ("all_day_hourly.toml", 11, 1, "error", "an all-day date cannot repeat FREQ=HOURLY"),
    ("dst_gap.toml", 11, 1, "error", "does not exist in Europe/Brussels"),
    ("dst_ambiguous.toml", 11, 1, "warning", "happens twice in Europe/Brussels"),
    ("bad_url.toml", 7, 1, "error", "is not an http(s) URL"),
    ("bad_source.toml", 11, 1, "error", "is not an http(s) URL"),
    ("dateless_call.toml", 3, 1, "warning", "a call without any date"),
    ("inline_tables.toml", 9, 43, "error", "unknown key 'edn'; did you mean 'end'?"),
    ("zone_on_a_date.toml", 11, 1, "error", "'timezone' goes on the opportunity, not on one"),
    ("bad_rrule.toml", 11, 1, "error", "not a valid RFC 5545 RRULE"),
    ("rrule_until_and_count.toml", 13, 1, "error", "either until or count"),
    ("bad_date.toml", 10, 1, "error", "must be a date"),
    ("repeated_label.toml", 13, 1, "error", "dates 1 and 2 are labelled 'Deadline' and 'deadline'"),
    ("url_with_space.toml", 7, 1, "error", "is not a URL: it contains a space"),
    ("url_without_scheme.toml", 7, 1, "error", "must start with https:// or http://"),
]


@pytest.mark.parametrize(("name", "line", "column", "severity", "phrase"), CASES)
def test_each_problem_is_located(ccal, name, line, column, severity, phrase):
    path = INVALID / name
    result = ccal("validate", str(path))
    assert result.exit_code == (1 if severity == "error" else 0), result.stdout
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{path}:{line}:{column}: ")
    assert phrase in first
    assert ("warning: " in first) == (severity == "warning")
    assert result.stdout.splitlines()[-1].startswith("1 file checked: ")


@pytest.mark.parametrize(("name", "line", "column", "severity", "phrase"), CASES)
def test_json_lists_problem_objects(ccal, name, line, column, severity, phrase):
    path = INVALID / name
    result = ccal("validate", str(path), "--json")
    problems = json.loads(result.stdout)
    assert problems[0]["file"] == str(path)
    assert (problems[0]["line"], problems[0]["column"]) == (line, column)
    assert problems[0]["severity"] == severity
    assert phrase in problems[0]["message"]
    assert set(problems[0]) == {"file", "line", "column", "severity", "id", "field", "message"}


def test_duplicate_across_files_names_the_first_place(ccal, fixture_file):
    other = INVALID / "duplicate_of_fixture.toml"
    result = ccal("validate", str(fixture_file), str(other))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"{other}:4:1: opportunity 'tokyo-talk', field 'id': duplicate id 'tokyo-talk' "
        f"(first defined at {fixture_file}:51)"
    )
    assert result.stdout.splitlines()[-1] == "2 files checked: 1 error, 0 warnings."


def test_every_problem_is_reported_not_just_the_first(ccal, tmp_path):
    bad = tmp_path / "many.toml"
    bad.write_text(
        'version = 1\n\n[[opportunity]]\nid = "Bad"\nkind = "webinar"\ntitle = "x"\nurl = "nope"\n',
        encoding="utf-8",
    )
    result = ccal("validate", str(bad))
    lines = result.stdout.splitlines()
    assert [line.split(":")[1] for line in lines[:-1]] == ["4", "5", "7"]
    assert lines[-1] == "1 file checked: 3 errors, 0 warnings."


def test_clean_files_and_default_sources(ccal, fixture_file):
    assert ccal("validate", str(fixture_file)).stdout == "1 file checked: no problems.\n"
    shipped = ccal("validate")  # the shipped dataset (no user file in the isolated env)
    assert shipped.exit_code == 0, shipped.stdout
    assert ccal("validate", "--data", str(fixture_file)).exit_code == 0


def test_missing_file(ccal, tmp_path):
    result = ccal("validate", str(tmp_path / "nope.toml"))
    assert result.exit_code == 1
    assert "no such data file" in result.stdout


def test_listing_commands_refuse_bad_data_with_located_lines(ccal):
    bad = str(INVALID / "inline_tables.toml")
    result = ccal("upcoming", "--data", bad, "--as-of", "2022-06-01")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{INVALID / 'inline_tables.toml'}:9:43: ")


def test_every_label_clash_is_reported_at_the_later_label(ccal):
    path = INVALID / "label_clashes.toml"
    result = ccal("validate", str(path), "--json")
    assert result.exit_code == 1
    problems = json.loads(result.stdout)
    assert [(p["line"], p["field"], p["message"].split(":")[0]) for p in problems] == [
        (13, "dates[1].label", "dates 1 and 2 are labelled 'Deadline' and 'deadline', which "
         "differ only in case, accents or punctuation"),
        (21, "dates[3].label", "dates 3 and 4 are labelled 'Info day' and 'Info-Day', which "
         "differ only in case, accents or punctuation"),
        (29, "dates[5].label", "dates 5 and 6 are both labelled 'Cut-off'"),
    ]  # fmt: skip


def test_one_pass_reports_every_problem_it_can_find(ccal):
    """A duplicate id, a label clash among dates that do not all validate, and a local time in
    the spring gap are reported with the unknown key and the bad date, not after they are fixed."""
    path = DATA / "many-problems.toml"
    result = ccal("validate", str(path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert [line.split(":")[1] for line in lines[:-1]] == ["10", "13", "31", "36", "45"]
    assert "unknown key 'deadlne'" in lines[0]
    assert f"duplicate id 'twice' (first defined at {path}:7)" in lines[1]
    assert (
        "field 'dates[1].label': dates 1 and 2 are labelled 'Cut-off 1' and 'cut-off 1'"
        in (lines[2])
    )
    assert "field 'dates[2].at': at must be a date" in lines[3]
    assert "does not exist in Europe/Brussels" in lines[4]
    assert lines[-1].endswith("5 errors, 0 warnings.")
    listing = ccal("list", "--data", str(path))  # a reading command: the same problems, in order
    assert listing.exit_code == 1
    assert [line.split(":")[1] for line in listing.stderr.splitlines()] == [
        "10", "13", "31", "36", "45"
    ]  # fmt: skip
