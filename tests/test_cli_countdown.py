"""Black-box tests of countdown, remind and upcoming --exit-status on small fixture files."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

import pytest

import ccal.cli.countdown as countdown_cli
from tests.conftest import DATA

FIXTURE = str(DATA / "fixture.toml")
CLOSE = str(DATA / "countdown.toml")


# --- countdown: one line off a terminal -----------------------------------------------------


def test_countdown_shows_30_seconds_to_the_first_cut_off(ccal):
    result = ccal("countdown", "--data", FIXTURE, "--as-of", "2022-07-29 17:59:30", "--tz",
                  "Europe/Brussels")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("in 30 s · Cut-off 1 · Summer Call · Fri 29 Jul 2022 18:00 Brussels\n")


def test_countdown_shows_both_clocks_when_the_display_zone_differs(ccal):
    result = ccal("countdown", "--data", FIXTURE, "--as-of", "2022-07-29 16:59:30", "--tz",
                  "Europe/London")  # fmt: skip
    assert result.stdout == (
        "in 30 s · Cut-off 1 · Summer Call · Fri 29 Jul 2022 18:00 Brussels · 17:00 London\n"
    )


def test_once_prints_the_same_single_line(ccal):
    args = ["countdown", "summer-call", "--data", FIXTURE, "--as-of", "2022-07-30"]
    plain, once = ccal(*args), ccal(*args, "--once")
    assert plain.stdout == once.stdout
    assert once.stdout.count("\n") == 1
    assert once.stdout.startswith("in 125 d 17 h 0 min 0 s · Cut-off 2 · Summer Call · ")


def test_countdown_filters_choose_what_to_count_down_to(ccal):
    result = ccal("countdown", "--kind", "talk", "--data", FIXTURE, "--as-of", "2022-06-01")
    assert (
        " · Talk · Morning talk in Tokyo · Wed 7 Sep 2022 09:00–10:00 Tokyo · 00:00–01:00 UTC"
        in (result.stdout)
    )


def test_countdown_with_nothing_ahead_is_exit_1_with_one_line(ccal):
    result = ccal("countdown", "summer-call", "--data", FIXTURE, "--as-of", "2024-01-01")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("ccal: no date of 'summer-call' is ahead as of")
    assert result.stderr.count("\n") == 1


def test_countdown_unknown_id_is_exit_1(ccal):
    result = ccal("countdown", "sumer-call", "--data", FIXTURE)
    assert result.exit_code == 1
    assert "did you mean 'summer-call'" in result.stderr


# --- countdown: live on a (pretended) terminal, on a fake clock -----------------------------


class FakeTicker:
    """Stands in for ``ticker``: a clock that moves only when slept, optionally a Ctrl-C."""

    def __init__(self, interrupt_after: int | None = None) -> None:
        self.interrupt_after = interrupt_after
        self.sleeps = 0

    def __call__(self, start):
        self.now = start

        def clock():
            return self.now

        def sleep(seconds):
            if self.interrupt_after is not None and self.sleeps >= self.interrupt_after:
                raise KeyboardInterrupt
            self.sleeps += 1
            self.now += timedelta(seconds=seconds)

        return clock, sleep


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setattr(countdown_cli, "stdout_is_terminal", lambda: True)

    def install(ticker: FakeTicker) -> FakeTicker:
        monkeypatch.setattr(countdown_cli, "ticker", ticker)
        return ticker

    return install


def test_live_view_runs_until_nothing_is_ahead(ccal, terminal):
    ticker = terminal(FakeTicker())
    result = ccal("countdown", "close-call", "--data", CLOSE, "--as-of", "2022-10-28 17:59:58",
                  "--tz", "Europe/Brussels")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert ticker.sleeps == 6  # 17:59:58 … 18:00:04, one frame a second, no real sleeping
    assert "Cut-off B of Close Call passed at 18:00 Brussels" in result.stdout
    assert "Nothing else ahead." in result.stdout


def test_ctrl_c_in_the_live_view_exits_0_without_a_traceback(ccal, terminal):
    terminal(FakeTicker(interrupt_after=3))
    result = ccal("countdown", "--data", CLOSE, "--as-of", "2022-10-01")
    assert result.exit_code == 0
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr == ""


def test_once_wins_over_a_terminal(ccal, terminal):
    ticker = terminal(FakeTicker())
    result = ccal("countdown", "--once", "--data", CLOSE, "--as-of", "2022-10-28 17:00")
    assert result.stdout.count("\n") == 1
    assert ticker.sleeps == 0


# --- upcoming --exit-status -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("as_of", "within", "code"),
    [("2022-07-27", "3d", 0), ("2022-07-20", "3d", 1), ("2022-07-20", "10d", 0)],
)
@pytest.mark.parametrize("json_flag", [(), ("--json",)])
def test_upcoming_exit_status_is_like_grep(ccal, as_of, within, code, json_flag):
    result = ccal("upcoming", "--data", FIXTURE, "--as-of", as_of, "--within", within,
                  "--exit-status", *json_flag)  # fmt: skip
    assert result.exit_code == code
    assert result.stderr == ""


def test_upcoming_without_exit_status_is_0_even_when_nothing_is_due(ccal):
    result = ccal("upcoming", "--data", FIXTURE, "--as-of", "2022-07-20", "--within", "3d")
    assert result.exit_code == 0
    assert "Nothing upcoming" in result.stdout


# --- remind -----------------------------------------------------------------------------------


def test_remind_defaults_to_the_next_seven_days(ccal):
    args = ("remind", "--data", FIXTURE, "--tz", "Europe/Brussels")
    assert ccal(*args, "--as-of", "2022-07-23 18:00").stdout == (
        "in 6 d · Cut-off 1 · Summer Call · Fri 29 Jul 18:00 Brussels\n"
    )
    quiet = ccal(*args, "--as-of", "2022-07-21 18:00")
    assert (quiet.stdout, quiet.exit_code) == ("", 0)
    assert ccal(*args, "--as-of", "2022-07-21 18:00", "--within", "9d").stdout.startswith(
        "in 8 d · Cut-off 1"
    )


def test_remind_shows_both_clocks_and_one_line_per_entry(ccal):
    result = ccal("remind", "--data", FIXTURE, "--as-of", "2022-06-10", "--within", "14d")
    assert result.stdout.splitlines() == [
        "in 3 d 21 h · Expression of interest · Expression of interest · "
        "Mon 13 Jun, all day, until 23:59 Brussels · 21:59 UTC",
        "in 11 d 22 h · Workshop · Workshop in Košice · "  # to its start
        "Wed 22 Jun, all day, until Thu 23 Jun, 23:59 Brussels · 21:59 UTC",  # two days: the last
    ]


@pytest.mark.parametrize("cache", [(), ("--no-cache",)], ids=["index", "files"])
def test_remind_lines_name_the_day_of_items_days_away(ccal, cache):
    """A cron mail read later must say which day "in 6 d" is, on both clocks when they differ
    (a Tokyo morning is the evening before in Brussels); the index answers the same."""
    args = (*cache, "remind", "--data", FIXTURE, "--as-of", "2022-07-23 18:00")
    assert ccal(*args, "--tz", "Europe/Brussels").stdout == (
        "in 6 d · Cut-off 1 · Summer Call · Fri 29 Jul 18:00 Brussels\n"
    )
    assert ccal(*args, "--tz", "Asia/Tokyo").stdout == (
        "in 6 d 7 h · Cut-off 1 · Summer Call · "
        "Fri 29 Jul 18:00 Brussels · Sat 30 Jul 01:00 Tokyo\n"
    )


def test_remind_exit_status(ccal):
    args = ("remind", "--data", FIXTURE, "--exit-status", "--within", "2d")
    assert ccal(*args, "--as-of", "2022-07-28").exit_code == 0
    assert ccal(*args, "--as-of", "2022-07-01").exit_code == 1


def test_remind_json_is_the_listing_contract(ccal):
    window = ("--data", FIXTURE, "--as-of", "2022-06-10", "--within", "14d")
    reminded = ccal.json("remind", *window)
    assert [r["id"] for r in reminded] == ["eoi-deadline", "kosice-workshop"]
    assert reminded == ccal.json("upcoming", *window)


def test_remind_until_replaces_the_default_window(ccal):
    result = ccal("remind", "--data", FIXTURE, "--as-of", "2022-06-10", "--until", "2022-06-14")
    assert [line.split(" · ")[1] for line in result.stdout.splitlines()] == [
        "Expression of interest"
    ]


def test_remind_rejects_a_bad_window(ccal):
    result = ccal("remind", "--data", FIXTURE, "--within", "soon")
    assert result.exit_code == 2
    assert result.stderr.startswith("ccal: invalid value for '--within'")


# --- two clocks in tables ---------------------------------------------------------------------


def test_tables_show_the_entry_clock_across_a_dst_change(ccal):
    result = ccal("deadlines", "dst-call", "--data", CLOSE, "--as-of", "2022-10-01", "--tz",
                  "America/New_York")  # fmt: skip
    out = result.stdout
    assert "Thu 27 Oct 2022 12:00 EDT" in out  # both on summer time
    assert "Sun 30 Oct 2022 13:00 EDT" in out  # Brussels has changed, New York has not
    assert "Fri 4 Nov 2022 13:00 EDT" in out
    assert "Thu 10 Nov 2022 12:00 EST" in out  # both on standard time
    assert out.count("18:00 Brussels") == 4


def test_tables_show_one_clock_when_the_zones_agree(ccal):
    result = ccal("deadlines", "dst-call", "--data", CLOSE, "--as-of", "2022-10-01", "--tz",
                  "Europe/Brussels")  # fmt: skip
    assert "Brussels" not in result.stdout.split("\n", 2)[2]  # only in the title


@pytest.mark.parametrize(
    ("how", "computer", "banner"),
    [
        (("--tz", "Asia/Tokyo"), "UTC", False),  # typed: the user just asked for it
        (("--tz", "Asia/Tokyo"), "Europe/Lisbon", False),
        (("CCAL_TZ", "Asia/Tokyo"), "UTC", False),  # a UTC server: nobody's wall clock
        (("CCAL_TZ", "Asia/Tokyo"), "Europe/Lisbon", True),  # set elsewhere, read here
        (("CCAL_TZ", "Europe/London"), "Europe/Lisbon", False),  # the same wall clock
        (("CCAL_TZ", "UTC"), "Etc/UTC", False),
    ],
)
@pytest.mark.parametrize("command", ["upcoming", "list"])
def test_the_other_zone_banner_shows_only_where_it_can_surprise(
    ccal, how, computer, banner, command
):
    """The title always names the display zone; "(not this computer's zone, …)" only when
    CCAL_TZ, not typed, makes a computer that keeps local time show another clock."""
    option, zone = how
    env = {"TZ": computer, **({"CCAL_TZ": zone} if option == "CCAL_TZ" else {})}
    typed = ("--tz", zone) if option == "--tz" else ()
    result = ccal(command, "--data", FIXTURE, "--as-of", "2022-06-01", *typed, env=env)
    assert result.exit_code == 0, result.stderr
    assert f"times in {zone}" in result.stdout
    assert ("not this computer's zone" in result.stdout) is banner
    if banner:
        assert f"times in {zone} (not this computer's zone, {computer})" in result.stdout


# --- no Rich on the script paths --------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["remind"], "NO RICH"),
        (["remind", "--json"], "NO RICH"),
        (["upcoming", "--json"], "NO RICH"),
        (["countdown", "--once"], "NO RICH"),
        (["upcoming"], "RICH"),  # the control: a table does load Rich
    ],
)
def test_script_paths_do_not_import_rich(args, expected):
    code = (
        "import sys\n"
        "from ccal.cli import app\n"
        "try:\n"
        f"    app({[*args, '--data', FIXTURE, '--as-of', '2022-06-01']!r})\n"
        "except SystemExit as exit:\n"
        "    assert exit.code == 0, exit.code\n"
        "print('RICH' if 'rich' in sys.modules else 'NO RICH', file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stderr.strip().splitlines()[-1] == expected, result.stderr


# --- options that exclude each other, countdown --json, the nothing-ahead wording ---------------


@pytest.mark.parametrize(
    "args",
    [
        ["remind", "--within", "3d", "--until", "2022-07-01"],
        ["upcoming", "--within", "3d", "--until", "2022-07-01"],
        ["export", "--within", "3d", "--until", "2022-07-01"],
        ["export", "--to", "2022-07-01", "--within", "3d"],
        ["export", "--to", "2022-07-01", "--until", "2022-08-01"],
        ["countdown", "summer-call", "--kind", "talk"],
        ["countdown", "summer-call", "--search", "cut-off"],
    ],
    ids=" ".join,
)
def test_options_that_exclude_each_other_are_a_usage_error(ccal, args):
    result = ccal(*args, "--data", FIXTURE, "--as-of", "2022-06-01")
    assert result.exit_code == 2, result.stdout
    assert result.stdout == ""
    assert "not both" in result.stderr and result.stderr.count("\n") == 1


def test_remind_as_a_process_refuses_within_with_until_too(tmp_path):
    """The fast path answers remind without Typer: it must not pick one of the two either."""
    import os

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    args = ["remind", "--within", "3d", "--until", "2022-07-01", "--data", FIXTURE]
    for _ in range(2):  # the second run answers from the index, if the fast path takes it
        result = subprocess.run([sys.executable, "-m", "ccal", *args], capture_output=True,
                                text=True, env=env, check=False)  # fmt: skip
        assert result.returncode == 2, result.stdout
        assert "not both" in result.stderr


def test_countdown_json_is_the_listing_contract_of_its_target(ccal):
    rows = ccal.json("countdown", "--data", FIXTURE, "--as-of", "2022-07-29 17:59:30",
                     "--tz", "Europe/Brussels")  # fmt: skip
    listed = ccal.json("upcoming", "--data", FIXTURE, "--as-of", "2022-07-29 17:59:30",
                       "--tz", "Europe/Brussels", "--limit", "1")  # fmt: skip
    assert rows == listed
    assert (rows[0]["label"], rows[0]["seconds_left"]) == ("Cut-off 1", 30)


def test_countdown_json_with_nothing_ahead_is_an_empty_array_and_exit_1(ccal):
    result = ccal("countdown", "summer-call", "--json", "--data", FIXTURE, "--as-of", "2024-01-01")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == []
    assert "no date of 'summer-call' is ahead" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "no deadline is ahead as of Mon 1 Jan 2024 00:00 UTC"),
        (["--kind", "talk"], "no deadline ahead matches these filters as of Mon 1 Jan 2024"),
        (["summer-call"], "no date of 'summer-call' is ahead as of Mon 1 Jan 2024"),
    ],
)
def test_countdown_says_plainly_that_nothing_is_ahead(ccal, args, message):
    result = ccal("countdown", *args, "--data", FIXTURE, "--as-of", "2024-01-01")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"ccal: {message}"), result.stderr
    assert "matching is" not in result.stderr


def test_remind_takes_limit_like_upcoming(ccal, fixture_file):
    args = ("remind", "--data", str(fixture_file), "--as-of", "2022-06-01", "--within", "400d")
    lines = ccal(*args).stdout.splitlines()
    assert len(lines) > 2
    assert ccal(*args, "--limit", "2").stdout.splitlines() == lines[:2]
    assert ccal.json(*args, "-n", "1") == ccal.json(*args)[:1]


def test_countdown_names_the_last_day_of_an_all_day_range(ccal):
    out = ccal("countdown", "kosice-workshop", "--once", "--data", FIXTURE, "--as-of", "2022-06-10")
    assert "Wed 22 Jun 2022, all day, until Thu 23 Jun, 23:59 Brussels" in out.stdout, out.stdout


# --- ranges under way: counted down to their end, all-day or timed alike --------------------

RANGES = str(DATA / "countdown-ranges.toml")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["workshop", "--as-of", "2026-11-25 12:00"],
            "under way, ends in 2 d 11 h 59 min 59 s · Days · Workshop · "
            "ends Fri 27 Nov 2026 23:59 Brussels",
        ),
        (
            ["workshop", "--as-of", "2026-11-26 12:00"],  # its first day is over, not the range
            "under way, ends in 1 d 11 h 59 min 59 s · Days · Workshop · "
            "ends Fri 27 Nov 2026 23:59 Brussels",
        ),
        (
            ["fair", "--as-of", "2026-11-25 12:00"],
            "under way, ends in 2 d 5 h 0 min 0 s · Hall open · Fair · "
            "ends Fri 27 Nov 2026 17:00 Brussels",
        ),
        (  # without an ID: the soonest end or deadline, the fair's 17:00 before the workshop's day
            ["--as-of", "2026-11-26 12:00"],
            "under way, ends in 1 d 5 h 0 min 0 s · Hall open · Fair · "
            "ends Fri 27 Nov 2026 17:00 Brussels",
        ),
        (
            ["fair", "--as-of", "2026-11-24 09:00"],  # not started: counted down to its start
            "in 1 d 0 h 0 min 0 s · Hall open · Fair · "
            "Wed 25 Nov 2026 09:00 Brussels, until Fri 27 Nov 17:00",
        ),
    ],
)
def test_a_range_under_way_is_counted_down_to_its_end(ccal, args, expected):
    result = ccal("countdown", *args, "--tz", "Europe/Brussels", "--data", RANGES)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected + "\n"


def test_countdown_json_of_a_range_under_way_is_its_record(ccal):
    rows = ccal.json("countdown", "fair", "--as-of", "2026-11-26 12:00", "--data", RANGES)
    assert [(r["id"], r["label"], r["end"]) for r in rows] == [
        ("fair", "Hall open", "2026-11-27T17:00:00+01:00")
    ]


# --- countdown: a real process on a pseudo-terminal, stopped by a signal ----------------------


def _live_countdown_stopped_by(signal_number: int) -> tuple[int, bytes]:
    """Run the live countdown on a pty, send ``signal_number`` once it is drawn; return the exit
    code and everything written to the terminal."""
    import os
    import pty
    import select
    import signal
    import time

    controller, terminal_end = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    process = subprocess.Popen(
        [sys.executable, "-m", "ccal", "countdown", "close-call", "--data", CLOSE,
         "--as-of", "2022-10-28 12:00", "--tz", "Europe/Brussels"],
        stdin=terminal_end, stdout=terminal_end, stderr=terminal_end, env=env,
        start_new_session=True,
        # a suite started in the background (``cmd &``) ignores SIGINT, and the child would inherit
        # that: ccal must start with the default disposition a terminal gives it
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    os.close(terminal_end)
    written = b""
    deadline = time.monotonic() + 20
    signalled = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: the process closed the terminal
                break
            if not chunk:
                break
            written += chunk
        if not signalled and b"Ctrl-C to stop" in written:
            process.send_signal(signal_number)
            signalled = True
        if signalled and process.poll() is not None and not ready:
            break
    os.close(controller)
    code = process.wait(timeout=10)
    assert signalled, written
    return code, written


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_in_the_live_view_restores_the_cursor_like_ctrl_c(name):
    import signal

    code, written = _live_countdown_stopped_by(getattr(signal, name))
    hide, show = b"\x1b[?25l", b"\x1b[?25h"
    assert hide in written  # the live view hid the cursor …
    assert written.rfind(show) > written.rfind(hide)  # … and gave it back before exiting
    assert code == 0
    assert b"Traceback" not in written


# --- an all-day range counts down to its start --------------------------------------------------

LISBON = str(DATA / "all-day-range.toml")
BEFORE_START = ("--data", LISBON, "--as-of", "2026-04-19 00:30", "--tz", "Europe/Brussels")


@pytest.mark.parametrize(
    ("command", "left"),
    [
        (["countdown", "--once"], "in 30 min 0 s · Conference"),
        (["remind"], "in 30 min · Conference"),
        (["--no-cache", "remind"], "in 30 min · Conference"),
    ],
)
def test_an_all_day_range_counts_down_to_its_start(ccal, command, left):
    """00:30 in Brussels is 23:30 the evening before in Lisbon: the conference starts in 30
    minutes, not "in 1 day" (the end of its first day)."""
    result = ccal(*command, *BEFORE_START)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(left + " · EARMA conference")


def test_an_all_day_range_in_a_table_and_once_started(ccal):
    table = ccal("upcoming", *BEFORE_START)
    assert "in 30 min" in table.stdout and "in 1 day" not in table.stdout
    started = ccal("countdown", "--once", "--data", LISBON, "--as-of", "2026-04-19 01:30",
                   "--tz", "Europe/Brussels")  # fmt: skip
    assert started.stdout.startswith("under way, ends in 3 d 23 h 29 min 59 s · Conference")


def test_an_all_day_deadline_still_counts_down_to_the_end_of_its_day(ccal):
    result = ccal("countdown", "--once", "--data", FIXTURE, "--as-of", "2022-06-13 12:00",
                  "--tz", "Europe/Brussels")  # fmt: skip
    assert result.stdout.startswith("in 11 h 59 min 59 s · Expression of interest")
