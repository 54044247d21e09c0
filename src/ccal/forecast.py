"""``--estimated`` on listings: the estimated next dates of series whose next edition is unknown.

A series gets an estimate here only when none of its deadlines is still ahead of now (its next
deadlines are not yet known; the days of a conference whose deadlines have passed do not count,
and only a series whose editions name no deadline is held back by its own days ahead) and
``ccal.estimate`` gives one for the first edition still ahead (rolled forward past an old
series' last edition). An edition whose deadlines are all TBD while
its own days are known (a conference announced before its call) does not count as known: its
deadlines are estimated, beside its real days (an estimated label that edition already dates is
left out). Since every edition in any active file is part of the history, an estimate disappears
as soon as a real date of that edition is in the data. Pure: ``now`` is passed in; estimates are
computed, never stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ccal.catalog import Catalog, Item
from ccal.estimate import Estimate, EstimatedDate
from ccal.query import Filters, Window
from ccal.series import (
    announced,
    every_series,
    is_deadline,
    next_edition,
    series_label,
    with_deadlines,
)


@dataclass(frozen=True)
class Guess:
    """One estimated date of a series' next edition, with the latest known edition (whose kind,
    title, url, tags… an estimated record carries)."""

    estimate: Estimate
    date: EstimatedDate
    latest: Item
    announced: bool = False  # ``latest`` is the estimated edition itself (its deadlines TBD)

    @property
    def series(self) -> str:
        return self.estimate.series

    @property
    def id(self) -> str:
        """A record's id: the series, the year and "estimated", never an opportunity's id."""
        return f"{self.estimate.series}-{self.estimate.year}-estimated"

    @property
    def all_day(self) -> bool:
        """Whether the date it continues is a whole day (a conference's days, given as dates):
        its estimate is of a day, not of a time of day, as a real record of it would be."""
        key = series_label(self.date.label)
        return any(e.all_day for e in self.latest.entries if series_label(e.label) == key)

    @property
    def title(self) -> str:
        if self.announced:
            return self.latest.opportunity.title
        return f"{self.latest.opportunity.title} \u2192 next edition {self.estimate.year}"


def pending(
    catalog: Catalog, now: datetime, filters: Filters | None = None, window: Window | None = None
) -> list[Guess]:
    """The estimated dates to add to a listing, soonest first: of each series (matching
    ``filters`` by its latest edition) with no deadline ahead of ``now``, those whose range
    reaches past ``now`` and overlaps ``window`` (when one is given: the date may fall inside
    it), but none the estimated edition already dates."""
    found: list[Guess] = []
    for slug, known in every_series(catalog).items():
        if not known:
            continue
        latest = known[-1].item
        if filters is not None and not filters.matches(latest.opportunity):
            continue
        deadlines = with_deadlines(known)
        learned = deadlines or known  # the editions estimates are drawn from
        if any(
            entry.due >= now and (not deadlines or is_deadline(entry.label))
            for e in learned
            for entry in e.item.entries
        ):
            continue  # the next deadline is known: facts, not estimates
        result = next_edition(slug, known, after=now)  # without the labels it dates
        if not isinstance(result, Estimate):
            continue
        same = announced(known, result.year)  # the estimated edition, its deadlines TBD
        for guess in result.dates:
            if guess.range_end < now:
                continue
            if window is not None and not _inside(guess, window):
                continue
            found.append(Guess(result, guess, same[-1].item if same else latest, bool(same)))
    return sorted(found, key=lambda g: (g.date.at, g.series, g.date.label))


def _inside(guess: EstimatedDate, window: Window) -> bool:
    """The range overlaps the window: "due within 7 days" may be true of an estimate."""
    if window.start is not None and guess.range_end < window.start:
        return False
    return window.end is None or guess.range_start <= window.end
