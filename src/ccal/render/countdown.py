"""The countdown to the next deadline: its one-line form and the frames of the live view.

Standard library only. The live view is a sequence of frames driven by an injected clock and
sleeper, so tests run it on a fake clock without sleeping; ``render/live.py`` draws them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo

from ccal.catalog import Entry
from ccal.controlchars import printable
from ccal.query import countdown_moment, under_way
from ccal.render.timefmt import deadline_clocks, label_text, time_left, two_clocks
from ccal.spans import countdown_dhms

Clock = Callable[[], datetime]
Sleeper = Callable[[float], None]
NextAfter = Callable[[datetime], Entry | None]


def left_text(entry: Entry, now: datetime) -> str:
    """``in 2 d 4 h 0 min 5 s``, ``due now`` at the very second, ``passed … ago`` after it."""
    return time_left(entry, now, countdown_dhms)


def target_clocks(entry: Entry, now: datetime, display: tzinfo) -> str:
    """The moment counted down to, on both clocks: ``query.countdown_moment``, so a range under
    way shows when it ends (``ends Fri 27 Nov 2026 17:00 Brussels``), not when it began."""
    if under_way(entry, now):  # counted down to its end
        moment = countdown_moment(entry, now)
        return f"ends {two_clocks(moment, entry.zone, display, dated=True)}"
    return deadline_clocks(entry, display, dated=True)


def gone_clocks(entry: Entry, display: tzinfo) -> str:
    """When an entry the live view counted down to went by: its deadline, or a range's end."""
    if entry.end is not None:
        return two_clocks(entry.end, entry.zone, display)
    return deadline_clocks(entry, display)


def countdown_line(entry: Entry, now: datetime, display: tzinfo) -> str:
    """``in 30 s · Cut-off 1 · Summer Call · Fri 29 Jul 2022 18:00 Brussels · 17:00 London``."""
    return " · ".join(
        [
            left_text(entry, now),
            label_text(entry),
            printable(entry.opportunity.title),
            target_clocks(entry, now, display),
        ]
    )


@dataclass(frozen=True)
class Frame:
    """What the live view shows at one tick: the deadline counted down to, and the last one that
    passed while the view was open (so the user sees it go by rather than vanish)."""

    now: datetime
    target: Entry | None
    passed: Entry | None = None


def frames(next_after: NextAfter, clock: Clock, sleep: Sleeper) -> Iterator[Frame]:
    """One frame per second until nothing is ahead; a deadline that passes gives way to the next.

    ``next_after(now)`` picks the deadline to count down to (see ``query.next_deadline``).
    The caller stops early by closing the iterator (Ctrl-C, a limit in tests).
    """
    now = clock()
    target = next_after(now)
    passed: Entry | None = None
    while True:
        # Passed, not merely started: a range under way is counted down to its end.
        if target is not None and target.is_passed(now):
            passed = target
            target = next_after(now)
        yield Frame(now, target, passed)
        if target is None:
            return
        sleep(_to_next_second(now))
        now = clock()


def _to_next_second(now: datetime) -> float:
    """Sleep to the next whole second so the seconds digit changes on time and never skips."""
    return 1.0 - now.microsecond / 1_000_000 if now.microsecond else 1.0
