"""Helpers for the format tests: the pinned export arguments and golden-file comparison."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
GOLDEN = Path(__file__).resolve().parents[1] / "golden"
PINNED = ("--as-of", "2022-06-01", "--tz", "Europe/Brussels")


@pytest.fixture
def export(ccal):
    """Run ``ccal export`` on a test data file with now and zone pinned; return stdout.

    Decoded from the raw bytes: the runner's ``stdout`` would turn CSV's CRLF into LF.
    """

    def run(*extra: str, data: str = "fixture.toml") -> str:
        result = ccal("export", "--data", str(DATA / data), *PINNED, *extra)
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
        return result.stdout_bytes.decode("utf-8")

    return run


@pytest.fixture
def golden():
    """Compare text with ``tests/golden/NAME``; ``CCAL_UPDATE_GOLDEN=1`` rewrites the file."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if os.environ.get("CCAL_UPDATE_GOLDEN") == "1":
            path.write_bytes(text.encode("utf-8"))
        assert path.exists(), f"missing golden file {path}: run with CCAL_UPDATE_GOLDEN=1"
        assert text == path.read_bytes().decode("utf-8")

    return check
