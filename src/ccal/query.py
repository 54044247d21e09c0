"""Questions asked of a catalog: filters, windows, upcoming, statuses. ``now`` is passed in."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from ccal.catalog import Catalog, Entry, Item
from ccal.clock import start_of_day

if TYPE_CHECKING:  # typing only: the fast path imports this module without pydantic
    from ccal.models import Opportunity

Status = Literal["passed", "next", "upcoming"]
Scope = Literal["upcoming", "past", "all"]


def fold(text: str) -> str:
    """Case- and accent-insensitive form: ``Košice`` and ``KOSICE`` both give ``kosice``."""
    if text.isascii():
        return text.lower()  # the same, without decomposing (every label of a file at load)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def label_key(label: str) -> str:
    """``cut-off-2`` for "Cut-off 2": the form in which two labels of one opportunity must
    differ (``models``), and the one calendar exports build UIDs from (``render.ics``)."""
    return _NOT_SLUG.sub("-", fold(label)).strip("-") or "date"


@dataclass(frozen=True)
class Filters:
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
            haystack = " ".join(
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
            folded = fold(haystack)
            if not all(word in folded for word in fold(self.search).split()):
                return False
        return True


@dataclass(frozen=True)
class Window:
    """A time range; an entry is inside when it overlaps it (a running event counts)."""

    start: datetime | None = None
    end: datetime | None = None

    def contains(self, entry: Entry) -> bool:
        if self.start is not None and entry.due.astimezone(UTC) < self.start.astimezone(UTC):
            return False
        if self.end is None:
            return True
        start = under_way_from(entry) or entry.at  # an all-day range begins with its first day
        return start.astimezone(UTC) <= self.end.astimezone(UTC)

    def chooses(self, limit: int | None = None, scope: Scope = "upcoming") -> bool:
        """Whether this window, a limit or looking back (``past``) picks some occurrences of a
        repeating date rather than the whole series: calendar exports then carry only those."""
        return (
            self.start is not None or self.end is not None or limit is not None or (scope == "past")
        )


def statuses(entries: Iterable[Entry], now: datetime) -> dict[tuple[str, int], Status]:
    """Each entry's status within its own opportunity: passed, the next one, or later."""
    result: dict[tuple[str, int], Status] = {}
    nexts: dict[str, Entry] = {}
    for entry in entries:
        key = (entry.opportunity.id, entry.position)
        if entry.is_passed(now):
            result[key] = "passed"
            continue
        result[key] = "upcoming"
        current = nexts.get(entry.opportunity.id)
        if current is None or entry.sort_key() < current.sort_key():
            nexts[entry.opportunity.id] = entry
    for entry in nexts.values():
        result[(entry.opportunity.id, entry.position)] = "next"
    return result


def under_way(entry: Entry, now: datetime) -> bool:
    """A range that has started and not ended: the one rule for it.

    It starts at ``under_way_from`` and lasts until ``end``. Such an entry has not passed, so it
    keeps its status (often ``next``) and JSON's ``seconds_left`` (to ``at``) may go negative;
    human outputs say "under way, ends in …". Compared in UTC: datetimes sharing a tzinfo
    compare as wall-clock times.
    """
    start = under_way_from(entry)
    if start is None:
        return False
    assert entry.end is not None
    moment = now.astimezone(UTC)
    return start.astimezone(UTC) <= moment <= entry.end.astimezone(UTC)


def under_way_from(entry: Entry) -> datetime | None:
    """When a range begins: ``at``, or for an all-day range the start of its first day (an
    all-day ``at`` is the end of that day). None for a single moment. The index stores it."""
    if entry.end is None:
        return None
    if entry.all_day:
        return start_of_day(entry.at.date(), entry.zone)
    return entry.at


def in_scope(entry: Entry, now: datetime, scope: Scope) -> bool:
    if scope == "all":
        return True
    return entry.is_passed(now) == (scope == "past")


def select_entries(
    catalog: Catalog,
    now: datetime,
    filters: Filters = Filters(),
    window: Window = Window(),
    scope: Scope = "upcoming",
    limit: int | None = None,
) -> list[Entry]:
    """Dated entries matching everything asked, soonest first."""
    chosen = [
        entry
        for entry in catalog.entries()
        if in_scope(entry, now, scope)
        and window.contains(entry)
        and filters.matches(entry.opportunity, (entry.label,))
    ]
    return chosen[:limit] if limit is not None else chosen


def select_dates(
    catalog: Catalog,
    now: datetime,
    filters: Filters = Filters(),
    window: Window = Window(),
    scope: Scope = "upcoming",
    limit: int | None = None,
) -> list[Entry]:
    """What ``list --dates`` and ``export`` show: ``select_entries``, most recent first for
    ``past`` (looking back, the latest matters most). ``limit`` keeps the first rows of that
    order: the entries closest to now, whichever way the listing looks."""
    entries = select_entries(catalog, now, filters, window, scope)
    if scope == "past":
        entries.reverse()
    return entries[:limit] if limit is not None else entries


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
        if scope == "upcoming" and item.entries and all(e.is_passed(now) for e in item.entries):
            continue
        if scope == "past" and (
            not item.entries or not all(e.is_passed(now) for e in item.entries)
        ):
            continue
        chosen.append(item)
    return sorted(chosen, key=lambda item: _item_order(item, now))


def _item_order(item: Item, now: datetime) -> tuple:
    upcoming = next_entry(item, now)
    if upcoming is not None:
        return (0, upcoming.at.timestamp(), item.id)
    if item.entries:
        return (1, -max(e.due for e in item.entries).timestamp(), item.id)
    return (2, 0.0, item.id)


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
    return max(passed, key=lambda e: (e.due.timestamp(), e.opportunity.id), default=None)


def countdown_moment(entry: Entry, now: datetime) -> datetime:
    """What a countdown to ``entry`` runs to at ``now``: the end of a range under way (timed or
    all-day alike, see ``under_way``), else ``at``."""
    if entry.end is not None and under_way(entry, now):
        return entry.end
    return entry.at


def deadlines_ahead(entries: Iterable[Entry], now: datetime) -> list[Entry]:
    """Entries that have not passed, by the moment a countdown runs to, soonest first.

    A range that has started is still ahead until it ends, and is counted down to its end, as
    every other output words it ("under way, ends in …"). At the very second of a deadline it
    is still due ("now"), as ``is_passed``. Compared in UTC (wall clocks mislead in autumn).
    """
    ahead = [e for e in entries if not e.is_passed(now)]
    return sorted(ahead, key=lambda e: (countdown_moment(e, now).astimezone(UTC), e.sort_key()))


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
