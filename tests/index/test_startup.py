"""What a real ``python -m ccal`` start-up imports: the fast path stays on the standard library.

The only subprocess tests of the fast path (``test_fastpath`` compares answers in-process): a
module imported at start-up shows only in a fresh interpreter.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import RUN_MAIN

DATA = Path(__file__).parents[1] / "data"
OLD = 1_600_000_000

PROBE = (
    RUN_MAIN
    + """
heavy = sorted(m for m in ("rich", "typer", "pydantic", "ccal.catalog") if m in sys.modules)
costly = sorted(m for m in ("typing", "dataclasses", "pathlib") if m in sys.modules)
print("LOADED", *heavy, "COSTLY", *costly, file=sys.stderr)
"""
)


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    """An isolated environment and a settled copy of the fixture, indexed by the Typer path."""
    data = Path(shutil.copy(DATA / "fixture.toml", tmp_path / "data.toml"))
    os.utime(data, (OLD, OLD))
    keep = {k: v for k, v in os.environ.items() if not k.startswith("CCAL_")}
    environment = {**keep, "DATA": str(data), "CCAL_NOW": "2022-06-01T12:00:00Z"}
    for extra in ([], ["--data", str(data)]):  # the shipped dataset's index, and the fixture's
        probe(["upcoming", "--json", *extra], {**environment, "CCAL_NO_FASTPATH": "1"})
    return environment


def probe(args: list[str], env: dict[str, str]) -> tuple[str, list[str], int]:
    """stdout, the heavy modules loaded, and the exit code of ``ccal ARGS`` in a new process."""
    return probed(args, env)[:3]


def probed(args: list[str], env: dict[str, str]) -> tuple[str, list[str], int, list[str]]:
    """``probe`` and the costly standard-library modules loaded (typing and dataclasses cost the
    hot call ~7 and ~10 ms: a third of its whole budget)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True
    )
    heavy, costly = done.stderr.split("LOADED", 1)[1].split("COSTLY")
    return done.stdout, heavy.split(), done.returncode, costly.split()


def test_the_hot_json_call_imports_the_standard_library_alone(env):
    args = ["upcoming", "--json", "--data", env["DATA"]]
    out, loaded, code, costly = probed(args, env)
    assert code == 0 and out.startswith("[\n")
    assert loaded == costly == []
    typer_out, typer_loaded, _ = probe(args, {**env, "CCAL_NO_FASTPATH": "1"})
    assert typer_out == out
    assert "rich" not in typer_loaded  # the Typer path's --json does not load rich either


def test_remind_lines_rendered_ahead_need_no_core_model(env):
    """In the zone the index was built in, remind's text comes from the index: no ``Entry``."""
    args = ["remind", "--within", "90d", "--as-of", "2022-06-01", "--data", env["DATA"]]
    out, loaded, _code, costly = probed(args, env)
    assert loaded == costly == []
    assert out == probe(args, {**env, "CCAL_NO_FASTPATH": "1"})[0] != ""


def test_the_shipped_dataset_is_answered_at_start_up(env):
    out, loaded, code = probe(["deadlines", "clusters-meet-regions", "--json"], env)
    assert (code, loaded) == (0, [])
    assert '"id": "clusters-meet-regions"' in out


def test_the_upcoming_table_loads_rich_and_no_typer_nor_pydantic(env):
    """The table a person types is answered from the rows shown: Rich renders them, with the
    core's ``Entry`` (``ccal.catalog``), but neither Typer nor pydantic is imported."""
    args = ["upcoming", "--limit", "3", "--data", env["DATA"]]
    out, loaded, code = probe(args, env)
    assert code == 0 and "Upcoming as of" in out
    assert loaded == ["ccal.catalog", "rich"]
    assert out == probe(args, {**env, "CCAL_NO_FASTPATH": "1"})[0]


def test_a_hot_answer_leaves_with_its_exit_code_and_every_byte(env):
    """The fast path ends the process with ``os._exit`` once it has answered: the whole answer
    must be out and the exit code kept (remind --exit-status: 1 when nothing is due)."""
    for args, code in (
        (["upcoming", "--json", "--data", env["DATA"]], 0),
        (["remind", "--exit-status", "--as-of", "2090-01-01", "--data", env["DATA"]], 1),
    ):
        runs = [
            subprocess.run(
                [sys.executable, "-m", "ccal", *args], env=e, capture_output=True, text=True
            )
            for e in (env, {**env, "CCAL_NO_FASTPATH": "1"})
        ]
        fast, typer = runs
        assert (fast.returncode, fast.stdout, fast.stderr) == (
            typer.returncode,
            typer.stdout,
            typer.stderr,
        )
        assert fast.returncode == code


def test_a_hot_answer_keeps_its_exit_code_with_stderr_closed(env):
    """Under cron or a daemon started with ``2>&-``, ``sys.stderr`` is None: leaving must not
    trip over it (remind --exit-status says 1 for nothing due, 0 for something)."""
    args = ["upcoming", "--json", "--data", env["DATA"]]
    codes = [
        subprocess.run(
            [sys.executable, "-m", "ccal", *args],
            env=e,
            stdout=subprocess.DEVNULL,
            preexec_fn=lambda: os.close(2),
        ).returncode
        for e in (env, {**env, "CCAL_NO_FASTPATH": "1"})
    ]
    assert codes == [0, 0]


def test_the_first_call_after_a_change_is_answered_without_typer(env, tmp_path):
    """No index yet: the fast path reads and indexes the file (pydantic validates it) and
    answers from the new index, without importing Typer; the next call is the hot one."""
    data = Path(shutil.copy(DATA / "fixture.toml", tmp_path / "changed.toml"))
    os.utime(data, (OLD, OLD))
    args = ["upcoming", "--limit", "3", "--data", str(data)]
    out, loaded, code = probe(args, env)
    assert code == 0 and "Upcoming as of" in out
    assert loaded == ["ccal.catalog", "pydantic", "rich"]
    assert probe(args, env) == (out, ["ccal.catalog", "rich"], 0)  # indexed: the hot call
    typer_env = {**env, "CCAL_NO_FASTPATH": "1", "CCAL_NO_CACHE": "1"}
    assert out == probe(args, typer_env)[0]
