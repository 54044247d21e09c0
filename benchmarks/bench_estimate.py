"""Benchmark: estimating the next edition of 10,000 generated series takes at most a second.

Usage: python benchmarks/bench_estimate.py [--series N] [--zone NAME]

The series are generated deterministically (a seeded RNG): yearly conferences of 3–8 editions
with two labels each and a few days of weekday noise, every-two-years ones, and talk series with
a date every two weeks. Only ``estimate_next`` is timed (the generation is not). Not a test: it
prints the time, its ratio to the one-second budget, the CPU time the process used (on a shared
machine the wall time includes waiting for a core) and this machine's speed that hour (a loop of
ten million additions). ``--zone Europe/Brussels`` gives every date on that zone's clock, as
imported data has (zone lookups cost more than UTC's fixed offset).
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from ccal.estimate import Edition, Estimate, estimate_next

BUDGET_S = 1.0


def generate(count: int, seed: int = 16, zone: tzinfo = UTC) -> list[tuple[str, list[Edition]]]:
    rng = random.Random(seed)
    found = []
    for number in range(count):
        slug = f"s{number}"
        shape = number % 10
        if shape == 9:  # a talk series every two weeks, its latest talk in the last month
            count_talks = rng.randrange(4, 12)
            latest = datetime(2026, 11, 4, 8, 30, tzinfo=UTC) - timedelta(days=rng.randrange(21))
            talks = [latest - timedelta(days=14 * i) for i in reversed(range(count_talks))]
            editions = [Edition(f"{slug}-{i}", at.year, {"Talk": at}) for i, at in enumerate(talks)]
        else:
            step = 2 if shape == 8 else 1
            day = rng.randrange(20, 330)
            first = 2026 - step * rng.randrange(3, 9)
            editions = []
            for year in range(first, 2027, step):
                paper = datetime(year, 1, 1, 23, 59, tzinfo=UTC) + timedelta(
                    days=day + rng.randrange(-6, 7)
                )
                abstract = paper - timedelta(days=rng.choice((4, 5, 7)))
                editions.append(
                    Edition(f"{slug}-{year}", year, {"Abstract": abstract, "Paper": paper})
                )
        if zone is not UTC:  # the same instants on that zone's clock
            editions = [
                Edition(e.key, e.year, {k: at.astimezone(zone) for k, at in e.dates.items()})
                for e in editions
            ]
        found.append((slug, editions))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=10_000)
    parser.add_argument("--zone", default="UTC", help="the zone of every date (default UTC)")
    args = parser.parse_args()
    found = generate(args.series, zone=UTC if args.zone == "UTC" else ZoneInfo(args.zone))
    now = datetime(2026, 12, 1, tzinfo=UTC)
    started, cpu = time.perf_counter(), time.process_time()
    results = [estimate_next(slug, editions, after=now) for slug, editions in found]
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    estimated = sum(isinstance(r, Estimate) for r in results)
    print(f"{args.series} series: {estimated} estimated, {args.series - estimated} declined")
    print(f"estimate_next(after=now): {elapsed:.3f} s  ({elapsed / BUDGET_S:.2f} × the 1 s budget)")
    print(f"  of which this process ran {cpu:.3f} s (the rest: waiting for a busy machine)")
    print(f"this machine's speed: ten million additions took {_additions():.2f} s of CPU")


def _additions() -> float:
    """The CPU time of a loop of ten million additions: how fast this machine is this hour (a
    shared VM's speed varies by half from hour to hour), to read the time above against."""
    started = time.process_time()
    total = 0
    for number in range(10_000_000):
        total += number
    return time.process_time() - started


if __name__ == "__main__":
    main()
