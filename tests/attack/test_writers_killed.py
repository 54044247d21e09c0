"""Writers killed with SIGKILL at random moments (issue 20, "Proving it"): the target holds the
old file or the complete new one, and what a killed writer left goes with the next write."""

from __future__ import annotations

import random
import signal
import subprocess
import time

from writers import DATA, FULL_IMPORT, PIPES, PORTAL, _ccal, _env, _ids

ADDS = range(4)


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
