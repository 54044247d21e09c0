"""TOML text → validated models → resolved catalog, every failure turned into a located problem."""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ccal.catalog import Catalog, Entry, Item
from ccal.clock import TimeInputError, instant, is_ambiguous, zone_named
from ccal.errors import DataError, Problem

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass
class FileResult:
    """What one file gave: its items, and its problems (errors and warnings) in file order."""

    path: Path
    items: list[Item] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def load_catalog(paths: list[Path]) -> Catalog:
    """Load every file; raise one ``DataError`` listing every error found in all of them."""
    results = [load_file(path) for path in paths]
    errors = [p for result in results for p in result.errors]
    errors.extend(duplicate_id_problems(results))
    if errors:
        raise DataError(errors)
    return Catalog(tuple(item for result in results for item in result.items))


def load_file(path: Path) -> FileResult:
    result = FileResult(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        result.problems.append(Problem(str(path), "no such data file"))
        return result
    except (OSError, UnicodeDecodeError) as exc:
        result.problems.append(Problem(str(path), f"cannot read the file: {exc}"))
        return result
    return parse_text(text, path)


def parse_text(text: str, path: Path) -> FileResult:
    """Parse and validate one file's text; never raises for bad content."""
    from pydantic import ValidationError

    from ccal.models import DataFile

    result = FileResult(path)
    name = str(path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_POSITION.search(message)
        line, column = (int(found[1]), int(found[2])) if found else (None, None)
        message = _TOML_POSITION.sub("", message).strip()
        result.problems.append(Problem(name, f"invalid TOML: {message}", line, column))
        return result
    locator = LazyLocator(text)  # only a problem needs line numbers: valid files skip the scan
    try:
        document = DataFile.model_validate(raw)
    except ValidationError as exc:
        problems = _schema_problems(exc, raw, locator, name)
        result.problems.extend(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
        return result
    _resolve(document, result, locator)
    return result


# --- pydantic errors → one readable line each -------------------------------------------------

_UNION_TAGS = {"date", "datetime", "str", "int", "bool", "list[str]"}


def _schema_problems(exc: Any, raw: dict, locator: TomlLocator, name: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple] = set()
    for error in exc.errors(include_url=False):
        loc = _strip_union_tags(tuple(error["loc"]))
        if loc in seen:  # a union reports once per member: one line is enough
            continue
        seen.add(loc)
        entry, field_path = _entry_and_field(loc, raw)
        line, column = locator.locate(loc)
        problems.append(Problem(name, _message(error, loc), line, column, entry, field_path))
    return problems


def _strip_union_tags(loc: tuple) -> tuple:
    while loc and isinstance(loc[-1], str) and (loc[-1] in _UNION_TAGS or "[" in loc[-1]):
        loc = loc[:-1]
    return loc


def _entry_and_field(loc: tuple, raw: dict) -> tuple[str | None, str | None]:
    if len(loc) >= 2 and loc[0] == "opportunity" and isinstance(loc[1], int):
        opportunities = raw.get("opportunity") or []
        candidate = opportunities[loc[1]] if loc[1] < len(opportunities) else None
        ident = candidate.get("id") if isinstance(candidate, dict) else None
        entry = ident if isinstance(ident, str) and ident else f"#{loc[1] + 1}"
        return entry, _dotted(loc[2:]) or None
    return None, _dotted(loc) or None


def _dotted(parts: tuple) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _allowed_keys(loc: tuple) -> list[str]:
    from ccal.models import DataFile, DateEntry, Opportunity

    model = {0: DataFile, 2: Opportunity, 4: DateEntry}.get(len(loc) - 1, DataFile)
    return list(model.model_fields)


def _message(error: dict, loc: tuple) -> str:
    kind = error["type"]
    key = loc[-1] if loc else "value"
    given = error.get("input")
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(key), _allowed_keys(loc), n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"unknown key '{key}'{hint}"
    if kind == "missing":
        return f"missing required key '{key}'"
    if kind == "literal_error":
        return f"{key} must be {error['ctx']['expected']} (got {given!r})"
    if kind == "string_pattern_mismatch" and key == "id":
        return f"id {given!r} is not a slug: use a-z, 0-9 and single '-' (e.g. clusters-2027)"
    if kind == "string_too_short":
        return f"{key} must not be empty"
    if key in ("at", "end") and kind.startswith(("date", "datetime")):
        return (
            f"{key} must be a date (2022-07-29) or a date-time (2022-07-29T18:00:00), "
            f"got {_describe(given)}"
        )
    if kind == "list_type" or kind == "model_type":
        return f"{key}: {error['msg'].lower()} (got {_describe(given)})"
    message = error["msg"]
    return message.removeprefix("Value error, ")


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    return f"{type(value).__name__} {value}"


# --- resolving local times -------------------------------------------------------------------


def _resolve(document: Any, result: FileResult, locator: TomlLocator) -> None:
    """Turn local times into aware instants in each entry's zone; report gaps and bad ranges."""
    for index, opportunity in enumerate(document.opportunity):
        zone = zone_named(opportunity.timezone or document.timezone)
        entries = []
        for position, dated in enumerate(opportunity.dates):
            where = _DatePlace(result, locator, opportunity.id, index, position)
            try:
                at, all_day = instant(dated.at, zone)
            except TimeInputError as exc:
                where.report("at", str(exc))
                continue
            end = None
            if dated.end is not None:
                try:
                    end = instant(dated.end, zone)[0]
                except TimeInputError as exc:
                    where.report("end", str(exc))
                    continue
                if end < at:
                    where.report("end", "end is before at")
                    continue
            for key in ("at", "end"):
                value = getattr(dated, key)
                if (
                    isinstance(value, datetime)
                    and value.tzinfo is None
                    and is_ambiguous(value, zone)
                ):
                    where.report(
                        key,
                        f"{value:%Y-%m-%d %H:%M} happens twice in {zone.key} (clocks go back); "
                        "ccal reads the first, add a UTC offset to choose",
                        severity="warning",
                    )
            entries.append(
                Entry(
                    opportunity=opportunity,
                    position=position,
                    label=dated.label,
                    at=at,
                    end=end,
                    all_day=all_day,
                    zone=zone,
                    tentative=dated.tentative,
                    source=dated.source,
                )
            )
        result.items.append(Item(opportunity, result.path, zone, tuple(entries)))


@dataclass
class _DatePlace:
    """Where one date entry sits, so a problem with it can name the file, line, id and field."""

    result: FileResult
    locator: TomlLocator
    entry: str
    index: int
    position: int

    def report(self, key: str, message: str, severity: str = "error") -> None:
        line, column = self.locator.locate(("opportunity", self.index, "dates", self.position, key))
        self.result.problems.append(
            Problem(
                str(self.result.path),
                message,
                line,
                column,
                self.entry,
                f"dates[{self.position}].{key}",
                severity=severity,
            )
        )


def duplicate_id_problems(results: list[FileResult]) -> list[Problem]:
    """The same id twice, within a file or across files: an error naming both places."""
    first_seen: dict[str, tuple[Path, int]] = {}
    problems = []
    for result in results:
        locator_cache: dict[Path, TomlLocator] = {}
        for index, item in enumerate(result.items):
            place = (result.path, index)
            if item.id in first_seen:
                other_path, other_index = first_seen[item.id]
                locator = locator_cache.setdefault(
                    result.path, TomlLocator(result.path.read_text(encoding="utf-8"))
                )
                line, column = locator.locate(("opportunity", index, "id"))
                other = TomlLocator(other_path.read_text(encoding="utf-8")).locate(
                    ("opportunity", other_index, "id")
                )[0]
                where = f"{other_path}:{other}" if other else str(other_path)
                problems.append(
                    Problem(
                        str(result.path),
                        f"duplicate id '{item.id}' (first defined at {where})",
                        line,
                        column,
                        item.id,
                        "id",
                    )
                )
            else:
                first_seen[item.id] = place
    return problems


# --- mapping a location in the data back to a line of the TOML text ---------------------------


class LazyLocator:
    """A ``TomlLocator`` built on first use: scanning a big file's lines costs more than parsing."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._locator: TomlLocator | None = None

    def locate(self, loc: tuple) -> tuple[int | None, int | None]:
        if self._locator is None:
            self._locator = TomlLocator(self.text)
        return self._locator.locate(loc)


_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\s\"'-]+?)\s*\]\]?")
_KEY = re.compile(r"^(\s*)[\"']?([A-Za-z0-9_-]+)[\"']?\s*=")


class TomlLocator:
    """Finds the line (and column) of a key or table in TOML text, for located error messages.

    It understands the shapes ccal files use: ``[[opportunity]]`` and ``[[opportunity.dates]]``
    tables with ``key = value`` lines. Anything it cannot place falls back to the nearest
    enclosing table header.
    """

    def __init__(self, text: str) -> None:
        self.tables: dict[tuple, tuple[int, dict[str, tuple[int, int]]]] = {(): (1, {})}
        counters: dict[tuple, int] = {}
        current: tuple = ()
        in_multiline = None
        for number, line in enumerate(text.splitlines(), start=1):
            if in_multiline:
                if line.count(in_multiline) % 2 == 1:
                    in_multiline = None
                continue
            header = _HEADER.match(line)
            if header and not _KEY.match(line):
                names = tuple(part.strip().strip("\"'") for part in header[2].split("."))
                if header[1] == "[[":
                    parent = self._array_parent(names)
                    slot = (*parent, names[-1])
                    counters[slot] = counters.get(slot, -1) + 1
                    current = (*slot, counters[slot])
                else:
                    current = names
                self.tables[current] = (number, {})
                continue
            key = _KEY.match(line)
            if key:
                self.tables[current][1].setdefault(key[2], (number, len(key[1]) + 1))
            for quote in ('"""', "'''"):
                if line.count(quote) % 2 == 1:
                    in_multiline = quote

    def _array_parent(self, names: tuple) -> tuple:
        """``opportunity.dates`` belongs to the latest ``[[opportunity]]`` table."""
        parent: tuple = ()
        for name in names[:-1]:
            index = max(
                (key[-1] for key in self.tables if key[:-1] == (*parent, name) and key),
                default=None,
                key=lambda k: k if isinstance(k, int) else -1,
            )
            parent = (*parent, name, index) if isinstance(index, int) else (*parent, name)
        return parent

    def locate(self, loc: tuple) -> tuple[int | None, int | None]:
        for cut in range(len(loc), -1, -1):
            table = loc[:cut]
            if table in self.tables:
                line, keys = self.tables[table]
                rest = loc[cut:]
                if rest and isinstance(rest[0], str) and rest[0] in keys:
                    return keys[rest[0]]
                return (line, 1) if table else (None, None)
        return None, None
