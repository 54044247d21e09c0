"""Estimated next editions, as text and as data: one wording and one record for every output.

An estimate is never shown like a fact: tables read "≈ 12–26 May 2027 · estimated from
2022–2026" in ``STYLE`` (dim italic), and every record carries ``"estimated": true`` with its
range. ``ccal series --next``, ``ccal series SLUG`` and ``--estimated`` on listings all use these.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ccal.estimate import Estimate, EstimatedDate, NoEstimate

if TYPE_CHECKING:
    from ccal.forecast import Guess

STYLE = "italic dim"
APPROX = "\u2248"


def range_text(estimated: EstimatedDate) -> str:
    """The range's days on the estimate's own clock: "12–26 May 2027", "28 Apr – 12 May 2027",
    "20 Dec 2026 – 3 Jan 2027"."""
    first, last = estimated.range_start, estimated.range_end
    if first.year != last.year:
        return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"
    if first.month != last.month:
        return f"{first.day} {first:%b} – {last.day} {last:%b %Y}"
    return f"{first.day}–{last.day} {last:%b %Y}"


def basis_text(basis: tuple[int, ...]) -> str:
    """ "2022–2026", or one year alone."""
    if not basis:
        return "no edition"
    if basis[0] == basis[-1]:
        return str(basis[0])
    return f"{basis[0]}\u2013{basis[-1]}"


def estimate_text(estimated: EstimatedDate, basis: tuple[int, ...]) -> str:
    """What a table shows in place of a date: "≈ 12–26 May 2027 · estimated from 2022–2026"."""
    return f"{APPROX} {range_text(estimated)} \u00b7 estimated from {basis_text(basis)}"


def date_record(estimated: EstimatedDate) -> dict[str, Any]:
    return {
        "label": estimated.label,
        "at": estimated.at.isoformat(),
        "range_start": estimated.range_start.isoformat(),
        "range_end": estimated.range_end.isoformat(),
        "estimated": True,
    }


def next_record(result: Estimate | NoEstimate) -> dict[str, Any]:
    """One object of ``ccal series --next --json`` (schema/estimate.schema.json): the estimate,
    or ``{"series", "estimate": null, "reason"}`` for a series that gives none."""
    if isinstance(result, NoEstimate):
        return {"series": result.series, "estimate": None, "reason": result.reason}
    return {
        "series": result.series,
        "year": result.year,
        "basis": list(result.basis),
        "method": result.method,
        "cadence": result.cadence,
        "dates": [date_record(d) for d in result.dates],
    }


# --- ``--estimated`` on listings: one estimated date as each format writes it ----------------


def guess_text(guess: Guess) -> str:
    return estimate_text(guess.date, guess.estimate.basis)


def vevent(guess: Guess, stamp: datetime) -> Any:
    """An estimate in iCalendar: an all-day span over its range, STATUS:TENTATIVE, transparent,
    "Estimated: …" in its summary; its UID is the series', year's and label's."""
    from icalendar import Event

    from ccal.controlchars import file_text
    from ccal.text import label_key

    event = Event()
    event.add("uid", f"{guess.id}-{label_key(guess.date.label)}@ccal")
    event.add("dtstamp", stamp)
    event.add("summary", file_text(f"Estimated: {guess.date.label} — {guess.title}"))
    event.add("dtstart", guess.date.range_start.date())
    event.add("dtend", guess.date.range_end.date() + timedelta(days=1))  # exclusive
    likely = guess.date.at.strftime("%a %d %b %Y" if guess.all_day else "%a %d %b %Y %H:%M %Z")
    event.add(
        "description",
        file_text(
            f"{guess_text(guess)}; most likely {likely} "
            f"({guess.estimate.method}, {guess.estimate.cadence}). Not announced yet."
        ),
    )
    if guess.latest.opportunity.url:
        event.add("url", file_text(guess.latest.opportunity.url))
    event.add("status", "TENTATIVE")
    event.add("transp", "TRANSPARENT")
    return event


def guesses_table(guesses: Sequence[Guess], now: datetime) -> Any:
    """The table after the real dates: each row "≈ 12–26 May 2027 · estimated from 2022–2026"
    in ``STYLE``, under a heading that says these are not announced."""
    from rich.table import Table
    from rich.text import Text

    from ccal.controlchars import table_text

    table = Table(
        title="Estimated (not yet announced)",
        title_justify="left",
        title_style=STYLE,
        box=None,
        header_style="bold",
    )
    table.add_column("When (estimated)", style=STYLE)
    table.add_column("What", ratio=1, overflow="fold")
    for guess in guesses:
        what = Text(table_text(guess.title))
        what.append(f"\n{table_text(guess.date.label)} · {guess.estimate.cadence}", style="dim")
        table.add_row(guess_text(guess), what)
    return table


def line(guess: Guess, now: datetime) -> str:
    """``remind`` / ``countdown``: ``≈ in 283 days · Paper · Conf 2026 → next edition 2027 ·
    ≈ 3–17 Mar 2027 · estimated from 2024–2026``; plain text, one line."""
    from ccal.controlchars import table_text
    from ccal.spans import countdown_text
    from ccal.timeline import seconds_between

    left = countdown_text(seconds_between(now, guess.date.at))
    parts = [f"{APPROX} {left}", table_text(guess.date.label), table_text(guess.title)]
    return " \u00b7 ".join([*parts, guess_text(guess)])
