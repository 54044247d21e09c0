"""Backtest of ccal's next-edition estimates against the two methods peer sites use.

Usage: python benchmarks/backtest.py [DATA.toml ...] [--corpus DIR ...] [--shipped]

With no argument it runs on the peer samples (``shared/peer-data/ccfddl`` and ``ai-deadlines``
beside the repository, when present) and on the shipped ECCP series. ``--corpus DIR`` imports
every ccfddl or ai-deadlines YAML file under DIR through ccal's own importers (a clone of
ccfddl/ccf-deadlines: ``--corpus ccf-deadlines/conference``); a file neither importer reads
is counted and skipped, as ``ccal import`` would refuse it.

For every series with at least three editions that have a deadline, one a year, the latest such
edition is held out and estimated from the earlier ones. Its **main deadline**
(``ccal.estimate.main_deadline``: the earliest paper or submission deadline, else the earliest
date that is neither an abstract nor the conference's own days) is compared with:

- ccal's estimate (``ccal.estimate``: point and range) for the held-out edition's year;
- "last year + 1" (csconfs): the previous edition's main deadline moved to the held-out year;
- "mean day of year" (simple_ccf_ddl): the mean day of year of the earlier main deadlines.

All three are scored on the same held-out editions (those ccal estimated; the ones it declined
are counted apart, and the peers are also scored on every held-out edition). To keep the method
honest, every table is printed for all series and for two fixed halves: the series whose name's
CRC-32 is even (the half the method's rules and numbers were chosen on) and odd (only reported).
Not a test: it prints tables.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from ccal.errors import CcalError
from ccal.estimate import (
    RECENT_MISSES,
    STEADY_MISS_DAYS,
    Edition,
    Estimate,
    estimate_next,
    late_by,
    main_deadline,
    misses,
)

FORMATS = ("ccfddl", "ai-deadlines")
METHODS = ("ccal", "last year + 1", "mean day of year")


@dataclass(frozen=True)
class Row:
    """One held-out edition: its main deadline and each method's estimate of it."""

    series: str
    actual: date
    guesses: Mapping[str, date | None]  # by method; ccal's is None when it declined
    range: tuple[date, date] | None  # ccal's stated range
    cadence_agrees: bool  # ccal's own cadence names the held-out edition's year


def last_year_plus_one(basis: Sequence[tuple[int, date]], year: int) -> date:
    """The previous edition's date, moved by the editions' year difference."""
    last_year, day = basis[-1]
    return _same_day(day, day.year + year - last_year)


def mean_day_of_year(basis: Sequence[tuple[int, date]], year: int) -> date:
    """The mean day of year of the earlier editions, in the year the last one fell in moved by
    the editions' year difference (a January deadline of a December conference stays so)."""
    mean = round(statistics.fmean(d.timetuple().tm_yday for _, d in basis))
    last_year, day = basis[-1]
    return date(day.year + year - last_year, 1, 1) + timedelta(days=mean - 1)


def _same_day(day: date, year: int) -> date:
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def scorable(series: Mapping[str, Sequence[Edition]]) -> dict[str, list[Edition]]:
    """The series this backtest scores, each its editions with a main deadline, oldest first:
    at least three, one a year (one with only its conference's days has no deadline to score;
    several a year is not this backtest's case)."""
    found = {}
    for slug, editions in sorted(series.items()):
        dated = sorted(
            (e for e in editions if main_deadline(e.dates)), key=lambda e: (e.year, e.key)
        )
        years = [e.year for e in dated]
        if len(set(years)) >= 3 and len(set(years)) == len(years):
            found[slug] = dated
    return found


def predict(slug: str, earlier: Sequence[Edition], held_out: Edition) -> Row:
    """``held_out``'s main deadline estimated from ``earlier`` by each method."""
    dated = [*earlier, held_out]
    labels = [main_deadline(e.dates) or "" for e in dated]
    mains = [e.dates[label].date() for e, label in zip(dated, labels, strict=True)]
    basis = list(zip((e.year for e in earlier), mains[:-1], strict=False))
    result = estimate_next(slug, earlier, year=held_out.year)
    estimated = None
    if isinstance(result, Estimate):
        estimated = next((d for d in result.dates if d.label == labels[-2]), None)
    cadence = estimate_next(slug, earlier)
    return Row(
        series=slug,
        actual=mains[-1],
        guesses={
            "ccal": estimated.at.date() if estimated else None,
            "last year + 1": last_year_plus_one(basis, held_out.year),
            "mean day of year": mean_day_of_year(basis, held_out.year),
        },
        range=(estimated.range_start.date(), estimated.range_end.date()) if estimated else None,
        cadence_agrees=isinstance(cadence, Estimate) and cadence.year == held_out.year,
    )


def backtest(series: Mapping[str, Sequence[Edition]]) -> list[Row]:
    """One row per scorable series: the latest held out and estimated from the others."""
    return [predict(slug, dated[:-1], dated[-1]) for slug, dated in scorable(series).items()]


def earlier_steps(series: Mapping[str, Sequence[Edition]]) -> list[tuple[Row, float]]:
    """Inside each scorable series' earlier editions only (never its held-out one), every
    edition after the second estimated from those before it, with the mean of the label's last
    ``RECENT_MISSES`` misses then: what the range rule's constants are chosen on."""
    found = []
    for slug, dated in scorable(series).items():
        earlier = dated[:-1]
        for k in range(2, len(earlier)):
            main = [(e.year, e.dates[main_deadline(e.dates) or ""].date()) for e in earlier[:k]]
            years, days = [y for y, _ in main], [d for _, d in main]
            record = misses(years, days, earlier[k].year - years[-1]) or misses(years, days)
            recent = record[-RECENT_MISSES:]
            found.append((predict(slug, earlier[:k], earlier[k]), statistics.fmean(recent)))
    return found


RETURN_BANDS = ((-400, -30), (-29, -8), (-7, -3), (-2, 2), (3, 7), (8, 29), (30, 400))


def print_returns(title: str, series: Mapping[str, Sequence[Edition]]) -> None:
    """Inside each scorable series' earlier editions only, how far the main deadline came
    after its anniversary (``late_by``: negative is earlier) following a step of each size: the
    evidence for ``ccal.estimate.taken_back`` (a late step is partly taken back, an early one
    is not)."""
    pairs = []
    for dated in scorable(series).values():
        earlier = dated[:-1]
        years = [e.year for e in earlier]
        days = [e.dates[main_deadline(e.dates) or ""].date() for e in earlier]
        pairs += [
            (late_by(years, days, i - 1), late_by(years, days, i)) for i in range(2, len(days))
        ]
    print(f"\n{title}, earlier editions only: the next step after a step of each size")
    print(f"  {'step (days after its anniversary)':<36}{'steps':>8}{'next step, median':>20}")
    for low, high in RETURN_BANDS:
        found = [after for before, after in pairs if low <= before <= high]
        if found:
            band = f"{low} to {high} d" if high < 400 else f"{low} d or more"
            band = band if low > -400 else f"{high} d or less"
            print(f"  {band:<36}{len(found):>8}{statistics.median(found):>20.1f}")


def print_steps(title: str, steps: Sequence[tuple[Row, float]]) -> None:
    """How often ccal's next miss was within two weeks, by the mean of its recent misses, and
    how its stated ranges did: the earlier editions' evidence for ``ccal.estimate.half_width``."""
    print(f"\n{title}, earlier editions only (each from the ones before it; {len(steps)} steps)")
    print(f"  {'recent misses average':<24}{'steps':>8}{'≤ 14 d %':>12}{'in range %':>12}")
    bands = [(0, 3), (3, STEADY_MISS_DAYS), (0, STEADY_MISS_DAYS), (STEADY_MISS_DAYS, 20)]
    for low, high in [*bands, (20, 10_000)]:
        rows = [r for r, mean in steps if low <= mean < high and r.guesses["ccal"] is not None]
        if not rows:
            continue
        errors = [abs((r.guesses["ccal"] - r.actual).days) for r in rows]  # type: ignore[operator]
        inside = [lo <= r.actual <= hi for r in rows if r.range for lo, hi in [r.range]]
        band = f"{low}–{high} d" if high < 10_000 else f"{low} d or more"
        print(
            f"  {band:<24}{len(rows):>8}{100 * sum(e <= 14 for e in errors) / len(errors):>12.1f}"
            f"{100 * sum(inside) / max(1, len(inside)):>12.1f}"
        )
    rows = [r for r, _ in steps if r.guesses["ccal"] is not None]
    got, peer = scores(rows, "ccal"), scores(rows, "last year + 1")
    if got:
        declined = len(steps) - len(rows)
        print(
            f"  all: in range {got['in range %']:.1f} %, median width"
            f" {got['median width d']:.0f} d, {declined} declined; MAE {got['MAE d']:.2f} d"
            f" (last year + 1: {peer['MAE d']:.2f} d), ≤ 7 d {got['≤7 d %']:.1f} %"
            f" ({peer['≤7 d %']:.1f} %)"
        )
        paired = compare(rows, "last year + 1")
        print(
            f"  ccal − last year + 1, step by step: MAE {paired['mean']:+.2f} d (95 % bootstrap"
            f" interval {paired['low']:+.2f} to {paired['high']:+.2f})"
        )


def scores(rows: Sequence[Row], method: str) -> dict[str, float]:
    errors = [abs((guess - row.actual).days) for row in rows if (guess := row.guesses[method])]
    if not errors:
        return {}
    result = {
        "MAE d": statistics.fmean(errors),
        "median d": statistics.median(errors),
        "≤7 d %": 100 * sum(e <= 7 for e in errors) / len(errors),
        "≤14 d %": 100 * sum(e <= 14 for e in errors) / len(errors),
    }
    ranges = [(row.actual, row.range) for row in rows if row.range is not None]
    if method == "ccal" and ranges:
        result["in range %"] = 100 * sum(lo <= a <= hi for a, (lo, hi) in ranges) / len(ranges)
        result["median width d"] = statistics.median((hi - lo).days + 1 for _, (lo, hi) in ranges)
    return result


def half(slug: str) -> str:
    """The fixed half a series belongs to: "dev" (CRC-32 of its name even) or "check"."""
    return "dev" if zlib.crc32(slug.encode()) % 2 == 0 else "check"


def print_table(title: str, rows: Sequence[Row]) -> None:
    estimated = [row for row in rows if row.guesses["ccal"] is not None]
    declined = len(rows) - len(estimated)
    agrees = sum(row.cadence_agrees for row in rows)
    print(f"\n{title}: {len(rows)} series with ≥ 3 editions with a deadline, latest held out")
    if not rows:
        print("  nothing to score")
        return
    print(
        f"  ccal declined {declined}; scored on the same {len(estimated)} editions "
        f"(ccal's own cadence named the held-out year for {agrees} of {len(rows)})"
    )
    columns = ["MAE d", "median d", "≤7 d %", "≤14 d %", "in range %", "median width d"]
    print("  " + f"{'method':<28}" + "".join(f"{c:>15}" for c in columns))
    lines = [(method, estimated) for method in METHODS]
    if declined:
        lines += [(f"{m} (all {len(rows)})", rows) for m in METHODS[1:]]
    for name, subset in lines:
        got = scores(subset, name.split(" (all")[0])
        cells = "".join(  # the MAE to hundredths: ccal and "last year + 1" are that close
            f"{got[c]:>15.{2 if c == 'MAE d' else 1}f}" if c in got else f"{'—':>15}"
            for c in columns
        )
        print("  " + f"{name:<28}" + cells)
    paired = compare(estimated, "last year + 1")
    if paired:
        print(
            f"  ccal − last year + 1, edition by edition: MAE {paired['mean']:+.2f} d"
            f" (95 % bootstrap interval {paired['low']:+.2f} to {paired['high']:+.2f});"
            f" nearer on {paired['nearer']:.0f}, farther on {paired['farther']:.0f},"
            f" as near on {paired['same']:.0f}"
        )


RESAMPLES = 2000  # bootstrap resamples of the paired differences (a fixed seed: reproducible)


def compare(rows: Sequence[Row], peer: str) -> dict[str, float]:
    """ccal's absolute error minus ``peer``'s, edition by edition: its mean (the difference of
    the MAEs) with a 95 % bootstrap interval over the editions, and how often ccal was nearer.
    Whether "MAE below the peer's" is more than noise: an interval that contains 0 says no."""
    import random

    diffs = [
        abs((row.guesses["ccal"] - row.actual).days) - abs((guess - row.actual).days)  # type: ignore[operator]
        for row in rows
        if row.guesses["ccal"] is not None and (guess := row.guesses[peer]) is not None
    ]
    if len(diffs) < 2:
        return {}
    draw = random.Random(0)
    means = sorted(statistics.fmean(draw.choices(diffs, k=len(diffs))) for _ in range(RESAMPLES))
    return {
        "mean": statistics.fmean(diffs),
        "low": means[int(0.025 * RESAMPLES)],
        "high": means[int(0.975 * RESAMPLES) - 1],
        "nearer": sum(d < 0 for d in diffs),
        "farther": sum(d > 0 for d in diffs),
        "same": sum(d == 0 for d in diffs),
    }


def import_corpus(folder: Path, out: Path) -> tuple[list[Path], int, int]:
    """Every ccfddl or ai-deadlines YAML file under ``folder`` imported by ccal's importers,
    one TOML file per format in ``out``; the files read and those skipped (neither reads it)."""
    from ccal.importers import registry
    from ccal.importers.conferences import merge

    files = sorted(p for p in folder.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())
    results: dict[str, list] = {name: [] for name in FORMATS}
    skipped = 0
    for path in files:
        data = path.read_bytes()
        for name in FORMATS:
            try:
                results[name].append(registry.get(name).convert(data, str(path), {}))
                break
            except CcalError:
                continue
        else:
            skipped += 1
    written = []
    for name, found in results.items():
        if not found:
            continue
        result = merge(found)
        target = out / f"{folder.name}-{name}.toml"
        now = datetime.now(UTC)
        target.write_text(registry.get(name).render_toml(result, folder.name, now), "utf-8")
        written.append(target)
    return written, len(files), skipped


def series_of(paths: Sequence[Path]) -> dict[str, list[Edition]]:
    """Every series of the files, its editions as ``ccal.estimate`` reads them (the same
    bridge ``ccal series --next`` uses)."""
    from ccal.loader import load_catalog
    from ccal.series import estimate_editions, every_series

    catalog = load_catalog(list(paths))
    return {slug: estimate_editions(found) for slug, found in every_series(catalog).items()}


def peer_samples() -> list[Path]:
    """The peer samples beside the repository (``shared/peer-data``), when there are any."""
    for parent in Path(__file__).resolve().parents:
        found = parent / "shared" / "peer-data"
        if found.is_dir():
            return [found / name for name in FORMATS if (found / name).is_dir()]
    return []


def run(title: str, paths: Iterable[Path]) -> None:
    found = series_of(list(paths))
    rows = backtest(found)
    print_table(title, rows)
    steps = earlier_steps(found)
    if len(steps) >= 20:
        print_steps(title, steps)
        print_returns(title, found)
    if len(rows) >= 20:  # halves of a handful say nothing
        for name in ("dev", "check"):
            print_table(f"{title}, {name} half", [r for r in rows if half(r.series) == name])


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("data", nargs="*", type=Path, help="ccal data files with series")
    parser.add_argument(
        "--corpus",
        action="append",
        type=Path,
        default=[],
        help="a folder of ccfddl or ai-deadlines YAML files (repeatable)",
    )
    parser.add_argument("--shipped", action="store_true", help="the shipped ECCP series too")
    args = parser.parse_args(argv)
    corpora, shipped = list(args.corpus), args.shipped
    if not corpora and not args.data and not shipped:
        corpora, shipped = peer_samples(), True
    with tempfile.TemporaryDirectory() as tmp:
        for folder in corpora:
            written, read, skipped = import_corpus(folder, Path(tmp))
            print(f"\n{folder}: {read} YAML files read, {skipped} that no importer reads")
            run(str(folder), written)
        if shipped:
            from ccal.sources import shipped_dataset

            run("shipped ECCP series", [shipped_dataset()])
        if args.data:
            run("given files", args.data)


if __name__ == "__main__":
    sys.exit(main())
