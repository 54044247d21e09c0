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
from ccal.estimate import Edition, Estimate, estimate_next, main_deadline

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


def backtest(series: Mapping[str, Sequence[Edition]]) -> list[Row]:
    """One row per series with at least three editions with a main deadline, one a year: the
    latest held out and estimated from the others."""
    rows: list[Row] = []
    for slug, editions in sorted(series.items()):
        dated = sorted(
            (e for e in editions if main_deadline(e.dates)), key=lambda e: (e.year, e.key)
        )  # editions with a deadline: one with only its conference's days has none to score
        years = [e.year for e in dated]
        if len(set(years)) < 3 or len(set(years)) != len(years):
            continue  # fewer than three editions, or several a year (not this backtest's case)
        labels = [main_deadline(e.dates) or "" for e in dated]
        *earlier, held_out = dated
        mains = [e.dates[label].date() for e, label in zip(dated, labels, strict=True)]
        basis = list(zip(years[:-1], mains[:-1], strict=True))
        actual, latest_label = mains[-1], labels[-2]
        result = estimate_next(slug, earlier, year=held_out.year)
        estimated = None
        if isinstance(result, Estimate):
            estimated = next((d for d in result.dates if d.label == latest_label), None)
        cadence = estimate_next(slug, earlier)
        rows.append(
            Row(
                series=slug,
                actual=actual,
                guesses={
                    "ccal": estimated.at.date() if estimated else None,
                    "last year + 1": last_year_plus_one(basis, held_out.year),
                    "mean day of year": mean_day_of_year(basis, held_out.year),
                },
                range=(estimated.range_start.date(), estimated.range_end.date())
                if estimated
                else None,
                cadence_agrees=isinstance(cadence, Estimate) and cadence.year == held_out.year,
            )
        )
    return rows


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
        cells = "".join(f"{got[c]:>15.1f}" if c in got else f"{'—':>15}" for c in columns)
        print("  " + f"{name:<28}" + cells)


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
    from ccal.series import editions, estimate_editions, summaries

    catalog = load_catalog(list(paths))
    return {s.slug: estimate_editions(editions(catalog, s.slug)) for s in summaries(catalog)}


def peer_samples() -> list[Path]:
    """The peer samples beside the repository (``shared/peer-data``), when there are any."""
    for parent in Path(__file__).resolve().parents:
        found = parent / "shared" / "peer-data"
        if found.is_dir():
            return [found / name for name in FORMATS if (found / name).is_dir()]
    return []


def run(title: str, paths: Iterable[Path]) -> None:
    rows = backtest(series_of(list(paths)))
    print_table(title, rows)
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
