"""TOML text → validated models → resolved catalog, every failure turned into a located problem."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ccal.catalog import Catalog, Entry, Item
from ccal.clock import FIRST_YEAR, LAST_YEAR, TimeInputError, instant, wall_clock, zone_named
from ccal.errors import DataError, Problem
from ccal.locator import FileLocator, LazyLocator, TomlLocator, checksum
from ccal.schema_errors import schema_problems
from ccal.tomlparse import parse_toml as parse_toml  # re-exported: authoring, extend, sync
from ccal.tomlparse import toml_problem as toml_problem  # re-exported: the configuration

if TYPE_CHECKING:
    from ccal.recurrence import Recurrence

Locator = TomlLocator | LazyLocator

_TOML_DEPTH = 400  # tomllib's limit for nested arrays and inline tables


@dataclass
class FileResult:
    """What one file gave: its items, and its problems (errors and warnings) in file order."""

    path: Path
    items: list[Item] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    locator: Locator | None = None  # kept so later checks (duplicate ids) can place keys
    # Each opportunity's id as written (None where it is not text), kept only when a schema
    # error leaves the file without items: duplicate ids are still found in that pass.
    ids: list[str | None] | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def all_ids(self) -> list[str | None]:
        """Every opportunity's id, items or not: what the duplicate check compares
        (``duplicate_id_problems``; ``importers.taken`` keeps a writer from adding one)."""
        return self.ids if self.ids is not None else [item.id for item in self.items]


def load_catalog(paths: list[Path]) -> Catalog:
    """Load every file; raise one ``DataError`` listing every error found in all of them."""
    results = [load_file(path) for path in paths]
    errors = [p for result in results for p in result.errors]
    errors.extend(duplicate_id_problems(results))
    if errors:
        order = {str(path): number for number, path in enumerate(paths)}
        errors.sort(key=lambda p: (order.get(p.file, 0), p.line or 0, p.column or 0))
        raise DataError(errors)
    return Catalog(tuple(item for result in results for item in result.items))


def load_file(path: Path, *, pieces: bool = True) -> FileResult:
    from ccal.sources import input_text, read_input

    result = FileResult(path)
    try:
        data, regular = read_input(path)  # bounded: a device or a huge file is refused
        box = [input_text(data)]
        del data
    except FileNotFoundError:
        result.problems.append(Problem(str(path), "no such data file"))
        return result
    except IsADirectoryError:
        result.problems.append(Problem(str(path), "a directory, not a data file"))
        return result
    except UnicodeDecodeError as exc:  # a binary file, or another encoding
        why = f"not UTF-8 text (byte {exc.start}); a data file is TOML in UTF-8"
        result.problems.append(Problem(str(path), f"cannot read the file: {why}"))
        return result
    except OSError as exc:
        result.problems.append(Problem(str(path), f"cannot read the file: {exc.strerror or exc}"))
        return result
    return _parse(box, path, reread=regular, pieces=pieces)  # a pipe cannot be read twice


def parse_text(text: str, path: Path) -> FileResult:
    """Parse and validate one file's text; never raises for bad content."""
    return _parse([text], path, reread=False)


def _parse(box: list[str], path: Path, *, reread: bool, pieces: bool = True) -> FileResult:
    """``parse_text`` of the text in ``box`` (taken out of it). With ``reread`` the text is not
    kept while validating: problems are located by reading the file again (memory: the text of a
    big file is as large as a third of its models)."""
    streamed = _streamed(box, path, reread=reread) if pieces else None
    if streamed is not None:
        return streamed
    text = box.pop()
    result = FileResult(path)
    name = str(path)
    try:
        raw = parse_toml(text)
    except tomllib.TOMLDecodeError as exc:
        result.problems.append(toml_problem(exc, name))
        return result
    except RecursionError as exc:  # tomllib's limits: 400 nested arrays/tables, 1000 key parts
        from ccal.locator import nesting_place

        line, column = nesting_place(text, keys="key" in str(exc), limit=_TOML_DEPTH)
        result.problems.append(Problem(name, f"too deeply nested ({exc})", line, column))
        return result
    # Scanned only if a problem needs a line.
    if reread:
        locator: Locator = FileLocator(path, checksum(text))
        del text
    else:
        locator = LazyLocator(text)
    result.locator = locator
    problems = _validate(raw, result, locator)
    result.problems.extend(problems)  # with those of resolving, in file order
    result.problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return result


class _Restart(Exception):
    """A streamed load met what only the whole file's tables can report: start again whole."""


def _streamed(box: list[str], path: Path, *, reread: bool) -> FileResult | None:
    """A big file validated piece by piece as ``tomlparse.stream`` reads it, so that its raw
    tables never all exist at once (at 100,000 opportunities the peak of a load), nor, with
    ``reread``, its text. Only a clean file is loaded so: at its first schema error, or a piece
    ``toml-rs`` does not read, the file is loaded whole (read again, with ``reread``), which
    words and places every problem as before; problems of resolving need no raw table, and are
    reported here as there. None (the text still in ``box``) where it is not for pieces."""
    from ccal.tomlparse import Unjoinable, stream

    found = stream(box[0])
    if found is None:
        return None
    top, tables = found
    result = FileResult(path)
    if reread:  # the pieces are kept, each until it is read, and not the text
        result.locator = FileLocator(path, checksum(box.pop()))
    else:
        result.locator = LazyLocator(box[0])
    try:
        _validate(top, result, result.locator, tables)
    except (_Restart, Unjoinable):
        if reread:
            return load_file(path, pieces=False)
        return None
    result.problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return result


def _validate(
    raw: dict[str, Any], result: FileResult, locator: Locator, tables: Any = None
) -> list[Problem]:
    """Validate the file opportunity by opportunity, resolving each one at once and dropping its
    raw table: the whole file never exists twice in memory (raw tables and models). With
    ``tables`` (an iterator of the opportunity tables, ``raw`` then being the top alone) a
    schema error raises ``_Restart``: locating it needs the whole file's tables.

    The same errors as one ``DataFile.model_validate(raw)``, each located and in file order,
    plus what pydantic leaves for a clean schema (label clashes among dates that did not all
    validate) and the problems of resolving every valid opportunity: one pass reports all it
    can. A file with a schema error gives no items, but keeps its ids for the duplicate check.
    """
    from pydantic import ValidationError

    from ccal.models import KINDS_CONTEXT, DataFile, Opportunity, compact

    name = str(result.path)
    problems: list[Problem] = []
    opportunities = raw.get("opportunity", []) if tables is None else tables
    top = {key: value for key, value in raw.items() if key != "opportunity"}
    if tables is None and not isinstance(opportunities, list):  # DataFile reports it (list_type)
        top["opportunity"], opportunities = opportunities, []
    try:
        document = DataFile.model_validate(top)
    except ValidationError as exc:
        if tables is not None:
            raise _Restart from None
        problems.extend(schema_problems(exc.errors(include_url=False), raw, locator, name))
        document = None
    ids: list[str | None] | None = None  # from the first schema error of an opportunity on
    # The file's own kinds: those it declares, read as given even when its top has an error (so
    # one wrong key there does not also turn every opportunity of a declared kind into an error).
    declared = document.kinds if document is not None else top.get("kinds")
    context = {KINDS_CONTEXT: tuple(k for k in declared or () if isinstance(k, str))}
    moments = _Moments()
    for index, table in enumerate(opportunities):
        try:
            opportunity = compact(Opportunity.model_validate(table, context=context))
        except ValidationError as exc:
            if tables is not None:
                raise _Restart from None
            errors: list[Any] = list(exc.errors(include_url=False))
            for error in errors:
                error["loc"] = ("opportunity", index, *error["loc"])
            errors += _raw_label_clashes(table, index, errors)
            problems.extend(schema_problems(errors, raw, locator, name))
            if ids is None:  # the ones before: resolved (in order), or still raw tables
                before = opportunities[:index]
                resolved = document is not None
                ids = [i.id for i in result.items] if resolved else [_raw_id(t) for t in before]
            ids.append(_raw_id(table))
            continue
        if ids is not None:
            ids.append(opportunity.id)
        if document is not None:  # resolved even after a schema error: its problems count too
            _resolve_one(opportunity, index, document.timezone, result, locator, moments)
            if tables is None:
                opportunities[index] = None  # the models hold it now (memory)
    if problems:  # a file with a schema error gives no items; its ids still meet the others'
        result.ids = ids if ids is not None else [_raw_id(t) for t in opportunities]
        result.items.clear()
    return problems


def _raw_id(table: Any) -> str | None:
    ident = table.get("id") if isinstance(table, dict) else None
    return ident if isinstance(ident, str) else None


def _raw_label_clashes(table: Any, index: int, errors: list[Any]) -> list[dict[str, Any]]:
    """Label clashes among the raw dates of an opportunity that did not validate (pydantic
    checks labels only once every date is valid), as one error in pydantic's shape."""
    from ccal.models import LABEL_CLASH, label_clashes

    dates = table.get("dates") if isinstance(table, dict) else None
    if not isinstance(dates, list) or any(e["type"] == LABEL_CLASH for e in errors):
        return []
    labels = [d.get("label") if isinstance(d, dict) else None for d in dates]
    clashes = label_clashes([label if isinstance(label, str) else None for label in labels])
    if not clashes:
        return []
    context = {"message": clashes[0][1], "clashes": clashes}
    return [{"type": LABEL_CLASH, "loc": ("opportunity", index, "dates"), "ctx": context}]


# --- resolving local times -------------------------------------------------------------------


def _resolve_one(
    opportunity: Any,
    index: int,
    default_zone: str,
    result: FileResult,
    locator: Locator,
    moments: _Moments,
) -> None:
    """Turn local times into aware instants in the entry's zone; report gaps and bad ranges."""
    zone = moments.zone(opportunity.timezone or default_zone)
    entries = []
    for position, dated in enumerate(opportunity.dates):
        place = (result, locator, opportunity.id, index, position)
        entry = _resolve_date(opportunity, position, dated, zone, place, moments)
        if entry is not None:
            entries.append(entry)
    if opportunity.kind == "call" and not opportunity.dates:
        line, column = locator.locate(("opportunity", index))
        result.problems.append(
            Problem(
                str(result.path),
                "a call without any date: add its deadline (ccal add/extend, or a "
                "[[opportunity.dates]] table) so it can be tracked",
                line,
                column,
                opportunity.id,
                severity="warning",
            )
        )
    result.items.append(Item(opportunity, result.path, zone, tuple(entries)))


class _Moments:
    """Each value of a file resolved in a zone once (``clock.wall_clock`` / ``clock.instant``):
    a big file repeats its days and times (the same cut-off hour, the same closing day), and
    every entry given one of them shares the same aware datetime (immutable) instead of its own.
    Kept for one load only."""

    def __init__(self) -> None:
        self._found: dict[tuple[Any, Any], tuple[datetime, bool, bool] | str] = {}
        self._zones: dict[str, Any] = {}

    def zone(self, name: str) -> Any:
        """``clock.zone_named`` (a zone the models already checked), once per name."""
        found = self._zones.get(name)
        if found is None:
            found = self._zones[name] = zone_named(name)
        return found

    def resolve(self, value: Any, zone: Any) -> tuple[datetime, bool, bool] | str:
        """(instant, all day, repeated wall clock), or why it cannot be one. Values equal as
        keys resolve alike: naive values compare as wall clocks, a date never equals a
        datetime, aware datetimes equal as instants are the same instant in ``zone``."""
        key = (value, zone)
        found = self._found.get(key)
        if found is None:
            try:
                if isinstance(value, datetime) and value.tzinfo is None:
                    aware, repeated = wall_clock(value, zone)
                    found = (aware, False, repeated)
                else:
                    aware, all_day = instant(value, zone)
                    found = (aware, all_day, False)
            except TimeInputError as exc:
                found = str(exc)
            self._found[key] = found
        return found


def _resolve_date(
    opportunity: Any,
    position: int,
    dated: Any,
    zone: Any,
    place: tuple[Any, ...],
    moments: _Moments,
) -> Entry | None:
    """One date entry as an ``Entry``, or ``None`` after reporting why it cannot be one
    (``place``: where it is, made a ``_DatePlace`` only to report)."""
    found = _resolved("at", dated.at, zone, place, moments)
    if found is None:
        return None
    at, all_day = found
    end = previous = until = None
    # Most dates are one moment: nothing more to resolve, no range to check, nothing repeating.
    if dated.end is not None or dated.previous is not None or dated.until is not None:
        if dated.end is not None:
            found = _resolved("end", dated.end, zone, place, moments)
            if found is None:
                return None
            end = found[0]
        if dated.previous is not None:
            found = _resolved("previous", dated.previous, zone, place, moments)
            if found is None:
                return None
            previous = found[0]
        if dated.until is not None:
            until = _resolved("until", dated.until, zone, place, moments)
            if until is None:
                return None
        # Timestamps: datetimes sharing a tzinfo compare as wall-clock times (wrong in autumn).
        if end is not None and end.timestamp() < at.timestamp():
            _DatePlace(*place).report("end", "end is before at")
            return None
    recurrence: Recurrence | None = None
    if dated.rrule is not None or dated.until is not None or dated.count is not None:
        rule = _recurrence(dated, at, until, zone, place)
        if rule is False:
            return None
        recurrence = rule
    return Entry(
        opportunity,
        position,
        dated.label,
        at,
        end,
        all_day,
        zone,
        dated.tentative,
        dated.source,
        previous,
        recurrence,
        None if recurrence is None else 0,
    )


def _resolved(
    key: str, value: Any, zone: Any, place: tuple[Any, ...], moments: _Moments
) -> tuple[datetime, bool] | None:
    """One value of a date as (instant, all day), or None after reporting why it cannot be."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:  # as every typed moment (``clock``)
        _DatePlace(*place).report(
            key,
            f"{value} is out of range: use a date between the years {FIRST_YEAR} and {LAST_YEAR}",
        )
        return None
    found = moments.resolve(value, zone)
    if isinstance(found, str):
        _DatePlace(*place).report(key, found)
        return None
    aware, all_day, repeated = found
    if repeated:
        _DatePlace(*place).report(
            key,
            f"{value:%Y-%m-%d %H:%M} happens twice in {zone.key} (clocks go back); "
            "ccal reads the first, add a UTC offset to choose",
            severity="warning",
        )
    return aware, all_day


def _recurrence(
    dated: Any, at: datetime, until: Any, zone: Any, place: tuple[Any, ...]
) -> Recurrence | Literal[False] | None:
    """The entry's repeat rule; ``None`` if it has none, ``False`` after reporting a problem."""
    if dated.rrule is None:
        for key in ("until", "count"):
            if getattr(dated, key) is not None:
                _DatePlace(*place).report(
                    key, f"{key} belongs to a repeating date: add an rrule, or remove it"
                )
                return False
        return None
    from ccal.recurrence import Recurrence, parse_rule  # here: most dates do not repeat

    if dated.until is not None and dated.count is not None:
        _DatePlace(*place).report("count", "give either until or count, not both (RFC 5545)")
        return False
    try:
        parse_rule(dated.rrule, at.astimezone(zone), all_day=not isinstance(dated.at, datetime))
    except TimeInputError as exc:
        _DatePlace(*place).report("rrule", str(exc))
        return False
    until_at = until[0] if until else None
    if until_at is not None and until_at.timestamp() < at.timestamp():
        _DatePlace(*place).report("until", "until is before at: the series would have no date")
        return False
    body = dated.rrule.strip().removeprefix("RRULE:").removeprefix("rrule:")
    return Recurrence(body=body, until=until_at, count=dated.count)


@dataclass
class _DatePlace:
    """Where one date entry sits, so a problem with it can name the file, line, id and field."""

    result: FileResult
    locator: Locator
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
    first_seen: dict[str, tuple[FileResult, int]] = {}
    problems = []
    for result in results:
        for index, ident in enumerate(result.all_ids()):
            if ident is None:
                continue
            if ident not in first_seen:
                # Located only for a duplicate: placing every id would scan the whole text.
                first_seen[ident] = (result, index)
                continue
            line, column = _id_place(result, index)
            first, first_index = first_seen[ident]
            first_line, _ = _id_place(first, first_index)
            there = f"{first.path}:{first_line}" if first_line else str(first.path)
            problems.append(
                Problem(
                    str(result.path),
                    f"duplicate id '{ident}' (first defined at {there})",
                    line,
                    column,
                    ident,
                    "id",
                )
            )
    return problems


def _id_place(result: FileResult, index: int) -> tuple[int | None, int | None]:
    locator = result.locator
    return locator.locate(("opportunity", index, "id")) if locator else (None, None)
