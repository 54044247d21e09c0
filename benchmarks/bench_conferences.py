"""Time `ccal import ccfddl` on a whole-corpus-like tree and `ccal import ics` on a big calendar.

- ccfddl: 354 generated conference files, about 1,700 editions, in the shapes of the real files
  (one or several timeline rounds, abstract deadlines, comments, TBD, AoE / UTC-12 / UTC-8 / PT
  zones, every free-text date form seen); target: the whole import at most 2 s. Then
  `ccal upcoming --json` on the result, cold (a new process, the index built), beside the same
  on the shipped data alone.
- ics: a 50,000-event calendar (zoned, UTC, all-day and repeating events); target: the whole
  `ccal import ics` at most 1.5x the time `icalendar.Calendar.from_ical` alone takes to parse
  it (the import parses it with icalendar, then converts, validates and writes).

Runs the installed `ccal` in a temporary data directory, best of ``--repeat`` runs; the figures
compared are CPU seconds (user + system) of each process, wall-clock time is shown beside them.
Usage: python benchmarks/bench_conferences.py [--repeat 3] [--events 50000] [--files 354]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

CCAL = [sys.executable, "-m", "ccal"]
ZONES = ["AoE", "UTC-12", "UTC-8", "UTC-7", "PT", "UTC+0", "UTC+8"]
PLACES = ["Vancouver, Canada", "Sydney, Australia", "Vienna, Austria", "TBD", "Online"]


def best_of(repeat: int, command: list[str], env: dict[str, str]) -> float:
    """The best CPU time (user + system) of ``repeat`` runs of ``command``: on a machine shared
    with other work, wall-clock time measures the neighbours (both are printed)."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    print(f"  {' '.join(Path(c).name for c in command[1:4])} ...: wall {min(walls):.2f} s, "
          f"cpu {min(cpus):.2f} s", file=sys.stderr)  # fmt: skip
    return min(cpus)


def _date_text(start: date, end: date, rng: random.Random) -> str:
    if rng.random() < 0.05:
        return rng.choice(["TBD", f"{start:%B}, {start.year}"])
    if start.month == end.month:
        return rng.choice(
            [
                f"{start:%B} {start.day}-{end.day}, {end.year}",
                f"{start:%B} {start.day} - {end.day}, {end.year}",
            ]
        )
    return rng.choice(
        [
            f"{start:%B} {start.day}-{end:%B} {end.day}, {end.year}",
            f"{start:%B} {start.day} - {end:%B} {end.day:02d}, {end.year}",
            f"{start:%B} {start.day} - {end.day} {end:%B}, {end.year}",
        ]
    )


def ccfddl_tree(root: Path, files: int, seed: int = 7) -> int:
    """``files`` conference YAMLs with about 4.8 editions each; returns the edition count."""
    rng = random.Random(seed)
    editions = 0
    for number in range(files):
        key = f"conf{number}"
        area = rng.choice(["AI", "DB", "SE", "NW", "SC", "CG", "DS"])
        lines = [
            f"- title: CONF{number}",
            f"  description: Generated conference number {number}",
            f"  sub: {area}",
            "  rank:",
            f"    ccf: {rng.choice('ABC')}",
            f"    core: {rng.choice(['A*', 'A', 'B', 'N'])}",
            f"    thcpl: {rng.choice('AB')}",
            f"  dblp: {key}",
            "  confs:",
        ]
        for year in range(2027 - rng.randint(2, 6), 2028):
            editions += 1
            zone = rng.choice(ZONES)
            lines += [f"    - year: {year}", f"      id: {key}{year % 100}"]
            lines += [f"      link: https://example.org/{key}/{year}", "      timeline:"]
            paper = datetime(year - 1, rng.randint(1, 12), rng.randint(1, 28), 23, 59, 59)
            for round_ in range(rng.choice([1, 1, 1, 2, 3])):
                at = paper + timedelta(days=60 * round_)
                if rng.random() < 0.03:
                    lines.append("        - deadline: 'TBD'")
                else:
                    lines.append(f"        - deadline: '{at:%Y-%m-%d %H:%M:%S}'")
                if rng.random() < 0.5:
                    abstract = at - timedelta(days=7)
                    lines.append(f"          abstract_deadline: '{abstract:%Y-%m-%d %H:%M:%S}'")
                if rng.random() < 0.3:
                    lines.append(f"          comment: Round {round_ + 1} submission")
            start = date(year, rng.randint(1, 12), rng.randint(1, 25))
            end = start + timedelta(days=rng.randint(0, 6))
            lines += [f"      timezone: {zone}", f"      date: {_date_text(start, end, rng)}"]
            lines.append(f"      place: {rng.choice(PLACES)}")
        folder = root / area
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{key}.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return editions


def big_calendar(path: Path, events: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    out = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//bench//EN"]
    base = datetime(2026, 1, 1, 9, 0)
    for number in range(events):
        start = base + timedelta(hours=7 * number)
        out += ["BEGIN:VEVENT", f"UID:event-{number}@bench.example", "DTSTAMP:20260101T000000Z"]
        out.append(f"SUMMARY:Event {number}")
        shape = number % 4
        if shape == 0:
            out.append(f"DTSTART;TZID=America/New_York:{start:%Y%m%dT%H%M%S}")
            out.append(f"DTEND;TZID=America/New_York:{start + timedelta(hours=1):%Y%m%dT%H%M%S}")
        elif shape == 1:
            out.append(f"DTSTART:{start:%Y%m%dT%H%M%S}Z")
        elif shape == 2:
            out.append(f"DTSTART;VALUE=DATE:{start:%Y%m%d}")
            out.append(f"DTEND;VALUE=DATE:{start + timedelta(days=rng.randint(1, 3)):%Y%m%d}")
        else:
            out.append(f"DTSTART;TZID=Europe/Brussels:{start:%Y%m%dT%H%M%S}")
            out.append("RRULE:FREQ=WEEKLY;COUNT=5")
        out += [f"LOCATION:Room {number % 40}", "CATEGORIES:bench,generated", "END:VEVENT"]
    out.append("END:VCALENDAR")
    path.write_text("\r\n".join(out) + "\r\n", encoding="utf-8")


PARSE = "import sys, icalendar; icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--files", type=int, default=354)
    parser.add_argument("--only", choices=["ccfddl", "ics"], help="run one of the two")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = {**os.environ, "XDG_DATA_HOME": str(root / "data"), "TZ": "UTC"}
        env["XDG_CACHE_HOME"] = str(root / "cache")
        env.pop("CCAL_DATA", None)
        if args.only != "ics":
            ccfddl_part(args, root, env)
        if args.only != "ccfddl":
            ics_part(args, root, env)


def ccfddl_part(args: argparse.Namespace, root: Path, env: dict[str, str]) -> None:
    editions = ccfddl_tree(root / "conference", args.files)
    out = root / "ccfddl.toml"
    imported = best_of(
        args.repeat, [*CCAL, "import", "ccfddl", str(root / "conference"), "-o", str(out)], env
    )
    upcoming = [*CCAL, "upcoming", "--json", "--as-of", "2026-01-01"]
    shipped = best_of(args.repeat, upcoming, env)
    on_import = best_of(args.repeat, [*upcoming, "--data", str(out)], env)
    print(f"import ccfddl ({args.files} files, {editions:,} editions): {imported:.2f} s "
          f"(target <= 2 s)")  # fmt: skip
    print(f"upcoming --json cold: shipped data {shipped:.2f} s, the import {on_import:.2f} s "
          f"(ratio {on_import / shipped:.2f})")  # fmt: skip


def ics_part(args: argparse.Namespace, root: Path, env: dict[str, str]) -> None:
    calendar = root / "big.ics"
    big_calendar(calendar, args.events)
    parse = best_of(args.repeat, [sys.executable, "-c", PARSE, str(calendar)], env)
    ics = best_of(
        args.repeat, [*CCAL, "import", "ics", str(calendar), "-o", str(root / "ics.toml")], env
    )
    print(f"icalendar parse ({args.events:,} events): {parse:.2f} s; import ics: {ics:.2f} s "
          f"(ratio {ics / parse:.2f}, target <= 1.5)")  # fmt: skip


if __name__ == "__main__":
    main()
