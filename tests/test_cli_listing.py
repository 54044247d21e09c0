"""Black-box tests of the reading commands on a small fixture file, with "now" pinned."""

from __future__ import annotations

import re

import pytest
from conftest import DATA

JSON_KEYS = {
    "id", "kind", "title", "label", "at", "end", "all_day", "timezone", "seconds_left",
    "status", "tentative", "source", "previous", "rrule", "occurrence", "url", "tags",
    "organiser", "location", "mine",
}  # fmt: skip
ANSI = re.compile(r"\x1b\[")


def run_json(ccal, fixture_file, *args):
    return ccal.json(*args, "--data", str(fixture_file))


def test_upcoming_lists_soonest_first_with_the_contract_keys(ccal, fixture_file):
    rows = run_json(ccal, fixture_file, "upcoming", "--as-of", "2022-06-01")
    assert [(r["id"], r["label"]) for r in rows] == [
        ("eoi-deadline", "Expression of interest"),
        ("kosice-workshop", "Workshop"),
        ("summer-call", "Cut-off 1"),
        ("tokyo-talk", "Talk"),
        ("summer-call", "Cut-off 2"),
        ("summer-call", "Cut-off 3"),
    ]
    assert all(set(r) == JSON_KEYS for r in rows)


def test_dst_pair_keeps_brussels_wall_clock_and_moves_utc(ccal, fixture_file):
    rows = run_json(
        ccal, fixture_file, "deadlines", "--call", "summer-call", "--as-of", "2022-01-01"
    )
    july, december = rows[0], rows[1]
    assert july["at"] == "2022-07-29T18:00:00+02:00"  # CEST: 16:00 UTC
    assert december["at"] == "2022-12-02T18:00:00+01:00"  # CET: 17:00 UTC
    table = ccal("deadlines", "--call", "summer-call", "--data", str(fixture_file), "--tz", "UTC")
    assert "Fri 29 Jul 2022 16:00 UTC" in table.stdout
    assert "Fri 2 Dec 2022 17:00 UTC" in table.stdout


def test_seconds_left_counts_to_the_exact_instant(ccal, fixture_file):
    rows = run_json(
        ccal, fixture_file, "upcoming", "--as-of", "2022-07-29T15:59:30Z", "--search", "summer"
    )
    assert rows[0]["label"] == "Cut-off 1"
    assert rows[0]["seconds_left"] == 30


def test_all_day_entry_is_open_until_the_end_of_its_day_in_its_zone(ccal, fixture_file):
    late = run_json(ccal, fixture_file, "upcoming", "--as-of", "2022-06-13T23:59:00+02:00")
    assert late[0]["id"] == "eoi-deadline"
    assert late[0]["at"] == "2022-06-13T23:59:59+02:00"
    assert late[0]["all_day"] is True
    assert late[0]["seconds_left"] == 59
    after = run_json(ccal, fixture_file, "upcoming", "--as-of", "2022-06-14T00:00:00+02:00")
    assert "eoi-deadline" not in {r["id"] for r in after}


def test_multi_day_event_stays_upcoming_until_its_last_day_ends(ccal, fixture_file):
    during = run_json(ccal, fixture_file, "upcoming", "--as-of", "2022-06-23T12:00:00+02:00")
    workshop = next(r for r in during if r["id"] == "kosice-workshop")
    assert workshop["end"] == "2022-06-23T23:59:59+02:00"
    assert workshop["status"] == "next"
    assert workshop["seconds_left"] < 0  # its first day is behind us, the event is on


def test_statuses_of_a_multi_cut_off_call(ccal, fixture_file):
    rows = run_json(ccal, fixture_file, "deadlines", "summer-call", "--as-of", "2022-08-01")
    assert [r["status"] for r in rows] == ["passed", "next", "upcoming"]
    assert rows[0]["seconds_left"] < 0 < rows[1]["seconds_left"] < rows[2]["seconds_left"]
    assert rows[2]["tentative"] is True


def test_upcoming_filters_and_windows(ccal, fixture_file):
    soon = run_json(ccal, fixture_file, "upcoming", "--as-of", "2022-06-01", "--within", "30d")
    assert {r["id"] for r in soon} == {"eoi-deadline", "kosice-workshop"}
    until = run_json(
        ccal, fixture_file, "upcoming", "--as-of", "2022-06-01", "--until", "2022-06-13"
    )
    assert [r["id"] for r in until] == ["eoi-deadline"]
    talks = run_json(ccal, fixture_file, "upcoming", "--as-of", "2022-06-01", "--kind", "talk")
    assert [r["id"] for r in talks] == ["tokyo-talk"]
    tagged = run_json(
        ccal,
        fixture_file,
        "upcoming",
        "--as-of",
        "2022-06-01",
        "--tag",
        "clusters",
        "--tag",
        "regions",
    )
    assert {r["id"] for r in tagged} == {"summer-call"}
    limited = run_json(ccal, fixture_file, "upcoming", "--as-of", "2022-06-01", "--limit", "2")
    assert len(limited) == 2
    org = run_json(ccal, fixture_file, "upcoming", "--as-of", "2022-06-01", "--organiser", "other")
    assert [r["id"] for r in org] == ["tokyo-talk"]


@pytest.mark.parametrize("query", ["kosice", "KOSICE", "Košice", "košice workshop"])
def test_search_ignores_case_and_accents(ccal, fixture_file, query):
    rows = run_json(ccal, fixture_file, "list", "--all", "--search", query)
    assert [r["id"] for r in rows] == ["kosice-workshop"]


def test_nothing_upcoming_says_what_passed_last_and_how_to_see_more(ccal, fixture_file):
    result = ccal("upcoming", "--data", str(fixture_file), "--as-of", "2024-01-01")
    assert result.exit_code == 0
    assert "Nothing upcoming" in result.stdout
    assert "Summer Call" in result.stdout and "Cut-off 3" in result.stdout
    assert "--as-of" in result.stdout
    assert ccal.json("upcoming", "--data", str(fixture_file), "--as-of", "2024-01-01") == []


def test_today_nothing_is_upcoming_in_the_shipped_data(ccal):
    """Runs against the real clock on purpose: the shipped dates all lie in the past."""
    result = ccal("upcoming")
    assert result.exit_code == 0
    assert "Nothing upcoming" in result.stdout
    assert "The latest entry passed" in result.stdout


def test_list_scopes(ccal, fixture_file):
    def ids(*args):
        return [
            r["id"] for r in run_json(ccal, fixture_file, "list", "--as-of", "2022-10-01", *args)
        ]

    assert ids() == ["summer-call", "supply-survey"]  # a date ahead, or undated
    assert ids("--past") == ["tokyo-talk", "kosice-workshop", "eoi-deadline"]  # latest first
    assert set(ids("--all")) == {
        "summer-call", "kosice-workshop", "eoi-deadline", "tokyo-talk", "supply-survey"
    }  # fmt: skip
    dated = run_json(ccal, fixture_file, "list", "--as-of", "2022-10-01", "--all", "--dates")
    assert len(dated) == 6 and set(dated[0]) == JSON_KEYS
    ranged = ids("--all", "--from", "2022-06-20", "--to", "2022-07-31")
    assert ranged == ["summer-call", "kosice-workshop"] or set(ranged) == {
        "summer-call", "kosice-workshop"
    }  # fmt: skip


def test_list_opportunities_json_nests_dates(ccal, fixture_file):
    rows = run_json(ccal, fixture_file, "list", "--all", "--as-of", "2022-01-01", "--kind", "call")
    assert [r["id"] for r in rows] == ["summer-call"]
    assert [d["label"] for d in rows[0]["dates"]] == ["Cut-off 1", "Cut-off 2", "Cut-off 3"]


def test_show_prints_everything_about_one_opportunity(ccal, fixture_file):
    record = run_json(ccal, fixture_file, "show", "tokyo-talk", "--as-of", "2022-01-01")
    assert record["timezone"] == "Asia/Tokyo"
    assert record["dates"][0]["at"] == "2022-09-07T09:00:00+09:00"
    assert record["dates"][0]["end"] == "2022-09-07T10:00:00+09:00"
    table = ccal("show", "summer-call", "--data", str(fixture_file), "--as-of", "2022-01-01")
    assert table.exit_code == 0
    for text in ("Summer Call", "Test Organiser", "https://example.org/summer-call", "Cut-off 3"):
        assert text in table.stdout


def test_show_undated_survey(ccal, fixture_file):
    table = ccal("show", "supply-survey", "--data", str(fixture_file))
    assert table.exit_code == 0 and "No dates known" in table.stdout
    assert run_json(ccal, fixture_file, "show", "supply-survey")["dates"] == []


def test_display_zone_from_option_and_environment(ccal, fixture_file):
    args = ("deadlines", "summer-call", "--data", str(fixture_file), "--as-of", "2022-01-01")
    assert "Fri 29 Jul 2022 12:00 EDT" in ccal(*args, "--tz", "America/New_York").stdout
    assert "Fri 29 Jul 2022 17:00 BST" in ccal(*args, env={"CCAL_TZ": "Europe/London"}).stdout


def test_a_tz_that_names_no_zone_is_one_warning_and_times_in_the_fallback_zone(
    ccal, fixture_file, monkeypatch
):
    """``TZ=garbage`` showed times in the computer's fallback zone (UTC here) without a word.
    TZ is every program's setting, not ccal's (``date`` shows UTC for it): one warning naming
    it and the zone used, and the command still answers; ``--tz``/``CCAL_TZ`` need no TZ."""
    from test_process import run_ccal

    from ccal.clock import system_zone, zone_label

    monkeypatch.setenv("TZ", "garbage")
    used = zone_label(system_zone())
    warning = (
        f"ccal: warning: TZ='garbage' is not a time zone; times are in {used} (set TZ to an "
        "IANA name such as Europe/Brussels, or use --tz)\n"
    )
    args = ("upcoming", "--data", str(fixture_file), "--as-of", "2022-06-01")
    result = ccal(*args)
    assert (result.exit_code, result.stderr) == (0, warning)
    assert f"times in {used}" in result.stdout
    for env in ({}, {"CCAL_NO_FASTPATH": "1"}):  # once, on both paths
        ran = run_ccal(*args, env=env)
        assert (ran.returncode, ran.stderr) == (0, warning), env
    assert ccal(*args, "--tz", "UTC").stderr == ""
    assert ccal(*args, env={"CCAL_TZ": "Europe/Brussels"}).stderr == ""
    monkeypatch.setenv("TZ", ":Europe/Brussels")  # a known zone, as POSIX writes it: silent
    assert ccal(*args).stderr == ""


def test_ccal_now_pins_the_clock(ccal, fixture_file):
    rows = ccal.json("upcoming", "--data", str(fixture_file), env={"CCAL_NOW": "2022-12-01"})
    assert rows[0]["label"] == "Cut-off 2"


def test_json_output_has_no_colour_even_when_forced(ccal, fixture_file):
    result = ccal(
        "upcoming", "--json", "--data", str(fixture_file), "--as-of", "2022-06-01",
        env={"FORCE_COLOR": "1"},
    )  # fmt: skip
    assert not ANSI.search(result.stdout)


def test_no_color_turns_colour_off_on_a_terminal(ccal, fixture_file):
    args = ("upcoming", "--data", str(fixture_file), "--as-of", "2022-06-01")
    coloured = ccal(*args, env={"FORCE_COLOR": "1"})
    assert ANSI.search(coloured.stdout)  # proves the check below can fail
    plain = ccal(*args, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert not ANSI.search(plain.stdout)
    assert "Summer Call" in plain.stdout


def test_version_and_help(ccal):
    assert ccal("--version").stdout.startswith("ccal ")
    helped = ccal("--help")
    assert helped.exit_code == 0
    for command in ("upcoming", "list", "deadlines", "show"):
        assert command in helped.stdout
    assert "ccal upcoming --as-of 2022-06-01" in helped.stdout


# --- an entry under way: the same true words everywhere, JSON unchanged -----------------------

UNDER_WAY_COMMANDS = [
    ("upcoming",),
    ("deadlines", "tokyo-talk"),
    ("show", "tokyo-talk"),
    ("list",),
    ("list", "--dates"),
    ("remind",),
    ("export", "--format", "md"),
    ("upcoming", "--format", "md"),
]


@pytest.mark.parametrize("args", UNDER_WAY_COMMANDS, ids=" ".join)
def test_a_talk_under_way_says_so_everywhere(ccal, fixture_file, args):
    """09:30 in Tokyo, the 09:00–10:00 talk has started: never "next … 30 min ago"."""
    result = ccal(*args, "--data", str(fixture_file), "--as-of", "2022-09-07T00:30:00Z")
    assert result.exit_code == 0, result.stderr
    assert "under way, ends in 30 min" in result.stdout, result.stdout
    assert "ago" not in result.stdout.split("Cut-off")[0]
    assert "on now" not in result.stdout


def test_deadlines_summary_of_an_entry_under_way(ccal, fixture_file):
    result = ccal(
        "deadlines", "kosice-workshop", "--data", str(fixture_file), "--as-of", "2022-06-23 10:00"
    )  # fmt: skip (UTC)
    assert "0 of 1 passed; Workshop under way, ends in 11 h 59 min." in result.stdout
    assert "next:" not in result.stdout
    assert any(line.startswith("  under way ") for line in result.stdout.splitlines())


def test_json_of_an_entry_under_way_keeps_status_next_and_negative_seconds(ccal, fixture_file):
    rows = run_json(ccal, fixture_file, "upcoming", "--as-of", "2022-09-07T00:30:00Z")
    talk = next(r for r in rows if r["id"] == "tokyo-talk")
    assert (talk["status"], talk["seconds_left"]) == ("next", -1800)


def test_nothing_upcoming_names_the_opportunity_and_label_that_passed_last(ccal, fixture_file):
    """A search that matches only a date's label still finds the one that passed."""
    result = ccal("upcoming", "--search", "cut-off 2", "--data", str(fixture_file),
                  "--as-of", "2023-01-01")  # fmt: skip
    assert result.exit_code == 0
    assert "Nothing upcoming matches --search 'cut-off 2' as of Sun 1 Jan 2023" in result.stdout
    assert "The latest entry passed 29 days 7 h ago: Summer Call — Cut-off 2 (Fri 2 Dec 2022" in (
        " ".join(result.stdout.split())
    )


# --- help, ids and tentative labels as people read them -------------------------------------


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("show", "Usage: ccal show [OPTIONS] ID"),
        ("deadlines", "Usage: ccal deadlines [OPTIONS] [ID]"),
        ("countdown", "Usage: ccal countdown [OPTIONS] [ID]"),
        ("validate", "Usage: ccal validate [OPTIONS] [FILE]..."),
    ],
)
def test_usage_lines_read_plainly(ccal, command, usage):
    result = ccal(command, "--help")
    assert usage in result.stdout
    assert "[[" not in result.stdout and "{ID}" not in result.stdout


def test_help_names_each_environment_variable_once(ccal):
    text = ccal("upcoming", "--help").stdout
    for name in ("CCAL_NOW", "CCAL_TZ"):
        assert text.count(name) == 1, text


def test_ids_are_never_broken_across_lines(ccal, fixture_file):
    """On an 80-column terminal the title wraps; the id (what people copy) stays whole."""
    result = ccal("list", "--all", "--data", str(fixture_file), "--as-of", "2022-06-23 10:00",
                  env={"COLUMNS": "80"})  # fmt: skip
    for name in ("kosice-workshop", "supply-survey", "eoi-deadline"):
        assert f"  {name}  " in result.stdout, result.stdout


def test_a_label_that_says_unconfirmed_gets_no_extra_tbc(ccal, tmp_path):
    data = tmp_path / "tentative.toml"
    data.write_text(
        'version = 1\n[[opportunity]]\nid = "lab"\nkind = "event"\ntitle = "Lab"\n'
        '[[opportunity.dates]]\nlabel = "C2Lab (unconfirmed)"\nat = 2031-01-01\n'
        "tentative = true\n"
        '[[opportunity.dates]]\nlabel = "Second round"\nat = 2031-02-01\ntentative = true\n',
        encoding="utf-8",
    )
    for args in (("upcoming",), ("deadlines", "lab"), ("remind", "--within", "60d")):
        out = ccal(*args, "--data", str(data), "--as-of", "2030-12-30").stdout
        assert "C2Lab (unconfirmed)" in out and "(unconfirmed) (tbc)" not in out, out
        assert "Second round (tbc)" in out, out


@pytest.mark.parametrize("extra", [(), ("--dates",)])
def test_list_takes_limit_like_upcoming(ccal, fixture_file, extra):
    rows = run_json(ccal, fixture_file, "list", "--all", *extra, "--as-of", "2022-06-01")
    limited = run_json(
        ccal, fixture_file, "list", "--all", *extra, "-n", "2", "--as-of", "2022-06-01"
    )
    assert len(rows) > 2 and limited == rows[:2]


def test_deadlines_of_an_undated_opportunity_is_its_heading_and_one_sentence(ccal, fixture_file):
    out = ccal("deadlines", "supply-survey", "--data", str(fixture_file), "--as-of", "2022-06-01")
    assert out.exit_code == 0
    lines = [line.strip() for line in out.stdout.splitlines() if line.strip()]
    assert lines == ["Supply chain survey (supply-survey)", "No dates known."], out.stdout


@pytest.mark.parametrize("as_of", ["2022-10-29T12:00Z", "2022-10-29 14:00", "2022-10-29T13:00+01"])
@pytest.mark.parametrize("window", [("--within", "1d"), ("--until", "+1d")])
def test_a_day_is_a_wall_clock_day_in_the_display_zone(ccal, as_of, window):
    """However "now" was typed, ``1d`` is a day of the display zone's clock (Brussels: 25 hours
    across the autumn change), so the same instant selects the same dates."""
    data = str(DATA / "autumn-day.toml")
    rows = ccal.json(
        "upcoming", *window, "--as-of", as_of, "--tz", "Europe/Brussels", "--data", data
    )
    assert [r["label"] for r in rows] == ["Within the wall-clock day"]


@pytest.mark.parametrize(
    ("as_of", "window"),
    [("2022-06-22 20:00", "1h"), ("2022-06-21 20:00", "12h")],  # on its first day; the eve
)
def test_an_all_day_range_is_in_every_window_it_overlaps(ccal, fixture_file, as_of, window):
    """The Košice workshop lasts all of 22-23 Jun: a window touching the 22nd holds it, although
    an all-day ``at`` is the last second of its first day."""
    args = ("--as-of", as_of, "--tz", "Europe/Brussels", "--data", str(fixture_file))
    rows = ccal.json("upcoming", "--within", window, *args)
    assert ("kosice-workshop", "Workshop") in [(r["id"], r["label"]) for r in rows]
    reminded = ccal("remind", "--within", window, *args).stdout
    assert "Workshop in Košice" in reminded


@pytest.mark.parametrize("tz", ["Europe/Brussels", "CET", "America/New_York"])
def test_as_of_reads_the_moment_ccal_printed(ccal, fixture_file, tz):
    """Copy "Wed 11 Mar 2026 17:00 CET" from a title into --as-of: the same moment again."""
    args = ("--data", str(fixture_file), "--tz", tz)
    first = ccal("list", "--all", *args, "--as-of", "2026-03-11 17:00")
    printed = re.search(r"as of (.+?) · times in", first.stdout).group(1)
    again = ccal("list", "--all", *args, "--as-of", printed)
    assert again.exit_code == 0, again.stderr
    assert again.stdout == first.stdout
    rows = ccal.json("upcoming", *args, "--as-of", printed)
    assert rows == ccal.json("upcoming", *args, "--as-of", "2026-03-11 17:00")


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        (["--kind", "Call"], {"call"}),
        (["-k", "call,event"], {"call", "event"}),
        (["-k", "TALK", "-k", "event, call"], {"talk", "event", "call"}),
    ],
)
def test_kind_ignores_case_and_takes_comma_lists(ccal, fixture_file, kinds, expected):
    """As --tag ignores case and import --status takes commas: every repeatable choice does."""
    rows = run_json(ccal, fixture_file, "list", "--all", "--dates", *kinds)
    assert {r["kind"] for r in rows} == expected


def test_a_bad_kind_in_a_comma_list_is_named(ccal, fixture_file):
    result = ccal("upcoming", "-k", "call,party", "--data", str(fixture_file))
    assert result.exit_code == 2
    assert (
        "invalid value for '--kind': kind must be 'talk', 'call', 'event' or 'survey' (got "
        "'party')" in result.stderr
    )


def test_single_choices_ignore_case_too(ccal, fixture_file, tmp_path):
    shown = ccal(
        "upcoming", "--format", "CSV", "--data", str(fixture_file), "--as-of", "2022-06-01"
    )
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.lstrip("\ufeff").startswith("id,kind,")
    added = ccal("add", "x", "--kind", "Call", "--title", "X", "--data", str(tmp_path / "x.toml"))
    assert added.exit_code == 0, added.stderr
    assert 'kind = "call"' in (tmp_path / "x.toml").read_text(encoding="utf-8")


# --- small ones: a window that ends before now, a timed end after an all-day start ------------


@pytest.mark.parametrize("cache", [(), ("--no-cache",)], ids=["index", "files"])
@pytest.mark.parametrize("command", [["upcoming"], ["upcoming", "--json"], ["remind"]])
def test_until_before_now_is_a_usage_error(ccal, fixture_file, command, cache):
    """Not a silently empty listing: as --from after --to, it is a mistake worth a word."""
    result = ccal(*cache, *command, "--until", "2022-01-01", "--as-of", "2022-06-01",
                  "--data", str(fixture_file))  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.startswith("ccal: '--until 2022-01-01' is before now")
    assert "ccal list --past" in result.stderr
    today = ccal(*cache, *command, "--until", "2022-06-01", "--as-of", "2022-06-01 12:00",
                 "--data", str(fixture_file))  # fmt: skip
    assert today.exit_code == 0, today.stderr  # a date includes its whole day


def test_until_before_now_as_a_process_is_the_same_error(fixture_file):
    """The fast path answers upcoming --json and remind: it must not print '[]' here."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "ccal", "upcoming", "--json", "--until", "2022-01-01",
         "--as-of", "2022-06-01", "--data", str(fixture_file)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stdout) == (2, "")
    assert "is before now" in done.stderr


def test_an_all_day_start_with_a_timed_end_shows_the_end_time(ccal):
    args = ("--data", str(DATA / "timed-end.toml"), "--as-of", "2026-03-01", "--tz")
    table = " ".join(ccal("upcoming", *args, "Europe/Brussels").stdout.split())
    assert "Thu 12 Mar 2026 – Fri 13 Mar 2026 12:00 CET" in table
    digest = ccal("export", "--format", "md", *args, "UTC").stdout
    assert "Thu 12 Mar 2026 – Fri 13 Mar 2026 12:00 CET" in digest


def test_countdown_to_an_undated_opportunity_says_it_has_no_dates(ccal, fixture_file):
    result = ccal("countdown", "supply-survey", "--data", str(fixture_file))
    assert result.exit_code == 1
    assert result.stderr.startswith("ccal: 'supply-survey' has no dates")
    assert "ahead" not in result.stderr


# --- an empty upcoming says why, and what lies just outside ------------------------------------


def _flat(result) -> str:
    return " ".join(result.stdout.split())


def test_empty_because_of_a_filter_names_it_and_what_it_left_out(ccal, fixture_file):
    result = ccal("upcoming", "-s", "Lisboa", "--data", str(fixture_file), "--as-of",
                  "2022-07-29", "--tz", "Europe/Brussels")  # fmt: skip
    flat = _flat(result)
    assert flat.startswith("Nothing upcoming matches --search Lisboa as of Fri 29 Jul 2022")
    assert "Without --search Lisboa: 4 dates ahead, the next Summer Call — Cut-off 1 " in flat
    assert "2022-06-01" not in flat  # no date of the shipped data for the user's own file


def test_empty_because_of_the_window_names_what_comes_just_after(ccal, fixture_file):
    result = ccal("upcoming", "--within", "30m", "--data", str(fixture_file), "--as-of",
                  "2022-07-29 17:00", "--tz", "Europe/Brussels")  # fmt: skip
    flat = _flat(result)
    assert flat.startswith(
        "Nothing upcoming before Fri 29 Jul 2022 17:30 CEST (--within 30m) as of Fri 29 Jul"
    )
    assert (
        "Just after the window: Summer Call — Cut-off 1 (Fri 29 Jul 2022 18:00 CEST, in 1 h)"
        in (flat)
    )
    assert "--as-of" not in flat


def test_empty_because_of_the_pipeline_names_it_and_what_it_left_out(ccal, fixture_file):
    """``--mine``/``--status`` emptied the listing, not the files: say so, not "no dates"."""
    data = ("--data", str(fixture_file), "--as-of", "2022-07-29", "--tz", "Europe/Brussels")
    for typed in (("--status", "done"), ("--mine",)):
        flat = _flat(ccal("upcoming", *typed, *data))
        assert flat.startswith(f"Nothing upcoming matches {' '.join(typed)} as of Fri 29 Jul")
        assert f"Without {' '.join(typed)}: 4 dates ahead, the next Summer Call — " in flat
        assert "hold no dates" not in flat


def test_empty_data_file_is_said_and_not_offered_for_adding(ccal):
    flat = _flat(ccal("upcoming", "--data", "/dev/null", "--as-of", "2022-06-01"))
    assert "/dev/null holds no dates." in flat
    assert "--data /dev/null" not in flat
    assert "2022-06-01 (" not in flat and "--as-of 2022-06-01)" not in flat


def test_list_of_an_empty_data_file_says_it_is_empty_not_that_filters_matched_nothing(
    ccal, tmp_path
):
    """``list --all`` of a file without opportunities read "Nothing matches these filters."
    with no filter given; it says the data holds none, from the index and the catalog alike."""
    from test_process import run_ccal

    empty = tmp_path / "empty.toml"
    empty.write_text("version = 1\n", encoding="utf-8")
    wanted = "No opportunities in the data read: add one with 'ccal add' "
    wanted += "('ccal add --help' shows how).\n"
    for scope in (["--all"], [], ["--past"], ["--all", "-k", "call"]):
        assert ccal("list", *scope, "--data", str(empty)).stdout == wanted
        for env in ({"CCAL_NO_CACHE": "1"}, {}, {}):  # the catalog, then built and read indexes
            shown = run_ccal("list", *scope, "--data", str(empty), env=env)
            assert (shown.returncode, shown.stdout, shown.stderr) == (0, wanted, "")
