"""Hugging Face ai-deadlines conference files (a YAML list of editions) as ccal ``conference``
records.

Each edition becomes ``ai-deadlines-<id>`` titled "NeurIPS 2026", in the series of its
conference (its title as a slug), with every typed deadline (abstract, paper, supplementary,
rebuttal, notification, camera-ready, …) under its own label and in its own zone, the
conference's dates (``start``/``end``, else its free-text ``date``), city and country as the
location, its tags, its ranks and its era rating as tags. Older entries without ``deadlines``
give their flat ``abstract_deadline``/``deadline``/… fields in the entry's ``timezone``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from ccal.clock import zone_named
from ccal.errors import CcalError
from ccal.importers import conferences as common
from ccal.importers.registry import FORMATS
from ccal.importers.result import ImportResult
from ccal.text import distinct

HEADER = FORMATS["ai-deadlines"].header
PREFIX = "ai-deadlines-"
# The flat fields of older entries, as labels (in the order they happen).
LEGACY = (
    ("abstract_deadline", "Abstract"),
    ("deadline", "Paper"),
    ("review_release_date", "Reviews released"),
    ("rebuttal_period_end", "Rebuttal period ends"),
    ("final_decision_date", "Final decision"),
)
_RANK = re.compile(r"([A-Za-z]+)\s*:\s*([A-Za-z0-9*+]+)")


def convert(data: bytes, origin: str, options: Mapping[str, Any]) -> ImportResult:
    """One YAML document: a list of conference editions."""
    document = common.read_yaml(data, origin)
    if isinstance(document, dict):
        document = [document]
    if (
        not isinstance(document, list)
        or not all(isinstance(e, dict) for e in document)
        or (document and not any("title" in e and "year" in e for e in document))
    ):
        raise CcalError(
            f"{origin}: not an ai-deadlines file (a list of conferences with title and year); "
            "nothing written"
        )
    result = ImportResult()
    for edition in document:
        result.total += 1
        try:
            result.records.append(edition_record(edition))
        except common.Skip as exc:
            result.skip(f"{PREFIX}{edition.get('id') or '?'} ({origin}): {exc}")
    return result


def convert_files(files: list[tuple[bytes, str]], options: Mapping[str, Any]) -> ImportResult:
    """A directory's files (read by the command), as one result."""
    return common.merge(convert(data, origin, options) for data, origin in files)


def edition_record(edition: dict[str, Any]) -> dict[str, Any]:
    ident = common.slug(str(edition.get("id") or ""))
    if not ident:
        raise common.Skip("an edition without an id")
    name = common.text_of(edition.get("title")) or ident
    year = edition.get("year")
    title = f"{name} {year}" if year and str(year) not in name else name
    record: dict[str, Any] = {"id": PREFIX + ident, "kind": common.KIND, "title": title}
    series = common.slug(name)
    if series:
        record["series"] = series
    link = common.text_of(edition.get("link"))
    if link and link.startswith(("http://", "https://")) and " " not in link:
        record["url"] = link
    record["tags"] = tags(edition)
    place = ", ".join(
        p
        for p in (common.text_of(edition.get("city")), common.text_of(edition.get("country")))
        if p
    )
    place = place or common.text_of(edition.get("venue")) or ""
    if place:
        record["location"] = place
    dates, zone, notes = _deadlines(edition)
    common.add_conference_dates(dates, notes, _span(edition), edition.get("date"))
    if zone is not None:
        record["timezone"] = zone
    parts = [common.text_of(edition.get("full_name")), *notes, common.text_of(edition.get("note"))]
    summary = " ".join(f"{p.rstrip('.')}." for p in parts if p)
    if summary:
        record["summary"] = summary
    record["dates"] = common.distinct_labels(dates)
    return record


def _deadlines(edition: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None, list[str]]:
    """The dated deadlines, the edition's zone (its first deadline's) and notes on TBD ones.

    A deadline in another zone than the edition's is written with its UTC offset: the same
    instant, shown on the edition's clock.
    """
    typed = [d for d in edition.get("deadlines") or () if isinstance(d, dict)]
    if typed:
        found = [
            (
                common.text_of(d.get("label")) or _type_label(d.get("type")),
                d.get("date"),
                d.get("timezone"),
            )
            for d in typed
        ]
    else:
        zone_text = edition.get("timezone")
        found = [(label, edition[key], zone_text) for key, label in LEGACY if key in edition]
    dates: list[dict[str, Any]] = []
    notes: list[str] = []
    edition_zone: str | None = None
    for label, value, zone_text in found:
        if common.local_time(value, "UTC", label) is None:
            notes.append(f"{label}: TBD")
            continue
        zone = common.zone_for(zone_text)
        at = common.local_time(value, zone, label)
        if edition_zone is None:
            edition_zone = zone
        if zone != edition_zone and isinstance(at, datetime):
            from ccal.clock import localize

            at = localize(at, zone_named(zone))
        dates.append({"label": label, "at": at})
    return dates, edition_zone, notes


def _type_label(kind: Any) -> str:
    text = str(kind or "deadline").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _span(edition: dict[str, Any]) -> tuple[date, date] | None:
    """The conference's dates: ``start``/``end`` (YAML dates or ISO text), else ``date``."""
    start, end = edition.get("start"), edition.get("end")
    try:
        first = start if isinstance(start, date) else date.fromisoformat(str(start))
        last = end if isinstance(end, date) else date.fromisoformat(str(end)) if end else first
    except ValueError:
        return common.conference_range(edition.get("date"))
    if isinstance(first, datetime) or isinstance(last, datetime):
        first, last = (
            first.date() if isinstance(first, datetime) else first,
            (last.date() if isinstance(last, datetime) else last),
        )
    if last < first:
        return common.conference_range(edition.get("date"))
    return first, last


def tags(edition: dict[str, Any]) -> list[str]:
    """``ai-deadlines``, the file's tags, the ranks (``CCF-A``, ``CORE-A*``) and the era
    rating (``ERA-A``)."""
    found = ["ai-deadlines"]
    found += [str(common.text_of(t)) for t in edition.get("tags") or () if common.text_of(t)]
    for system, value in _RANK.findall(str(edition.get("rankings") or "")):
        found.append(f"{system.upper()}-{value}")
    era = common.text_of(edition.get("era_rating"))
    if era:
        found.append(f"ERA-{era.upper()}")
    return distinct(found)


def render_toml(result: ImportResult, source_name: str, imported_at: datetime) -> str:
    return common.render(result, HEADER, source_name, imported_at)
