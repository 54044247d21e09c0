"""The compact reminder form: one plain line per entry for prompts, status bars and e-mails.

Standard library only (no Rich), so a fast start-up path can reuse it as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo

from ccal.catalog import Entry
from ccal.controlchars import printable
from ccal.render.timefmt import deadline_clocks, label_text, time_left
from ccal.spans import compact_countdown


def remind_line(entry: Entry, now: datetime, display: tzinfo) -> str:
    """``in 2 d 4 h · Cut-off 3 · Clusters meet Regions · Sat 1 Apr 18:00 Brussels · 17:00
    London``."""
    return f"{time_left(entry, now, compact_countdown)} · {remind_rest(entry, display)}"


def remind_rest(entry: Entry, display: tzinfo) -> str:
    """The line after its countdown, which does not depend on now (the index keeps it).

    It names the day (not the year: the countdown says how far): a cron mail read on Monday
    about "in 3 d" must say which day that is."""
    when = deadline_clocks(entry, display, dated=True, year=False)
    return " · ".join([label_text(entry), printable(entry.opportunity.title), when])


def remind_lines(entries: Iterable[Entry], now: datetime, display: tzinfo) -> list[str]:
    return [remind_line(entry, now, display) for entry in entries]
