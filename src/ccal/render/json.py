"""The JSON contract: stable keys, RFC 3339 instants with the entry's own offset, no colour."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import chain
from typing import TYPE_CHECKING, Any

from ccal.catalog import Entry
from ccal.timeline import seconds_between

if TYPE_CHECKING:  # the fast path imports this module with the standard library alone
    from ccal.catalog import Item
    from ccal.query import Status

if TYPE_CHECKING:
    from ccal.forecast import Guess
    from ccal.query import AnyListing
    from ccal.render import Listing
    from ccal.render.formats import RenderOptions


def rfc3339(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment is not None else None


def date_record(entry: Entry, now: datetime, status: Status) -> dict[str, Any]:
    """The fields of one dated entry itself (used nested under ``show`` and in listings)."""
    return {
        "label": entry.label,
        "at": rfc3339(entry.at),
        "end": rfc3339(entry.end),
        "all_day": entry.all_day,
        "timezone": entry.zone.key,
        "seconds_left": seconds_between(now, entry.at),
        "status": status,
        "tentative": entry.tentative,
        "source": entry.source,
        "previous": rfc3339(entry.previous),
        "rrule": entry.rrule,
        "occurrence": entry.occurrence,
    }


def entry_record(entry: Entry, now: datetime, status: Status, mark: Any = None) -> dict[str, Any]:
    """One object of a listing: the opportunity's identity plus the dated entry, and last the
    user's own ``mine`` (``mine_record``; null when unmarked)."""
    opportunity = entry.opportunity
    record: dict[str, Any] = {
        "id": opportunity.id,
        "kind": opportunity.kind,
        "title": opportunity.title,
    }
    record.update(date_record(entry, now, status))
    record.update(
        {
            "url": opportunity.url,
            "tags": list(opportunity.tags),
            "organiser": opportunity.organiser,
            "location": opportunity.location,
            "mine": mine_record(mark),
        }
    )
    return record


def mine_record(mark: Any) -> dict[str, Any] | None:
    """JSON's ``"mine"``: ``{"status", "notes", "since"}`` of a ``pipeline.state.Mark``, or null
    for an unmarked entry."""
    if mark is None:
        return None
    return {
        "status": mark.status,
        "notes": [{"at": rfc3339(n.at), "text": n.text} for n in mark.notes],
        "since": rfc3339(mark.since),
    }


def item_record(
    item: Item, now: datetime, statuses: dict[tuple[str, int], Status], mark: Any = None
) -> dict[str, Any]:
    """One opportunity with its dates nested, as ``ccal show ID --json`` prints it."""
    opportunity = item.opportunity
    dates = sorted(item.entries, key=Entry.sort_key)
    return {
        "id": opportunity.id,
        "kind": opportunity.kind,
        "title": opportunity.title,
        "organiser": opportunity.organiser,
        "url": opportunity.url,
        "summary": opportunity.summary,
        "tags": list(opportunity.tags),
        "location": opportunity.location,
        "series": opportunity.series,
        "timezone": item.zone.key,
        "file": str(item.path),
        "dates": [date_record(e, now, statuses[(e.opportunity.id, e.position)]) for e in dates],
        "mine": mine_record(mark),
    }


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


def records_of(listing: AnyListing) -> Iterator[dict[str, Any]]:
    """The listing contract: one record per dated entry, in the listing's order, made one at a
    time as they are written."""
    now = listing.now
    for entry, status in listing.pairs():
        yield entry_record(entry, now, status, listing.mark_of(entry))


def render(listing: Listing, options: RenderOptions) -> str:
    """``--format json``: one array, exactly what ``--json`` prints (``--estimated``: the
    estimated records after the real ones)."""
    return "".join(chunks(listing, options))


def chunks(listing: AnyListing, options: RenderOptions) -> Iterator[str]:
    """``render``'s text a record at a time (``array_chunks``)."""
    now = listing.now
    estimated = (estimate_record(guess, now) for guess in options.estimates)
    return array_chunks(chain(records_of(listing), estimated))


def array_chunks(values: Iterable[Any]) -> Iterator[str]:
    """``dumps(list(values)) + "\\n"`` a value at a time: each value is ``dumps``'s own text
    of it, indented one level as ``json.dumps`` indents an array's items (its strings hold no
    raw line break, JSON escapes them), between the brackets and commas it writes."""
    first = True
    for value in values:
        yield ("[\n  " if first else ",\n  ") + dumps(value).replace("\n", "\n  ")
        first = False
    yield "[]\n" if first else "\n]\n"


def estimated_records(listing: AnyListing, options: RenderOptions) -> list[dict[str, Any]]:
    """``--estimated``: the estimated dates, as records after the real ones."""
    return [estimate_record(g, listing.now) for g in options.estimates]


def estimate_record(guess: Guess, now: datetime) -> dict[str, Any]:
    """An estimated date in the listing contract: every key of a real record (``at`` is the
    point estimate, ``status`` "upcoming", ``tentative`` true), then ``series``, ``basis``,
    ``estimated``: true, ``range_start`` and ``range_end`` (only estimated records have them)."""
    opportunity = guess.latest.opportunity
    return {
        "id": guess.id,
        "kind": opportunity.kind,
        "title": guess.title,
        "label": guess.date.label,
        "at": rfc3339(guess.date.at),
        "end": None,
        "all_day": guess.all_day,  # then ``at`` is the day's last second, as in a real record
        "timezone": _zone_name(guess.date.at),
        "seconds_left": seconds_between(now, guess.date.at),
        "status": "upcoming",
        "tentative": True,
        "source": None,
        "previous": None,
        "rrule": None,
        "occurrence": None,
        "url": opportunity.url,
        "tags": list(opportunity.tags),
        "organiser": opportunity.organiser,
        "location": opportunity.location,
        "mine": None,
        "series": guess.series,
        "basis": list(guess.estimate.basis),
        "estimated": True,
        "range_start": rfc3339(guess.date.range_start),
        "range_end": rfc3339(guess.date.range_end),
    }


def _zone_name(moment: datetime) -> str:
    """The estimate's zone as a record names it: its IANA key, else ("AoE") its name."""
    zone = moment.tzinfo
    return str(getattr(zone, "key", None) or (zone.tzname(moment) if zone else "UTC"))
