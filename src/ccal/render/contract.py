"""The JSON listing contract as pydantic models: the source of ``schema/listing.schema.json``.

``render/json.py`` builds the records; these models describe them, so the committed JSON Schema is
generated rather than hand-written, and a test checks that real output validates against it.
Regenerate with ``python -m ccal.render.contract > schema/listing.schema.json``.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, WithJsonSchema

from ccal.models import KIND_SCHEMA

# Any kind the data's files declared (they were checked when loaded): described, not re-checked.
Kind = Annotated[str, WithJsonSchema(KIND_SCHEMA)]


class NoteRecord(BaseModel):
    """One dated note (``ccal note``)."""

    model_config = ConfigDict(extra="forbid")

    at: str = Field(
        description="When it was written (RFC 3339).", json_schema_extra={"format": "date-time"}
    )
    text: str


class MineRecord(BaseModel):
    """The user's own pipeline for this opportunity (``ccal mark``, ``ccal note``)."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["watching", "preparing", "submitted", "done", "dropped"] | None = Field(
        description="The status set with 'ccal mark', or null (notes only)."
    )
    notes: list[NoteRecord] = Field(description="Dated notes, oldest first.")
    since: str | None = Field(
        description="When the status was set (RFC 3339), or null.",
        json_schema_extra={"format": "date-time"},
    )


class EntryRecord(BaseModel):
    """One dated entry of a listing (``ccal upcoming --json``, ``ccal export --format json``)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="The opportunity's id (a slug).")
    kind: Kind
    title: str
    label: str = Field(description="What this date is, e.g. 'Cut-off 2'.")
    at: str = Field(
        description="RFC 3339 instant with the entry's own UTC offset; for an all-day entry, "
        "the last second of its day.",
        json_schema_extra={"format": "date-time"},
    )
    end: str | None = Field(
        description="End of a range (RFC 3339), or null.",
        json_schema_extra={"format": "date-time"},
    )
    all_day: bool
    timezone: str = Field(
        description="Zone of the entry: an IANA name ('Europe/Brussels'), 'AoE' (UTC-12) or a "
        "fixed offset written 'UTC+8', 'UTC-7', 'UTC+05:30'."
    )
    seconds_left: int = Field(description="Seconds from 'now' to 'at'; negative once passed.")
    status: Literal["passed", "next", "upcoming"]
    tentative: bool
    source: str | None = Field(description="Where this date was read (http(s) URL), or null.")
    previous: str | None = Field(
        description="Where 'ccal extend' moved this date from (RFC 3339), or null.",
        json_schema_extra={"format": "date-time"},
    )
    rrule: str | None = Field(
        description="The RFC 5545 RRULE (with COUNT or UNTIL) of a repeating date, or null."
    )
    occurrence: int | None = Field(
        description="0-based number of this occurrence in its series, or null."
    )
    url: str | None
    tags: list[str]
    organiser: str | None
    location: str | None
    mine: MineRecord | None = Field(
        description="Your status and notes for the opportunity (see 'ccal mark'), or null."
    )
    # Only with --estimated (so a listing without it is unchanged): on estimated dates only.
    series: str | None = Field(
        default=None, description="--estimated only: the series an estimated date continues."
    )
    basis: list[int] | None = Field(
        default=None,
        description="--estimated only: the years of the editions an estimate was drawn from.",
    )
    estimated: bool | None = Field(
        default=None,
        description="--estimated only: true on an estimated date (never a fact: 'at' is the "
        "point estimate, the date is likely within range_start..range_end).",
    )
    range_start: str | None = Field(
        default=None,
        description="--estimated only: the first second of an estimate's range.",
        json_schema_extra={"format": "date-time"},
    )
    range_end: str | None = Field(
        default=None,
        description="--estimated only: the last second of an estimate's range.",
        json_schema_extra={"format": "date-time"},
    )


# The keys only estimated records carry (``--estimated``); every other key is on every record.
ESTIMATE_KEYS = ("series", "basis", "estimated", "range_start", "range_end")

# Only the --estimated keys have a default: the schema lists every other key as required.
LISTING = TypeAdapter(list[EntryRecord])


def listing_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a whole listing: an array of entry records."""
    schema = LISTING.json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "ccal listing",
        "description": "Output of 'ccal export --format json' and of '--json' on upcoming, "
        "'list --dates' and deadlines; each ndjson line is one item of this array.",
        **schema,
    }


def schema_text() -> str:
    return json.dumps(listing_schema(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
