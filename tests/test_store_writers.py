"""Writes land whole or not at all, and concurrent writers all land (real processes)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

from ccal import store
from ccal.loader import parse_text

REPO = Path(__file__).resolve().parents[1]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["CCAL_NOW"] = "2026-01-10T10:00"
    return env


WRITERS = 10  # on 2 cores they still queue on the lock; twenty took ~25 s of start-ups under load


def test_concurrent_adds_all_land(tmp_path):
    target = tmp_path / "shared.toml"
    target.write_text("# mine: keep this comment\nversion = 1\n", encoding="utf-8")
    command = [sys.executable, "-m", "ccal", "add"]
    processes = [
        subprocess.Popen(
            [
                *command,
                f"item-{n}",
                "--kind",
                "call",
                "--title",
                f"Item {n}",
                "--deadline",
                f"+{n + 1}d",
                "--data",
                str(target),
            ],
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for n in range(WRITERS)
    ]
    for process in processes:
        _out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err.decode()
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# mine: keep this comment\nversion = 1\n")
    ids = sorted(o["id"] for o in tomllib.loads(text)["opportunity"])
    assert ids == sorted(f"item-{n}" for n in range(WRITERS))
    assert not parse_text(text, target).errors


WRITER = r"""
import sys
from pathlib import Path
from ccal import authoring, store

path = Path(sys.argv[1])
for n in range(10_000):
    table = {"id": f"w-{sys.argv[2]}-{n}", "kind": "talk", "title": "x" * 20_000}
    store.update(path, lambda text: authoring.append_text(text, table))
    print(n, flush=True)
"""


def test_a_writer_killed_at_random_moments_never_leaves_a_torn_file(tmp_path):
    target = tmp_path / "data.toml"
    original = "# original\nversion = 1\n"
    target.write_text(original, encoding="utf-8")
    rng = random.Random(5)
    for round_number in range(6):
        before = target.read_text(encoding="utf-8")
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(target), str(round_number)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_env(),
        )
        # Let it finish a random number of writes, then kill it in the middle of the next one.
        for _ in range(rng.randint(1, 5)):
            assert writer.stdout.readline(), writer.stderr.read().decode()
        for _ in range(rng.randint(0, 2000)):
            os.sched_yield()
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        after = target.read_text(encoding="utf-8")
        assert after.startswith(before)  # nothing the file had is lost
        assert not parse_text(after, target).errors  # and it is whole
        count = len(tomllib.loads(after).get("opportunity", []))
        assert count > len(tomllib.loads(before).get("opportunity", []))
    assert target.read_text(encoding="utf-8").startswith(original)
    # The next write clears what killed writers left behind.
    store.update(target, lambda text: text + "# done\n")
    assert not list(tmp_path.glob(".data.toml.*.tmp"))
