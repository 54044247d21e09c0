"""Every rule that depends on "now", once, on integer microseconds since 1970 UTC.

passed / next / upcoming, "under way", a window's bounds and who is inside it, the sort key, the
seconds left, remind's window, and ``select``: which dated rows a listing shows, each with its
status. ``query`` asks these of ``Entry`` objects (``Entry.at_us`` and friends), the index
reader and the start-up fast path ask them of index rows: one answer, whatever the source.
Integers need no zone and compare as instants (two datetimes sharing a tzinfo compare as wall
clocks, wrong in the repeated autumn hour).

Standard library only, and nothing at import time: the fast path imports this module on every
hot call. ``window_bounds`` imports ``ccal.clock`` when a window is typed.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: this module is on the fast path
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from datetime import datetime, tzinfo
    from typing import Any, Literal, TypeVar

    Status = Literal["passed", "next", "upcoming"]
    Scope = Literal["upcoming", "past", "all"]
    Row = TypeVar("Row")

SECOND_US = 1_000_000
REMIND_WITHIN = "7d"  # what "due soon" means for remind without --within or --until

# --- instants ----------------------------------------------------------------------------------

_EPOCH: Any = None


def micros(moment: datetime) -> int:
    """Microseconds since 1970 UTC of an aware datetime, exactly (no float on the way)."""
    global _EPOCH
    if _EPOCH is None:
        from datetime import UTC, datetime

        _EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
    delta = moment - _EPOCH  # aware minus aware: an elapsed time, whatever the two zones
    return (delta.days * 86400 + delta.seconds) * SECOND_US + delta.microseconds


def seconds_left(now_us: int, to_us: int) -> int:
    """Whole seconds from ``now_us`` to ``to_us``, rounded towards minus infinity: JSON's
    ``seconds_left`` and every countdown."""
    return (to_us - now_us) // SECOND_US


def seconds_between(start: datetime, end: datetime) -> int:
    """``seconds_left`` between two aware datetimes (elapsed time, not wall clocks)."""
    return seconds_left(micros(start), micros(end))


# --- one entry ---------------------------------------------------------------------------------


def is_passed(due_us: int, now_us: int) -> bool:
    """Passed once its due moment (the end of a range, else ``at``) is behind now; at the very
    second it is still due."""
    return due_us < now_us


def under_way(start_us: int | None, due_us: int, now_us: int) -> bool:
    """A range that has started and not ended. ``start_us`` is when it is under way from
    (``query.under_way_from``: ``at``, or the first day's midnight for an all-day range), None
    for a single moment. Such an entry has not passed, so it keeps its status (often ``next``)
    and ``seconds_left`` (to ``at``) may go negative; human outputs say "under way, ends in …"."""
    return start_us is not None and start_us <= now_us <= due_us


def countdown_target(start_us: int | None, due_us: int, now_us: int) -> str:
    """What a countdown runs to at ``now_us``: ``"start"`` for a range still ahead (an all-day
    conference counts down to the start of its first day, not the end of it), ``"end"`` for a
    range under way, else ``"at"`` (an all-day deadline: the end of its day)."""
    if start_us is not None and now_us < start_us:
        return "start"
    return "end" if under_way(start_us, due_us, now_us) else "at"


def countdown_to(at_us: int, start_us: int | None, due_us: int, now_us: int) -> int:
    """The instant ``countdown_target`` names, in microseconds."""
    target = countdown_target(start_us, due_us, now_us)
    if target == "start":
        assert start_us is not None
        return start_us
    return due_us if target == "end" else at_us


def in_window(
    at_us: int, due_us: int, start_us: int | None, low_us: int | None, high_us: int | None
) -> bool:
    """Whether an entry overlaps the window [low, high] (either end may be open): a running
    event counts, and an all-day range begins with its first day."""
    if low_us is not None and due_us < low_us:
        return False
    return high_us is None or (at_us if start_us is None else start_us) <= high_us


def in_scope(due_us: int, now_us: int, scope: Scope) -> bool:
    """``upcoming``: not passed; ``past``: passed; ``all``: both."""
    return scope == "all" or is_passed(due_us, now_us) == (scope == "past")


def sort_key(at_us: int, opportunity_id: str, position: int) -> tuple[int, str, int]:
    """Soonest first; one opportunity's dates in their file order at the same instant."""
    return (at_us, opportunity_id, position)


# --- a listing ---------------------------------------------------------------------------------


class Statuses:
    """Each entry's status within its own opportunity, for entries given in sort order: passed,
    ``next`` (the first not passed of its opportunity) or ``upcoming``."""

    def __init__(self, now_us: int) -> None:
        self.now_us = now_us
        self._seen: set[Any] = set()

    def __call__(self, item: Any, due_us: int) -> Status:
        if is_passed(due_us, self.now_us):
            return "passed"
        if item in self._seen:
            return "upcoming"
        self._seen.add(item)
        return "next"


def select(
    rows: Iterable[Row],
    now_us: int,
    moments: Callable[[Row], tuple[Any, int, int, int | None]],
    *,
    scope: Scope = "upcoming",
    low_us: int | None = None,
    high_us: int | None = None,
    matches: Callable[[Row], bool] | None = None,
    limit: int | None = None,
    lead_us: int | None = None,
) -> list[tuple[Row, Status]]:
    """The rows a listing shows, each with its status: in ``scope``, inside the window, matching
    the filters; soonest first (most recent first for ``past``: looking back, the latest matters
    most), at most ``limit`` of them (those closest to now, whichever way the listing looks).

    ``rows`` come in sort order (``sort_key``) and hold every row not passed at ``now_us`` of
    their opportunities (a source may leave passed ones out where ``scope`` does not want them):
    statuses are decided as they stream by. ``moments(row)`` gives (its opportunity, at_us,
    due_us, start_us). With ``lead_us`` (how long before ``at`` any entry starts) the stream
    is left once no later row can reach into the window.
    """
    enough = limit if scope != "past" else None  # looking back, the last rows are wanted
    chosen = list(
        stream(
            rows,
            now_us,
            moments,
            scope=scope,
            low_us=low_us,
            high_us=high_us,
            matches=matches,
            limit=enough,
            lead_us=lead_us,
        )
    )
    if scope == "past":
        chosen.reverse()
    return chosen[:limit] if limit is not None else chosen


def stream(
    rows: Iterable[Row],
    now_us: int,
    moments: Callable[[Row], tuple[Any, int, int, int | None]],
    *,
    scope: Scope = "upcoming",
    low_us: int | None = None,
    high_us: int | None = None,
    matches: Callable[[Row], bool] | None = None,
    limit: int | None = None,
    lead_us: int | None = None,
) -> Iterator[tuple[Row, Status]]:
    """``select``'s rows in sort order, as they stream by (each with its status), at most
    ``limit``: what an export of every date writes without holding them. ``select`` is this,
    turned round for ``past``."""
    status = Statuses(now_us)
    count = 0
    for row in rows:
        item, at_us, due_us, start_us = moments(row)
        if lead_us is not None and high_us is not None and at_us - lead_us > high_us:
            return
        state = status(item, due_us)
        if scope != "all" and (state == "passed") != (scope == "past"):
            continue
        if not in_window(at_us, due_us, start_us, low_us, high_us):
            continue
        if matches is not None and not matches(row):
            continue
        yield row, state
        count += 1
        if limit is not None and count >= limit:
            return


# --- repeating dates ---------------------------------------------------------------------------

REACH_DAYS = 366  # how far around "now" a series without an end is expanded, with no window


def span(
    now: datetime, start: datetime | None = None, end: datetime | None = None
) -> tuple[datetime, datetime]:
    """Where series without an end are expanded: the window asked about, else a year around now.

    An open side of the window reaches ``REACH_DAYS`` past now (or past the window's start), in
    the wall clock of ``now``'s zone (as every day-based span of ccal).
    """
    from datetime import timedelta

    reach = timedelta(days=REACH_DAYS)
    low = start if start is not None else now - reach
    high = end if end is not None else max(now, low) + reach
    return low, high


def occurs(open_series: int, at_us: int, due_us: int, low_us: int, high_us: int) -> bool:
    """Whether an occurrence is in a catalog expanded over ``span`` (``recurrence.expand``):
    every occurrence of a bounded series, those overlapping low–high of an open-ended one."""
    return not open_series or (at_us <= high_us and due_us >= low_us)


# --- typed windows -----------------------------------------------------------------------------


def remind_within(within: str | None, until: str | None) -> str | None:
    """remind's ``--within``: ``REMIND_WITHIN`` unless ``--within`` or ``--until`` is given."""
    return REMIND_WITHIN if within is None and until is None else within


def window_bounds(
    zone: tzinfo,
    now: datetime,
    *,
    start: str | None = None,
    end: str | None = None,
    within: str | None = None,
    until: str | None = None,
    ahead: bool = False,
) -> tuple[datetime | None, datetime | None]:
    """The window typed as --from/--to/--within/--until, as aware (start, end).

    --to, --within and --until each set the end, so any two of them are an error (never one
    silently ignored); a date as an end includes that day; an empty value is an error, not
    "no window". Errors are ``TimeInputError``s worded for the user, naming the option. With
    ``ahead`` (upcoming, remind: they list what has not passed) an end before now is an error
    too, not a silently empty listing.
    """
    from ccal.clock import TimeInputError, parse_duration, parse_when

    given = (("--to", end), ("--within", within), ("--until", until))
    ends = [name for name, value in given if value is not None]
    if len(ends) > 1:
        raise TimeInputError(f"use either '{ends[0]}' or '{ends[1]}', not both")

    def read(option: str, text: str, day_end: bool) -> datetime:
        try:
            if option == "--within":
                return parse_duration(text).after(now)
            return parse_when(text, zone, now=now, day_end=day_end)
        except TimeInputError as exc:
            raise TimeInputError(f"invalid value for '{option}': {exc}") from None

    start_at = read("--from", start, False) if start is not None else None
    end_at = None
    for option, value in given:
        if value is not None:
            end_at = read(option, value, True)
    if start_at and end_at and micros(end_at) < micros(start_at):  # instants, not wall clocks
        option, value = next((name, text) for name, text in given if text is not None)
        raise TimeInputError(
            f"'{option} {value}' is before '--from {start}': the window would be empty (swap "
            "them, or give a later end)"
        )
    if ahead and end_at is not None and micros(end_at) < micros(now):
        option, value = next((name, text) for name, text in given if text is not None)
        raise TimeInputError(
            f"'{option} {value}' is before now: this lists what is still ahead (for what has "
            f"passed: ccal list --past --to '{value}')"
        )
    return start_at, end_at
