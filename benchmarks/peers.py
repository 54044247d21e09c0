"""ccal and taskwarrior side by side: "the next 20 upcoming of N" on the same generated items.

Usage: python benchmarks/peers.py [--sizes 1000,10000,100000] [--reps 7]

Not a test: it measures this machine. Installs taskwarrior from Debian (``apt-get install -y
taskwarrior``) when ``task`` is missing. For each size, ``generate.py`` writes a ccal file; ccal
resolves it (its own loader: the same instants ccal shows), and every date becomes one
taskwarrior task (description: title and label; due: the instant) imported with ``task import``
into a data folder of its own. Both then answer the same question, soonest first, limit 20:

- taskwarrior: an ``upcoming`` report (``status:pending due.after:now``, sorted by due);
- ccal: ``upcoming --limit 20`` as JSON and as a table, warm (index built), and the table with
  the index removed first (the first command after the data file changed).

Whole-process wall time (and, for the warm table and the first load, CPU time: user and system,
with the children a process waited for, which a busy machine moves less), medians of ``--reps``
runs, interleaved; "now" is the real clock for both (taskwarrior has no ``--as-of``). Prints a
Markdown table (for docs/performance.md).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
OLD = 1_600_000_000  # generated files must not look "just modified" (they would not be indexed)
TASKRC = """data.location={data}
confirmation=off
verbose=nothing
report.upcoming.description=Upcoming dates
report.upcoming.columns=id,due,description
report.upcoming.labels=ID,Due,Description
report.upcoming.sort=due+
report.upcoming.filter=status:pending due.after:now
"""


def ensure_taskwarrior() -> str:
    """The ``task`` binary, installed from Debian when missing."""
    found = shutil.which("task")
    if found:
        return found
    subprocess.run(["apt-get", "install", "-y", "taskwarrior"], check=True)
    found = shutil.which("task")
    if not found:
        raise SystemExit("peers: taskwarrior did not install")
    return found


def tasks_of(path: Path) -> list[dict[str, str]]:
    """Every date of the ccal file as a taskwarrior task, due at the instant ccal resolves."""
    from ccal.loader import load_catalog

    catalog = load_catalog([path])
    made = "20260101T000000Z"
    tasks = []
    for item in catalog.items:
        for entry in item.entries:
            due = (entry.end or entry.at).astimezone(UTC)
            tasks.append(
                {
                    "uuid": str(uuid.UUID(int=len(tasks) + 1)),
                    "description": f"{item.opportunity.title}: {entry.label}",
                    "status": "pending",
                    "entry": made,
                    "due": due.strftime("%Y%m%dT%H%M%SZ"),
                }
            )
    return tasks


def timed(argv: list[str], env: dict[str, str], cpu: list[float] | None = None) -> float:
    """Wall seconds of one run; with ``cpu``, its CPU seconds (user and system, the process and
    the children it waited for) are appended there too."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"peers: {' '.join(argv)} failed: {done.stderr.decode()[-500:]}")
    if cpu is not None:
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return seconds


def measure(size: int, work: Path, task: str, reps: int) -> dict[str, float]:
    sys.path.insert(0, str(HERE))
    from generate import generate

    data = work / f"{size}.toml"
    data.write_text(generate(size), encoding="utf-8")
    os.utime(data, (OLD, OLD))
    folder = work / f"task-{size}"
    folder.mkdir()
    rc = folder / "taskrc"
    rc.write_text(TASKRC.format(data=folder / "data"), encoding="utf-8")
    export = folder / "import.json"
    export.write_text(json.dumps(tasks_of(data)), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCAL_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(TASKRC=str(rc), TZ="UTC", XDG_CACHE_HOME=str(work / f"cache-{size}"))
    env.update(XDG_CONFIG_HOME=str(work / "config"), XDG_DATA_HOME=str(work / "data"))
    subprocess.run([task, "import", str(export)], env=env, check=True, capture_output=True)
    ccal = [PYTHON, "-m", "ccal", "upcoming", "--limit", "20", "--data", str(data)]
    argvs = {
        "taskwarrior": [task, "upcoming", "limit:20"],
        "ccal --json, warm": [*ccal, "--json"],
        "ccal table, warm": ccal,
    }
    timed(ccal, env)  # builds the index
    times: dict[str, list[float]] = {name: [] for name in [*argvs, "ccal table, index removed"]}
    cpu: dict[str, list[float]] = {
        "taskwarrior": [],
        "ccal table, warm": [],
        "ccal table, index removed": [],
    }
    for _ in range(reps):
        for name, argv in argvs.items():
            times[name].append(timed(argv, env, cpu.get(name)))
    # Taskwarrior's every run against ccal's first after a change, interleaved: on a busy
    # machine both see the same minute.
    for _ in range(max(1, reps // 3) if size >= 100_000 else reps):
        shutil.rmtree(env["XDG_CACHE_HOME"], ignore_errors=True)
        times["ccal table, index removed"].append(
            timed(ccal, env, cpu["ccal table, index removed"])
        )
        timed(argvs["taskwarrior"], env, cpu["taskwarrior"])
    found = {name: statistics.median(values) for name, values in times.items()}
    found.update({f"{name} (CPU)": statistics.median(values) for name, values in cpu.items()})
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    task = ensure_taskwarrior()
    version = subprocess.run([task, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"taskwarrior {version}, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"medians of {args.reps} runs, whole-process wall time\n")
    work = Path(tempfile.mkdtemp(prefix="ccal-peers-"))
    try:
        rows = []
        for size in (int(s) for s in args.sizes.split(",")):
            result = measure(size, work, task, args.reps)
            rows.append((size, result))
        names = [name for name in rows[0][1] if not name.endswith("(CPU)")]
        # The two goals of issue 19 as ratios: the table a person types (warm) and the first
        # command after the data file changed (index removed), each against taskwarrior; the
        # latter also in CPU time (user and system), which a busy machine moves less.
        heads = "table / tw | the same, CPU | first load / tw | the same, CPU"
        print("| N | " + " | ".join(names) + f" | {heads} |")
        print("|---|" + "---|" * (len(names) + 4))
        for size, result in rows:
            cells = " | ".join(f"{result[name]:.3f} s" for name in names)
            ratio = result["ccal table, warm"] / result["taskwarrior"]
            first = result["ccal table, index removed"] / result["taskwarrior"]
            theirs = result["taskwarrior (CPU)"]
            table = result["ccal table, warm (CPU)"]
            mine = result["ccal table, index removed (CPU)"]
            print(
                f"| {size:,} | {cells} | {ratio:.2f}× | {table:.3f} s / {theirs:.3f} s = "
                f"{table / theirs:.2f}× | {first:.2f}× "
                f"| {mine:.2f} s / {theirs:.2f} s = {mine / theirs:.2f}× |"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
