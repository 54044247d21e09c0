"""Any iCalendar file (RFC 5545) as ccal records, read with the ``icalendar`` library.

Each VEVENT becomes a dated entry (DTSTART/DTEND in their TZID, DATE values all day, an RRULE
kept as the entry's rule with its UNTIL/COUNT), each VTODO with a DUE a deadline; SUMMARY,
DESCRIPTION, URL, LOCATION and CATEGORIES give title, summary, url, location and tags. Ids come
from the UID, so a re-import updates entries rather than duplicating them.

A file ccal exported (UIDs ``<id>.<label>@ccal``) reads back as what was exported: each event
returns to its opportunity (its id with ``ics-`` before it, like every imported id, so the
original beside it in the default data is no duplicate; the same kind, title, label, organiser,
source and zone).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ccal.clock import FIRST_YEAR, LAST_YEAR, TimeInputError, zone_named
from ccal.errors import CcalError
from ccal.importers.registry import FORMATS
from ccal.importers.result import ImportResult
from ccal.text import distinct, fold, label_key

HEADER = FORMATS["ics"].header
PREFIX = "ics-"
TODO_KIND = "deadline"  # what a VTODO is: declared in the file (``kinds = ["deadline"]``)
CCAL_UID = re.compile(r"^([a-z0-9]+(?:-[a-z0-9]+)*)\.([a-z0-9-]+)@ccal$")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
MAX_ID = 60


def convert(data: bytes, origin: str, options: Mapping[str, Any]) -> ImportResult:
    """Every VEVENT and every VTODO with a DUE of the calendar(s) in ``data``."""
    from icalendar import Calendar

    try:
        calendars = Calendar.from_ical(data, multiple=True)
    except (ValueError, IndexError, KeyError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CcalError(f"{origin}: not an iCalendar file ({reason}); nothing written") from None
    if not calendars or any(c.name != "VCALENDAR" for c in calendars):
        raise CcalError(f"{origin}: not an iCalendar file (no VCALENDAR); nothing written")
    result = ImportResult()
    records: dict[str, dict[str, Any]] = {}
    for calendar in calendars:
        default = _text(calendar.get("X-WR-TIMEZONE"))
        for component in calendar.walk():
            if component.name not in ("VEVENT", "VTODO"):
                continue
            result.total += 1
            try:
                _add(component, records, default)
            except Skip as exc:
                uid = str(component.get("UID") or "?")
                result.skip(f"{component.name} {uid!r}: {exc}")
    result.records = [{**{k: v for k, v in r.items() if k != "dates"}, "dates": r["dates"]}
                      for r in records.values()]  # fmt: skip
    return result


def convert_files(files: list[tuple[bytes, str]], options: Mapping[str, Any]) -> ImportResult:
    """A directory of .ics files, as one result (a UID seen twice is kept once)."""
    merged = ImportResult()
    seen: dict[str, dict[str, Any]] = {}
    for data, origin in files:
        one = convert(data, origin, options)
        merged.total += one.total
        merged.skipped += one.skipped - len(one.reasons)
        for reason in one.reasons:
            merged.skip(reason)
        for record in one.records:
            if record["id"] in seen:
                merged.skip(f"{record['id']}: the same entry again in {origin} (kept the first)")
                continue
            seen[record["id"]] = record
    merged.records = list(seen.values())
    return merged


def record_status(record: Mapping[str, Any]) -> str | None:
    """The STATUS an entry was imported with, for ``ccal sync``'s change log: ``tentative``
    (STATUS:TENTATIVE, kept as ``tentative = true``) or ``confirmed`` (any other STATUS, or
    none), when all its dates agree. A CANCELLED event is not imported: it shows as removed."""
    dates = record.get("dates") or ()
    flags = {bool(d.get("tentative")) for d in dates if isinstance(d, Mapping)}
    if len(flags) != 1:
        return None
    return "tentative" if flags.pop() else "confirmed"


class Skip(Exception):
    """One component cannot be an entry; the message says why."""


def _add(item: Any, records: dict[str, dict[str, Any]], default: str | None) -> None:
    todo = item.name == "VTODO"
    # A plain dict of its properties (names upper case): icalendar's case-insensitive lookups
    # were a third of this function's time on a 50,000-event file.
    component = dict(item.items())
    if component.get("RECURRENCE-ID") is not None:
        raise Skip("a changed occurrence of a series (RECURRENCE-ID) is not kept")
    if str(component.get("STATUS") or "").upper() == "CANCELLED":
        raise Skip("cancelled")
    uid = str(component.get("UID") or "").strip()
    start_key = "DUE" if todo else "DTSTART"
    if component.get(start_key) is None:
        raise Skip("a to-do without a DUE date" if todo else "an event without DTSTART")
    at, zone = _moment(component[start_key])
    floating = isinstance(at, datetime) and at.tzinfo is None and zone == "UTC"
    if floating and component[start_key].params.get("TZID") is None and not _is_utc(component):
        zone = _day_zone(component, default)  # a floating time: the calendar's wall clock
    if not isinstance(at, datetime):  # a DATE: the day of ccal's zone, else the calendar's
        zone = _day_zone(component, default)
    dated: dict[str, Any] = {"at": at}
    if not todo:
        end = _end(component, at, zone)
        if end is not None:
            dated["end"] = end
    tentative = str(component.get("STATUS") or "").upper() == "TENTATIVE"
    if tentative:
        dated["tentative"] = True
    if component.get("RRULE") is not None:
        dated.update(_rule(component["RRULE"], zone))
        _check_rule(dated["rrule"], at, zone)
    summary_text = _text(component.get("SUMMARY")) or ("Untitled to-do" if todo else "Untitled")
    if tentative:
        summary_text = summary_text.removesuffix(" (tentative)")
    tags = _categories(component)
    description = _text(component.get("DESCRIPTION"), multiline=True)
    ours = CCAL_UID.match(uid)
    if ours:
        ident, key = ours.groups()
        # Prefixed like every imported id: the original may sit in the default data beside it.
        ident = ident if ident.startswith(PREFIX) else PREFIX + ident
        title, label = _ccal_summary(summary_text, key)
        kind = tags.pop() if tags and _SLUG.match(tags[-1]) else "event"
        description, organiser, source = _ccal_description(description)
    else:
        ident = PREFIX + _id_of(uid or summary_text + str(at))
        title, label = summary_text, "Due" if todo else "Event"
        kind, organiser, source = (TODO_KIND if todo else "event"), None, None
    dated["label"] = label
    if source:
        dated["source"] = source
    record = records.get(ident)
    if record is None:
        record = records[ident] = {"id": ident, "kind": kind, "title": title, "dates": []}
        for name, value in (("organiser", organiser), ("summary", description)):
            if value:
                record[name] = value
        url, location = _text(component.get("URL")), _text(component.get("LOCATION"))
        if url and url.startswith(("http://", "https://")) and " " not in url:
            record["url"] = url
        if location:
            record["location"] = location
        if tags:
            record["tags"] = tags
        record["timezone"] = zone
    elif any(label_key(d["label"]) == label_key(label) for d in record["dates"]):
        raise Skip(f"a second date labelled {label!r} for {ident}")
    record["dates"].append(_ordered(dated))


def _ordered(dated: dict[str, Any]) -> dict[str, Any]:
    order = ("label", "at", "end", "source", "tentative", "rrule", "until", "count")
    return {key: dated[key] for key in order if key in dated}


def _moment(prop: Any) -> tuple[date | datetime, str]:
    """A DTSTART/DUE as the value to write and the zone it is in (its TZID where ccal knows
    it, else its VTIMEZONE's instant in UTC, else skipped; a UTC time stays UTC; a floating
    time is wall-clock time in UTC)."""
    value = prop.dt
    if isinstance(value, datetime):
        tzid = prop.params.get("TZID")
        if tzid:
            try:
                zone = zone_named(str(tzid))
            except TimeInputError:
                zone = None
            if zone is not None:  # the wall clock as written, in the zone it names (RFC 5545)
                return _checked(value.replace(tzinfo=None)), zone.key
            if value.tzinfo is None:  # no VTIMEZONE either: its instant is anyone's guess
                raise Skip(f"unknown time zone {str(tzid)!r} (and no VTIMEZONE defines it)")
        if value.tzinfo is not None:
            key = getattr(value.tzinfo, "key", None)
            if key:
                try:
                    return _checked(_wall(value, zone_named(key))), key
                except TimeInputError:
                    pass
            return _checked(value.astimezone(UTC)), "UTC"  # the instant, from its VTIMEZONE
        return _checked(value), "UTC"
    if isinstance(value, date):
        return _checked(value), "UTC"
    raise Skip(f"a {type(value).__name__} where a date was expected")


def _wall(value: datetime, zone: Any) -> datetime:
    """The wall-clock time of ``value`` in ``zone``; the second pass of a repeated autumn hour
    keeps its offset (a wall-clock time there would be read as the first pass)."""
    local = value.astimezone(zone)
    return local if local.fold else local.replace(tzinfo=None)


def _is_utc(component: Any) -> bool:
    value = (component.get("DTSTART") or component.get("DUE")).dt
    return isinstance(value, datetime) and value.tzinfo is not None


def _day_zone(component: Any, default: str | None) -> str:
    """The zone an all-day date is a day of: ccal's own ``X-CCAL-TIMEZONE``, else the
    calendar's ``X-WR-TIMEZONE``, else UTC (a DATE is floating in RFC 5545)."""
    for name in (_text(component.get("X-CCAL-TIMEZONE")), default):
        if name:
            try:
                return zone_named(name).key
            except TimeInputError:
                continue
    return "UTC"


def _checked(value: Any) -> Any:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise Skip(f"{value} is out of range")
    return value


def _end(component: Any, at: date | datetime, zone: str) -> date | datetime | None:
    """DTEND (or DTSTART + DURATION) as ccal's end: a DATE end is exclusive in iCalendar and
    inclusive in ccal, so the day before; a one-day all-day event has no end."""
    if component.get("DTEND") is not None:
        end = component["DTEND"].dt
        if isinstance(end, datetime) and isinstance(at, datetime):
            value, _zone = _moment(component["DTEND"])
            if isinstance(value, datetime) and value.tzinfo is None and _zone != zone:
                value = value.replace(tzinfo=zone_named(_zone)).astimezone(zone_named(zone))
                value = value.replace(tzinfo=None)
            end = value
    elif component.get("DURATION") is not None:
        end = at + component["DURATION"].dt
    else:
        return None
    if not isinstance(at, datetime) and not isinstance(end, datetime):
        last = end - timedelta(days=1)
        return last if last > at else None
    if type(end) is not type(at):
        return None  # a DATE start with a DATE-TIME end: RFC 5545 forbids it; the start stays
    return end if end > at else None


def _rule(prop: Any, zone: str) -> dict[str, Any]:
    """The RRULE without UNTIL and COUNT (ccal keeps those as keys of their own), written from
    icalendar's parsed parts (its ``to_ical`` was most of this function's time)."""
    kept: list[str] = []
    found: dict[str, Any] = {}
    for name, values in prop.items():
        values = values if isinstance(values, list) else [values]
        if name.upper() == "COUNT":
            try:
                found["count"] = int(values[0])
            except (ValueError, TypeError, IndexError):
                raise Skip(f"COUNT={values} is not a number") from None
        elif name.upper() == "UNTIL":
            found["until"] = _until(values[0], zone)
        elif all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values):
            kept.append(f"{name.upper()}={','.join(str(v) for v in values)}")
        else:  # a value type of its own: icalendar writes it
            return _rule_from_text(prop.to_ical().decode(), zone)
    return {"rrule": ";".join(kept), **found}


def _rule_from_text(text: str, zone: str) -> dict[str, Any]:
    kept: list[str] = []
    found: dict[str, Any] = {}
    for part in (p for p in text.split(";") if p):
        name, _, value = part.partition("=")
        if name.upper() == "COUNT":
            try:
                found["count"] = int(value)
            except ValueError:
                raise Skip(f"COUNT={value} is not a number") from None
        elif name.upper() == "UNTIL":
            found["until"] = _until(value, zone)
        else:
            kept.append(part)
    return {"rrule": ";".join(kept), **found}


_RULES_SEEN: set[tuple[str, bool]] = set()  # rules already checked (a feed repeats a few)


def _check_rule(rule: str, at: date | datetime, zone: str) -> None:
    """The loader's own check of a rule (``recurrence.parse_rule``): a rule it would refuse
    skips this event instead of failing the whole import."""
    if (rule, isinstance(at, datetime)) in _RULES_SEEN:
        return
    from ccal.clock import end_of_day
    from ccal.recurrence import parse_rule

    named = zone_named(zone)
    if isinstance(at, datetime):
        start = at if at.tzinfo is not None else at.replace(tzinfo=named)
    else:
        start = end_of_day(at, named)
    try:
        parse_rule(rule, start.astimezone(named), all_day=not isinstance(at, datetime))
    except TimeInputError as exc:
        raise Skip(str(exc)) from None
    _RULES_SEEN.add((rule, isinstance(at, datetime)))


def _until(value: Any, zone: str) -> date | datetime:
    """UNTIL as ccal writes it: a date, or a wall-clock time in the entry's zone."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value
        return value.astimezone(zone_named(zone)).replace(tzinfo=None)
    if isinstance(value, date):
        return value
    value = str(value)
    try:
        if len(value) == 8:
            return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
        moment = datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
    except ValueError:
        raise Skip(f"UNTIL={value} is not a date") from None
    if value.endswith("Z"):
        return moment.replace(tzinfo=UTC).astimezone(zone_named(zone)).replace(tzinfo=None)
    return moment


def _text(value: Any, *, multiline: bool = False) -> str | None:
    if value is None:
        return None
    text = str(value).replace("\r\n", "\n")
    if not multiline:
        text = " ".join(text.split())
    text = text.strip()
    return text or None


def _categories(component: Any) -> list[str]:
    values = component.get("CATEGORIES")
    props = values if isinstance(values, list) else [values] if values is not None else []
    return distinct(
        _text(category) for prop in props for category in getattr(prop, "cats", None) or []
    )


def _id_of(uid: str) -> str:
    """A slug for the UID: readable where it can be, with a hash where it was cut or changed."""
    readable = _NOT_SLUG.sub("-", fold(uid)).strip("-")
    if readable and len(readable) <= MAX_ID and readable == uid:
        return readable
    digest = hashlib.sha1(uid.encode("utf-8")).hexdigest()[:10]
    head = readable[: MAX_ID - 11].strip("-")
    return f"{head}-{digest}" if head else digest


def _ccal_summary(summary: str, key: str) -> tuple[str, str]:
    """Title and label back from ccal's SUMMARY ("Title: Label", or the title alone when the
    label says the same), found by the label's key in the UID."""
    position = summary.find(": ")
    while position != -1:
        title, label = summary[:position], summary[position + 2 :]
        bare = re.sub(r"\s*\([^()]*\)\s*$", "", label)  # an aside added after the label
        if label_key(label) == key:
            return title, label
        if label_key(bare) == key:
            return title, bare
        position = summary.find(": ", position + 1)
    return summary, summary


def _ccal_description(text: str | None) -> tuple[str | None, str | None, str | None]:
    """Summary, organiser and source back from ccal's DESCRIPTION lines."""
    if not text:
        return None, None, None
    kept, organiser, source = [], None, None
    for line in text.split("\n"):
        if line.startswith("Organiser: "):
            organiser = line.removeprefix("Organiser: ").strip() or None
        elif line.startswith("Source: "):
            source = line.removeprefix("Source: ").strip() or None
        elif line.startswith("Tentative date: check the source"):
            continue
        else:
            kept.append(line)
    return "\n".join(kept).strip() or None, organiser, source


def render_toml(result: ImportResult, source_name: str, imported_at: datetime) -> str:
    from ccal.importers import toml_out

    own = result.own_kinds
    header = (
        f"{HEADER} from {source_name} on {imported_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC:\n"
        f"# {result.imported} entries from {result.total} calendar items "
        f"({result.skipped} skipped).\n"
        "# A re-import replaces this whole file: keep your own entries in your own data file.\n"
        "\n"
    )
    document: dict[str, Any] = {"version": 1, "timezone": "UTC"}
    if own:
        document["kinds"] = own
    document["opportunity"] = result.records
    return header + toml_out.dumps(document)
