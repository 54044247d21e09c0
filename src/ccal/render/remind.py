"""The compact reminder form: one plain line per entry for prompts, status bars and e-mails.

Standard library only (no Rich), so a fast start-up path can reuse it as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo

from ccal.catalog import Entry
from ccal.clock import left_text, seconds_between
from ccal.render.timefmt import deadline_clocks


def when_left(entry: Entry, now: datetime) -> str:
    """``in 2 d 4 h``; ``on now, ends in 3 h`` for an event that has started but not ended."""
    ends = None if entry.end is None or entry.is_passed(now) else seconds_between(now, entry.end)
    return left_text(seconds_between(now, entry.at), ends)


def remind_line(entry: Entry, now: datetime, display: tzinfo) -> str:
    """``in 2 d 4 h · Cut-off 3 · Clusters meet Regions · 18:00 Brussels · 17:00 London``."""
    return f"{when_left(entry, now)} · {remind_rest(entry, display)}"


def remind_rest(entry: Entry, display: tzinfo) -> str:
    """The line after its countdown, which does not depend on now (the index keeps it)."""
    label = entry.label
    if entry.tentative and "tbc" not in label.casefold():
        label += " (tbc)"
    return " · ".join([label, entry.opportunity.title, deadline_clocks(entry, display)])


def remind_lines(entries: Iterable[Entry], now: datetime, display: tzinfo) -> list[str]:
    return [remind_line(entry, now, display) for entry in entries]
