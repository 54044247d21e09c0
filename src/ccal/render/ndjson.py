"""``--format ndjson``: the JSON listing contract as one compact object per line, for streaming."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ccal.render.json import estimated_records, listing_records

if TYPE_CHECKING:
    from ccal.render import Listing
    from ccal.render.formats import RenderOptions


def lines(records: Iterable[Any]) -> str:
    """One JSON value per line (no pretty-printing: a newline inside would split a record)."""
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def render(listing: Listing, options: RenderOptions) -> str:
    return lines(listing_records(listing) + estimated_records(listing, options))
