"""The data file's JSON Schema, generated from the models, so editors can check while typing."""

from __future__ import annotations

from typing import Any

_DATE_FORMATS = {"date", "date-time"}
_WHEN = (
    "A TOML date (2022-07-29: all day, in the entry's zone) or date-time "
    "(2022-07-29T18:00:00: local time in the entry's zone; an offset such as +02:00 is kept)."
)


def data_file_schema() -> dict[str, Any]:
    """JSON Schema of ``opportunities.toml``, in the draft-04 dialect taplo (Even Better TOML)
    reads.

    pydantic writes ``$defs``/``const``; they are rewritten to ``definitions``/``enum``. TOML
    dates reach a schema validator as strings, and a local date-time (no offset) is not an RFC 3339
    ``date-time``, so date fields are plain strings with a description rather than a ``format``
    that would flag correct files.
    """
    from ccal.models import DataFile

    schema = DataFile.model_json_schema(ref_template="#/definitions/{model}")
    schema["definitions"] = schema.pop("$defs", {})
    return {
        "$schema": "http://json-schema.org/draft-04/schema#",
        **_draft4(schema),
        "title": "ccal data file",
        "description": "Opportunities (calls, talks, events, surveys) and their dates, for ccal.",
    }


def _draft4(node: Any) -> Any:
    if isinstance(node, list):
        return [_draft4(item) for item in node]
    if not isinstance(node, dict):
        return node
    variants = node.get("anyOf")
    if variants and {v.get("format") for v in variants if isinstance(v, dict)} >= _DATE_FORMATS:
        nullable = any(v.get("type") == "null" for v in variants)
        rest = {k: _draft4(v) for k, v in node.items() if k != "anyOf"}
        when = {"type": "string", "description": _WHEN}
        return {**rest, "anyOf": [when, {"type": "null"}]} if nullable else {**rest, **when}
    converted = {key: _draft4(value) for key, value in node.items()}
    if "const" in converted:
        converted["enum"] = [converted.pop("const")]
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = converted.get(bound)
        if isinstance(value, int | float) and not isinstance(value, bool):  # draft-06+ form
            converted[limit], converted[bound] = value, True
    return converted
