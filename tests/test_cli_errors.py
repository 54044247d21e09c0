"""Every user error is one clear line on stderr with the documented exit code, never a traceback."""

from __future__ import annotations

import pytest
from conftest import DATA
from hypothesis import given, settings
from hypothesis import strategies as st


def assert_clean_error(result, code: int, *fragments: str) -> None:
    assert result.exit_code == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert result.stdout == ""


def test_unknown_id_suggests_the_closest(ccal, fixture_file):
    result = ccal("deadlines", "--call", "sumer-call", "--data", str(fixture_file))
    assert_clean_error(result, 1, "unknown id 'sumer-call'", "did you mean 'summer-call'")
    assert len(result.stderr.strip().splitlines()) == 1
    assert_clean_error(ccal("show", "nope", "--data", str(fixture_file)), 1, "unknown id 'nope'")


def test_broken_toml_is_located(ccal):
    path = DATA / "broken.toml"
    result = ccal("upcoming", "--data", str(path))
    assert_clean_error(result, 1, f"{path}:6:", "invalid TOML")


def test_every_schema_error_is_reported_with_entry_and_field(ccal):
    path = DATA / "schema-errors.toml"
    result = ccal("list", "--data", str(path))
    lines = result.stderr.strip().splitlines()
    assert_clean_error(result, 1)
    assert len(lines) == 5, lines
    assert f"{path}:5:1: opportunity 'bad-kind', field 'kind': kind must be" in lines[0]
    assert "opportunity 'typo', field 'deadlne': unknown key 'deadlne'" in lines[1]
    assert "field 'dates[0].at': at must be a date" in lines[2]
    assert lines[2].endswith(", got time 18:00:00")  # as TOML writes it (was its Python repr)
    assert "opportunity '#4', field 'id': missing required key 'id'" in lines[3]
    assert "opportunity '#4', field 'title': missing required key 'title'" in lines[4]


def test_local_time_in_a_dst_gap_is_an_error_naming_the_entry(ccal):
    path = DATA / "dst-gap.toml"
    result = ccal("upcoming", "--data", str(path))
    assert_clean_error(result, 1, "opportunity 'spring-forward'", "dates[0].at", "does not exist")


def test_same_id_in_two_files_names_both(ccal, fixture_file, tmp_path):
    other = tmp_path / "other.toml"
    other.write_text(
        'version = 1\n\n[[opportunity]]\nid = "summer-call"\nkind = "call"\ntitle = "Again"\n',
        encoding="utf-8",
    )
    result = ccal("list", "--data", str(fixture_file), "--data", str(other))
    assert_clean_error(result, 1, f"{other}:4:1", "duplicate id 'summer-call'", str(fixture_file))


def test_missing_data_file(ccal, tmp_path):
    missing = tmp_path / "nope.toml"
    result = ccal("list", "--data", str(missing))
    assert_clean_error(result, 1, str(missing), "no such data file")
    assert result.stderr == f"ccal: {missing}: no such data file (named with --data)\n"


def test_a_data_file_that_is_there_but_cannot_be_reached_is_not_missing(ccal, tmp_path):
    """A symlink loop (or a directory without search permission) is not "no such data file":
    the reason is shown, as for any file that cannot be read."""
    loop = tmp_path / "loop.toml"
    loop.symlink_to(tmp_path / "back.toml")
    (tmp_path / "back.toml").symlink_to(loop)
    result = ccal("list", "--data", str(loop))
    assert_clean_error(result, 1, str(loop))
    assert "no such data file" not in result.stderr
    assert "cannot read the file: Too many levels of symbolic links" in result.stderr


@pytest.mark.parametrize(
    "command", [["upcoming"], ["list"], ["extend", "x", "Deadline", "--to", "+1d"]]
)
def test_a_missing_ccal_data_file_names_the_variable(ccal, tmp_path, command):
    """Nothing was typed: the message must say where the name came from, with 'ccal: '."""
    missing = tmp_path / "nope.toml"
    result = ccal(*command, env={"CCAL_DATA": str(missing)})
    assert_clean_error(result, 1)
    assert result.stderr == (
        f"ccal: {missing}: no such data file (named in the CCAL_DATA environment variable)\n"
    )


def test_add_with_two_files_in_ccal_data_points_at_the_variable(ccal, tmp_path):
    files = f"{tmp_path / 'a.toml'}:{tmp_path / 'b.toml'}"
    result = ccal("add", "x", "--kind", "call", "--title", "X", env={"CCAL_DATA": files})
    assert_clean_error(result, 2, "CCAL_DATA names 2 files", "'--data FILE'")
    assert "give one" not in result.stderr


def test_a_bound_in_the_schema_reads_plainly(ccal, tmp_path):
    path = tmp_path / "count.toml"
    path.write_text(
        'version = 1\ntimezone = "Europe/Brussels"\n\n[[opportunity]]\nid = "t"\nkind = "talk"\n'
        'title = "T"\n\n[[opportunity.dates]]\nlabel = "Talk"\nat = 2022-03-16T18:00:00\n'
        'rrule = "FREQ=WEEKLY"\ncount = 0\n',
        encoding="utf-8",
    )
    result = ccal("validate", str(path))
    assert "field 'dates[0].count': count must be at least 1 (got 0)" in result.stdout
    assert "Input should be" not in result.stdout


@pytest.mark.parametrize(
    ("alarm", "fragment"),
    [("-1d", "so write '1d', not '-1d'"), ("soon", "use e.g. 1d, 2h, 30m, 1w")],
)
def test_alarm_errors_suggest_what_alarm_takes(ccal, fixture_file, alarm, fragment):
    result = ccal("export", "--format", "ics", "--alarm", alarm, "--data", str(fixture_file))
    assert_clean_error(result, 2, fragment)
    assert "1mo" not in result.stderr


def test_data_from_environment_replaces_the_default(ccal, fixture_file, tmp_path):
    rows = ccal.json("list", "--all", env={"CCAL_DATA": str(fixture_file)})
    assert {r["id"] for r in rows} == {
        "summer-call", "kosice-workshop", "eoi-deadline", "tokyo-talk", "supply-survey"
    }  # fmt: skip


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["upcoming", "--within", "banana"], "invalid value for '--within'"),
        (["upcoming", "--as-of", "yesterday-ish"], "invalid value for '--as-of'"),
        (["upcoming", "--as-of", "03/04/2022"], "write it as YYYY-MM-DD"),
        (["upcoming", "--as-of", "2022-06-01 10:00 PST"], "'PST' in '2022-06-01 10:00 PST' is not"),
        (["upcoming", "--json", "--until", "1 Jul 2022 18:00 CEST"], "is not what UTC is called"),
        (["upcoming", "--tz", "Europe/Brusels"], "unknown time zone 'Europe/Brusels'"),
        (["upcoming", "--until", "2022-02-30"], "invalid value for '--until'"),
        (["upcoming", "--within", "3d", "--until", "2022-01-01"], "not both"),
        (["upcoming", "--kind", "conference"], "invalid value for '--kind': kind must be"),
        (["upcoming", "--limit", "0"], "--limit"),
        (["upcoming", "--bogus"], "no such option"),
        (["list", "--past", "--all"], "not both"),
        (["deadlines"], "which opportunity?"),
        (["remind", "--within", ""], "invalid value for '--within'"),
        (["upcoming", "--json", "--until", " "], "invalid value for '--until'"),
        (["upcoming", "--as-of", ""], "invalid value for '--as-of'"),
        (["upcoming", "--tz", ""], "invalid value for '--tz'"),
        (["list", "--from", ""], "invalid value for '--from'"),
        (["export", "--to", ""], "invalid value for '--to'"),
        (["export", "--within", "", "--until", "2022-07-01"], "not both"),
    ],
)
def test_bad_option_values_are_usage_errors(ccal, fixture_file, args, fragment):
    result = ccal(*args, "--data", str(fixture_file))
    assert_clean_error(result, 2, fragment)
    assert len(result.stderr.strip().splitlines()) == 1


def test_bad_ccal_now_is_a_usage_error(ccal, fixture_file):
    result = ccal("upcoming", "--data", str(fixture_file), env={"CCAL_NOW": "soon"})
    assert_clean_error(result, 2, "CCAL_NOW")


# --- durations and dates out of range: a usage error, never an OverflowError -------------------

OUT_OF_RANGE = [
    ("upcoming", "--within", "3000000d"),
    ("upcoming", "--within", "100000mo"),
    ("upcoming", "--within", "99999999999999999999999s"),
    ("upcoming", "--until", "9999-12-31"),
    ("upcoming", "--as-of", "9999-12-31"),
    ("upcoming", "--as-of", "0001-01-01"),
    ("upcoming", "--as-of", "+3000000d"),
    ("list", "--from", "0001-01-01"),
    ("list", "--to", "9999-12-31"),
    ("export", "--within", "8000y"),
    ("export", "--format", "ics", "--alarm", "3000000d"),
    ("export", "--format", "ics", "--alarm", "99999999999999999d"),
    ("remind", "--within", "100000mo"),
    ("remind", "--until", "9999-01-01"),
    ("countdown", "--as-of", "9999-12-31"),
]


@pytest.mark.parametrize("args", OUT_OF_RANGE, ids=" ".join)
def test_huge_durations_and_dates_are_usage_errors(ccal, fixture_file, args):
    result = ccal(*args, "--data", str(fixture_file))
    assert_clean_error(result, 2, f"invalid value for '{args[-2]}'")
    assert len(result.stderr.strip().splitlines()) == 1


@settings(max_examples=40, deadline=None)
@given(
    amount=st.integers(min_value=0, max_value=10**15),
    unit=st.sampled_from(["s", "m", "h", "d", "w", "mo", "y"]),
    option=st.sampled_from(["--within", "--as-of"]),
)
def test_any_duration_is_an_answer_or_a_usage_error(amount, unit, option):
    """Property over the CLI: whatever the size, never a traceback; out of range is exit 2."""
    from typer.testing import CliRunner

    from ccal.cli import app

    value = f"{amount}{unit}" if option == "--within" else f"+{amount}{unit}"
    args = ["upcoming", option, value, "--data", str(DATA / "fixture.toml")]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code in (0, 2), result.stderr
    if result.exit_code == 2:
        assert result.stderr.startswith(f"ccal: invalid value for '{option}'")


def test_dateutil_wording_stays_out_of_date_errors(ccal, fixture_file):
    result = ccal("upcoming", "--as-of", "Jan 1 99999999999999", "--data", str(fixture_file))
    assert_clean_error(result, 2, "cannot read 'Jan 1 99999999999999' as a date: use e.g.")
    assert "Unknown string format" not in result.stderr


@pytest.mark.parametrize(
    ("args", "wanted"),
    [
        (("upcoming", "--format", "xml"), "'md' (see 'ccal upcoming --help')"),
        (("frobnicate",), "no such command 'frobnicate' (see 'ccal --help')"),
        (("upcoming", "-n", "0"), "'-n': must be at least 1 (see"),
        (("upcoming", "-n", "x"), "'-n': not a whole number (see"),
        (("upcoming", "--as-of"), "(see 'ccal upcoming --help')"),
    ],
)
def test_usage_errors_read_as_one_plain_sentence(ccal, args, wanted):
    result = ccal(*args)
    assert result.exit_code == 2
    assert wanted in result.stderr, result.stderr
    assert ". (see" not in result.stderr and "Input should" not in result.stderr


@pytest.mark.parametrize(("variable", "value"), [("CCAL_NOW", "banana"), ("CCAL_TZ", "Mars/Base")])
def test_a_bad_environment_variable_is_named(ccal, variable, value):
    result = ccal("upcoming", env={variable: value})
    assert result.exit_code == 2
    assert f"invalid value for {variable}" in result.stderr, result.stderr
    option = {"CCAL_NOW": "--as-of", "CCAL_TZ": "--tz"}[variable]
    typed = ccal(
        "upcoming", option, value, env={variable: "2022-06-01"} if variable == "CCAL_NOW" else None
    )
    assert f"invalid value for '{option}'" in typed.stderr, typed.stderr


def test_unreadable_data_files_get_one_clear_line(ccal, tmp_path):
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"version = 1\n\xd0\xcf\x11\xe0\x00\xff")
    for path, wanted in ((tmp_path, "a directory, not a data file"), (binary, "not UTF-8 text")):
        result = ccal("upcoming", "--data", str(path))
        assert result.exit_code == 1
        assert result.stderr.startswith(f"ccal: {path}: "), result.stderr
        assert wanted in result.stderr and "codec" not in result.stderr, result.stderr
        assert "Errno" not in result.stderr and len(result.stderr.splitlines()) == 1


def test_a_problem_with_the_whole_file_is_a_ccal_line_from_every_command(ccal, tmp_path):
    """A file that cannot be read at all (a directory, not UTF-8, a link loop) has no line to
    point at: it reads as every other error, ``ccal: FILE: …`` (it read ``FILE: …``), exit 1,
    the same through the fast path (a process of its own) and the full app."""
    from test_process import run_ccal

    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"version = 1\n\xd0\xcf\x11\xe0\x00\xff")
    loop = tmp_path / "loop.toml"
    loop.symlink_to(loop)
    folder = tmp_path / "folder"
    folder.mkdir()
    commands = [
        ("upcoming", "--json"),
        ("list", "--all"),
        ("deadlines", "x"),
        ("show", "x", "--json"),
        ("remind",),
        ("countdown", "--once"),
        ("export", "--format", "csv"),
        ("series",),
    ]
    for path in (folder, binary, loop):
        for command in commands:
            result = ccal(*command, "--data", str(path))
            assert result.exit_code == 1, (command, result.stderr)
            assert result.stdout == ""
            assert result.stderr.startswith(f"ccal: {path}: "), (command, result.stderr)
            assert len(result.stderr.splitlines()) == 1, result.stderr
    for command in (("upcoming", "--json"), ("list", "--all")):
        result = run_ccal(*command, "--data", str(binary), env={"TZ": "UTC"})
        assert (result.returncode, result.stdout) == (1, ""), result.stderr
        assert result.stderr.startswith(f"ccal: {binary}: cannot read the file: not UTF-8")


def test_export_to_an_empty_file_name_is_a_usage_error(ccal):
    result = ccal("export", "-o", "")
    assert result.exit_code == 2
    assert "an empty file name" in result.stderr and "'.'" not in result.stderr


# --- UTC offsets Python cannot hold: a usage error, never a ValueError from deep inside ---------

BAD_OFFSETS = [
    ("upcoming", "--as-of", "2022-07-29T18:00+25:00"),
    ("upcoming", "--json", "--as-of", "2022-07-29 18:00 +2500"),
    ("upcoming", "--json", "--as-of", "2022-06-01", "--until", "2022-07-29T18:00-24:00"),
    ("list", "--from", "2022-07-29T18:00+25:00"),
    ("remind", "--as-of", "2022-06-01", "--until", "2022-07-29T18:00+25:00"),
]


@pytest.mark.parametrize("args", BAD_OFFSETS, ids=" ".join)
def test_an_offset_of_a_day_or_more_is_a_usage_error(ccal, fixture_file, args):
    option = next(a for a in reversed(args) if a.startswith("--") and a != "--json")
    result = ccal(*args, "--data", str(fixture_file))
    assert_clean_error(result, 2, f"invalid value for '{option}'", "UTC offset")
    assert len(result.stderr.strip().splitlines()) == 1


def test_add_refuses_a_deadline_with_an_offset_of_a_day(ccal, tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text('version = 1\n\n[[opportunity]]\nid = "a"\nkind = "call"\ntitle = "A"\n')
    before = path.read_bytes()
    result = ccal(
        "add", "b", "--kind", "call", "--title", "B",
        "--deadline", "2027-01-31T17:00+25:00", "--data", str(path),
    )  # fmt: skip
    assert_clean_error(result, 2, "invalid value for '--deadline'", "UTC offset")
    assert path.read_bytes() == before


def test_an_unexpected_failure_is_one_line_not_a_traceback(ccal, fixture_file, monkeypatch):
    """The last resort in ``CcalGroup.main``: a bug still reaches the user as one line."""
    from ccal import query

    def broken(*args, **kwargs):
        raise ValueError("something nobody foresaw")

    monkeypatch.setattr(query, "select_listing", broken)
    result = ccal("upcoming", "--as-of", "2022-06-01", "--data", str(fixture_file))
    assert_clean_error(result, 70, "internal error", "something nobody foresaw")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("command", ["list", "export"])
def test_a_window_ending_before_it_starts_names_both_options(ccal, fixture_file, command):
    result = ccal(command, "--from", "2024-01-01", "--to", "2023-01-01",
                  "--data", str(fixture_file))  # fmt: skip
    assert_clean_error(result, 2, "'--to 2023-01-01' is before '--from 2024-01-01'", "swap them")
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_value_that_should_be_text_says_so_as_toml_writes_it(ccal, tmp_path):
    data = tmp_path / "typed.toml"
    data.write_text('version = 1\n[[opportunity]]\nid = "x"\nkind = "call"\ntitle = 1979-05-27\n')
    result = ccal("list", "--data", str(data))
    assert_clean_error(result, 1)
    assert result.stderr == (
        f"{data}:5:1: opportunity 'x', field 'title': title must be a string in quotes "
        "(got date 1979-05-27)\n"
    )
