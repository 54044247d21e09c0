"""Estimates of a series' next edition: when it will probably come, and how sure that is.

Pure functions of the editions already known: no clock, no network, no randomness, so the same
editions always give the same estimate. Every result says which editions it was drawn from and
how wide its range is; a series that gives too little to go on gets a reason instead of a
guess. The method and its backtest are described in ``docs/estimates.md``.

Two shapes of series are told apart by their spacing:

- **editions a year or more apart** (conferences, yearly events, biennial calls): each label of
  the latest edition is moved on to the next edition (a cadence of several years only when two
  gaps between editions say so: one gap is as often a year missing from the data), onto the
  same weekday nearest its calendar day (52 or 53 weeks on) — committees fix deadlines on
  weekdays — unless its history keeps the calendar day instead; after a late year (often an
  extension) a quarter of the lateness is taken back, at most a week. The main deadline
  (``main_deadline``) is one history across editions that name it differently. Its range is
  sized from how far this very rule would have been off on the label's own earlier editions:
  two weeks each side while its last three misses average under ten days (a record that short
  and that steady says little more: such series still miss by more than two weeks about one year
  in six), else twice that mean. A label whose record misses by months gets no estimate.
- **several dates a year** (a talk series every two weeks, a call with several cut-offs): the next
  date follows the latest after the median gap between dates, its range the spread of those gaps.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import NamedTuple

from ccal.clock import end_of_day, start_of_day, wall_time_on

METHOD = "anniversary-drift"
SUB_YEARLY_METHOD = "median-gap"
MIN_HALF_WIDTH_DAYS = 14  # two weeks each side: even a steady series misses by that 1 time in 6
STEADY_MISS_DAYS = 10  # recent misses averaging under this: the floor (docs/estimates.md)
RANGE_FACTOR = 2  # above it, the half-width is this many times the label's mean recent miss
RECENT_MISSES = 3  # the misses that count: the label's latest ones
MAX_HALF_WIDTH_DAYS = 120  # wider than four months each side says nothing: no estimate
PAPER_WORDS = ("paper", "submission", "full")  # a label naming the main deadline
NOT_DEADLINES = ("conference", "event")  # the event's own days: never the main deadline
ROLL_WIDEN_DAYS = 7  # each further cadence rolled past ``after``: a week wider each side
SUB_YEARLY_GAP_DAYS = 300  # dates closer than this on median: several a year
MAX_STEPS = 5  # rolling an estimate forward past ``after``: at most this many cadences
RETURN_SHARE = 4  # after a step later than its anniversary, a quarter of it is taken back
MAX_RETURN_DAYS = 7  # ... at most a week (``taken_back``)


History = tuple[list[int], list[datetime]]  # a label's dates by edition: years, instants (in step)
_NO_HISTORY: History = ([], [])


@dataclass(frozen=True)
class Edition:
    """One edition of a series: its year and the dates it gave, by label (first date each)."""

    key: str  # the opportunity id, for the basis
    year: int
    dates: Mapping[str, datetime]  # label → aware instant, in the entry's zone


class EstimatedDate(NamedTuple):
    """A label's estimated date: a point and a range of whole days around it (its zone).

    A named tuple, as ``Estimate``: immutable like a frozen dataclass and made in a third of
    the time (a frozen dataclass sets each field through ``object.__setattr__``; every series
    of a catalog makes one ``Estimate`` and a few of these)."""

    label: str
    at: datetime
    range_start: datetime  # the first second of the range's first day
    range_end: datetime  # the last second of the range's last day


class Estimate(NamedTuple):
    series: str
    year: int
    basis: tuple[int, ...]  # the years of the editions it was drawn from
    method: str
    cadence: str  # "yearly", "every 2 years", "every 14 days"
    dates: tuple[EstimatedDate, ...]


@dataclass(frozen=True)
class NoEstimate:
    series: str
    reason: str


def estimate_next(
    series: str,
    editions: Iterable[Edition],
    *,
    after: datetime | None = None,
    year: int | None = None,
) -> Estimate | NoEstimate:
    """The next edition after the latest known one (or, with ``after``, the first whose dates
    are not all before ``after``, rolled forward whole cadences with a range widened each step).

    ``year`` asks for the edition of that year instead of the cadence's next one (the backtest
    does, to compare with methods that are told the year); it must follow the latest edition.
    """
    dated, one_a_year = _in_order(editions)
    if not dated:
        return NoEstimate(series, "no edition has a date")
    mains = [main_deadline(e.dates) for e in dated]  # each edition's, found once
    if any(mains) and not all(mains):  # an edition whose deadlines are all TBD (its days
        # alone are known) says nothing of when they fall: the next one to estimate is its own
        dated = [e for e, label in zip(dated, mains, strict=True) if label]
        mains = [label for label in mains if label]
        one_a_year = one_a_year or _one_a_year(dated)
    if len(dated) > 1 and one_a_year:  # yearly, however many dates each edition has
        return _estimate_yearly(series, dated, mains, after, year, one_a_year=True)
    instants = sorted(at for e in dated for at in e.dates.values())
    gaps = [(b - a).days for a, b in itertools.pairwise(instants)]
    if _sub_yearly(gaps):
        return _estimate_sub_yearly(series, dated, instants, gaps, after)
    if len(dated) < 2:
        return NoEstimate(series, "only one edition: nothing to learn a cadence from")
    return _estimate_yearly(series, dated, mains, after, year)


def _in_order(editions: Iterable[Edition]) -> tuple[list[Edition], bool]:
    """The editions with a date, oldest first (by year, then first date, then key), each one
    listed twice made one (``_merge_duplicates``); and whether they are one a year (every year
    differs: a subset of them still is)."""
    dated = [e for e in editions if e.dates]
    if _one_a_year(dated):  # the usual case: the year alone orders them, nothing to merge
        return sorted(dated, key=operator.attrgetter("year")), True
    merged = _merge_duplicates(sorted(dated, key=_order))
    return merged, _one_a_year(merged)


def _one_a_year(dated: Sequence[Edition]) -> bool:
    return len({e.year for e in dated}) == len(dated)


def _merge_duplicates(dated: list[Edition]) -> list[Edition]:
    """The editions with each one listed twice made one: two editions of the same year that
    share a day are one edition from two sources (``ccal import ccfddl`` and ``ai-deadlines``
    both give "AAAI 2026"); left apart they looked like a series with several editions a year
    ("every 10 days"). The one with more dates is kept, with the other's labels it lacks added
    — except a date it already gives under another name (``_twin``), which keeps the name more
    of the series' editions use: each label's history stays one history across the years one
    source or both list ("Abstract" 2022–2027, not "Abstract submission deadline" in two).
    Editions of one year on different days (a cluster event in each of several cities) stay."""
    used: Counter[str] = Counter()  # how many editions use each label, counted when first read
    kept: list[Edition] = []
    days_of: list[set[date]] = []
    for edition in sorted(dated, key=lambda e: (e.year, -len(e.dates), e.key)):
        days = {at.date() for at in edition.dates.values()}
        same = None
        for i in range(len(kept) - 1, -1, -1):  # sorted by year: this year's are at the end
            if kept[i].year != edition.year:
                break
            if days & days_of[i]:
                same = i
                break
        if same is None:
            kept.append(edition)
            days_of.append(days)
            continue
        base = kept[same]
        merged = dict(base.dates)
        for label, at in edition.dates.items():
            if label in merged:
                continue
            twin = _twin(label, at, edition, base)
            if twin is None:
                merged[label] = at
            elif twin in merged and _uses(used, dated, label) > _uses(used, dated, twin):
                merged[label] = merged.pop(twin)  # the base's date, under the usual name
        kept[same] = Edition(base.key, base.year, merged)
        days_of[same] |= days
    return sorted(kept, key=_order)


def _uses(used: Counter[str], dated: Sequence[Edition], label: str) -> int:
    """How many labels of ``dated`` have ``label``'s key (``used`` is filled on the first call:
    most series have no two editions of a year to merge, and never need it)."""
    if not used:
        used.update(_key(name) for e in dated for name in e.dates)
    return used[_key(label)]


def _twin(label: str, at: datetime, edition: Edition, base: Edition) -> str | None:
    """The label under which ``base`` already gives ``edition``'s ``label``: the same instant
    ("Paper" on ccfddl, "Paper submission deadline" on ai-deadlines), or both editions' main
    deadline on the same day (one source a few seconds off). Added as well, it was estimated
    twice: two rows of one date. A base label the edition gives itself is no twin of another
    (abstract and paper due together are two deadlines); of several at that instant, the one
    sharing a word with ``label``, else none: a date listed twice beats a deadline lost."""
    same = [n for n, moment in base.dates.items() if moment == at and n not in edition.dates]
    if len(same) > 1:
        words = set(_key(label).split("-"))
        shared = [n for n in same if words & set(_key(n).split("-"))]
        return shared[0] if len(shared) == 1 else None
    if same:
        return same[0]
    main = main_deadline(base.dates)
    if main is None or main in edition.dates or main_deadline(edition.dates) != label:
        return None
    day = base.dates[main]
    return main if day.date() == at.astimezone(day.tzinfo).date() else None


# --- editions a year or more apart ----------------------------------------------------------------


def _estimate_yearly(
    series: str,
    dated: list[Edition],
    mains: list[str | None],
    after: datetime | None,
    year: int | None = None,
    *,
    one_a_year: bool = False,
) -> Estimate | NoEstimate:
    """``mains``: each edition's ``main_deadline`` (all None when no edition names one);
    ``one_a_year``: every edition's year differs (``_cadence_years``)."""
    years = [e.year for e in dated]
    cadence = _cadence_years(years, one_a_year)
    latest = dated[-1]
    target = latest.year + cadence if year is None or year <= latest.year else year
    main_label = mains[-1]
    named = [e.dates[label] for e, label in zip(dated, mains, strict=True) if label]
    if len(named) == len(dated):  # (``estimate_next`` leaves out editions with no main deadline
        main: History = (years, named)  # unless none has one)
    else:
        main = ([e.year for e, label in zip(dated, mains, strict=True) if label], named)
    if len(main[0]) < 2:  # no edition names a deadline: the editions' first dates are the history
        main = (years, [_first(e) for e in dated])
    others = {_key(label) for label in latest.dates if label != main_label}
    history = _label_histories(dated, others)  # the main label's is ``main``
    estimated: list[EstimatedDate] = []
    declined: list[str] = []
    for label, at in sorted(latest.dates.items(), key=operator.itemgetter(1)):
        points = main if label == main_label else history.get(_key(label), _NO_HISTORY)
        if len(points[0]) < 2:  # a label new in the latest edition moves like the main one
            points = _shift_like(main, at)
        guess = _predict(points, target)
        if guess is None:  # this label wanders by months; the others may still be steady
            declined.append(label)
            continue
        estimated.append(_dated(label, *guess, at.tzinfo or UTC))
    if not estimated:
        return NoEstimate(
            series, f"the editions disagree on when '{declined[0]}' falls (moved by months)"
        )
    year, steps = target, 0
    while after is not None and all(d.range_end < after for d in estimated):
        steps += 1
        if steps > MAX_STEPS:
            return NoEstimate(series, f"not seen since {latest.year}: too long ago to estimate")
        year += cadence
        estimated = [_roll(d, cadence) for d in estimated]
    if after is not None:
        estimated = [_not_before(d, after) for d in estimated]
    return Estimate(
        series=series,
        year=year,
        basis=tuple(years),
        method=METHOD,
        cadence="yearly" if cadence == 1 else f"every {cadence} years",
        dates=tuple(estimated),
    )


def _cadence_years(years: Sequence[int], one_a_year: bool = False) -> int:
    """The most common gap between consecutive editions' ``years`` (in order; the smaller on a
    tie); a gap of several years only when it occurs at least twice, else yearly: a lone
    two-year gap is as often an edition missing from the data as a biennial series."""
    if one_a_year and years[-1] - years[0] == len(years) - 1:  # every year, none missing: the
        return 1  # usual case (each gap is at least one year and they sum to one each)
    gaps = [b - a for a, b in itertools.pairwise(years) if b > a]
    if gaps and gaps.count(gaps[0]) == len(gaps):  # one gap throughout (the usual case)
        return gaps[0] if gaps[0] == 1 or len(gaps) >= 2 else 1
    counts = {gap: gaps.count(gap) for gap in set(gaps)}
    common = min(counts, key=lambda gap: (-counts[gap], gap), default=1)
    return common if common == 1 or counts[common] >= 2 else 1


def _predict(history: History, target_year: int) -> tuple[date, time, int] | None:
    """(day, wall time, half-width in days) for ``target_year`` from a label's history; None
    when the history misses by months (see ``half_width``)."""
    years, days = history  # instants: the walk reads only their wall-clock days
    record, keep_day, later = _walk(years, days, target_year - years[-1])
    if not record:
        record = misses(years, days)
    half = half_width(record)
    if half > MAX_HALF_WIDTH_DAYS:
        return None
    day = place(days[-1], target_year - years[-1], keep_day, later)
    return day, days[-1].time(), half  # its wall time (``time()`` drops only the zone)


def place(latest: date, years: int, keep_day: bool, later: int = 0) -> date:
    """The latest date moved on ``years`` editions' years — a little earlier when it came
    ``later`` days after its own anniversary (``taken_back``) — on the same weekday nearest
    that day (52 weeks on for a yearly series, 51 after a step weeks late), or on the calendar
    day when the label's history keeps its day of the month (``keep_day``: "31 January every
    year")."""
    anniversary = _moved(latest, years).toordinal()
    return date.fromordinal(_placed(anniversary, latest.weekday(), keep_day, later))


def _placed(anniversary: int, weekday: int, keep_day: bool, later: int) -> int:
    """``place`` from the latest date's anniversary and weekday (``_walk`` has both), as day
    ordinals (``date.toordinal``): whole numbers, so the walk makes no date objects."""
    day = anniversary - taken_back(later) if later > 0 else anniversary
    if keep_day:
        return day
    return day + (weekday - (day - 1) % 7 + 3) % 7 - 3  # ordinal 1 (1 Jan 1) was a Monday


def taken_back(later: int) -> int:
    """Days to move an estimate earlier after a step ``later`` days past its anniversary: a
    quarter of it (``RETURN_SHARE``), at most ``MAX_RETURN_DAYS``; none after a step earlier.

    Chosen on the earlier editions of the ccfddl corpus only (``benchmarks/backtest.py`` prints
    the evidence, docs/estimates.md reads it): after a step 8–29 days late the median next step
    was 4 days earlier, after one a month late or more 12 days earlier, while a step earlier
    stayed (the next one 0 to 2.5 days later): late years are often extensions, recorded as the
    deadline. On those editions a quarter, at most a week, put the MAE 0.26 days below "last
    year + 1" (without it: 0.02 below); half, or a quarter after early steps too, less so.
    """
    if later <= 0:
        return 0
    back = later // RETURN_SHARE
    return back if back < MAX_RETURN_DAYS else MAX_RETURN_DAYS  # (``min``: a slower call)


def late_by(years: Sequence[int], days: Sequence[date], i: int) -> int:
    """How many days edition ``i`` came after the anniversary of the one before (0 for the
    first): the step ``taken_back`` reads."""
    i %= len(days)
    if i == 0:
        return 0
    return (days[i] - _moved(days[i - 1], years[i] - years[i - 1])).days


def misses(years: Sequence[int], days: Sequence[date], step: int | None = None) -> list[int]:
    """How many days ``place`` would have been off on each edition after the first, estimated
    from the editions before it: the label's own record of how predictable it is (one pass).

    With ``step``, only editions that many years after the one before count: a jump across a
    missing year says more about the editions' numbering than about the deadline (``_predict``
    falls back on every step when none is that long: two editions that disagree still do).
    """
    return _walk(years, days, step)[0]


def _walk(
    years: Sequence[int], days: Sequence[date], step: int | None = None
) -> tuple[list[int], bool, int]:
    """``misses``, and what its one pass over every step knows at the end: whether the history
    keeps its day of the month rather than its weekday (its year-to-year steps repeat the day
    at least as often as the weekday, and at least once: committees mostly keep a weekday, a
    "15 March" call keeps its date) and how late its latest step came (``late_by`` of the last
    edition); so an estimate walks a label's history once."""
    found = []
    same_day = same_weekday = later = 0
    before, year_before = days[0], years[0]
    weekday_before = before.weekday()
    for year, day in zip(years[1:], days[1:], strict=True):
        gap = year - year_before
        anniversary = _moved(before, gap).toordinal()
        ordinal, weekday = day.toordinal(), day.weekday()
        if step is None or gap == step:
            keep = 0 < same_day >= same_weekday
            found.append(abs(_placed(anniversary, weekday_before, keep, later) - ordinal))
        later = ordinal - anniversary  # ``late_by`` of this edition, for the next one
        same_day += before.day == day.day
        same_weekday += weekday_before == weekday
        before, year_before, weekday_before = day, year, weekday
    return found, 0 < same_day >= same_weekday, later


def half_width(record: Sequence[int]) -> int:
    """A range's half-width in days from a label's misses (oldest first): ``MIN_HALF_WIDTH_DAYS``
    while the mean of the latest ``RECENT_MISSES`` is under ``STEADY_MISS_DAYS``, else
    ``RANGE_FACTOR`` times that mean.

    Chosen on the earlier editions of the ccfddl corpus only, never on the held-out ones
    (``benchmarks/backtest.py`` prints the table, docs/estimates.md reads it): after a record
    averaging under ten days the next miss was within two weeks 84 % of the time (87 % under 3
    days, 81 % from 3 to 10: a short record of small misses says little more than "steady"),
    after one averaging 10–20 days only 59 %; so steady labels share the floor, wandering ones
    get a range as wide as their record (it held the real date 84–86 % of the time).
    """
    recent = record[-RECENT_MISSES:]
    if not recent:
        return MIN_HALF_WIDTH_DAYS
    mean = sum(recent) / len(recent)
    if mean < STEADY_MISS_DAYS:
        return MIN_HALF_WIDTH_DAYS
    return max(MIN_HALF_WIDTH_DAYS, math.ceil(RANGE_FACTOR * mean))


def _label_histories(dated: Sequence[Edition], keys: set[str]) -> dict[str, History]:
    """The history of each label key in ``keys`` (``_key``: one history for "Paper" and
    "paper"), the first date of each year: only the keys asked for, as the main deadline's
    history is built apart and is most of the dates."""
    history: dict[str, History] = {}
    if not keys:
        return history
    for edition in dated:
        for label, at in edition.dates.items():
            key = _key(label)
            if key not in keys:
                continue
            years, days = history.setdefault(key, ([], []))
            if not years or years[-1] != edition.year:
                years.append(edition.year)
                days.append(at)
    return history


def main_deadline(dates: Mapping[str, datetime]) -> str | None:
    """The label of an edition's main deadline: its earliest paper or submission deadline (the
    first round of several), else its earliest date that is not an abstract; never the event's
    own days ("Conference"). Editions name it differently — "Paper" one year, "Round 1 – Paper"
    the next — so its history is the main deadline of each edition, whatever its label."""
    candidates = _best_ranked(tuple(dates))
    if len(candidates) < 2:  # the usual case: the labels alone decide
        return candidates[0] if candidates else None
    return min(candidates, key=dates.__getitem__)  # the earliest; on a tie the first listed


@functools.lru_cache(maxsize=4096)
def _best_ranked(labels: tuple[str, ...]) -> tuple[str, ...]:
    """The labels of the best ``_deadline_rank`` among ``labels``, in their order (cached: the
    editions of a catalog use a few sets of labels over and over)."""
    ranks = [_deadline_rank(label) for label in labels]
    best = min((rank for rank in ranks if rank is not None), default=None)
    if best is None:
        return ()
    return tuple(label for label, rank in zip(labels, ranks, strict=True) if rank == best)


@functools.lru_cache(maxsize=4096)
def _deadline_rank(label: str) -> int | None:
    """0 for a paper or submission deadline, 1 for another deadline, None for an abstract or
    the event's own days (never the main deadline)."""
    key = _key(label)
    if key in NOT_DEADLINES or "abstract" in key:  # "Abstract submission deadline" too
        return None
    return 0 if any(word in key for word in PAPER_WORDS) else 1


def _shift_like(main: History, at: datetime) -> History:
    """A label seen once, given the main label's history: the same offsets from it each year."""
    years, days = main
    offset = at - days[-1]
    return years, [moment + offset for moment in days]


# --- several dates a year -------------------------------------------------------------------------


def _sub_yearly(gaps: Sequence[int]) -> bool:
    """Whether editions that are not one a year, their dates ``gaps`` days apart (in order),
    come several a year: three dates at least, on median closer than ``SUB_YEARLY_GAP_DAYS``."""
    return len(gaps) >= 2 and statistics.median(gaps) < SUB_YEARLY_GAP_DAYS


def _estimate_sub_yearly(
    series: str,
    dated: list[Edition],
    instants: list[datetime],
    gaps: list[int],
    after: datetime | None,
) -> Estimate | NoEstimate:
    """``gaps``: the days between consecutive ``instants`` (``_sub_yearly`` read them)."""
    gap = max(1, round(statistics.median(gaps)))
    spread = round(statistics.median(abs(g - gap) for g in gaps))
    latest_at = instants[-1]
    label = next(lb for lb, at in dated[-1].dates.items() if at == max(dated[-1].dates.values()))
    zone = latest_at.tzinfo or UTC
    local = latest_at.astimezone(zone)
    day = local.date() + timedelta(days=gap)
    weekdays = {at.astimezone(zone).weekday() for at in instants}
    if len(weekdays) == 1:  # a talk every other Wednesday stays on Wednesdays
        day += timedelta(days=(weekdays.pop() - day.weekday() + 3) % 7 - 3)
    half = max(2, 2 * spread, gap // 10)
    # Rolled past ``after`` until the most likely day is not before it: a talk whose day has
    # passed unrecorded is not the next one. Its range then starts no earlier than that day.
    today = after.astimezone(zone).date() if after is not None else None
    steps = 0
    while today is not None and day < today:
        steps += 1
        if steps > MAX_STEPS:
            return NoEstimate(series, f"not seen since {latest_at.year}: too long ago to estimate")
        day += timedelta(days=gap)
        half += max(1, spread)
    wall = local.timetz().replace(tzinfo=None)
    estimated = _dated(label, day, wall, half, zone, earliest=today)
    return Estimate(
        series=series,
        year=day.year,
        basis=tuple(sorted({e.year for e in dated})),
        method=SUB_YEARLY_METHOD,
        cadence=f"every {gap} days",
        dates=(estimated,),
    )


# --- small helpers --------------------------------------------------------------------------------


def _dated(
    label: str, day: date, wall: time, half: int, zone: tzinfo, earliest: date | None = None
) -> EstimatedDate:
    """``half`` whole days each side of ``day``, the range starting no earlier than
    ``earliest`` when given."""
    at = wall_time_on(day, wall, zone)
    ordinal = day.toordinal()
    first = date.fromordinal(ordinal - half)  # (a ``timedelta`` each side costs more)
    return EstimatedDate(
        label,
        at,
        start_of_day(first if earliest is None else max(first, earliest), zone),
        end_of_day(date.fromordinal(ordinal + half), zone),
    )


def _roll(estimated: EstimatedDate, years: int) -> EstimatedDate:
    """One cadence later, ``ROLL_WIDEN_DAYS`` wider each side: uncertainty grows every step."""
    zone = estimated.at.tzinfo or UTC
    day = _moved(estimated.at.date(), years)
    half = (estimated.range_end.date() - estimated.at.date()).days + ROLL_WIDEN_DAYS
    return _dated(estimated.label, day, estimated.at.timetz().replace(tzinfo=None), half, zone)


def _not_before(estimated: EstimatedDate, after: datetime) -> EstimatedDate:
    """A range still open at ``after`` starting on ``after``'s day at the earliest (its zone),
    its point no earlier than that day: a deadline not announced by today falls today or later,
    so the days before it are no longer possible (a range reaching weeks back showed them). A
    range over before ``after`` is left as it is (the listings leave it out)."""
    if estimated.range_start >= after or estimated.range_end < after:
        return estimated  # (the usual case, decided without a zone conversion)
    zone = estimated.at.tzinfo or UTC
    today = after.astimezone(zone).date()
    if estimated.range_start.date() >= today:
        return estimated
    day = max(estimated.at.date(), today)
    half = (estimated.range_end.date() - day).days
    wall = estimated.at.timetz().replace(tzinfo=None)
    return _dated(estimated.label, day, wall, half, zone, earliest=today)


def _moved(day: date, years: int) -> date:
    """The same month and day ``years`` later (29 February becomes the 28th). Editions are
    moved by their editions' year difference, not to a calendar year: the deadline of a 2027
    conference often falls in 2026."""
    try:
        return date(day.year + years, day.month, day.day)  # (``replace`` parses keywords: slower)
    except ValueError:
        return date(day.year + years, day.month, 28)


def _first(edition: Edition) -> datetime:
    return min(edition.dates.values())


def _order(edition: Edition) -> tuple[int, datetime, str]:
    """Oldest first: by year, then by first date, then by key (so the order never depends on
    the order the editions came in)."""
    return edition.year, _first(edition), edition.key


@functools.lru_cache(maxsize=4096)
def _key(label: str) -> str:
    """``label_key``, cached: a few labels recur across every series of a catalog."""
    from ccal.text import label_key

    return label_key(label)
