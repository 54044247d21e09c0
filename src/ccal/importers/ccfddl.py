"""ccfddl/ccf-deadlines conference files (one YAML per conference, or the combined
``allconf.yml``) as ccal ``conference`` records: one opportunity per edition.

An edition (``confs[]``) becomes ``ccfddl-<edition id>`` titled "NeurIPS 2026", in the series of
its conference (``series_key``: ccfddl's own key for it), with its timeline as dated labels
("Abstract", "Paper"; several rounds read "Round 2 – Paper"), each round's comment kept in the
summary, and the conference's own dates when its free-text ``date`` can be read. ``TBD``
deadlines stay undated. Zones: see ``conferences.zone_for``; an edition in a zone ccal cannot
place is skipped with its reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ccal.errors import CcalError
from ccal.importers import conferences as common
from ccal.importers.registry import FORMATS
from ccal.importers.result import ImportResult
from ccal.text import distinct, fold

HEADER = FORMATS["ccfddl"].header
PREFIX = "ccfddl-"
_KINDS = (("abstract_deadline", "Abstract"), ("deadline", "Paper"))


def convert(data: bytes, origin: str, options: Mapping[str, Any]) -> ImportResult:
    """One YAML document (a conference file, or ``allconf.yml``: a list of conferences)."""
    document = common.read_yaml(data, origin)
    if isinstance(document, dict):
        document = [document]
    if not isinstance(document, list) or not all(isinstance(c, dict) for c in document):
        raise CcalError(
            f"{origin}: not a ccfddl conference file (a list of conferences with 'confs'); "
            "nothing written"
        )
    if document and not any("confs" in c for c in document):
        raise CcalError(f"{origin}: no conference has 'confs' (editions); not a ccfddl file")
    result = ImportResult()
    for conference in document:
        series = series_key(conference)
        for edition in conference.get("confs") or ():
            result.total += 1
            try:
                result.records.append(edition_record(conference, edition, series))
            except common.Skip as exc:
                ident = edition.get("id") if isinstance(edition, dict) else None
                result.skip(f"{PREFIX}{ident or '?'} ({origin}): {exc}")
    return result


def convert_files(files: list[tuple[bytes, str]], options: Mapping[str, Any]) -> ImportResult:
    """A directory's files (read by the command), as one result; an edition found twice
    (a file and ``allconf.yml`` side by side) is kept once."""
    return common.merge(convert(data, origin, options) for data, origin in files)


def series_key(conference: dict[str, Any]) -> str:
    """The series of a conference's editions: ccfddl's own key for it, its editions' ids
    without their year (``asiaccs2025``: ``asiaccs``; the most common, the one listed last on a
    tie), else its dblp key, else its title.

    Not the dblp key first: dblp files several conferences under one key and ccfddl copies it
    (AsiaCCS and CCS are both ``ccs``, FSE and ISSTA both ``sigsoft``, ATC ``usenix``), which
    made two conferences one series with two editions a year — and no estimate for either.
    """
    keys = [
        key
        for edition in conference.get("confs") or ()
        if isinstance(edition, dict)
        and (key := common.slug(str(edition.get("id") or "")).rstrip("0123456789-"))
    ]
    if keys:
        return max(reversed(keys), key=keys.count)  # reversed: the one listed last wins a tie
    return common.slug(str(conference.get("dblp") or common.text_of(conference.get("title")) or ""))


def edition_record(conference: dict[str, Any], edition: Any, series: str) -> dict[str, Any]:
    """One edition as a record (see the module's docstring); ``Skip`` says why it cannot be."""
    if not isinstance(edition, dict):
        raise common.Skip("an edition that is not a mapping")
    ident = common.slug(str(edition.get("id") or ""))
    if not ident:
        raise common.Skip("an edition without an id")
    name = common.text_of(conference.get("title")) or ident
    year = edition.get("year")
    record: dict[str, Any] = {
        "id": PREFIX + ident,
        "kind": common.KIND,
        "title": f"{name} {year}" if year else name,
    }
    series = series or ident.rstrip("0123456789-") or common.slug(name)
    if series:
        record["series"] = series
    link = common.text_of(edition.get("link"))
    if link and link.startswith(("http://", "https://")) and " " not in link:
        record["url"] = link
    record["tags"] = tags(conference)
    place = common.text_of(edition.get("place"))
    if place and fold(place) not in ("tbd", "tba"):
        record["location"] = place
    timeline = [t for t in edition.get("timeline") or () if isinstance(t, dict)]
    zone = None
    dates: list[dict[str, Any]] = []
    notes: list[str] = []
    for number, entry in enumerate(timeline, start=1):
        prefix = f"Round {number} – " if len(timeline) > 1 else ""
        comment = common.text_of(entry.get("comment"))
        if comment:
            notes.append(f"Round {number}: {comment}" if prefix else f"Note: {comment}")
        for key, label in _KINDS:
            if key not in entry:
                continue
            if zone is None and common.local_time(entry[key], "UTC", label) is not None:
                zone = common.zone_for(edition.get("timezone"))
            at = common.local_time(entry[key], zone or "UTC", f"{prefix}{label}")
            if at is None:
                notes.append(f"{prefix}{label} deadline: TBD")
                continue
            dated: dict[str, Any] = {"label": f"{prefix}{label}", "at": at}
            if comment and any(w in fold(comment) for w in ("tentative", "tbc")):
                dated["tentative"] = True
            dates.append(dated)
    common.add_conference_dates(
        dates, notes, common.conference_range(edition.get("date")), edition.get("date")
    )
    if zone is not None:
        record["timezone"] = zone
    summary = [common.text_of(conference.get("description"))]
    record["summary"] = " ".join(f"{s.rstrip('.')}." for s in (*summary, *notes) if s)
    if not record["summary"]:
        del record["summary"]
    record["dates"] = common.distinct_labels(dates)
    return record


def tags(conference: dict[str, Any]) -> list[str]:
    """``ccfddl``, the area(s) (``sub``), the ranks (``CCF-A``, ``CORE-A*``) and the dblp key."""
    found = ["ccfddl"]
    sub = conference.get("sub")
    for area in sub if isinstance(sub, list) else [sub]:
        if common.text_of(area):
            found.append(str(common.text_of(area)))
    rank = conference.get("rank")
    if isinstance(rank, dict):
        for system, value in rank.items():
            if common.text_of(value) and fold(str(value)) not in ("n", "none", "-"):
                found.append(f"{str(system).upper()}-{common.text_of(value)}")
    if common.text_of(conference.get("dblp")):
        found.append(f"dblp:{common.text_of(conference.get('dblp'))}")
    return distinct(found)


def render_toml(result: ImportResult, source_name: str, imported_at: datetime) -> str:
    return common.render(result, HEADER, source_name, imported_at)
