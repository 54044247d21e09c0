"""The EU Funding & Tenders portal's bulk JSON (``grantsTenders.json``) as ccal ``call`` records.

Pure functions: JSON bytes → topics (read and checked in ``portal_topics``) → plain records →
TOML text. No clock, no files, no output;
the command in ``ccal.cli.importing`` does those. Records are plain dicts (not pydantic models)
because the real file holds ~11,000 topics; the finished TOML is validated once, as a whole,
by the normal loader.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from ccal.clock import DEFAULT_ZONE
from ccal.importers.portal_topics import STATUSES as STATUSES
from ccal.importers.portal_topics import NotPortalFormat as NotPortalFormat
from ccal.importers.portal_topics import Skipped, Topic, clean_text, parse_topic
from ccal.importers.portal_topics import read_topics as read_topics
from ccal.importers.registry import FORMATS
from ccal.importers.result import MAX_REASONS as MAX_REASONS
from ccal.importers.result import ImportResult as ImportResult
from ccal.text import distinct, fold

TOPIC_PAGE = (
    "https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/"
    "topic-details/"
)
# The first words of every file the importer writes: only such a file may be replaced unasked.
HEADER = FORMATS["eu-portal"].header
SOURCE_TAG = "eu-portal"
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


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


def convert(data: bytes, origin: str, options: Mapping[str, Any]) -> ImportResult:
    """The registry's interface: the portal's bytes and a source's stored options → records.

    ``options`` may hold ``status`` and ``programme`` (lists of names; statuses already
    checked) and ``search`` (text), as ``ccal import eu-portal`` and a stored source give them.
    """
    filters = ImportFilters(
        statuses=frozenset(s.strip().lower() for s in options.get("status") or () if s.strip()),
        programmes=frozenset(fold(p.strip()) for p in options.get("programme") or () if p.strip()),
        search=options.get("search"),
    )
    return build(read_topics(data, origin), filters)


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
    try:
        identifier = clean_text(raw.get("identifier")) if isinstance(raw, dict) else None
    except Skipped:  # an identifier that is no text cannot name the topic
        return ""
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


_STATUS = re.compile(r"Status when imported: ([a-z]+)\.")


def record_status(record: Mapping[str, Any]) -> str | None:
    """The portal status a record was imported with (``summary`` says it; see there)."""
    found = _STATUS.search(str(record.get("summary") or ""))
    return found[1] if found else None


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
    return distinct((SOURCE_TAG, (topic.programme or "").lower(), *topic.keywords))


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
