"""Output formats. Each module turns query results into text for one format."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from ccal.catalog import Entry
from ccal.query import Status


@dataclass(frozen=True)
class Listing:
    """What every listing renderer receives: the entries, their statuses, and the moment asked."""

    entries: list[Entry]
    statuses: dict[tuple[str, int], Status]
    now: datetime
    display_zone: tzinfo

    def status_of(self, entry: Entry) -> Status:
        return self.statuses[(entry.opportunity.id, entry.position)]
