"""The ``--json`` records the index stores pre-rendered: cut around their two values that depend
on "now" when the index is built (``record_pieces``), spliced back together when a call answers
(``splice``, ``listing``), exactly as ``render.json.dumps`` prints a listing.

Standard library only, ``json`` imported when a record is cut: the fast path splices on every
hot call.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: this module is on the fast path
if TYPE_CHECKING:
    from typing import Any

    from ccal.catalog import Entry

_NOW_DEPENDENT = ("seconds_left", "status")
_MARK = "\x00ccal:{}\x00"  # a JSON string with a NUL: nothing else in a record renders like it
_MARKS: dict[str, tuple[str, str]] = {}  # key -> (marker, the marker as JSON)


def _mark(key: str) -> tuple[str, str]:
    found = _MARKS.get(key)
    if found is None:
        import json

        marker = _MARK.format(key)
        found = _MARKS[key] = (marker, json.dumps(marker))
    return found


def record_pieces(entry: Entry) -> tuple[str, str, str]:
    """The entry's record, exactly as ``render.json.dumps`` prints it inside a listing, in three
    pieces around its ``seconds_left`` and ``status`` values.

    ``render.json.entry_record`` builds the record (the one definition of its keys); its two
    now-dependent values are replaced by markers. A record of scalars and lists of strings is
    printed by ``json.dumps(indent=2)`` one key per line, which the C encoder reproduces with a
    line-break item separator -- ten times faster than the pure-Python indenting encoder.
    """
    from ccal.render.json import entry_record

    record = entry_record(entry, entry.at, "passed")
    lists = {}
    for key, value in record.items():
        if key in _NOW_DEPENDENT:
            record[key] = _mark(key)[0]
        elif isinstance(value, list):
            if not all(isinstance(v, str) for v in value):
                raise ValueError("a record value the index does not lay out")
            lists[key] = value
            record[key] = _mark(key)[0]
        elif value is not None and not isinstance(value, str | int):
            raise ValueError("a record value the index does not lay out")
    record_encoder, list_encoder = _encoders()
    text = record_encoder.encode(record)
    for key, value in lists.items():
        laid = list_encoder.encode(value)
        laid = laid if not value else "[\n      " + laid[1:-1] + "\n    ]"
        text = _replace_once(text, _mark(key)[1], laid)
    text = "  {\n    " + text[1:-1] + "\n  }"
    head, rest = _split_once(text, _mark("seconds_left")[1])
    middle, tail = _split_once(rest, _mark("status")[1])
    return head, middle, tail


def _split_once(text: str, marker: str) -> tuple[str, str]:
    before, found, after = text.partition(marker)
    if not found or marker in after:
        raise ValueError("a record the index cannot cut")
    return before, after


def _replace_once(text: str, marker: str, value: str) -> str:
    before, after = _split_once(text, marker)
    return before + value + after


_ENCODERS: Any = None


def _encoders() -> Any:
    global _ENCODERS
    if _ENCODERS is None:
        import json

        # Exactly ``render.json.dumps`` (ensure_ascii=False, indent=2) for a flat record one
        # level deep in a listing, and for a list of strings two levels deep.
        _ENCODERS = (
            json.JSONEncoder(ensure_ascii=False, separators=(",\n    ", ": ")),
            json.JSONEncoder(ensure_ascii=False, separators=(",\n      ", ": ")),
        )
    return _ENCODERS


def splice(head: str, middle: str, tail: str, seconds_left: int, status: str) -> str:
    """One record of a listing from its pieces and its two now-dependent values."""
    return f'{head}{seconds_left}{middle}"{status}"{tail}'


def listing(records: list[str]) -> str:
    """``render.json.dumps`` of a list of records, from their texts."""
    return "[\n" + ",\n".join(records) + "\n]" if records else "[]"
