"""The data file as pydantic models: the one definition of what a valid file may contain."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
)

from ccal.clock import DEFAULT_ZONE, zone_named
from ccal.rules import KINDS as KINDS  # re-exported: the one list of kinds
from ccal.text import label_key

# The error type of clashing date labels (``_distinct_labels``): it carries every clash, and
# ``schema_errors`` makes each its own problem at the later date's label.
LABEL_CLASH = "label_clash"
UNKNOWN_KIND = "unknown_kind"  # ``_known_kind``'s error type: its message is complete as it is

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"


def _http_url(value: str) -> str:
    # Spaces and control characters: a browser or calendar app cuts the link at the first one.
    if " " in value:
        raise ValueError(f"'{value}' is not a URL: it contains a space (write it as %20)")
    if not value.isprintable():  # other spaces, line breaks, control or unassigned characters
        raise ValueError(f"'{value}' is not a URL: it contains an invisible character")
    if _plainly_http(value):
        return value  # what urlsplit would accept, without its cost (~5 µs, every url of a file)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"'{value}' is not an http(s) URL (it must start with https:// or http://)"
        )
    return value


def label_clashes(labels: Sequence[str | None]) -> list[tuple[int, str]]:
    """Dates of one opportunity labelled alike, as (0-based position of the later date,
    message); a None label (not text) takes no part. The loader asks it of the raw labels too,
    when another error keeps the dates from validating: a clash never waits for a clean file."""
    first: dict[str, tuple[int, str]] = {}
    clashes: list[tuple[int, str]] = []
    for number, given in enumerate(labels, start=1):
        if given is None:
            continue
        key = label_key(given)
        if key not in first:
            first[key] = (number, given)
            continue
        earlier, label = first[key]
        both = f"dates {earlier} and {number} are both labelled '{label}'"
        if label != given:
            both = (
                f"dates {earlier} and {number} are labelled '{label}' and '{given}', "
                "which differ only in case, accents or punctuation"
            )
        clashes.append((number - 1, f"{both}: give each date of an opportunity its own label"))
    return clashes


def _distinct_labels(dates: list[DateEntry]) -> list[DateEntry]:
    # A label names its date: two alike would give two calendar events one UID, and make
    # `ccal extend ID LABEL` unable to tell which date to move. Every clash is reported (one
    # error carrying them all in its context: `schema_errors` makes one located line of each).
    if len(dates) < 2:
        return dates  # most opportunities: nothing to compare, no label to fold
    clashes = label_clashes([dated.label for dated in dates])
    if clashes:
        from pydantic_core import PydanticCustomError

        raise PydanticCustomError(
            LABEL_CLASH, "{message}", {"message": clashes[0][1], "clashes": clashes}
        )
    return dates


def _plainly_http(value: str) -> bool:
    """True only where ``urlsplit`` certainly gives an http(s) scheme and a netloc, and cannot
    raise: ASCII, no brackets, lowercase scheme, the host starting with a letter or digit."""
    for scheme in ("https://", "http://"):
        if value.startswith(scheme):
            first = value[len(scheme) : len(scheme) + 1]
            return first.isalnum() and value.isascii() and "[" not in value and "]" not in value
    return False


def _known_zone(value: str) -> str:
    zone_named(value)  # raises ValueError with a readable message
    return value


# The context key under which the loader passes a file's declared ``kinds``; ``ANY_KIND`` trusts
# every kind (the index stores only what the loader already checked).
KINDS_CONTEXT = "kinds"
ANY_KIND = "*"


def _known_kind(value: str, info: ValidationInfo) -> str:
    """A built-in kind (``rules.KINDS``) or one the file declares (``kinds = [...]`` at its top);
    anything else is an error with a "did you mean", so a typo never passes."""
    declared = (info.context or {}).get(KINDS_CONTEXT, ())
    if value in KINDS or value in declared or declared == ANY_KIND:
        return value
    from pydantic_core import PydanticCustomError

    raise PydanticCustomError(
        UNKNOWN_KIND, "{message}", {"message": unknown_kind_message(value, (*KINDS, *declared))}
    )


def unknown_kind_message(value: str, known: tuple[str, ...]) -> str:
    """``kind must be 'talk', 'call', 'event' or 'survey' (got 'cal'); did you mean 'call'?``:
    one wording for the data file and ``--kind``."""
    import difflib

    quoted = [repr(k) for k in known]
    choices = ", ".join(quoted[:-1]) + f" or {quoted[-1]}" if len(quoted) > 1 else quoted[0]
    message = f"kind must be {choices} (got {value!r})"
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    if close:
        return f"{message}; did you mean {close[0]!r}?"
    import json

    declare = f"kinds = [{json.dumps(value)}]"
    return f"{message}; declare a kind of your own at the top of the file: {declare}"


HttpUrl = Annotated[str, AfterValidator(_http_url)]
ZoneName = Annotated[str, AfterValidator(_known_zone)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
# How kinds are extended, said once for the data file's schema and the JSON listing contract.
KIND_SCHEMA = {
    "type": "string",
    "description": "talk, call, event or survey, or a kind of its own that the data file "
    'declares at its top: kinds = ["conference", "grant"] (a slug).',
    "anyOf": [{"enum": list(KINDS)}, {"pattern": SLUG_PATTERN}],
}
# A built-in kind or one the file declares: checked with the file's ``kinds`` (``_known_kind``).
Kind = Annotated[str, AfterValidator(_known_kind), WithJsonSchema(KIND_SCHEMA)]
# `date` first: a plain "2022-06-13" string stays an all-day date instead of becoming midnight.
When = date | datetime


def _whole_number(value: object) -> object:
    """``Literal[1]`` alone takes ``1.0`` and ``true`` for 1 (pydantic has no strict literal):
    TOML's integer or a located "must be a whole number" error."""
    if not isinstance(value, int) or isinstance(value, bool):
        from pydantic_core import PydanticCustomError

        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


class _Strict(BaseModel):
    # Unknown keys are errors: a typo such as `deadlne` must never be silently ignored.
    # Frozen: ccal edits files, never models, and ``compact`` shares what models do not change.
    model_config = ConfigDict(extra="forbid", frozen=True)


class DateEntry(_Strict):
    """One dated moment of an opportunity: a deadline, a cut-off, or an event (range)."""

    label: Text
    at: When
    end: When | None = None
    source: HttpUrl | None = None
    # Strict, as TOML is typed: pydantic's lax mode would read ``tentative = "yes"`` (or "no",
    # "off", 1) as a boolean and ``count = "4"`` or 4.0 as 4, silently; a value of another type
    # is a located error ("tentative must be true or false (got str 'yes')").
    tentative: StrictBool = False
    # Where the date was before ``ccal extend`` moved it: the history a listing shows.
    previous: When | None = None
    # A repeating series (RFC 5545 RRULE without UNTIL/COUNT, which have their own keys so a
    # reader sees the end of the series at a glance).
    rrule: str | None = None
    until: When | None = None
    count: Annotated[StrictInt, Field(ge=1)] | None = None


class Opportunity(_Strict):
    """A call, talk, event or survey, with zero or more dates."""

    id: Slug
    kind: Kind
    title: Text
    organiser: Text | None = None
    url: HttpUrl | None = None
    summary: str | None = None
    tags: list[Text] = Field(default_factory=list)
    location: Text | None = None
    timezone: ZoneName | None = None
    # The recurring thing this is one edition of (``nips``, ``clusters-meet-regions``): links the
    # editions for ``ccal series`` and ``--series``.
    series: Slug | None = None
    dates: Annotated[list[DateEntry], AfterValidator(_distinct_labels)] = Field(
        default_factory=list
    )


class DataFile(_Strict):
    """A whole ``opportunities.toml``: a version, a default zone, and the opportunities."""

    version: Annotated[Literal[1], BeforeValidator(_whole_number)] = 1
    timezone: ZoneName = DEFAULT_ZONE
    # Kinds of its own, beyond talk/call/event/survey (``kinds = ["conference", "grant"]``).
    kinds: list[Slug] = Field(default_factory=list)
    opportunity: list[Opportunity] = Field(default_factory=list)


_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


def compact(opportunity: Opportunity) -> Opportunity:
    """The same opportunity in about half the memory, for files of 100,000 opportunities.

    pydantic keeps, in each model, a set of the keys the file gave (~0.7 KB for an opportunity,
    ~0.2 KB for a date): half of what a validated model weighs. Models are frozen, so those sets
    never change after validation, and models given the same keys can share one (a ``set``
    still: pydantic's serializer insists on one).
    """
    for model in (opportunity, *opportunity.dates):
        given = model.__pydantic_fields_set__
        shared = _FIELDS_SETS.setdefault(frozenset(given), given)
        object.__setattr__(model, "__pydantic_fields_set__", shared)
    return opportunity
