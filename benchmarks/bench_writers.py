"""Issue 20 "Writers at scale": ``ccal add`` and ``ccal extend`` on a generated N-entry file
(default 100,000, ~43 MB), against the 3 s goal; with ``--exports`` (``--only-exports``:
without add and extend), every export format of every date too (peak memory against 3x the
file size, ``--format ics`` against 2x the JSON export's CPU time) and ``list --all`` (the
table of every opportunity, written to a pipe; peak memory against 3x the file size), from the
index as a user meets them, and with ``--no-index`` also from the files (``--no-cache``).

``add`` and ``extend`` check only the new or changed entry when a fresh index vouches for the
rest of the file (``ccal.incremental``), so each is measured the way a user meets it: after a
reading command has indexed the file (that load is printed too, it is not the writer's) and the
file has been quiet for ``policy.RACY_SECONDS``. ``--full`` also measures the whole check
(``CCAL_NO_CACHE=1``: no index), what every write cost before. Each round runs the pairs
interleaved; medians of ``--reps`` rounds are printed.

Run: python benchmarks/bench_writers.py [N] [--reps R] [--full] [--exports | --only-exports]
     [--no-index]
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

HERE = Path(__file__).resolve().parent
GOAL_SECONDS = 3.0
MEMORY_GOAL = 3.0  # peak RSS / file size
ICS_GOAL = 2.0  # ics export time / json export time
QUIET = 2.1  # seconds: a file written this recently is not indexed (policy.RACY_SECONDS)


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MiB) of one ``ccal`` process
    (GNU time's, as each child's own: ``RUSAGE_CHILDREN`` keeps the largest child so far). On a
    shared machine the CPU time is what a quiet one would take, less the waits for the disk."""
    handle, name = tempfile.mkstemp(suffix=".time")
    os.close(handle)
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%U %S %M", "-o", name, sys.executable, "-m", "ccal", *args],
        env=env,
        capture_output=True,
    )
    wall = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"ccal {' '.join(args)} failed: {done.stderr.decode()[-2000:]}")
    user, system, peak_kib = Path(name).read_text().split()[-3:]
    os.unlink(name)
    return wall, float(user) + float(system), int(peak_kib) / 1024


def indexed(data: Path, env: dict[str, str]) -> float:
    """Let the file go quiet, then index it with a reading command; its wall time."""
    time.sleep(QUIET)
    wall, _, _ = run(["upcoming", "-n", "1", "--data", str(data)], env)
    time.sleep(QUIET)  # the index's own write is not the data file's, but keep it simple
    return wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("count", nargs="?", type=int, default=100_000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--full", action="store_true", help="also the whole check (no index)")
    parser.add_argument("--exports", action="store_true", help="also every export format")
    parser.add_argument("--only-exports", action="store_true", help="exports, no add/extend")
    parser.add_argument(
        "--no-index", action="store_true", help="exports also with --no-cache (from the files)"
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "CCAL_NOW": "2026-12-01T10:00", "XDG_CACHE_HOME": tmp}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        data = Path(tmp) / "big.toml"
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(options.count), str(data)],
                       check=True, capture_output=True)  # fmt: skip
        size_mib = data.stat().st_size / 2**20
        print(f"{options.count:,} entries, {data.stat().st_size / 1e6:.1f} MB; medians of "
              f"{options.reps} rounds")  # fmt: skip
        measured: dict[str, list[tuple[float, float, float]]] = {}
        loads: list[float] = []
        for round_ in range(0 if options.only_exports else options.reps):
            new_id = f"bench-new-{round_}"
            add = ["add", new_id, "--kind", "call", "--title", "New", "--deadline", "2027-01-01"]
            extend = ["extend", new_id, "Deadline", "--to", "+1d"]
            loads.append(indexed(data, env))
            measured.setdefault("add", []).append(run([*add, "--data", str(data)], env))
            loads.append(indexed(data, env))
            measured.setdefault("extend", []).append(run([*extend, "--data", str(data)], env))
            if options.full:
                whole = {**env, "CCAL_NO_CACHE": "1"}
                full_add = [*add[:1], f"{new_id}-full", *add[2:], "--data", str(data)]
                measured.setdefault("add (whole check)", []).append(run(full_add, whole))
                full_extend = ["extend", f"{new_id}-full", "Deadline", "--to", "+1d"]
                measured.setdefault("extend (whole check)", []).append(
                    run([*full_extend, "--data", str(data)], whole)
                )
        if loads:
            print(f"  index built by a reading command first: {statistics.median(loads):6.1f} s")
        for name, runs in measured.items():
            wall, cpu, peak = (statistics.median(run[n] for run in runs) for n in range(3))
            print(f"  {name:22} {wall:6.1f} s (CPU {cpu:5.1f} s), peak {peak:5,.0f} MiB"
                  f"  ({wall / GOAL_SECONDS:.2f}x the {GOAL_SECONDS:.0f} s goal)")  # fmt: skip
        if options.exports or options.only_exports:
            exports(data, env, size_mib, options.reps, options.no_index)


def exports(data: Path, env: dict[str, str], size_mib: float, reps: int, files: bool) -> None:
    """Every export format of every date, interleaved, as a user meets them: after a reading
    command has indexed the file (``index.streamed`` writes each date as it is read from the
    index). With ``files``, also with ``--no-cache`` (each loads the whole catalog from the
    files, as the first command after a change does)."""
    indexed(data, env)
    commands = {
        f: ["export", "--all", "--format", f] for f in ("json", "ndjson", "csv", "ics", "md")
    }
    commands["list --all"] = ["list", "--all"]
    runs = {name: (args, env) for name, args in commands.items()}
    if files:
        whole = {**env, "CCAL_NO_CACHE": "1"}
        runs |= {f"{name} (no index)": (args, whole) for name, args in commands.items()}
    found: dict[str, list[tuple[float, float, float]]] = {name: [] for name in runs}
    for _ in range(reps):
        for name, (args, run_env) in runs.items():
            found[name].append(run([*args, "--data", str(data)], run_env))
    print(f"  exports of every date and list --all (file {size_mib:.0f} MiB, memory goal "
          f"{MEMORY_GOAL:.0f}x = {MEMORY_GOAL * size_mib:.0f} MiB):")  # fmt: skip
    medians = {}
    for name, measured in found.items():
        wall, cpu, peak = (statistics.median(one[n] for one in measured) for n in range(3))
        medians[name] = cpu
        print(f"    {name:18} {wall:6.1f} s (CPU {cpu:5.1f} s), peak {peak:5,.0f} MiB "
              f"({peak / size_mib:.1f}x the file)")  # fmt: skip
    ratio = medians["ics"] / medians["json"]
    print(f"    ics / json CPU time: {ratio:.2f} (goal {ICS_GOAL:.0f})")


if __name__ == "__main__":
    main()
