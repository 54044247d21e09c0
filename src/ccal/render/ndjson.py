"""``--format ndjson``: the JSON listing contract as one compact object per line, for streaming."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import TYPE_CHECKING, Any

from ccal.render.json import estimated_records, records_of

if TYPE_CHECKING:
    from ccal.query import AnyListing
    from ccal.render import Listing
    from ccal.render.formats import RenderOptions


def lines(records: Iterable[Any]) -> str:
    """One JSON value per line (no pretty-printing: a newline inside would split a record)."""
    return "".join(map(line, records))


def line(record: Any) -> str:
    return json.dumps(record, ensure_ascii=False) + "\n"


def render(listing: Listing, options: RenderOptions) -> str:
    return "".join(chunks(listing, options))


def chunks(listing: AnyListing, options: RenderOptions) -> Iterator[str]:
    """One line a record, as it is made (``lines`` of each)."""
    for record in chain(records_of(listing), estimated_records(listing, options)):
        yield line(record)
