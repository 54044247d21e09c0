"""Time `ccal import eu-portal` on a generated portal file, and `ccal upcoming` on the result.

Runs the installed `ccal` in a temporary data directory (never the user's own), best of
``--repeat`` runs, and prints seconds plus the ratio to `ccal upcoming` on the shipped data alone.

Usage: python benchmarks/bench_import.py [-n 11000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CCAL = [sys.executable, "-m", "ccal"]


def best_of(repeat: int, args: list[str], env: dict[str, str]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(CCAL + args, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--topics", type=int, default=11_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "grantsTenders.json"
        subprocess.run(
            [sys.executable, str(HERE / "gen_eu_portal.py"), "-n", str(args.topics), "-o", source],
            check=True,
        )
        env = {**os.environ, "XDG_DATA_HOME": str(Path(tmp) / "data"), "TZ": "UTC"}
        env["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")  # not the user's configuration
        env.pop("CCAL_DATA", None)
        upcoming = ["upcoming", "--within", "30d", "--json", "--as-of", "2026-01-01"]
        baseline = best_of(args.repeat, upcoming, env)
        imported = best_of(args.repeat, ["import", "eu-portal", str(source)], env)
        after = best_of(args.repeat, upcoming, env)
    print(f"import eu-portal ({args.topics:,} topics): {imported:.2f} s")
    print(f"upcoming --within 30d --json, shipped data only: {baseline:.2f} s")
    print(f"upcoming --within 30d --json, with the import: {after:.2f} s ({after / baseline:.1f}x)")


if __name__ == "__main__":
    main()
