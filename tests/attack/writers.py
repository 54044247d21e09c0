"""What the writer attack tests share: the fixture files, an isolated environment, ccal as a
real process, and the ids a data file holds."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
PORTAL = DATA / "eu-portal.json"
FULL_IMPORT = 9  # ids the whole fixture portal file gives
PIPES = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
MINE = (
    '# mine: keep this comment\nversion = 1\n\n[[opportunity]]\nid = "mine"\nkind = "call"\n'
    'title = "Mine"\n\n[[opportunity.dates]]\nlabel = "Deadline"\nat = 2027-01-01\n'
)


def _env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CCAL_NOW": "2026-12-01T10:00",
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),
        "TZ": "UTC",
    }


def _ccal(*args: str) -> list[str]:
    return [sys.executable, "-m", "ccal", *args]


def _ids(path: Path) -> list[str]:
    return [o["id"] for o in tomllib.loads(path.read_text(encoding="utf-8")).get("opportunity", [])]
