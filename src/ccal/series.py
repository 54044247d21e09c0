"""Series: the editions of one recurring thing (every NeurIPS, every Clusters meet Regions).

An opportunity joins a series with ``series = "SLUG"``. Pure functions of a catalog returning
data: ``summaries`` (each series' count and years), ``editions`` (one series year by year, each
label's date; ``every_series``: every series' in one pass) and ``shifts`` (how each label moved
from the edition before). Renderers and the estimate of a next edition build on these; none of
them reads the clock.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ccal import estimate
from ccal.catalog import Catalog, Entry, Item
from ccal.text import label_key

_YEAR = re.compile(r"(?<!\d)(19\d\d|20\d\d|21\d\d)(?!\d)")
_ASIDE = re.compile(r"\s*\([^()]*\)\s*$")  # "C2Lab (unconfirmed)": the date's label is "C2Lab"


def series_label(label: str) -> str:
    """The key by which labels of different editions match: ``query.label_key`` without a
    closing aside, so "C2Lab (unconfirmed)" one year is "C2Lab" the next."""
    return label_key(_ASIDE.sub("", label) or label)


@dataclass(frozen=True)
class Edition:
    """One opportunity of a series: its year and its dated entries by label (in file order).

    ``dates_by_label`` maps each label as written to its entry; labels of different editions
    are matched by ``series_label`` ("Paper", "paper" and "Paper (tbc)" are one label).
    """

    year: int
    item: Item
    dates_by_label: dict[str, Entry] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def title(self) -> str:
        return self.item.opportunity.title


@dataclass(frozen=True)
class Summary:
    """A series as ``ccal series`` lists it."""

    slug: str
    count: int
    first_year: int
    latest_year: int


@dataclass(frozen=True)
class Shift:
    """One label of an edition next to the same label of the edition before.

    ``days`` is how many days later (positive) or earlier in its year the date falls than the
    year before (15 May 2025 → 6 May 2026 is −9); None when the edition before has no such label.
    """

    label: str
    entry: Entry
    before: Entry | None
    days: int | None


def edition_year(item: Item) -> int | None:
    """The year an edition is of: a year in its title ("NeurIPS 2026"), else in its id
    (``cmr-2023-kosice``), else the year of its last date; None for an undated edition with
    no year in its name. A 2026 conference may have its deadlines in 2025: the name says more.
    """
    for text in (item.opportunity.title, item.id):
        found = _YEAR.findall(text)
        if found:
            return int(found[-1])
    dated = _base_entries(item)
    if not dated:
        return None
    return max(_local_day(e) for e in dated).year


def summaries(catalog: Catalog) -> list[Summary]:
    """Every series of the catalog, by slug, with its editions' count, first and latest year."""
    years: dict[str, list[int]] = {}
    for item in catalog.items:
        slug = item.opportunity.series
        if slug is None:
            continue
        year = edition_year(item)
        years.setdefault(slug, [])
        if year is not None:
            years[slug].append(year)
    counts: dict[str, int] = {}
    for item in catalog.items:
        if item.opportunity.series is not None:
            counts[item.opportunity.series] = counts.get(item.opportunity.series, 0) + 1
    return [
        Summary(slug, counts[slug], min(found, default=0), max(found, default=0))
        for slug, found in sorted(years.items())
    ]


def editions(catalog: Catalog, slug: str) -> list[Edition]:
    """The editions of series ``slug``, oldest first (by year, then first date, then id).

    Undated editions without a year in their name cannot be placed and are left out.
    """
    return _placed(item for item in catalog.items if item.opportunity.series == slug)


def every_series(catalog: Catalog) -> dict[str, list[Edition]]:
    """``editions`` of every series, by slug (in slug order), in one pass over the catalog:
    asking ``editions`` of each of 10,000 series read every opportunity 10,000 times. A series
    none of whose editions can be placed has an empty list (``summaries`` still lists it)."""
    members: dict[str, list[Item]] = {}
    for item in catalog.items:
        slug = item.opportunity.series
        if slug is not None:
            members.setdefault(slug, []).append(item)
    return {slug: _placed(members[slug]) for slug in sorted(members)}


def _placed(items: Iterable[Item]) -> list[Edition]:
    """The editions of these opportunities of one series, in ``editions``' order."""
    found = []
    for item in items:
        year = edition_year(item)
        if year is None:
            continue
        by_label = {e.label: e for e in _base_entries(item)}
        found.append(Edition(year, item, by_label))

    shared = {year for year, count in Counter(e.year for e in found).items() if count > 1}

    def order(edition: Edition) -> tuple[Any, ...]:
        if edition.year not in shared:  # its year alone places it: no day to work out (each
            # asks the entry's zone, ~1 s of 10,000 series' editions)
            return (edition.year, date.max, edition.id)
        days = [_local_day(e) for e in edition.dates_by_label.values()]
        return (edition.year, min(days, default=date.max), edition.id)

    return sorted(found, key=order)


def labels(found: list[Edition]) -> list[str]:
    """Every label of the editions (one per ``series_label``), in the order they first appear,
    as the newest edition without an aside writes it ("C2Lab" rather than "C2Lab (tbc)")."""
    seen: dict[str, str] = {}
    for edition in found:
        for label in edition.dates_by_label:
            key = series_label(label)
            if key not in seen or not _ASIDE.search(label):
                seen[key] = label
    return list(seen.values())


def yearly(found: list[Edition]) -> bool:
    """At most one edition a year: only then does "the shift from the year before" mean
    something (Clusters meet Regions, several a year, has none)."""
    years = [edition.year for edition in found]
    return len(years) == len(set(years))


def shifts(found: list[Edition]) -> list[list[Shift]]:
    """For each edition (in order), each of its labels with the same label of the edition
    before it and the shift in days between them (see ``Shift``); for a series with several
    editions in one year (not ``yearly``), no label has an edition before it."""
    result: list[list[Shift]] = []
    previous: Edition | None = None
    compare = yearly(found)
    for edition in found:
        before = (
            {series_label(k): v for k, v in previous.dates_by_label.items()}
            if previous is not None and compare
            else {}
        )
        row = []
        for label, entry in edition.dates_by_label.items():
            earlier = before.get(series_label(label))
            days = None
            if earlier is not None and previous is not None:
                days = shift_days(
                    _local_day(earlier), _local_day(entry), edition.year - previous.year
                )
            row.append(Shift(label, entry, earlier, days))
        result.append(row)
        previous = edition
    return result


def shift_days(before: date, after: date, years: int) -> int:
    """Days from ``before`` moved on by ``years`` to ``after`` (29 Feb moves to 28 Feb)."""
    try:
        moved = before.replace(year=before.year + years)
    except ValueError:  # 29 February into a year without one
        moved = before.replace(year=before.year + years, day=28)
    return (after - moved).days


def estimate_editions(found: list[Edition]) -> list[estimate.Edition]:
    """The editions as ``ccal.estimate`` reads them: each label's instant on its own clock
    (an aside such as "(tbc)" dropped, so a label matches its earlier editions)."""
    result = []
    for edition in found:
        dates: dict[str, datetime] = {}
        for label, entry in edition.dates_by_label.items():
            dates.setdefault(_ASIDE.sub("", label) or label, entry.at.astimezone(entry.zone))
        result.append(estimate.Edition(edition.id, edition.year, dates))
    return result


def next_edition(
    slug: str, found: list[Edition], *, after: datetime | None = None
) -> estimate.Estimate | estimate.NoEstimate:
    """The estimated next edition of series ``slug`` from its editions ``found`` (``editions``,
    or one list of ``every_series``; see ``estimate.estimate_next``): after its latest known one,
    or with ``after`` the first still ahead of it.

    When that edition is announced with its deadlines TBD (``announced``), the labels it already
    dates (its own days) are left out: facts win, in ``series --next``, the series table and the
    listings' ``--estimated`` alike.
    """
    result = estimate.estimate_next(slug, estimate_editions(found), after=after)
    if not isinstance(result, estimate.Estimate):
        return result
    dated = {
        series_label(label) for e in announced(found, result.year) for label in e.dates_by_label
    }
    kept = tuple(d for d in result.dates if series_label(d.label) not in dated)
    if len(kept) == len(result.dates):
        return result
    if not kept:
        return estimate.NoEstimate(slug, f"the {result.year} edition already dates every label")
    return result._replace(dates=kept)


def with_deadlines(found: list[Edition]) -> list[Edition]:
    """The editions that name a deadline: the ones ``estimate.estimate_next`` learns from when
    there are any (an edition with only its own days known is the one to estimate)."""
    return [
        edition
        for edition in found
        if estimate.main_deadline({label: e.at for label, e in edition.dates_by_label.items()})
    ]


def is_deadline(label: str) -> bool:
    """Whether a date is a deadline rather than the event's own days ("Conference", "Event",
    which ``estimate.main_deadline`` never takes either): a conference still ahead after its
    deadlines passed leaves its series' next deadline unknown, so ``--estimated`` estimates it."""
    return label_key(series_label(label)) not in estimate.NOT_DEADLINES


def announced(found: list[Edition], year: int) -> list[Edition]:
    """The editions of ``year`` the estimate does not learn from: announced with their own days
    while their deadlines are TBD (ICANN 2026 on ccfddl), so its deadlines are what is estimated."""
    same = [e for e in found if e.year == year]
    if not same:  # the common case, a year after every known edition: nothing to look up
        return []
    learned = {e.id for e in with_deadlines(found) or found}
    return [e for e in same if e.id not in learned]


def _base_entries(item: Item) -> list[Entry]:
    """The item's dates as written: a repeating date once (its first occurrence)."""
    return [e for e in item.entries if not e.occurrence]


def _local_day(entry: Entry) -> date:
    """The day of an entry on its own clock (an all-day entry's ``at`` is its day's end)."""
    return entry.at.astimezone(entry.zone).date()


def unknown_series_message(slug: str, known: list[str]) -> str:
    """What ``ccal series SLUG`` and ``--series SLUG`` say of a slug no opportunity has."""
    import difflib

    close = difflib.get_close_matches(slug, known, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return f"unknown series '{slug}'{hint} ('ccal series' lists them)"
