"""Questions asked of a catalog: filters, windows, upcoming, statuses. ``now`` is passed in."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime, tzinfo
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from ccal import timeline
from ccal.catalog import Catalog, Entry, Item
from ccal.text import fold, label_key  # noqa: F401 (label_key: re-exported)
from ccal.timeline import micros

if TYPE_CHECKING:  # typing only: the fast path imports this module without pydantic
    from ccal.models import Opportunity

Status = Literal["passed", "next", "upcoming"]
Scope = Literal["upcoming", "past", "all"]

# The values below are named tuples, not frozen dataclasses: immutable, compared by value, and
# made in a tenth of the time at import. Python 3.11's ``dataclasses`` compiles each method it
# writes (``__init__``, ``__eq__``, ``__hash__``, ``__setattr__``, …) from source when the
# module is imported: ~3 M instructions a class, which every table the fast path draws paid for
# five classes it mostly never uses. (``catalog.Entry`` stays a dataclass: it caches its
# instants on itself and is copied with ``dataclasses.replace``.)
NO_MARKS: Mapping[str, Any] = MappingProxyType({})  # a listing's marks when none are given


class Filters(NamedTuple):
    """What the user narrowed the data to.

    Kinds: any of them; tags: all of them; search: every word, anywhere in the text.
    """

    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    organiser: str | None = None
    search: str | None = None
    series: str | None = None  # the editions of one series (``Opportunity.series``)

    def matches(self, opportunity: Opportunity, labels: Iterable[str] = ()) -> bool:
        if self.kinds and opportunity.kind not in self.kinds:
            return False
        if self.series is not None and getattr(opportunity, "series", None) != self.series:
            return False
        if self.tags:
            have = {fold(tag) for tag in opportunity.tags}
            if not all(fold(tag) in have for tag in self.tags):
                return False
        if self.organiser and fold(self.organiser) not in fold(opportunity.organiser or ""):
            return False
        if self.search:
            folded = search_text(opportunity, labels)
            if not all(word in folded for word in fold(self.search).split()):
                return False
        return True


def search_text(opportunity: Opportunity, labels: Iterable[str] = ()) -> str:
    """What ``--search`` looks in, folded: also what a published page filters on as you type."""
    return fold(
        " ".join(
            [
                opportunity.id,
                opportunity.title,
                opportunity.summary or "",
                opportunity.organiser or "",
                opportunity.location or "",
                " ".join(opportunity.tags),
                " ".join(labels),
            ]
        )
    )


class Window(NamedTuple):
    """A time range; an entry is inside when it overlaps it (a running event counts)."""

    start: datetime | None = None
    end: datetime | None = None

    def bounds_us(self) -> tuple[int | None, int | None]:
        return (
            micros(self.start) if self.start is not None else None,
            micros(self.end) if self.end is not None else None,
        )

    def contains(self, entry: Entry) -> bool:
        """``timeline.in_window``: overlapping, a running event included."""
        return timeline.in_window(entry.at_us, entry.due_us, entry.start_us, *self.bounds_us())

    def chooses(self, limit: int | None = None, scope: Scope = "upcoming") -> bool:
        """Whether this window, a limit or looking back (``past``) picks some occurrences of a
        repeating date rather than the whole series: calendar exports then carry only those."""
        return (
            self.start is not None or self.end is not None or limit is not None or (scope == "past")
        )


def statuses(entries: Iterable[Entry], now: datetime) -> dict[tuple[str, int], Status]:
    """Each entry's status within its own opportunity: passed, the next one, or later
    (``timeline.Statuses``, asked in sort order)."""
    status = timeline.Statuses(micros(now))
    return {
        (entry.opportunity.id, entry.position): status(entry.opportunity.id, entry.due_us)
        for entry in sorted(entries, key=Entry.sort_key)
    }


def under_way(entry: Entry, now: datetime) -> bool:
    """A range that has started and not ended: ``timeline.under_way`` of this entry."""
    return timeline.under_way(entry.start_us, entry.due_us, micros(now))


def under_way_from(entry: Entry) -> datetime | None:
    """When a range begins (``Entry.under_way_from``), None for a single moment."""
    return entry.under_way_from


def in_scope(entry: Entry, now: datetime, scope: Scope) -> bool:
    return timeline.in_scope(entry.due_us, micros(now), scope)


class Listing(NamedTuple):
    """What every listing renderer receives: the entries, their statuses, and the moment asked."""

    entries: list[Entry]
    statuses: dict[tuple[str, int], Status]
    now: datetime
    display_zone: tzinfo
    marks: Mapping[str, Any] = NO_MARKS  # id -> pipeline.state.Mark

    def status_of(self, entry: Entry) -> Status:
        return self.statuses[(entry.opportunity.id, entry.position)]

    def mark_of(self, entry: Entry) -> Any:
        """The user's pipeline mark of the entry's opportunity, or None."""
        return self.marks.get(entry.opportunity.id)

    def pairs(self) -> Iterator[tuple[Entry, Status]]:
        """Each entry with its status, in the listing's order (``StreamedListing.pairs``)."""
        return ((entry, self.status_of(entry)) for entry in self.entries)


class StreamedListing(NamedTuple):
    """A listing too big to hold (an export of every date of a big file): ``source`` makes its
    entries with their statuses, in the listing's order, anew on each call, from rows read as
    they are written (``index.streamed``). Exporters that need two looks (iCalendar's zones
    before its events, Markdown's headings) call ``pairs`` twice; nothing holds every entry."""

    source: Callable[[], Iterator[tuple[Entry, Status]]]
    now: datetime
    display_zone: tzinfo
    marks: Mapping[str, Any] = NO_MARKS  # id -> pipeline.state.Mark

    def mark_of(self, entry: Entry) -> Any:
        return self.marks.get(entry.opportunity.id)

    def pairs(self) -> Iterator[tuple[Entry, Status]]:
        return self.source()

    @property
    def entries(self) -> Iterable[Entry]:
        """The entries alone, again on each iteration (no ``len``: they are not held)."""
        return _Entries(self)


class _Entries:
    def __init__(self, listing: StreamedListing) -> None:
        self.listing = listing

    def __iter__(self) -> Iterator[Entry]:
        return (entry for entry, _status in self.listing.pairs())


AnyListing = Listing | StreamedListing


def select_listing(
    catalog: Catalog,
    now: datetime,
    zone: tzinfo,
    filters: Filters = Filters(),
    window: Window = Window(),
    scope: Scope = "upcoming",
    limit: int | None = None,
    marks: Mapping[str, Any] | None = None,
) -> Listing:
    """The use case of every listing command (``upcoming``, ``list --dates``, ``export``,
    ``remind``): the dated entries matching everything asked, with their statuses.

    ``timeline.select`` decides, as it does for the fast path over index rows: soonest first
    (most recent first for ``past``), at most ``limit``.
    """
    low_us, high_us = window.bounds_us()
    matches = None
    if filters != Filters():

        def matches(entry: Entry) -> bool:
            return filters.matches(entry.opportunity, (entry.label,))

    chosen = timeline.select(
        catalog.entries(),
        micros(now),
        Entry.moments,
        scope=scope,
        low_us=low_us,
        high_us=high_us,
        matches=matches,
        limit=limit,
    )
    status = {(e.opportunity.id, e.position): state for e, state in chosen}
    return Listing([entry for entry, _ in chosen], status, now, zone, dict(marks or {}))


def select_entries(
    catalog: Catalog,
    now: datetime,
    filters: Filters = Filters(),
    window: Window = Window(),
    scope: Scope = "upcoming",
    limit: int | None = None,
) -> list[Entry]:
    """Dated entries matching everything asked, soonest first (``select_listing``'s entries,
    in time order whatever the scope)."""
    entries = select_dates(catalog, now, filters, window, scope, None)
    if scope == "past":
        entries.reverse()
    return entries[:limit] if limit is not None else entries


def select_dates(
    catalog: Catalog,
    now: datetime,
    filters: Filters = Filters(),
    window: Window = Window(),
    scope: Scope = "upcoming",
    limit: int | None = None,
) -> list[Entry]:
    """What ``list --dates`` and ``export`` show: ``select_listing``'s entries, most recent
    first for ``past``."""
    return select_listing(catalog, now, UTC, filters, window, scope, limit).entries


def select_items(
    catalog: Catalog,
    now: datetime,
    filters: Filters = Filters(),
    window: Window = Window(),
    scope: Scope = "upcoming",
) -> list[Item]:
    """Opportunities matching the filters, ordered by their next (or latest) date.

    ``upcoming`` keeps those with a date still ahead, plus undated ones (nothing says they are
    over); ``past`` keeps those whose every date has passed.
    """
    chosen = []
    for item in catalog.items:
        if not filters.matches(item.opportunity, (e.label for e in item.entries)):
            continue
        windowed = [e for e in item.entries if window.contains(e)]
        if (window.start or window.end) and not windowed:
            continue
        ahead = any(not e.is_passed(now) for e in item.entries)
        if item_in_scope(scope, ahead, bool(item.entries)):
            chosen.append(item)
    return sorted(chosen, key=lambda item: _item_order(item, now))


def item_in_scope(scope: Scope, ahead: bool, dated: bool) -> bool:
    """Whether ``list`` shows an opportunity with a date still ``ahead`` (or none), that has
    dates at all (``dated``), under ``scope``: an undated one is never over, so it is upcoming.
    The index's table of opportunities (``index.items``) asks the same of its rows."""
    if scope == "upcoming":
        return ahead or not dated
    if scope == "past":
        return dated and not ahead
    return True


def item_order(
    next_at_us: int | None, latest_due_us: int | None, opportunity_id: str
) -> tuple[Any, ...]:
    """Where an opportunity goes in ``list``: by its next date (``next_entry``'s ``at_us``),
    then the passed ones latest first (the largest ``due_us``), then the undated; ties by id."""
    if next_at_us is not None:
        return (0, next_at_us, opportunity_id)
    if latest_due_us is not None:
        return (1, -latest_due_us, opportunity_id)
    return (2, 0, opportunity_id)


def _item_order(item: Item, now: datetime) -> tuple[Any, ...]:
    upcoming = next_entry(item, now)
    latest = max((e.due_us for e in item.entries), default=None)
    return item_order(None if upcoming is None else upcoming.at_us, latest, item.id)


def latest_entry(item: Item) -> Entry | None:
    """The entry of an opportunity that ends last (the first in file order of those that end
    together): what ``list`` shows of an opportunity whose every date has passed."""
    return max(item.entries, key=lambda e: e.due_us, default=None)


def next_entry(item: Item, now: datetime) -> Entry | None:
    """The soonest entry of an opportunity that has not passed."""
    ahead = [e for e in item.entries if not e.is_passed(now)]
    return min(ahead, key=Entry.sort_key, default=None)


def latest_passed(catalog: Catalog, now: datetime, filters: Filters = Filters()) -> Entry | None:
    """The most recent entry that has passed: what to tell a user when nothing is upcoming.

    Matched as ``select_entries`` matches, label included, so ``--search "cut-off 2"`` names
    the cut-off that passed, not nothing.
    """
    passed = [
        e
        for e in catalog.entries()
        if e.is_passed(now) and filters.matches(e.opportunity, (e.label,))
    ]
    return max(passed, key=lambda e: (e.due_us, e.opportunity.id), default=None)


class Nearby(NamedTuple):
    """What lies just outside an empty ``upcoming``: what to tell the user instead of nothing.

    ``latest``: the entry matching the filters that passed last; ``unfiltered``: the next entry
    in the window the filters left out (and how many they did); ``beyond``: the next entry
    matching the filters after the window's end; ``dated``: whether the files hold any date.
    """

    latest: Entry | None = None
    unfiltered: Entry | None = None
    unfiltered_count: int = 0
    beyond: Entry | None = None
    dated: bool = False


def nearby(
    catalog: Catalog,
    now: datetime,
    filters: Filters,
    window: Window,
    whole: Catalog | None = None,
) -> Nearby:
    """``Nearby`` for an ``upcoming`` that ``select_entries`` left empty (same rules).

    ``whole``: the catalog before ``--mine``/``--status`` narrowed it to ``catalog``; what the
    filters left out is then counted in it, so an empty pipeline reads as such, not as files
    without dates.
    """
    entries = catalog.entries()
    ahead = [e for e in entries if in_scope(e, now, "upcoming")]
    left_out = []
    if filters != Filters() or whole is not None:
        everything = whole.entries() if whole is not None else entries
        left_out = [e for e in everything if in_scope(e, now, "upcoming") and window.contains(e)]
        entries = everything
    beyond = None
    if window.end is not None:
        outside = (e for e in ahead if not window.contains(e))
        beyond = next((e for e in outside if filters.matches(e.opportunity, (e.label,))), None)
    return Nearby(
        latest=latest_passed(catalog, now, filters),
        unfiltered=left_out[0] if left_out else None,
        unfiltered_count=len(left_out),
        beyond=beyond,
        dated=bool(entries),
    )


def countdown_moment(entry: Entry, now: datetime) -> datetime:
    """What a countdown to ``entry`` runs to at ``now``: the end of a range under way (timed or
    all-day alike, see ``under_way``); the start of a range still ahead (``under_way_from``: an
    all-day conference counts down to the start of its first day, not its end); else ``at``
    (an all-day deadline: the end of its day)."""
    target = timeline.countdown_target(entry.start_us, entry.due_us, micros(now))
    if target == "start":
        start = under_way_from(entry)
        assert start is not None
        return start
    if target == "end":
        assert entry.end is not None
        return entry.end
    return entry.at


def deadlines_ahead(entries: Iterable[Entry], now: datetime) -> list[Entry]:
    """Entries that have not passed, by the moment a countdown runs to, soonest first.

    A range that has started is still ahead until it ends, and is counted down to its end, as
    every other output words it ("under way, ends in …"). At the very second of a deadline it
    is still due ("now"), as ``is_passed``. Compared in UTC (wall clocks mislead in autumn).
    """
    ahead = [e for e in entries if not e.is_passed(now)]
    return sorted(ahead, key=lambda e: (micros(countdown_moment(e, now)), e.sort_key()))


def countdown_candidates(catalog: Catalog, filters: Filters, item: Item | None) -> list[Entry]:
    """What ``ccal countdown`` may count down to: one opportunity's dates, else every date the
    filters match (the live view re-picks among them as deadlines pass)."""
    if item is not None:
        return list(item.entries)
    return [e for e in catalog.entries() if filters.matches(e.opportunity, (e.label,))]


def next_deadline(entries: Iterable[Entry], now: datetime) -> Entry | None:
    """The entry ``ccal countdown`` counts down to: the soonest ``countdown_moment`` ahead."""
    ahead = deadlines_ahead(entries, now)
    return ahead[0] if ahead else None
