"""Reading the EU Funding & Tenders portal's bulk JSON: bytes → checked, typed ``Topic``s.

The portal's file is large and loosely typed; every field ccal uses is checked here, and a topic
that cannot be used says why (``Skipped``). Turning topics into ccal records is ``eu_portal``'s job.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from ccal.clock import DEFAULT_ZONE, FIRST_YEAR, LAST_YEAR, zone_named
from ccal.errors import CcalError
from ccal.text import fold

STATUSES = ("open", "forthcoming", "closed")
# The portal's status ids, used when `status.abbreviation` is missing.
STATUS_IDS = {31094501: "forthcoming", 31094502: "open", 31094503: "closed"}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SURROGATE = re.compile("[\ud800-\udfff]")


class NotPortalFormat(CcalError):
    """The file is not the portal's bulk JSON at all: nothing can be imported from it."""


class Skipped(Exception):
    """One topic that cannot be imported, with the reason shown to the user."""


@dataclass(frozen=True)
class Topic:
    """One portal topic, with only the fields ccal uses, already checked and typed."""

    identifier: str
    title: str
    status: str  # one of STATUSES, or "unknown"
    programme: str | None
    programme_name: str | None
    call_identifier: str | None
    call_title: str | None
    deadline_model: str | None
    deadlines: tuple[datetime, ...]  # fixed Brussels offsets, ascending, distinct
    keywords: tuple[str, ...]

    def haystack(self) -> str:
        parts = [self.identifier, self.title, self.call_identifier, self.call_title]
        parts += [self.programme, self.programme_name, *self.keywords]
        return " ".join(part for part in parts if part)


def _json_reason(exc: json.JSONDecodeError) -> str:
    """``json``'s complaint, readable: its message for an open string ends in "at" (the place
    comes after a colon), and a file that ends mid-value was most likely cut short."""
    where = f"line {exc.lineno}, column {exc.colno}"
    message = exc.msg.removesuffix(" at")
    text = exc.doc.rstrip() if isinstance(exc.doc, str) else ""
    if not text.lstrip("\ufeff"):  # nothing to be cut short
        return "the file is empty" if not exc.doc else "the file holds only white space"
    if exc.pos >= len(text):
        return f"it stops in the middle, at {where}: a cut-off download?"
    if message.startswith("Unterminated string"):
        return f"a string from {where} never ends: a cut-off download?"
    return f"{message} at {where}"


def read_topics(data: bytes | bytearray | str, name: str) -> list[Any]:
    """The raw topic list at ``fundingData.GrantTenderObj``, or ``NotPortalFormat``."""
    problem = f"{name}: not the EU Funding & Tenders portal bulk JSON"
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
        if isinstance(exc, RecursionError):
            from ccal.locator import nesting_place

            text = data if isinstance(data, str) else bytes(data).decode("utf-8", "replace")
            line, column = nesting_place(text)
            reason = f"too deeply nested, at line {line} column {column}"
        elif isinstance(exc, json.JSONDecodeError):
            reason = _json_reason(exc)
        else:
            reason = type(exc).__name__
        raise NotPortalFormat(f"{problem} (not valid JSON: {reason})") from None
    funding = document.get("fundingData") if isinstance(document, dict) else None
    topics = funding.get("GrantTenderObj") if isinstance(funding, dict) else None
    if not isinstance(topics, list):
        raise NotPortalFormat(f"{problem} (no 'fundingData.GrantTenderObj' list)")
    return topics


def parse_topic(raw: Any) -> Topic:
    """One raw topic, checked; ``Skipped`` says why one cannot be used."""
    if not isinstance(raw, dict):
        raise Skipped(f"not an object (got {type(raw).__name__})")
    identifier = clean_text(raw.get("identifier"))
    if identifier is None:
        raise Skipped("no identifier")
    title = clean_text(raw.get("title"))
    if title is None:
        raise Skipped("no title")
    programme = raw.get("frameworkProgramme")
    programme = programme if isinstance(programme, dict) else {}
    keywords = raw.get("keywords")
    keywords = keywords if isinstance(keywords, list) else []
    return Topic(
        identifier=identifier,
        title=title,
        status=_status(raw.get("status")),
        programme=clean_text(programme.get("abbreviation")),
        programme_name=clean_text(programme.get("description")),
        call_identifier=clean_text(raw.get("callIdentifier")),
        call_title=clean_text(raw.get("callTitle")),
        deadline_model=clean_text(raw.get("deadlineModel")),
        deadlines=_deadlines(raw.get("deadlineDatesLong")),
        keywords=tuple(k for k in map(clean_text, keywords) if k),
    )


def clean_text(value: Any) -> str | None:
    """A non-empty string with surrounding space removed; anything else counts as missing.

    A lone surrogate (``"\\ud800"`` in JSON) is no character at all: it cannot be written as
    UTF-8, so the topic holding it is skipped rather than failing the whole file's write.
    """
    if isinstance(value, str) and value.strip():
        text = value.strip()
        found = _SURROGATE.search(text)
        if found:
            raise Skipped(
                f"text holding a lone surrogate (\\u{ord(found[0]):04x}), not a character"
            )
        return text
    return None


def _status(raw: Any) -> str:
    if not isinstance(raw, dict):
        return "unknown"
    abbreviation = clean_text(raw.get("abbreviation"))
    if abbreviation and fold(abbreviation) in STATUSES:
        return fold(abbreviation)
    code = raw.get("id")
    return STATUS_IDS.get(code, "unknown") if isinstance(code, int) else "unknown"


def _deadlines(raw: Any) -> tuple[datetime, ...]:
    """Epoch milliseconds → exact instants with their Brussels offset (the portal's zone).

    Missing or ``null`` means no deadline is known yet (the topic is imported undated); any
    other non-list, or a value that is not a whole number of milliseconds, makes the topic
    unusable: a guessed cut-off is worse than none.
    """
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise Skipped(f"deadlineDatesLong is not a list (got {type(raw).__name__})")
    instants = set()
    for position, value in enumerate(raw):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise Skipped(f"deadlineDatesLong[{position}] is not epoch milliseconds ({value!r})")
        try:
            # Kept in UTC: aware datetimes sharing one zone compare by wall clock, which would
            # merge 02:30 CEST and 02:30 CET on the night the clocks go back.
            moment = brussels(_EPOCH + timedelta(milliseconds=value))
        except (OverflowError, ValueError):
            raise Skipped(f"deadlineDatesLong[{position}] is out of range ({value})") from None
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:  # ccal's range for every moment (clock)
            raise Skipped(
                f"deadlineDatesLong[{position}] is out of range ({moment:%Y-%m-%d}: ccal handles "
                f"the years {FIRST_YEAR} to {LAST_YEAR})"
            )
        if (moment.utcoffset() or timedelta(0)).seconds % 60:
            # Before 1892 Brussels kept local mean time (+00:17:30): TOML offsets are whole
            # minutes, so the instant cannot be written as the portal gave it.
            raise Skipped(
                f"deadlineDatesLong[{position}] ({moment:%Y-%m-%d}) falls before Brussels had a "
                "whole-minute UTC offset"
            )
        instants.add(moment)
    return tuple(sorted(instants))


def brussels(moment: datetime) -> datetime:
    """The instant as Brussels clock time with a fixed UTC offset (``17:00+02:00``).

    A fixed offset, not the zone, so that the TOML value names one instant on its own, and
    comparisons and de-duplication work on instants even on the night the clocks go back.
    """
    local = moment.astimezone(zone_named(DEFAULT_ZONE))
    return local.replace(tzinfo=timezone(local.utcoffset() or timedelta(0)), fold=0)
