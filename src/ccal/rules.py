"""Facts several layers share, defined once: the kinds, remind's window, a query's window.

Imported by the models, the Typer options and the start-up fast path alike, so it imports
nothing but ``ccal.clock`` (itself standard library only), and that only when a window is asked.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: importing typing costs the fast path ~3 ms
if TYPE_CHECKING:
    from datetime import datetime, tzinfo

KINDS = ("talk", "call", "event", "survey")  # what an opportunity is: the --kind choices
REMIND_WITHIN = "7d"  # what "due soon" means for remind without --within or --until


def chosen(values: list[str] | tuple[str, ...] | None, allowed: tuple[str, ...]):
    """What repeatable choice options (``--kind``) were given, as ``(chosen, unknown)``.

    Each value may be a comma list (``-k call,event``) and any case (``--kind Call``), as
    ``--tag`` ignores case and ``import --status`` takes commas. The fast path reads ``--kind``
    with this too, so both accept exactly the same values.
    """
    picked: list[str] = []
    unknown: list[str] = []
    for value in values or ():
        for part in value.split(","):
            word = part.strip().casefold()
            if not word:
                continue
            target = picked if word in allowed else unknown
            if word not in target:
                target.append(word if word in allowed else part.strip())
    return picked, unknown


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
    if start_at and end_at and end_at.timestamp() < start_at.timestamp():  # not wall clocks
        raise TimeInputError("the end of the window is before its start")
    if ahead and end_at is not None and end_at.timestamp() < now.timestamp():
        option, value = next((name, text) for name, text in given if text is not None)
        raise TimeInputError(
            f"'{option} {value}' is before now: this lists what is still ahead (for what has "
            f"passed: ccal list --past --to '{value}')"
        )
    return start_at, end_at
