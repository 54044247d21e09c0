"""``ccal notify`` with nothing to send against a cold ``ccal upcoming --json`` (target: ≤ 2×),
and ``mark``/``note`` against ``add``.

Usage: python benchmarks/bench_notify.py [--reps N]

Not a test: it measures this machine. Each pair runs interleaved (A, B, A, B, ...) in new
processes, in a temporary home (XDG dirs) holding one marked entry, a command channel and a
sent-log; the median is reported. "Cold" as in benchmarks/run.py: a new process each time, the
index already built. ``upcoming --json`` is timed without a state file (its fast path: the
strictest baseline) and with one (the Typer app answers then).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CCAL = [sys.executable, "-m", "ccal"]
NOW = "2022-07-20 10:00"  # clusters-meet-regions is due 2022-07-29: nothing to send yet


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([*CCAL, *args], env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def pair(label: str, a: tuple, b: tuple, reps: int) -> None:
    first, second = [], []
    for _ in range(reps):
        first.append(timed(*a))
        second.append(timed(*b))
    ma, mb = statistics.median(first), statistics.median(second)
    print(f"{label:<48} {ma * 1000:7.1f} ms vs {mb * 1000:7.1f} ms  ratio {ma / mb:4.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=15)
    reps = parser.parse_args().reps
    with tempfile.TemporaryDirectory() as home:
        root = Path(home)
        env = {
            **os.environ,
            "XDG_DATA_HOME": str(root / "data"),
            "XDG_CACHE_HOME": str(root / "cache"),
            "XDG_STATE_HOME": str(root / "state"),
            "XDG_CONFIG_HOME": str(root / "config"),
            "CCAL_NOW": NOW,
            "TZ": "UTC",
        }
        for name in ("CCAL_DATA", "CCAL_NO_CACHE", "CCAL_NO_FASTPATH"):
            env.pop(name, None)
        (root / "config" / "ccal").mkdir(parents=True)
        (root / "config" / "ccal" / "config.toml").write_text(
            '[notify.channels.log]\ntype = "command"\ncommand = ["true"]\n', encoding="utf-8"
        )
        timed(["upcoming", "--json"], env)  # builds the index
        state = root / "data" / "ccal" / "pipeline.toml"
        # no state file: upcoming's fast path
        pair(
            "notify (nothing due, no marks) / upcoming --json",
            (["notify"], env),
            (["upcoming", "--json"], env),
            reps,
        )
        quiet = {"env": env, "check": True, "stdout": subprocess.DEVNULL}
        subprocess.run([*CCAL, "mark", "clusters-meet-regions", "preparing"], **quiet)
        subprocess.run([*CCAL, "notify", "--as-of", "2022-07-22 17:00"], **quiet)  # the 7d
        moved = state.with_suffix(".away")
        baseline = (["upcoming", "--json"], env)
        # the baseline without the state file (its fast path), notify with it: swapped in turn
        first, second = [], []
        for _ in range(reps):
            first.append(timed(["notify"], env))
            state.rename(moved)
            second.append(timed(*baseline))
            moved.rename(state)
        ma, mb = statistics.median(first), statistics.median(second)
        print(
            f"{'notify (nothing due, 1 mark) / upcoming --json':<48} {ma * 1000:7.1f} ms vs "
            f"{mb * 1000:7.1f} ms  ratio {ma / mb:4.2f}  (target <= 2)"
        )
        pair(
            "notify (nothing due) / upcoming --json, both marked",
            (["notify"], env),
            (["upcoming", "--json"], env),
            reps,
        )
        user = root / "data" / "ccal" / "opportunities.toml"
        n = iter(range(10**6))
        first, second = [], []
        for _ in range(reps):
            first.append(timed(["mark", "clusters-meet-regions", "submitted"], env))
            second.append(
                timed(
                    ["add", f"bench-{next(n)}", "--kind", "call", "--title", "B", "-d", "+3d"],
                    env,
                )
            )
        ma, mb = statistics.median(first), statistics.median(second)
        print(
            f"{'mark / add':<48} {ma * 1000:7.1f} ms vs {mb * 1000:7.1f} ms  ratio {ma / mb:4.2f}"
        )
        user.unlink()


if __name__ == "__main__":
    main()
