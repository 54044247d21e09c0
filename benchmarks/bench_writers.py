"""Issue 20 "Writers at scale": ``ccal add`` and ``ccal extend`` on a generated N-entry file
(default 100,000, ~43 MB). Prints wall time and peak memory of each against the 3 s goal.

Run: python benchmarks/bench_writers.py [N]
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOAL_SECONDS = 3.0


def run(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one ``ccal`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "ccal", *args], env=env, check=True,
                   capture_output=True)  # fmt: skip
    wall = time.perf_counter() - started
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return wall, peak / 1024


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    env = {**os.environ, "CCAL_NOW": "2026-12-01T10:00"}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "big.toml"
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(count), str(data)],
                       check=True, capture_output=True)  # fmt: skip
        size = data.stat().st_size / 1e6
        add = ["add", "bench-new", "--kind", "call", "--title", "New", "--deadline", "2027-01-01"]
        for name, args in (
            ("add", [*add, "--data", str(data)]),
            ("extend", ["extend", "bench-new", "Deadline", "--to", "+1d", "--data", str(data)]),
        ):
            wall, peak = run(args, env)
            print(f"{name:7} {count:,} entries ({size:.0f} MB): {wall:6.1f} s, peak {peak:,.0f} MiB"
                  f"  ({wall / GOAL_SECONDS:.1f}x the {GOAL_SECONDS:.0f} s goal)")  # fmt: skip


if __name__ == "__main__":
    main()
