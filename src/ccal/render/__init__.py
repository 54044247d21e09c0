"""Output formats. Each module turns query results into text for one format."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from ccal.catalog import Entry
from ccal.query import Status


@dataclass(frozen=True)
class Listing:
    """What every listing renderer receives: the entries, their statuses, and the moment asked."""

    entries: list[Entry]
    statuses: dict[tuple[str, int], Status]
    now: datetime
    display_zone: tzinfo
    marks: Mapping[str, Any] = field(default_factory=dict)  # id -> pipeline.state.Mark

    def status_of(self, entry: Entry) -> Status:
        return self.statuses[(entry.opportunity.id, entry.position)]

    def mark_of(self, entry: Entry) -> Any:
        """The user's pipeline mark of the entry's opportunity, or None."""
        return self.marks.get(entry.opportunity.id)
