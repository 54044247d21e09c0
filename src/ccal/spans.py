"""How long, in words: a number of seconds as people read it ("in 3 days 4 h", "in 2 d 4 h").

Pure and import-free, so the start-up fast path words remind's countdowns with it without
loading the renderers; ``render.timefmt`` builds all other human wording of time on it.
"""

from __future__ import annotations

from collections.abc import Callable


def countdown_text(seconds: int) -> str:
    """ "in 3 days 4 h", "in 25 min", "2 days 1 h ago": precise enough to act on, short to read."""
    if seconds == 0:
        return "now"
    span = _span_text(abs(seconds))
    return f"in {span}" if seconds > 0 else f"{span} ago"


def _span_text(seconds: int) -> str:
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        unit = "day" if days == 1 else "days"
        return f"{days} {unit} {hours} h" if hours and days < 100 else f"{days} {unit}"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    if minutes:
        return f"{minutes} min"
    return f"{secs} s"


def compact_countdown(seconds: int) -> str:
    """``in 2 d 4 h``, ``in 3 h 5 min``, ``in 40 s``: the two largest units, for one-line views."""
    if seconds == 0:
        return "now"
    days, rest = divmod(abs(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "min"), (secs, "s")]
    while parts[0][0] == 0:
        parts.pop(0)
    shown = [f"{amount} {unit}" for amount, unit in parts[:2] if amount]
    span = " ".join(shown)
    return f"in {span}" if seconds > 0 else f"{span} ago"


def dhms_text(seconds: int) -> str:
    """``2 d 4 h 0 min 5 s``, ``30 s``: every unit from the largest non-zero one down to seconds.

    The live countdown ticks every second, so seconds are always shown; leading zero units are
    dropped so the last minute reads ``30 s`` rather than ``0 d 0 h 0 min 30 s``.
    """
    days, rest = divmod(abs(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "min"), (secs, "s")]
    while len(parts) > 1 and parts[0][0] == 0:
        parts.pop(0)
    return " ".join(f"{amount} {unit}" for amount, unit in parts)


def countdown_dhms(seconds: int) -> str:
    """``in 2 d 4 h 0 min 5 s``, ``due now`` at the very second, ``1 h 0 min 5 s ago`` after."""
    if seconds > 0:
        return f"in {dhms_text(seconds)}"
    return "due now" if seconds == 0 else f"{dhms_text(seconds)} ago"


def under_way_text(to_end: int, span: Callable[[int], str] = countdown_text) -> str:
    """``under way, ends in 3 h``: a range that has started (``query.under_way``) and ends in
    ``to_end`` seconds."""
    if to_end == 0:
        return "under way, ends now"  # every span's own word for 0 ("due now") reads oddly here
    return f"under way, ends {span(to_end)}"
