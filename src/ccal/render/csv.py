"""``--format csv``: RFC 4180 rows with the JSON contract's fields, safe to open in a spreadsheet.

Titles and labels come from files other people wrote, so any text cell that a spreadsheet would
read as a formula (OWASP "CSV injection": a leading ``=``, ``+``, ``-``, ``@``, tab or carriage
return) is prefixed with ``'``, which spreadsheets show as text. Numbers and booleans that ccal
itself produces are written as they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ccal.controlchars import file_text
from ccal.render.json import entry_record

if TYPE_CHECKING:
    from ccal.query import AnyListing
    from ccal.render import Listing
    from ccal.render.formats import RenderOptions

# A byte-order mark lets Excel recognise UTF-8 (accents intact on a double-click); every CSV
# reader that knows UTF-8 ("utf-8-sig" in Python) skips it.
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TAG_SEPARATOR = ";"
NOT_IN_CSV = ("mine",)  # an object (status, notes, since): no cell for it; the table shows it


def neutralise(text: str) -> str:
    """Text a spreadsheet would never evaluate: formula-like cells get a leading apostrophe.

    Leading spaces are looked through, since some spreadsheets trim them before evaluating.
    """
    return "'" + text if text.lstrip(" ").startswith(FORMULA_STARTS) else text


def tag_text(tag: str) -> str:
    """One tag inside the joined cell: ``\\`` and ``;`` escaped with a backslash (as iCalendar
    does), so ``ok;tag`` stays one tag and splitting on an unescaped ``;`` gives the tags back."""
    return tag.replace("\\", "\\\\").replace(TAG_SEPARATOR, "\\" + TAG_SEPARATOR)


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return neutralise(file_text(TAG_SEPARATOR.join(tag_text(str(v)) for v in value)))
    # RFC 4180 has no control characters; line breaks and tabs are quoted, the others escaped.
    return neutralise(file_text(str(value)))


def header(estimated: bool = False) -> list[str]:
    """The column names: the keys of the JSON listing contract, in the same order; the
    columns of estimated dates only with ``--estimated``."""
    from ccal.render.contract import ESTIMATE_KEYS, EntryRecord

    skip = NOT_IN_CSV if estimated else (*NOT_IN_CSV, *ESTIMATE_KEYS)
    return [name for name in EntryRecord.model_fields if name not in skip]


def render(listing: Listing, options: RenderOptions) -> str:
    return "".join(chunks(listing, options))


# Rows are handed on in pieces of about this many characters (the csv module writes to a buffer).
PIECE = 1 << 16


def chunks(listing: AnyListing, options: RenderOptions) -> Iterator[str]:
    """The BOM, the header and the rows, in pieces as they are written."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    estimated = bool(options.estimates)
    columns = header(estimated)
    writer.writerow(columns)
    yield BOM
    for entry, status in listing.pairs():
        record = entry_record(entry, listing.now, status)
        if estimated:  # a real date: estimated=false, no range, no basis
            record.update({"series": entry.opportunity.series, "estimated": False})
        writer.writerow([cell(record.get(name)) for name in columns])
        if buffer.tell() >= PIECE:
            yield _taken(buffer)
    if estimated:
        from ccal.render.json import estimated_records

        for record in estimated_records(listing, options):
            writer.writerow([cell(record.get(name)) for name in columns])
    yield _taken(buffer)


def _taken(buffer: io.StringIO) -> str:
    """What ``buffer`` holds, which it then forgets."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
