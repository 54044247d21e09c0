"""Writers killed with SIGKILL at random moments (issue 20, "Proving it"): the target holds the
old file or the complete new one, and what a killed writer left goes with the next write."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
PORTAL = DATA / "eu-portal.json"
FULL_IMPORT = 9  # ids the whole fixture portal file gives
ADDS = range(4)
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


KILLED = {
    "import": ("import", "eu-portal", str(PORTAL), "-o"),
    "export": ("export", "--all", "--data", str(DATA / "fixture.toml"), "-o"),
    "add": ("add", "killed", "--kind", "talk", "--title", "K", "--data"),
}
OLD = {
    "import": b"# Imported by `ccal import eu-portal` (an older run)\nversion = 1\n",
    "export": b'{"old": true}\n',
    "add": b"# mine\nversion = 1\n",
}
ROUNDS = 9


def test_writers_killed_at_random_moments_leave_old_or_new(tmp_path):
    env = _env(tmp_path)
    rng = random.Random(11)
    outcomes = {"old": 0, "new": 0}
    for round_number in range(ROUNDS):
        name = list(KILLED)[round_number % len(KILLED)]
        out = tmp_path / f"{name}.out"
        out.write_bytes(OLD[name])
        process = subprocess.Popen(_ccal(*KILLED[name], str(out)), env=env, **PIPES)
        time.sleep(rng.uniform(0.2, 1.2))  # start-up takes most of it: some kills land mid-write
        process.send_signal(signal.SIGKILL)
        process.wait()
        after = out.read_bytes()
        if after == OLD[name]:
            outcomes["old"] += 1
            continue
        outcomes["new"] += 1
        if name == "export":
            assert after.rstrip().endswith(b"]"), after[-200:]  # the whole JSON array
        elif name == "import":
            assert len(_ids(out)) == FULL_IMPORT
        else:
            assert _ids(out) == ["killed"] and after.startswith(OLD[name])
    assert outcomes["old"] + outcomes["new"] == ROUNDS
    # What the killed writers left (a temp file named with a dead pid) goes with the next write.
    done = subprocess.run(_ccal(*KILLED["export"], str(tmp_path / "x.json")), env=env)
    assert done.returncode == 0
    assert not list(tmp_path.glob(".*.tmp")), list(tmp_path.glob(".*.tmp"))
