"""Estimated next editions, as text and as data: one wording and one record for every output.

An estimate is never shown like a fact: tables read "≈ 12–26 May 2027 · estimated from
2022–2026" in ``STYLE`` (dim italic), and every record carries ``"estimated": true`` with its
range. ``ccal series --next``, ``ccal series SLUG`` and ``--estimated`` on listings all use these.
"""

from __future__ import annotations

from typing import Any

from ccal.estimate import Estimate, EstimatedDate, NoEstimate

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
