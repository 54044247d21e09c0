"""pydantic's validation errors as one readable, located ``Problem`` each (the loader's wording)."""

from __future__ import annotations

import difflib
from datetime import date, time
from typing import TYPE_CHECKING, Any

from ccal.errors import Problem
from ccal.models import LABEL_CLASH, DataFile, DateEntry, Opportunity

if TYPE_CHECKING:
    from pydantic import BaseModel

_UNION_TAGS = {"date", "datetime", "str", "int", "bool", "list[str]"}


def schema_problems(
    errors: list[Any], raw: dict[str, Any], locator: Any, name: str, allowed: Any = None
) -> list[Problem]:
    """One located problem per error; ``allowed(loc)`` names the keys allowed beside ``loc``'s
    last one (for "did you mean"; the data file's models by default)."""
    problems: list[Problem] = []
    seen: set[tuple[Any, ...]] = set()
    for error in errors:
        loc = _strip_union_tags(tuple(error["loc"]))
        if loc in seen:  # a union reports once per member: one line is enough
            continue
        seen.add(loc)
        entry, field_path = _entry_and_field(loc, raw)
        if error["type"] == LABEL_CLASH:  # every clash, at the later date's label
            for position, message in error["ctx"]["clashes"]:
                where = (*loc, position, "label")
                line, column = locator.locate(where)
                field_path = _entry_and_field(where, raw)[1]
                problems.append(Problem(name, message, line, column, entry, field_path))
            continue
        line, column = locator.locate(loc)
        message = _message(error, loc, allowed or _allowed_keys)
        problems.append(Problem(name, message, line, column, entry, field_path))
    return problems


def _strip_union_tags(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    while loc and isinstance(loc[-1], str) and (loc[-1] in _UNION_TAGS or "[" in loc[-1]):
        loc = loc[:-1]
    return loc


def _entry_and_field(loc: tuple[Any, ...], raw: dict[str, Any]) -> tuple[str | None, str | None]:
    if len(loc) >= 2 and loc[0] == "opportunity" and isinstance(loc[1], int):
        opportunities = raw.get("opportunity") or []
        candidate = opportunities[loc[1]] if loc[1] < len(opportunities) else None
        ident = candidate.get("id") if isinstance(candidate, dict) else None
        entry = ident if isinstance(ident, str) and ident else f"#{loc[1] + 1}"
        return entry, _dotted(loc[2:]) or None
    return None, _dotted(loc) or None


def _dotted(parts: tuple[Any, ...]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


_OPPORTUNITY_KEYS = frozenset(Opportunity.model_fields)
# The slug-valued keys (an opportunity's id and series, a declared kind), each with the example
# its message shows: pydantic's own "String should match pattern '^[a-z0-9]+…'" tells a user
# nothing.
_SLUG_EXAMPLES = {"id": "clusters-2027", "series": "clusters-meet-regions", "kind": "conference"}


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    models: dict[int, type[BaseModel]] = {0: DataFile, 2: Opportunity, 4: DateEntry}
    model = models.get(len(loc) - 1, DataFile)
    return list(model.model_fields)


def _message(error: dict[str, Any], loc: tuple[Any, ...], allowed: Any = _allowed_keys) -> str:
    kind = error["type"]
    key = loc[-1] if loc else "value"
    given = error.get("input")
    if kind == "extra_forbidden":
        # never the key itself: it is allowed elsewhere, not here (a top-level key under a table)
        others = [k for k in allowed(loc) if k != key]
        close = difflib.get_close_matches(str(key), others, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        if not close and allowed is _allowed_keys and len(loc) == 5 and key in _OPPORTUNITY_KEYS:
            # ``timezone`` under a date: a key of the level above, put one level too deep
            hint = f"; '{key}' goes on the opportunity, not on one of its dates"
        return f"unknown key '{key}'{hint}"
    if kind == "missing":
        return f"missing required key '{key}'"
    if kind == "literal_error":
        return f"{key} must be {error['ctx']['expected']} (got {_short(given)})"
    if kind == "string_pattern_mismatch":
        name = "kind" if isinstance(key, int) and loc[-2:-1] == ("kinds",) else key
        if name in _SLUG_EXAMPLES:
            example = _SLUG_EXAMPLES[name]
            return f"{name} {given!r} is not a slug: use a-z, 0-9 and single '-' (e.g. {example})"
    if kind == "string_too_short":
        if isinstance(key, int):  # an item of a list: ``tags[0]`` is "a tag"
            parent = str(loc[-2]) if len(loc) > 1 else "list"
            return f"{'a tag' if parent == 'tags' else f'item {key} of {parent}'} must not be empty"
        return f"{key} must not be empty"
    if key in ("at", "end") and kind.startswith(("date", "datetime")):
        return (
            f"{key} must be a date (2022-07-29) or a date-time (2022-07-29T18:00:00), "
            f"got {_describe(given)}"
        )
    bounds = {"greater_than_equal": ("ge", "at least"), "less_than_equal": ("le", "at most")}
    bounds |= {"greater_than": ("gt", "more than"), "less_than": ("lt", "less than")}
    if kind in bounds:  # ``count = 0``: pydantic's "Input should be greater than or equal to 1"
        name, words = bounds[kind]
        return f"{key} must be {words} {error['ctx'][name]} (got {given!r})"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"{key} must be a whole number (got {_describe(given)})"
    if kind in ("float_type", "float_parsing"):  # ``read_timeout = "5"``: a number, not text
        return f"{key} must be a number (got {_describe(given)})"
    if kind in ("bool_type", "bool_parsing"):  # ``shipped = "no"``: TOML has true and false
        return f"{key} must be true or false (got {_describe(given)})"
    if kind == "string_type":  # ``title = 1979-05-27``: pydantic's "Input should be a valid string"
        return f"{key} must be a string in quotes (got {_describe(given)})"
    if kind in ("model_type", "dict_type"):  # pydantic names its class ("notifysettings")
        return f"{key} must be a table (got {_describe(given)})"
    if kind == "list_type":
        return f"{key}: {error['msg'].lower()} (got {_describe(given)})"
    message = error["msg"]
    return message.removeprefix("Value error, ")


def _describe(value: Any) -> str:
    """The value a message quotes, shortened: a 10 MB value would otherwise be the message."""
    if isinstance(value, str):
        return _short(value)
    if isinstance(value, date | time):  # as TOML writes it: "time 18:00:00", not its repr
        return f"{type(value).__name__} {value.isoformat()}"
    if isinstance(value, bool):  # as TOML writes it: "bool true", not Python's True
        return f"bool {str(value).lower()}"
    return f"{type(value).__name__} {_short(value)}"


def _short(value: Any) -> str:
    import reprlib

    brief = reprlib.Repr()
    brief.maxlevel, brief.maxstring, brief.maxother, brief.maxlist, brief.maxdict = 3, 80, 80, 6, 6
    try:
        return brief.repr(value)
    except RecursionError:  # nested deeper than repr can go
        return f"{type(value).__name__} nested too deeply to show"
