"""Print ccal's start-up, query and load costs side by side with their baselines, as ratios.

Usage: python benchmarks/run.py [--reps N] [--skip-100k]

Not a test: it measures this machine. Every pair is measured in the same run, repetitions
interleaved (A, B, A, B, ...) and summarised by the median, so a busy machine slows both sides.
"Cold" means a new process each time (the index already built by an earlier run, as it is for a
user after the first call); "first load" means no index yet.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
CCAL = [PYTHON, "-m", "ccal"]
OLD = 1_600_000_000  # generated files must not look "just modified" (they would not be indexed)

BARE_TYPER = """
import typer
app = typer.Typer()
@app.command()
def hello(name: str = "world", json: bool = False) -> None:
    \"\"\"Say hello.\"\"\"
    print(name)
@app.command()
def bye() -> None:
    \"\"\"Say bye.\"\"\"
app()
"""

FIRST_LOAD = """
import gc, json, resource, sys, time, tomllib
from pathlib import Path
path = Path(sys.argv[2])
if sys.argv[1] == "tomllib":
    start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    with path.open("rb") as handle:
        data = tomllib.load(handle)
else:
    from ccal import index, loader, models  # start-up, not load
    from ccal.index import reader, writer
    start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    data = index.load_catalog([path])
seconds = time.perf_counter() - start
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start_rss
# The index writer's forked child (a big index: ``writer._two_processes``): its peak resident
# set counts the pages it shares with this process, copied only where it writes to them.
child_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
if sys.argv[1] != "tomllib" and reader.Index.open([path]) is None:
    sys.exit("the first load wrote no index: its time and memory would not be a first load's")
print(json.dumps({"seconds": seconds, "peak_kib": peak_kib, "child_kib": child_kib}))
"""


SERIES = """
[[opportunity]]
id = "weekly-webinar"
kind = "talk"
title = "Weekly webinar"

[[opportunity.dates]]
label = "Webinar"
at = 2021-01-06T15:00:00
end = 2021-01-06T16:00:00
rrule = "FREQ=WEEKLY"
"""


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def side_by_side(a: list[str], b: list[str], env: dict[str, str], reps: int) -> tuple[float, float]:
    times_a, times_b = [], []
    for _ in range(reps):
        times_a.append(timed(a, env))
        times_b.append(timed(b, env))
    return statistics.median(times_a), statistics.median(times_b)


def first_load(what: str, path: Path, env: dict[str, str]) -> dict:
    cache = Path(env["XDG_CACHE_HOME"])
    shutil.rmtree(cache, ignore_errors=True)  # "first" means: nothing indexed yet
    done = subprocess.run(
        [PYTHON, "-c", FIRST_LOAD, what, str(path)], env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    return json.loads(done.stdout)


def streamed(argv: list[str], env: dict[str, str], lines: int) -> tuple[float, float]:
    """Seconds until the first ``lines`` lines reached the pipe, and until the whole output."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    seen, first = 0, None
    while chunk := os.read(process.stdout.fileno(), 1 << 16):
        if first is None:
            seen += chunk.count(b"\n")
            if seen >= lines:
                first = time.perf_counter() - start
    process.wait()
    whole = time.perf_counter() - start
    return (whole if first is None else first), whole


def every_row(work: Path, env: dict[str, str], reps: int) -> None:
    """The table of every row (no limit) of ~10,000 dates: its first screen (50 lines through a
    pipe: no pager) and the whole of it, against the JSON of the same rows."""
    from generate import generate

    data = work / "4k.toml"  # 4,000 opportunities: 10,069 dates, all ahead in 2021
    data.write_text(generate(4000), encoding="utf-8")
    os.utime(data, (OLD, OLD))
    table = [*CCAL, "upcoming", "--as-of", "2021-01-01", "--data", str(data)]
    timed([*table, "--json"], {**env, "CCAL_NO_FASTPATH": "1"})  # builds the index
    firsts, wholes, jsons = [], [], []
    for _ in range(reps):
        first, whole = streamed(table, env, 50)
        firsts.append(first)
        wholes.append(whole)
        jsons.append(streamed([*table, "--json"], env, 50)[1])
    first, whole, json_whole = (statistics.median(x) for x in (firsts, wholes, jsons))
    report("first screen of `upcoming`, every row of 10k dates / 0.3 s", first, 0.3, 1.0)
    report("whole table of every row, 10k dates / its JSON", whole, json_whole, 3.0, "s")


def report(name: str, mine: float, base: float, target: float, unit: str = "ms") -> None:
    scale = 1000 if unit == "ms" else 1
    ratio = mine / base
    verdict = "ok" if ratio <= target else "OVER"
    print(
        f"{name:<52} {mine * scale:9.1f} {unit} vs {base * scale:9.1f} {unit}"
        f"  ratio {ratio:5.2f} (target ≤ {target}) {verdict}"
    )


def isolated_env(work: Path) -> dict[str, str]:
    """The environment every measured command runs in: no ``CCAL_*`` setting, caches, data and
    configuration of its own under ``work`` (not the user's), UTC.

    A user's Python writes bytecode caches: without them every run would compile ccal anew (the
    baselines' modules were compiled when installed), so PYTHONDONTWRITEBYTECODE is dropped.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("CCAL_") and k != "PYTHONDONTWRITEBYTECODE"
    }
    env.update(XDG_CACHE_HOME=str(work / "cache"), XDG_DATA_HOME=str(work / "data"), TZ="UTC")
    env["XDG_CONFIG_HOME"] = str(work / "config")
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=21)
    parser.add_argument("--skip-100k", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ccal-bench-"))
    env = isolated_env(work)
    sys.path.insert(0, str(HERE))
    from generate import generate

    sizes = {"10k": 10_000} if args.skip_100k else {"10k": 10_000, "100k": 100_000}
    files = {}
    for name, count in sizes.items():
        files[name] = work / f"{name}.toml"
        files[name].write_text(generate(count), encoding="utf-8")
        os.utime(files[name], (OLD, OLD))
    bare = work / "bare_typer.py"
    bare.write_text(BARE_TYPER, encoding="utf-8")

    cpuinfo = Path("/proc/cpuinfo")
    lines = cpuinfo.read_text().splitlines() if cpuinfo.exists() else []
    cpu = next((x.split(":", 1)[1].strip() for x in lines if "model name" in x), "unknown CPU")
    print(f"machine: {os.cpu_count()} CPUs ({cpu}), Python {sys.version.split()[0]}")
    print(f"repetitions: {args.reps}, interleaved, medians\n")

    upcoming = [*CCAL, "upcoming", "--json"]
    timed([*upcoming], {**env, "CCAL_NO_FASTPATH": "1"})  # builds the shipped data's index
    report("cold `ccal upcoming --json` (shipped) / python -c pass",
           *side_by_side(upcoming, [PYTHON, "-c", "pass"], env, args.reps), 2.0)  # fmt: skip
    remind = [*CCAL, "remind"]
    report("cold `ccal remind` (shipped) / python -c pass",
           *side_by_side(remind, [PYTHON, "-c", "pass"], env, args.reps), 3.0)  # fmt: skip
    deadlines = [*CCAL, "deadlines", "--call", "clusters-meet-regions", "--json"]
    report("cold `ccal deadlines --call ID --json` / python -c pass",
           *side_by_side(deadlines, [PYTHON, "-c", "pass"], env, args.reps), 3.0)  # fmt: skip
    helps = side_by_side([*CCAL, "--help"], [PYTHON, str(bare), "--help"], env, args.reps)
    report("`ccal --help` / bare Typer app --help", *helps, 1.1)

    warm = ["--limit", "20", "--as-of", "2024-01-01"]
    shipped = [*upcoming, *warm]
    for name, target in (("10k", 1.2), ("100k", 1.5)):
        if name not in files:
            continue
        big = [*upcoming, *warm, "--data", str(files[name])]
        timed(big, {**env, "CCAL_NO_FASTPATH": "1"})  # first call: builds the index
        report(f"warm `upcoming --json --limit 20` {name} / shipped",
               *side_by_side(big, shipped, env, args.reps), target)  # fmt: skip

    table = [*CCAL, "upcoming", *warm]  # the table a person types, from the index
    if "10k" in files:
        big = [*table, "--data", str(files["10k"])]
        report("warm `upcoming --limit 20` (table) 10k / shipped",
               *side_by_side(big, table, env, args.reps), 1.5)  # fmt: skip

    every_row(work, env, max(3, args.reps // 7))  # seconds a run: fewer repetitions

    # One repeating date (an open-ended weekly series) in the 10k file: indexed like the rest.
    rrule = files["10k"].with_name("10k-rrule.toml")
    rrule.write_text(files["10k"].read_text(encoding="utf-8") + SERIES, encoding="utf-8")
    os.utime(rrule, (OLD, OLD))
    reminds = []
    for path in (rrule, files["10k"]):
        argv = [*CCAL, "remind", "--as-of", "2024-01-01", "--data", str(path)]
        timed(argv, {**env, "CCAL_NO_FASTPATH": "1"})  # builds the index
        reminds.append(argv)
    report("warm `remind` 10k with one rrule / the same without",
           *side_by_side(*reminds, env, args.reps), 1.2)  # fmt: skip

    mine, base = [], []
    for _ in range(5):
        mine.append(first_load("ccal", files["10k"], env)["seconds"])
        base.append(first_load("tomllib", files["10k"], env)["seconds"])
    report("first (unindexed) load 10k / tomllib.load",
           statistics.median(mine), statistics.median(base), 1.3, "s")  # fmt: skip
    if "100k" in files:
        found = first_load("ccal", files["100k"], env)
        theirs = first_load("tomllib", files["100k"], env)["peak_kib"]
        report("peak memory of first load 100k / tomllib.load",
               found["peak_kib"] / 1024, theirs / 1024, 1.2, "MiB")  # fmt: skip
        print(
            f"  (the index writer's child: peak resident set {found['child_kib'] / 1024:.1f} MiB,"
            " most of it pages shared with the loading process)"
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
