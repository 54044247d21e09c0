"""Backtest of ccal's next-edition estimates against the two methods peer sites use.

Usage: python benchmarks/backtest.py [DATA.toml ...] [--ccfddl DIR] [--ai-deadlines DIR]

For every series with at least three dated editions, the latest dated edition is held out and
estimated from the earlier ones; its main deadline (the paper or submission deadline when there
is one, else the label with the longest history) is compared with:

- ccal's estimate (``ccal.estimate``: point and range);
- "last year + 1" (csconfs): the previous edition's date moved to the held-out year;
- "mean day of year" (simple_ccf_ddl): the mean day of year of the earlier editions.

All three are scored on the same held-out editions (those ccal estimated; the ones it declined
are counted apart). ``--ccfddl`` / ``--ai-deadlines`` import a peer dataset's folder first
(through ``ccal import``, into a temporary file). Not a test: it prints a table.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ccal.estimate import Edition, Estimate, estimate_next
from ccal.text import label_key

MAIN_WORDS = ("paper", "submission", "full", "deadline")


@dataclass(frozen=True)
class Case:
    series: str
    label: str
    actual: date
    basis: tuple[tuple[int, date], ...]  # (edition year, date) of the label, earlier editions
    held_out_year: int  # the held-out edition's year (its deadline may fall the year before)


def main_label(held_out: Edition, earlier: Sequence[Edition]) -> str | None:
    counts = {
        label: sum(label_key(label) in {label_key(x) for x in e.dates} for e in earlier)
        for label in held_out.dates
    }
    usable = [label for label, n in counts.items() if n >= 2]
    if not usable:
        return None
    for word in MAIN_WORDS:
        named = [label for label in usable if word in label.lower()]
        if named:
            return max(named, key=lambda label: counts[label])
    return max(usable, key=lambda label: counts[label])


def last_year_plus_one(case: Case) -> date:
    """The previous edition's date, moved by the editions' year difference."""
    year, day = case.basis[-1]
    return _same_day(day, day.year + case.held_out_year - year)


def mean_day_of_year(case: Case) -> date:
    """The mean day of year of the earlier editions, in the year the last one fell in moved by
    the editions' year difference (a January deadline of a December conference stays so)."""
    mean = round(statistics.fmean(d.timetuple().tm_yday for _, d in case.basis))
    year, day = case.basis[-1]
    return date(day.year + case.held_out_year - year, 1, 1) + timedelta(days=mean - 1)


def _same_day(day: date, year: int) -> date:
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def backtest(series: Mapping[str, Sequence[Edition]]) -> tuple[list[dict], int, int]:
    """Per held-out edition: the actual date and each method's; plus counts of the series
    considered and of those ccal declined to estimate."""
    rows: list[dict] = []
    considered = declined = 0
    for slug, editions in sorted(series.items()):
        dated = sorted((e for e in editions if e.dates), key=lambda e: (e.year, e.key))
        if len({e.year for e in dated}) < 3 or len({e.year for e in dated}) != len(dated):
            continue  # fewer than three editions, or several a year (not this backtest's case)
        *earlier, held_out = dated
        label = main_label(held_out, earlier)
        if label is None:
            continue
        considered += 1
        key = label_key(label)
        basis = tuple(
            (e.year, at.date())
            for e in earlier
            for lb, at in e.dates.items()
            if label_key(lb) == key
        )
        case = Case(slug, label, held_out.dates[label].date(), basis, held_out.year)
        result = estimate_next(slug, earlier)
        estimated = (
            next((d for d in result.dates if label_key(d.label) == key), None)
            if isinstance(result, Estimate)
            else None
        )
        if estimated is None:
            declined += 1
            continue
        rows.append(
            {
                "series": slug,
                "actual": case.actual,
                "ccal": estimated.at.date(),
                "range": (estimated.range_start.date(), estimated.range_end.date()),
                "last year + 1": last_year_plus_one(case),
                "mean day of year": mean_day_of_year(case),
            }
        )
    return rows, considered, declined


def scores(rows: Sequence[dict], method: str) -> dict[str, float]:
    errors = [abs((row[method] - row["actual"]).days) for row in rows]
    result = {
        "MAE d": statistics.fmean(errors),
        "median d": statistics.median(errors),
        "≤7 d %": 100 * sum(e <= 7 for e in errors) / len(errors),
        "≤14 d %": 100 * sum(e <= 14 for e in errors) / len(errors),
    }
    if method == "ccal":
        inside = [lo <= row["actual"] <= hi for row in rows for lo, hi in [row["range"]]]
        widths = [(hi - lo).days + 1 for row in rows for lo, hi in [row["range"]]]
        result["in range %"] = 100 * sum(inside) / len(inside)
        result["median width d"] = statistics.median(widths)
    return result


def print_table(title: str, rows: Sequence[dict], considered: int, declined: int) -> None:
    print(f"\n{title}: {considered} series with ≥ 3 dated editions, latest held out")
    if not rows:
        print("  nothing to score")
        return
    print(f"  ccal declined {declined} (no estimate); scored on the same {len(rows)} editions")
    columns = ["MAE d", "median d", "≤7 d %", "≤14 d %", "in range %", "median width d"]
    print("  " + f"{'method':<18}" + "".join(f"{c:>15}" for c in columns))
    for method in ("ccal", "last year + 1", "mean day of year"):
        got = scores(rows, method)
        cells = "".join(f"{got[c]:>15.1f}" if c in got else f"{'—':>15}" for c in columns)
        print("  " + f"{method:<18}" + cells)


def import_peer(fmt: str, folder: Path, out: Path) -> Path:
    target = out / f"{fmt}.toml"
    subprocess.run(
        [sys.executable, "-m", "ccal", "import", fmt, str(folder), "-o", str(target)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return target


def series_of(paths: Sequence[Path]) -> dict[str, list[Edition]]:
    """Every series of the files, its editions as ``ccal.estimate`` reads them (the same
    bridge ``ccal series --next`` uses)."""
    from ccal.loader import load_catalog
    from ccal.series import editions, estimate_editions, summaries

    catalog = load_catalog(list(paths))
    return {s.slug: estimate_editions(editions(catalog, s.slug)) for s in summaries(catalog)}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="*", type=Path, help="ccal data files with series")
    parser.add_argument("--ccfddl", type=Path, help="a ccfddl conference folder to import")
    parser.add_argument("--ai-deadlines", type=Path, help="an ai-deadlines folder to import")
    parser.add_argument("--shipped", action="store_true", help="the shipped ECCP series too")
    args = parser.parse_args(argv)
    runs: list[tuple[str, Callable[[], list[Path]]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.ccfddl:
            runs.append(("ccfddl", lambda: [import_peer("ccfddl", args.ccfddl, Path(tmp))]))
        if args.ai_deadlines:
            folder = args.ai_deadlines
            runs.append(("ai-deadlines", lambda: [import_peer("ai-deadlines", folder, Path(tmp))]))
        if args.shipped:
            from ccal.sources import shipped_dataset

            runs.append(("shipped ECCP series", lambda: [shipped_dataset()]))
        if args.data:
            runs.append(("given files", lambda: list(args.data)))
        for title, paths in runs:
            rows, considered, declined = backtest(series_of(paths()))
            print_table(title, rows, considered, declined)


if __name__ == "__main__":
    main()
