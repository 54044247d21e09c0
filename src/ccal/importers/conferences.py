"""What the conference-deadline importers (``ccfddl``, ``ai-deadlines``) share: reading YAML
safely, the zones those files write, their local times, free-text conference dates, and the
TOML file they produce.

Pure functions; PyYAML is imported here, and only the two importers import this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from ccal.clock import FIRST_YEAR, LAST_YEAR, TimeInputError, fixed_zone, is_nonexistent, zone_named
from ccal.errors import CcalError
from ccal.importers.result import ImportResult
from ccal.text import fold, label_key

KIND = "conference"  # the kind both importers declare (``kinds = ["conference"]``)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")

# Zone names seen in the data that are neither IANA names nor ccal's own forms (AoE, UTC±N):
# each means the zone of its region, with its daylight saving time. Ambiguous abbreviations
# (CST is China or the US Central zone, IST India, Ireland or Israel) are not here: an edition
# using one is skipped with its reason rather than put in the wrong zone.
ZONE_NAMES = {
    "PT": "America/Los_Angeles", "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles",
    "MT": "America/Denver", "MST": "America/Denver", "MDT": "America/Denver",
    "CT": "America/Chicago", "CDT": "America/Chicago",
    "ET": "America/New_York", "EST": "America/New_York", "EDT": "America/New_York",
    "GMT": "UTC", "Z": "UTC", "UTC": "UTC", "UTC+0": "UTC", "UTC-0": "UTC", "UTC+00:00": "UTC",
    "CET": "Europe/Paris", "CEST": "Europe/Paris", "BST": "Europe/London",
    "JST": "Asia/Tokyo", "KST": "Asia/Seoul", "SGT": "Asia/Singapore",
    "AEST": "Australia/Sydney", "AEDT": "Australia/Sydney",
}  # fmt: skip


class Skip(Exception):
    """One edition cannot be imported; the message says why (it becomes a skip reason)."""


def read_yaml(data: bytes, origin: str) -> Any:
    """The YAML document in ``data``, read by PyYAML's safe loader (plain data only: never a
    loader that can build objects); the compiled one where PyYAML has it, for speed."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # both are ``yaml.safe_load``'s kind
    try:
        text = data.decode("utf-8-sig")
        return yaml.load(text, Loader=loader)  # a safe loader (see above), never yaml.Loader
    except UnicodeDecodeError as exc:
        raise CcalError(f"{origin}: not UTF-8 text (byte {exc.start}); nothing written") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise CcalError(f"{origin}: not valid YAML{where}: {problem}; nothing written") from None


def zone_for(text: Any) -> str:
    """The zone to write for a zone field (``AoE``, ``UTC-12``, ``PT``, an IANA name), or
    ``Skip`` naming it: an unknown zone would put every deadline at the wrong instant."""
    name = str(text).strip() if text is not None else ""
    if not name:
        raise Skip("no time zone given")
    if name.upper() in ZONE_NAMES:
        return ZONE_NAMES[name.upper()]
    try:
        zone = fixed_zone(name) or zone_named(name)
    except TimeInputError:
        raise Skip(f"unknown time zone {name!r}") from None
    if zone is None:
        raise Skip(f"unknown time zone {name!r}")
    return zone.key


def local_time(value: Any, zone: str, what: str) -> datetime | date | None:
    """A deadline as written (``'2026-05-15 23:59:59'``, or a YAML date/timestamp) as a naive
    wall-clock time in ``zone`` (a date for a date alone); None for ``TBD`` and friends."""
    if value is None:
        return None
    moment: date | datetime
    if isinstance(value, datetime):
        moment = value.astimezone(zone_named(zone)).replace(tzinfo=None) if value.tzinfo else value
    elif isinstance(value, date):
        moment = value
    else:
        text = str(value).strip()
        if not text or fold(text).strip("?. ") in ("tbd", "tba", "none", "n/a", "unknown", "tbc"):
            return None
        try:
            parsed = datetime.fromisoformat(text.replace("/", "-"))
        except ValueError:
            raise Skip(f"{what} {text!r} is not a date and time") from None
        moment = parsed.date() if len(text) <= 10 else parsed
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise Skip(f"{what} {value!r} is out of range")
    if isinstance(moment, datetime):
        named = zone_named(zone)
        if moment.tzinfo is not None:  # written with an offset: that instant, on the zone's clock
            moment = moment.astimezone(named).replace(tzinfo=None)
        if fixed_zone(zone) is None and is_nonexistent(moment, named):
            raise Skip(f"{what} {value!r} does not exist in {zone} (daylight saving time)")
    return moment


_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_SIDE = re.compile(r"^(?:([a-z]+)\.?\s+(\d{1,2})|(\d{1,2})\s+([a-z]+)\.?|(\d{1,2}))$")


def conference_range(text: Any) -> tuple[date, date] | None:
    """A conference's own dates from free text, or None when it cannot be read for certain.

    Reads "December 6-12, 2026", "November 28-December 9, 2023", "August 28 - September 01,
    2023", "January 31 - 4 February, 2026" and "December 6, 2026"; "November, 2025" and "TBD"
    are not dates and stay text.
    """
    if text is None:
        return None
    found = re.match(r"^(.*?),?\s+(\d{4})$", " ".join(str(text).lower().split()))
    if not found:
        return None
    body, year = found[1].strip(), int(found[2])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    parts = [p.strip() for p in re.split(r"\s*[-–—]\s*", body)]
    if not 1 <= len(parts) <= 2:
        return None
    sides = []
    for part in parts:
        side = _SIDE.match(part)
        if not side:
            return None
        month_name = side[1] or side[4]
        day = int(side[2] or side[3] or side[5])
        month = _MONTHS.get(month_name) if month_name else None
        if month_name and month is None:
            return None
        sides.append((month, day))
    first_month, first_day = sides[0]
    if first_month is None:
        if len(sides) < 2 or sides[1][0] is None:
            return None
        first_month = sides[1][0]  # "31 - 4 February": the month is written once, at the end
    last_month, last_day = sides[-1] if len(sides) == 2 else (first_month, first_day)
    last_month = last_month or first_month
    try:
        start_year = year - 1 if last_month < first_month else year  # "December 30 - January 2"
        start, end = date(start_year, first_month, first_day), date(year, last_month, last_day)
    except ValueError:
        return None
    if end < start or (end - start).days > 60:
        return None
    return start, end


def slug(text: str) -> str:
    """``neurips-2026`` from "NeurIPS 2026": an id or series made of the name."""
    return _NOT_SLUG.sub("-", fold(text)).strip("-")


def distinct_labels(dates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Labels made distinct the way ccal compares them (``label_key``): a repeated label gets
    ``2``, ``3``, … (two "Paper submission" dates stay two dates)."""
    seen: dict[str, int] = {}
    for dated in dates:
        key = label_key(dated["label"])
        if key in seen:
            seen[key] += 1
            dated["label"] = f"{dated['label']} {seen[key]}"
        else:
            seen[key] = 1
    return dates


def merge(results: Iterable[ImportResult]) -> ImportResult:
    """Several files' results as one; a repeated id (the same edition in two files) is skipped."""
    merged = ImportResult()
    ids: set[str] = set()
    for result in results:
        merged.total += result.total
        merged.filtered += result.filtered
        for reason in result.reasons:
            merged.skip(reason)
        merged.skipped += result.skipped - len(result.reasons)
        for record in result.records:
            if record["id"] in ids:
                merged.skip(f"{record['id']}: the same edition again (kept the first)")
                continue
            ids.add(record["id"])
            merged.records.append(record)
    return merged


def render(result: ImportResult, header: str, source_name: str, imported_at: datetime) -> str:
    """The whole import file: where it came from, ``kinds = ["conference"]``, the records."""
    from ccal.importers import toml_out

    head = (
        f"{header} from {source_name} on {imported_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC:\n"
        f"# {result.imported} of {result.total} editions ({result.skipped} skipped).\n"
        "# A re-import replaces this whole file: keep your own entries in your own data file.\n"
        "# Times are the files' own wall-clock times in each edition's zone (AoE = UTC-12).\n"
        "\n"
    )
    document = {"version": 1, "timezone": "AoE", "kinds": [KIND], "opportunity": result.records}
    return head + toml_out.dumps(document)


def text_of(value: Any) -> str | None:
    """A free-text field as one clean line, or None when empty."""
    if value is None:
        return None
    cleaned = " ".join(re.sub(r"<[^>]*>", "", str(value)).split())
    return cleaned or None


def add_conference_dates(
    dates: list[dict[str, Any]], notes: list[str], span: tuple[date, date] | None, text: Any
) -> None:
    """The conference's own days as a "Conference" date when they could be read (``span``);
    else its free-text dates kept in the summary, never invented (nor a "TBD")."""
    if span is not None:
        start, end = span
        dates.append({"label": "Conference", "at": start, **({"end": end} if end != start else {})})
        return
    when = text_of(text)
    if when and fold(when) not in ("tbd", "tba"):
        notes.append(f"Conference dates: {when}")
