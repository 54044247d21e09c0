"""The loaded data, ready to query: opportunities with their dates resolved to aware instants."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple
from zoneinfo import ZoneInfo

from ccal.clock import start_of_day
from ccal.timeline import is_passed, micros, sort_key

if TYPE_CHECKING:  # typing only: the fast path imports this module without pydantic (nor
    # pathlib: its tables build entries, not items)
    from pathlib import Path

    from ccal.models import Opportunity

if TYPE_CHECKING:
    from ccal.recurrence import Recurrence


@dataclass(frozen=True, slots=True)  # slots: 250k entries of a big file, ~40 MB less
class Entry:
    """One dated moment of an opportunity, with every time zone-aware.

    ``at`` is the instant the entry is sorted and counted down by (for an all-day entry, the last
    second of its day); ``end`` closes a range. An entry has passed once its ``due`` is behind us.
    """

    opportunity: Opportunity
    position: int  # index in the opportunity's ``dates``: stable within one file
    label: str
    at: datetime
    end: datetime | None
    all_day: bool
    zone: ZoneInfo
    tentative: bool = False
    source: str | None = None
    previous: datetime | None = None  # where ``ccal extend`` moved this date from
    recurrence: Recurrence | None = None  # set on every occurrence of a repeating entry
    occurrence: int | None = None  # 0 for the first occurrence of a series, None if not one
    # (at_us, due_us, start_us), worked out on first use (``_instants``): a first load asks
    # them of every entry several times (the index's rank order and rows, the listing's sort
    # and statuses), and each ``micros`` asks the zone for its offset. Not an init field, so
    # ``dataclasses.replace`` (an occurrence with another ``at``) starts without it.
    _us: tuple[int, int, int | None] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def rrule(self) -> str | None:
        """The complete RFC 5545 RRULE value (with UNTIL or COUNT), e.g. for an ICS exporter;
        ``None`` for a date that does not repeat. The series starts at occurrence 0's ``at``."""
        return self.recurrence.rfc5545(self.all_day) if self.recurrence is not None else None

    @property
    def due(self) -> datetime:
        return self.end or self.at

    @property
    def under_way_from(self) -> datetime | None:
        """When a range begins: ``at``, or for an all-day range the start of its first day (an
        all-day ``at`` is the end of that day). None for a single moment. The index stores it."""
        if self.end is None:
            return None
        if self.all_day:
            return start_of_day(self.at.date(), self.zone)
        return self.at

    # The instants ``ccal.timeline``'s rules take, in microseconds since 1970 UTC.

    def _instants(self) -> tuple[int, int, int | None]:
        found = self._us
        if found is None:
            at_us = micros(self.at)
            if self.end is None:  # most dates: one moment, due then, never under way
                found = (at_us, at_us, None)
            else:
                start = self.under_way_from
                start_us = at_us if start is self.at else micros(start)  # type: ignore[arg-type]
                found = (at_us, micros(self.end), start_us)
            object.__setattr__(self, "_us", found)  # frozen: a cache of its own values
        return found

    @property
    def at_us(self) -> int:
        return self._instants()[0]

    @property
    def due_us(self) -> int:
        return self._instants()[1]

    @property
    def start_us(self) -> int | None:
        return self._instants()[2]

    def moments(self) -> tuple[str, int, int, int | None]:
        """(opportunity, at_us, due_us, start_us): what ``timeline.select`` asks of a row."""
        return (self.opportunity.id, *self._instants())

    def is_passed(self, now: datetime) -> bool:
        return is_passed(self.due_us, micros(now))

    def sort_key(self) -> tuple[int, str, int]:
        return sort_key(self.at_us, self.opportunity.id, self.position)


class Item(NamedTuple):
    """An opportunity together with the file it came from, its zone and its resolved dates.

    A named tuple, not a dataclass like ``Entry``: immutable and compared by value all the same,
    and made in a fraction of the time at import (``query``'s values say why that counts)."""

    opportunity: Opportunity
    path: Path
    zone: ZoneInfo
    entries: tuple[Entry, ...] = ()

    @property
    def id(self) -> str:
        return self.opportunity.id


@dataclass(frozen=True)
class Catalog:
    """Everything that was loaded, in file order."""

    items: tuple[Item, ...]
    # Every entry in sort order, once worked out: by ``entries``, or handed over by the index
    # writer, which ranks the same entries in the same order anyway (``in_order``).
    _sorted: list[Entry] | None = field(default=None, init=False, repr=False, compare=False)

    def entries(self) -> list[Entry]:
        """Every dated entry, soonest first."""
        if self._sorted is None:
            found = sorted((e for item in self.items for e in item.entries), key=Entry.sort_key)
            object.__setattr__(self, "_sorted", found)  # frozen: a cache of its own entries
        assert self._sorted is not None
        return list(self._sorted)

    def in_order(self, entries: list[Entry]) -> None:
        """Keep ``entries`` as ``entries()``'s answer: every entry of this catalog, in
        ``Entry.sort_key`` order (the index writer's rank order; a test compares the two)."""
        if self._sorted is None:
            object.__setattr__(self, "_sorted", entries)

    def expanded(self, low: datetime, high: datetime) -> Catalog:
        """The catalog with repeating entries replaced by their occurrences (see recurrence)."""
        if not any(e.recurrence for item in self.items for e in item.entries):
            return self
        from ccal.recurrence import expand

        return Catalog(
            tuple(
                item._replace(entries=tuple(o for e in item.entries for o in expand(e, low, high)))
                for item in self.items
            )
        )

    def kinds(self) -> tuple[str, ...]:
        """The kinds ``--kind`` may name: the built-in ones, then those the data uses (each
        declared by its file, or the file would not have loaded)."""
        from ccal.rules import KINDS

        seen = dict.fromkeys(KINDS)
        for item in self.items:
            seen.setdefault(item.opportunity.kind)
        return tuple(seen)

    def ids(self) -> list[str]:
        return [item.id for item in self.items]

    def find(self, opportunity_id: str) -> Item:
        """The opportunity with this id, or a lookup error that suggests near matches."""
        for item in self.items:
            if item.id == opportunity_id:
                return item
        from ccal.errors import LookupFailed

        raise LookupFailed(unknown_id_message(opportunity_id, self.ids()))


def unknown_id_message(wanted: str, known: list[str]) -> str:
    import difflib  # only on this error path: keeps the start-up fast path lean

    close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.6)
    if not close:
        close = [known_id for known_id in known if wanted and wanted in known_id][:3]
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return f"unknown id '{wanted}'{hint} ('ccal list --all' shows every id)"
