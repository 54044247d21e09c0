"""Shared fixtures: a CLI runner isolated from the real user's files, zone and clock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from typer.testing import CliRunner

from ccal import sources
from ccal.cli import app
from ccal.index import policy

# No test is timed (performance goals are ratios printed by benchmarks/): Hypothesis's per-example
# deadline and its "input generation is slow" check measure the machine, and on a loaded 2-CPU
# machine they failed property tests whose properties held. Every other health check stays on.
settings.register_profile("ccal", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ccal")

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parents[1]
# For a probe that calls ``ccal.__main__.main`` in a new interpreter and then reports on it:
# the fast path leaves by ``os._exit`` once it has answered, which would end the probe too.
STAY_AFTER_ANSWER = "import os\ndef _stay(code):\n    raise SystemExit(code)\nos._exit = _stay\n"
# Its opening: ``main`` run with the probe's own arguments (``python -c PROBE ARG…``), then
# whatever the probe appends, in the same interpreter.
RUN_MAIN = STAY_AFTER_ANSWER + (
    "import sys\nfrom ccal.__main__ import main\nsys.argv = ['ccal', *sys.argv[1:]]\n"
    "try:\n    main()\nexcept SystemExit:\n    pass\n"
)


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path):
    """No test sees the developer's own data file, zone, clock or colour settings."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("COLUMNS", "200")
    for name in (
        "CCAL_DATA",
        "CCAL_NOW",
        "CCAL_TZ",
        "NO_COLOR",
        "FORCE_COLOR",
        "CCAL_NO_FASTPATH",
        "CCAL_NO_CACHE",
    ):
        monkeypatch.delenv(name, raising=False)
    # ``ccal --no-cache`` run in-process sets this module flag until the next in-process run:
    # a test calling the index or the fast path directly must not inherit it from the last test.
    monkeypatch.setattr(policy, "bypass", False)
    # Likewise the once-a-process warning about a ``TZ`` that names no zone.
    monkeypatch.setattr(sources, "_tz_warned", False)


class Ccal:
    """Runs ``ccal`` in-process and keeps stdout and stderr apart."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, env: dict | None = None, input: str | None = None):
        return self.runner.invoke(app, list(args), env=env, input=input, catch_exceptions=False)

    def json(self, *args: str, env: dict | None = None):
        result = self(*args, "--json", env=env)
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def ccal() -> Ccal:
    return Ccal()


@pytest.fixture
def fixture_file() -> Path:
    return DATA / "fixture.toml"
