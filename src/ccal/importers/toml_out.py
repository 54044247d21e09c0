"""TOML for import files, written directly: the shapes importers produce and nothing else.

``tomli_w`` is general and pure Python: on a 50,000-event calendar it took a fifth of the whole
import. Import records hold only strings, booleans, integers, dates, datetimes, lists of those
and lists of small tables (a record's ``dates``), so this writer handles exactly those and
refuses anything else. Whatever it writes is read back by the loader before it is saved.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

_TABLES = "opportunity"  # the top-level array of tables of a data file


def dumps(document: dict[str, Any]) -> str:
    """``document`` (top-level keys, then ``opportunity``: a list of records) as TOML text."""
    lines = [f"{_key(k)} = {_value(v)}" for k, v in document.items() if k != _TABLES]
    for record in document.get(_TABLES, ()):
        lines.append("")
        lines.append(f"[[{_TABLES}]]")
        lines.extend(f"{_key(k)} = {_value(v)}" for k, v in record.items())
    return "\n".join(lines) + "\n"


_BARE: dict[str, str] = {}  # key -> as written (a file repeats a dozen keys many times)


def _key(key: str) -> str:
    written = _BARE.get(key)
    if written is None:
        bare = key and all(c.isascii() and (c.isalnum() or c in "-_") for c in key)
        written = _BARE[key] = key if bare else _string(key)
    return written


def _string(text: str) -> str:
    # A JSON string is a TOML basic string, but for DEL, which TOML wants escaped.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value: Any) -> str:
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            return "[\n" + "".join(f"    {_value(v)},\n" for v in value) + "]"
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write a {type(value).__name__} to an import file")
