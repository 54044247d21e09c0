"""The EU Funding & Tenders portal's bulk JSON (``grantsTenders.json``) as ccal ``call`` records.

Pure functions: JSON bytes → topics → plain records → TOML text. No clock, no files, no output;
the command in ``ccal.cli.importing`` does those. Records are plain dicts (not pydantic models)
because the real file holds ~11,000 topics; the finished TOML is validated once, as a whole,
by the normal loader.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote

from ccal.clock import DEFAULT_ZONE, zone_named
from ccal.errors import CcalError
from ccal.query import fold

TOPIC_PAGE = (
    "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/"
    "topic-details/"
)
STATUSES = ("open", "forthcoming", "closed")
# The portal's status ids, used when `status.abbreviation` is missing.
STATUS_IDS = {31094501: "forthcoming", 31094502: "open", 31094503: "closed"}
MAX_REASONS = 5
# The first words of every file the importer writes: only such a file may be replaced unasked.
HEADER = "# Imported by `ccal import eu-portal`"
SOURCE_TAG = "eu-portal"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


class NotPortalFormat(CcalError):
    """The file is not the portal's bulk JSON at all: nothing can be imported from it."""


class Skipped(Exception):
    """One topic that cannot be imported, with the reason shown to the user."""


@dataclass(frozen=True)
class ImportFilters:
    """What to keep: any of these statuses, any of these programmes, and text found anywhere."""

    statuses: frozenset[str] = frozenset()
    programmes: frozenset[str] = frozenset()  # folded abbreviations
    search: str | None = None

    def matches(self, topic: Topic) -> bool:
        if self.statuses and topic.status not in self.statuses:
            return False
        if self.programmes and fold(topic.programme or "") not in self.programmes:
            return False
        return not self.search or fold(self.search.strip()) in fold(topic.haystack())


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


@dataclass
class ImportResult:
    """The records to write, and what happened to every topic of the file."""

    records: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    filtered: int = 0
    skipped: int = 0
    reasons: list[str] = field(default_factory=list)  # the first MAX_REASONS skip reasons

    @property
    def imported(self) -> int:
        return len(self.records)

    @property
    def cutoffs(self) -> int:
        return sum(len(record.get("dates", ())) for record in self.records)

    def skip(self, reason: str) -> None:
        self.skipped += 1
        if len(self.reasons) < MAX_REASONS:
            self.reasons.append(reason)


# --- reading the file -------------------------------------------------------------------------


def read_topics(data: bytes | bytearray | str, name: str) -> list[Any]:
    """The raw topic list at ``fundingData.GrantTenderObj``, or ``NotPortalFormat``."""
    problem = f"{name}: not the EU Funding & Tenders portal bulk JSON"
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError
        if isinstance(exc, json.JSONDecodeError):
            reason = f"{exc.msg} at line {exc.lineno}"
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
    identifier = _text(raw.get("identifier"))
    if identifier is None:
        raise Skipped("no identifier")
    title = _text(raw.get("title"))
    if title is None:
        raise Skipped("no title")
    programme = raw.get("frameworkProgramme")
    programme = programme if isinstance(programme, dict) else {}
    keywords = raw.get("keywords")
    return Topic(
        identifier=identifier,
        title=title,
        status=_status(raw.get("status")),
        programme=_text(programme.get("abbreviation")),
        programme_name=_text(programme.get("description")),
        call_identifier=_text(raw.get("callIdentifier")),
        call_title=_text(raw.get("callTitle")),
        deadline_model=_text(raw.get("deadlineModel")),
        deadlines=_deadlines(raw.get("deadlineDatesLong")),
        keywords=tuple(k for k in map(_text, keywords) if k) if isinstance(keywords, list) else (),
    )


def _text(value: Any) -> str | None:
    """A non-empty string with surrounding space removed; anything else counts as missing."""
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _status(raw: Any) -> str:
    if not isinstance(raw, dict):
        return "unknown"
    abbreviation = _text(raw.get("abbreviation"))
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
            instants.add(brussels(_EPOCH + timedelta(milliseconds=value)))
        except (OverflowError, ValueError):
            raise Skipped(f"deadlineDatesLong[{position}] is out of range ({value})") from None
    return tuple(sorted(instants))


def brussels(moment: datetime) -> datetime:
    """The instant as Brussels clock time with a fixed UTC offset (``17:00+02:00``).

    A fixed offset, not the zone, so that the TOML value names one instant on its own, and
    comparisons and de-duplication work on instants even on the night the clocks go back.
    """
    local = moment.astimezone(zone_named(DEFAULT_ZONE))
    return local.replace(tzinfo=timezone(local.utcoffset() or timedelta(0)), fold=0)


# --- topics → records -------------------------------------------------------------------------


def build(
    raw_topics: list[Any],
    filters: ImportFilters = ImportFilters(),
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Every usable topic that passes the filters, as a record; the rest counted with reasons.

    ``progress`` is called now and then with the number of topics handled since the last call.
    """
    result = ImportResult(total=len(raw_topics))
    kept: list[Topic] = []
    first_at: dict[str, int] = {}
    for number, raw in enumerate(raw_topics, start=1):
        if progress and number % 500 == 0:
            progress(500)
        try:
            topic = parse_topic(raw)
        except Skipped as exc:
            result.skip(f"topic #{number}{_named(raw)}: {exc}")
            continue
        if topic.identifier in first_at:
            result.skip(
                f"topic #{number} ({topic.identifier}): duplicate identifier "
                f"(first at topic #{first_at[topic.identifier]})"
            )
            continue
        first_at[topic.identifier] = number
        if not _slug(topic.identifier):
            result.skip(f"topic #{number} ({topic.identifier}): identifier has no letter or digit")
            continue
        if filters.matches(topic):
            kept.append(topic)
        else:
            result.filtered += 1
    if progress:
        progress(len(raw_topics) % 500)
    used: set[str] = set()
    for topic, ident in zip(kept, ids_for(kept), strict=True):
        if ident in used:  # only if a hashed id equals another topic's slug: never a clash
            result.skip(f"topic {topic.identifier}: its id '{ident}' is already used")
            continue
        used.add(ident)
        result.records.append(record(topic, ident))
    return result


def _named(raw: Any) -> str:
    identifier = _text(raw.get("identifier")) if isinstance(raw, dict) else None
    return f" ({identifier})" if identifier else ""


def _slug(identifier: str) -> str:
    return _NOT_SLUG.sub("-", fold(identifier)).strip("-")


def ids_for(topics: Iterable[Topic]) -> list[str]:
    """Stable ids: ``eu-`` + the identifier as a slug, so a re-import keeps every id.

    Two different identifiers with the same slug (``A_1`` and ``A-1``) both get a short hash of
    their identifier appended, which keeps them distinct whatever order the file lists them in.
    """
    topics = list(topics)
    slugs = [f"eu-{_slug(topic.identifier)}" for topic in topics]
    counts = Counter(slugs)
    return [
        slug
        if counts[slug] == 1
        else f"{slug}-{hashlib.sha1(topic.identifier.encode()).hexdigest()[:8]}"
        for slug, topic in zip(slugs, topics, strict=True)
    ]


def record(topic: Topic, ident: str) -> dict[str, Any]:
    """One ``[[opportunity]]`` table as a plain dict (no key for what is unknown)."""
    entry: dict[str, Any] = {"id": ident, "kind": "call", "title": topic.title}
    organiser = topic.programme_name or topic.programme
    if organiser:
        entry["organiser"] = organiser
    entry["url"] = TOPIC_PAGE + quote(topic.identifier, safe="-_.~")
    entry["summary"] = summary(topic)
    entry["tags"] = tags(topic)
    labels = cutoff_labels(topic.deadline_model, len(topic.deadlines))
    entry["dates"] = [
        {"label": lb, "at": at} for lb, at in zip(labels, topic.deadlines, strict=True)
    ]
    return entry


def summary(topic: Topic) -> str:
    parts = [f"Portal topic {topic.identifier}."]
    if topic.call_title and topic.call_identifier:
        parts.append(f"Call {topic.call_identifier}: {topic.call_title}.")
    elif topic.call_identifier or topic.call_title:
        parts.append(f"Call {topic.call_identifier or topic.call_title}.")
    parts.append(f"Status when imported: {topic.status}.")
    if topic.deadline_model:
        parts.append(f"Deadline model: {topic.deadline_model}.")
    return " ".join(parts)


def tags(topic: Topic) -> list[str]:
    """``eu-portal``, the programme abbreviation (lower case), then the keywords; no repeats."""
    result: list[str] = []
    seen: set[str] = set()
    for tag in (SOURCE_TAG, (topic.programme or "").lower(), *topic.keywords):
        if tag and fold(tag) not in seen:
            seen.add(fold(tag))
            result.append(tag)
    return result


def cutoff_labels(model: str | None, count: int) -> list[str]:
    """Labels by the portal's deadline model: single stage, two stages, or multiple cut-offs."""
    kind = re.sub(r"[^a-z]", "", fold(model or ""))
    if kind == "twostage":
        return [f"Stage {n} deadline" for n in range(1, count + 1)]
    if kind == "multiplecutoff":
        return [f"Cut-off {n}" for n in range(1, count + 1)]
    if count == 1:
        return ["Deadline"]
    return [f"Deadline {n}" for n in range(1, count + 1)]


# --- records → TOML ---------------------------------------------------------------------------


def written_by_importer(head: str) -> bool:
    """Whether a file starting with ``head`` is one this importer wrote (or is empty)."""
    head = head.removeprefix("\ufeff")
    return not head.strip() or head.startswith(HEADER)


def render_toml(result: ImportResult, source_name: str, imported_at: datetime) -> str:
    """The whole import file: a header saying where it came from, then every record."""
    import tomli_w

    header = (
        f"{HEADER} from {source_name} "
        f"on {imported_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC:\n"
        f"# {result.imported} of {result.total} portal topics "
        f"({result.filtered} filtered out, {result.skipped} skipped).\n"
        "# A re-import replaces this whole file: keep your own entries in your own data file.\n"
        "# Cut-offs are the portal's exact instants, written in Brussels time with their offset.\n"
        "\n"
    )
    document = {"version": 1, "timezone": DEFAULT_ZONE, "opportunity": result.records}
    return header + tomli_w.dumps(document)
