"""The start-up fast path answers exactly as the Typer app does, or leaves it to the Typer app."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ccal import fastpath

DATA = Path(__file__).parent / "data"
OLD = 1_600_000_000


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    """A settled copy of the fixture (old enough to index) and an isolated environment."""
    data = Path(shutil.copy(DATA / "fixture.toml", tmp_path / "data.toml"))
    os.utime(data, (OLD, OLD))
    keep = {k: v for k, v in os.environ.items() if not k.startswith("CCAL_")}
    return {**keep, "DATA": str(data)}


def run(args: list[str], env: dict[str, str], *, fast: bool) -> tuple[str, str, int]:
    environment = {**env, "CCAL_NO_FASTPATH": "0" if fast else "1"}
    if not any(a.startswith("--as-of") for a in args):
        # seconds_left and remind count from now: two runs a second apart must not see two nows,
        # and a test must not depend on today's date.
        environment.setdefault("CCAL_NOW", "2022-06-01T12:00:00Z")
    args = [a.replace("$DATA", env["DATA"]) for a in args]
    done = subprocess.run(
        [sys.executable, "-m", "ccal", *args], env=environment, capture_output=True, text=True
    )
    return done.stdout, done.stderr, done.returncode


D = ["--data", "$DATA"]
AS_OF = ["--as-of", "2022-06-01"]
ANSWERED = [  # the fast path answers these itself
    ["upcoming", "--json", *AS_OF, *D],
    ["upcoming", "--json", "--limit", "2", *AS_OF, *D],
    ["upcoming", *D, "-n", "1", "--json", "--as-of=2022-06-22T12:00"],
    ["upcoming", "--json", "--within", "30d", "--as-of", "2022-06-01T08:00:00+02:00", *D],
    ["upcoming", "--json", "--until", "2022-07-29", "--tz", "Asia/Tokyo", *AS_OF, *D],
    ["upcoming", "--json", "-k", "call", "--kind", "event", "--limit", "9", "-n", "3", *AS_OF, *D],
    ["upcoming", "--json", "--tag", "clusters", "-t", "REGIONS", *AS_OF, *D],
    ["upcoming", "--json", "--search", "kosice", "--organiser", "", *AS_OF, *D],
    ["upcoming", "--json", "-s", "talk", "--organiser", "other", "--tz", "Asia/Tokyo", *D],
    ["upcoming", "--json", "--as-of", "2030-01-01", *D],
    ["upcoming", "--json", "--as-of", "2022-06-13 23:59:59", "--tz", "Europe/Brussels", *D],
    ["upcoming", "--json", *AS_OF],  # the shipped dataset
    ["deadlines", "summer-call", "--json", "--as-of", "2022-12-01", *D],
    ["deadlines", "--call", "kosice-workshop", "--json", "--as-of", "2022-06-22T10:00", *D],
    ["deadlines", "-c", "tokyo-talk", "tokyo-talk", "--json", "--tz", "Asia/Tokyo", *D],
    ["remind", *D],
    ["remind", "--within", "30d", *AS_OF, *D],
    ["remind", "--json", "--within", "90d", "--tz", "Asia/Tokyo", *AS_OF, *D],
    ["remind", "--until", "2022-07-29", "-k", "call", *AS_OF, *D],
    ["remind", "--exit-status", "--as-of", "2030-01-01", *D],
    ["remind", "--exit-status", "--json", "--within", "1h", *AS_OF, *D],
    ["remind", "--within=60d", "-s", "kosice", "--tz", "Europe/Brussels", "--as-of=2022-06-20", *D],
    ["remind", "--within", "1y", "--as-of", "2022-06-13 23:59:59", *D],
    ["remind"],  # the shipped dataset
    # Under way: an all-day range on its first day (from its local midnight), a timed range.
    ["remind", "--within", "30d", "--as-of", "2022-06-22 10:00", "--tz", "Europe/Brussels", *D],
    ["remind", "--within", "30d", "--as-of", "2022-09-07T09:30:00+09:00", *D],
    ["upcoming", "--json", "--as-of", "2022-06-22 10:00", "--tz", "Europe/Brussels", *D],
    # An all-day range overlaps a window from the start of its first day.
    ["remind", "--within", "1h", "--as-of", "2022-06-22 20:00", "--tz", "Europe/Brussels", *D],
    [
        "upcoming",
        "--json",
        "--within",
        "12h",
        "--as-of",
        "2022-06-21 20:00",
        "--tz",
        "Europe/Brussels",
        *D,
    ],
]
FALLS_THROUGH = [  # errors and forms outside the grammar: the Typer app answers
    ["remind", "--within", "", *AS_OF, *D],
    ["upcoming", "--json", "--until=", *AS_OF, *D],
    ["upcoming", "--json", "--as-of", "", *D],
    ["upcoming", "--json", "--tz", "", *AS_OF, *D],
    ["upcoming", "--json", "--limit", "0", *D],
    ["upcoming", "--json", "--limit", "two", *D],
    ["upcoming", "--json", "-n5", *AS_OF, *D],
    ["upcoming", "--json", "--tz", "Europe/Brusels", *D],
    ["upcoming", "--json", "--as-of", "someday", *D],
    ["upcoming", "--json", "--within", "3 fortnights", *AS_OF, *D],
    ["upcoming", "--json", "--within", "3d", "--until", "2022-07-01", *AS_OF, *D],
    ["upcoming", "--json", "--kind", "party", *D],
    ["upcoming", "--json", "extra", *D],
    ["upcoming", "--json", "--data", "$DATA.missing"],
    ["upcoming", "--json", "--as-of"],
    ["upcoming", "--json", "--", *D],
    ["upcoming", *AS_OF, *D],
    ["deadlines", "summer-cal", "--json", *AS_OF, *D],
    ["deadlines", "--json", *AS_OF, *D],
    ["deadlines", "summer-call", "--call", "tokyo-talk", "--json", *D],
    ["deadlines", "--help"],
    ["remind", "--within", "soon", *D],
    ["remind", "--until", "2022-07-29", "--within", "1d", *AS_OF, *D],  # a usage error
    ["remind", "extra", *D],
    ["remind", "--exit-status=1", *D],
    ["remind", "--kind", "party", *D],
    ["remind", "--tz", "Mars/Olympus", *D],
]


def warm(env: dict[str, str]) -> None:
    for data in ([], D):
        run(["upcoming", "--json", *data], env, fast=False)  # the Typer path builds the index


@pytest.mark.parametrize("args", ANSWERED + FALLS_THROUGH, ids=" ".join)
def test_both_paths_print_the_same_and_exit_the_same(env, args):
    warm(env)
    assert run(args, env, fast=True) == run(args, env, fast=False)


def test_environment_variables_are_read_as_click_reads_them(env):
    warm(env)
    with_env = {**env, "CCAL_NOW": "2022-06-01", "CCAL_TZ": "Asia/Tokyo", "CCAL_DATA": env["DATA"]}
    for args in (["upcoming", "--json"], ["deadlines", "summer-call", "--json"]):
        assert run(args, with_env, fast=True) == run(args, with_env, fast=False)
    empty = {**with_env, "CCAL_NOW": "2022-06-01", "CCAL_TZ": ""}
    assert run(["upcoming", "--json"], empty, fast=True) == run(
        ["upcoming", "--json"], empty, fast=False
    )


@pytest.mark.parametrize("args", ANSWERED, ids=" ".join)
def test_the_fast_path_really_answers_the_hot_forms(env, args, monkeypatch, capsys):
    warm(env)
    monkeypatch.setenv("XDG_CACHE_HOME", env["XDG_CACHE_HOME"])
    monkeypatch.setenv("CCAL_NOW", "2022-06-01T12:00:00Z")
    argv = [a.replace("$DATA", env["DATA"]) for a in args]
    assert fastpath.answer(argv) in (0, 1)  # 1: remind --exit-status with nothing due
    out = capsys.readouterr().out
    assert out.startswith("[") or (args[0] == "remind" and "--json" not in args)


@pytest.mark.parametrize("args", FALLS_THROUGH, ids=" ".join)
def test_what_it_does_not_understand_goes_to_the_typer_app_silently(env, args, capsys):
    warm(env)
    argv = [a.replace("$DATA", env["DATA"]) for a in args]
    assert fastpath.answer(argv) is None
    assert capsys.readouterr() == ("", "")


def test_it_never_answers_without_a_trusted_index_or_when_switched_off(env, monkeypatch):
    argv = ["upcoming", "--json", "--data", env["DATA"]]
    assert fastpath.answer(argv) is None  # nothing indexed yet
    warm(env)
    monkeypatch.setenv("CCAL_NO_FASTPATH", "1")
    assert fastpath.answer(argv) is None
    monkeypatch.setenv("CCAL_NO_FASTPATH", "0")
    monkeypatch.setenv("CCAL_NO_CACHE", "1")
    assert fastpath.answer(argv) is None


PROBE = """
import sys
from ccal.__main__ import main
sys.argv = ["ccal", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
heavy = sorted(m for m in ("rich", "typer", "pydantic") if m in sys.modules)
print("LOADED", *heavy, file=sys.stderr)
"""


@pytest.mark.parametrize("fast", [True, False], ids=["fast path", "typer path"])
def test_json_paths_never_import_rich(env, fast):
    warm(env)
    _out, err, code = run_probe(["upcoming", "--json", "--data", env["DATA"]], env, fast)
    assert code == 0
    loaded = err.split("LOADED", 1)[1].split()
    assert "rich" not in loaded
    if fast:
        assert loaded == []  # the standard library alone


def run_probe(args: list[str], env: dict[str, str], fast: bool) -> tuple[str, str, int]:
    environment = {**env, "CCAL_NO_FASTPATH": "0" if fast else "1"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], env=environment, capture_output=True, text=True
    )
    return done.stdout, done.stderr, done.returncode


@pytest.mark.parametrize("args", ANSWERED, ids=" ".join)
def test_rows_the_index_did_not_render_ahead_print_the_same(env, args, monkeypatch):
    # As for a big catalog built in 2030: every fixture date had passed, so no record or remind
    # line was rendered ahead; the fast path renders them when asked, with the same functions.
    from datetime import UTC, datetime

    from ccal import index, index_write
    from ccal.index_read import Index
    from ccal.sources import active_sources

    monkeypatch.setattr(index_write, "RENDER_ALL_UP_TO", 0)
    for data in (None, [Path(env["DATA"])]):
        index.load_catalog(active_sources(data), now=datetime(2030, 1, 1, tzinfo=UTC))
    assert run(args, env, fast=True) == run(args, env, fast=False)
    built = Index.open([env["DATA"]])  # still the index built above: nothing ahead
    assert built.connection.execute(
        "SELECT count(*) FROM entries WHERE head IS NOT NULL"
    ).fetchone() == (0,)


PROBE_MODULES = PROBE.replace(
    'for m in ("rich", "typer", "pydantic")',
    'for m in ("rich", "typer", "pydantic", "ccal.catalog")',
)


def test_remind_lines_rendered_ahead_need_no_core_model(env):
    """In the zone the index was built in, remind's text comes from the index: no ``Entry``."""
    warm(env)
    args = ["remind", "--within", "90d", "--as-of", "2022-06-01", "--data", env["DATA"]]
    done = subprocess.run(
        [sys.executable, "-c", PROBE_MODULES, *args], env=env, capture_output=True, text=True
    )
    assert done.stdout == run(args, env, fast=False)[0] != ""
    assert done.stderr.split("LOADED", 1)[1].split() == []


def test_the_fast_grammar_agrees_with_the_typer_commands():
    """Every option the fast path reads exists on the Typer command, of the same kind (flag,
    one value, repeatable), and ``--kind`` has the same choices: the two cannot drift apart."""
    import typer.main

    from ccal.cli import app
    from ccal.cli.options import KindChoice
    from ccal.fastargs import FLAG, MANY
    from ccal.models import KIND_SCHEMA
    from ccal.rules import KINDS

    # The built-in kinds everywhere; a kind a file declares is left to the Typer app (it knows
    # the data's kinds), as ``fastpath._known_kinds`` does.
    assert list(KINDS) == KIND_SCHEMA["anyOf"][0]["enum"] == [k.value for k in KindChoice]
    assert not fastpath._known_kinds({"kind": ["conference"]})
    group = typer.main.get_command(app)
    for name, (options, _answer) in fastpath.COMMANDS.items():
        params = {o: p for p in group.commands[name].params for o in p.opts + p.secondary_opts}
        for option, (_key, kind) in options.items():
            param = params[option]
            assert param.is_flag == (kind == FLAG), option
            assert param.multiple == (kind == MANY), option


@pytest.mark.parametrize("as_of", ["2022-10-29T12:00Z", "2022-10-29 14:00"])
@pytest.mark.parametrize("window", [("--within", "1d"), ("--until", "+1d")])
def test_a_day_is_a_wall_clock_day_in_the_display_zone(env, tmp_path, as_of, window, capsys):
    """As ``session_from``: "now" is in the display zone whatever zone it was typed in, so
    ``1d`` from 29 Oct 14:00 Brussels reaches 30 Oct 14:00 CET (25 hours later)."""
    import json

    data = Path(shutil.copy(DATA / "autumn-day.toml", tmp_path / "autumn.toml"))
    os.utime(data, (OLD, OLD))
    autumn = {**env, "DATA": str(data)}
    warm(autumn)
    argv = ["upcoming", "--json", *window, "--as-of", as_of, "--tz", "Europe/Brussels"]
    argv += ["--data", str(data)]
    assert fastpath.answer(argv) == 0  # answered here, not by the Typer app
    rows = json.loads(capsys.readouterr().out)
    assert [r["label"] for r in rows] == ["Within the wall-clock day"]
    assert run(argv, autumn, fast=True) == run(argv, autumn, fast=False)


@pytest.mark.parametrize("listed", ["{}:", "::{}", "{}::{}"])
def test_empty_entries_of_ccal_data_are_skipped_and_still_answered_fast(
    env, listed, monkeypatch, capsys
):
    """``CCAL_DATA=a.toml:`` (a trailing separator) is ``a.toml`` on both paths, and the fast
    path still answers it instead of handing every call to the full app."""
    warm(env)
    data = {**env, "CCAL_DATA": listed.format(env["DATA"], env["DATA"]).replace(":", os.pathsep)}
    args = ["upcoming", "--json", "--as-of", "2022-06-01"]
    assert run(args, data, fast=True) == run(args, data, fast=False)
    for name in ("XDG_CACHE_HOME", "CCAL_DATA"):
        monkeypatch.setenv(name, data[name])
    assert fastpath.answer(args) == 0
    assert capsys.readouterr().out.startswith("[")
