"""Growing a data file from the command line: ``ccal add`` (``ccal extend`` is in extending.py).

Both keep every byte the user wrote: ``add`` appends a table rendered by tomli-w after the
existing text; ``extend`` changes one value in place. Values typed on the command line, relative
ones included, are stored (by ``stored_value`` here) as absolute TOML dates or local date-times
in the entry's zone, so the file never depends on when it was written.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ccal.clock import TimeInputError, parse_duration, parse_when
from ccal.errors import Problem, UsageProblem

if TYPE_CHECKING:
    from pathlib import Path

    from ccal.incremental import Layout
    from ccal.store import Vouched

_RELATIVE = re.compile(r"^(?:(?P<sign>[+-])(?=\d)|in (?=\d))(?P<rest>.+?)$|^(?P<ago>\d.*) ago$")
_DAY_WORDS = ("today", "tomorrow", "yesterday")


# --- what people type → what the file stores ---------------------------------------------------


def stored_value(text: str, zone: ZoneInfo, now: datetime, *, day_base: bool) -> date | datetime:
    """A typed moment as the value to write: a date (all day) or a date-time.

    A bare date, ``today``/``tomorrow``, or a whole number of days/weeks/months from a day-based
    reference (``+14d`` in ``add``, or from an all-day deadline in ``extend``) gives a date; any
    time of day gives a local date-time in ``zone`` (kept with its offset if one was typed).
    """
    raw = text.strip()
    lowered = raw.lower()
    relative = _RELATIVE.match(lowered)
    if relative:
        amount = relative["rest"] or relative["ago"]
        duration = parse_duration(amount)
        if duration.seconds == 0 and day_base:
            base = datetime.combine(now.astimezone(zone).date(), time(12), tzinfo=zone)
            moved = duration.before(base) if relative["ago"] or relative["sign"] == "-" else None
            return (moved or duration.after(base)).date()
    moment = parse_when(raw, zone, now=now)
    if lowered in _DAY_WORDS or (
        not relative and moment != parse_when(raw, zone, now=now, day_end=True)
    ):
        return moment.astimezone(zone).date()
    moment = moment.replace(microsecond=0)
    if moment.tzinfo is zone:
        return moment.replace(tzinfo=None)  # wall-clock time in the entry's zone
    if relative or lowered == "now":
        return moment.astimezone(zone).replace(tzinfo=None)
    return moment  # an offset the user typed: keep it as written


def split_label(text: str, default: str) -> tuple[str, str]:
    """``LABEL=WHEN`` or just ``WHEN``."""
    label, sep, when = text.partition("=")
    if sep and label.strip() and when.strip():
        return label.strip(), when.strip()
    return default, text.strip()


# --- add ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewOpportunity:
    """What ``ccal add`` was asked to write, already parsed."""

    id: str
    kind: str
    title: str
    dates: list[dict[str, Any]]
    timezone: str | None = None
    url: str | None = None
    organiser: str | None = None
    location: str | None = None
    summary: str | None = None
    tags: tuple[str, ...] = ()

    def table(self) -> dict[str, Any]:
        """The ``[[opportunity]]`` table, keys in the order people read them."""
        fields = {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "organiser": self.organiser,
            "url": self.url,
            "summary": self.summary,
            "location": self.location,
            "timezone": self.timezone,
            "tags": list(self.tags) or None,
        }
        table: dict[str, Any] = {key: value for key, value in fields.items() if value is not None}
        if self.dates:
            table["dates"] = self.dates
        return table


def file_zone(text: str) -> ZoneInfo:
    """The zone of a data file's local times: its top-level ``timezone``, else the default.

    An unreadable file or an unknown zone gives the default here: the whole-file validation
    that follows reports the problem with its line.
    """
    from ccal.clock import DEFAULT_ZONE, zone_named

    try:
        name = parsed_document(text).get("timezone", DEFAULT_ZONE)
        return zone_named(str(name))
    except (ValueError, RecursionError):  # TOMLDecodeError is a ValueError
        return zone_named(DEFAULT_ZONE)


@functools.lru_cache(maxsize=4)
def parsed_document(text: str) -> dict[str, Any]:
    """``text`` parsed by the compiled TOML parser, once per text (``add`` asks twice; the
    pure-Python ``tomllib`` took ~13 s of a 10,000-entry ``add``). Callers only read it."""
    from ccal.loader import parse_toml

    return parse_toml(text)


def file_kinds(text: str) -> list[str]:
    """The kinds a data file declares at its top (``kinds = ["conference"]``), for checking a
    new entry as the file will; none for a file that cannot be read (its validation says why)."""
    try:
        kinds = parsed_document(text).get("kinds")
    except ValueError:  # TOMLDecodeError (a ValueError), from either parser
        return []
    return [k for k in kinds if isinstance(k, str)] if isinstance(kinds, list) else []


def date_tables(
    deadlines: list[str], events: list[str], zone: ZoneInfo, now: datetime
) -> list[dict[str, Any]]:
    """``--deadline [LABEL=]WHEN`` and ``--event [LABEL=]START[..END]`` as date tables."""
    tables = []
    unlabelled = sum(split_label(text, "")[0] == "" for text in deadlines)
    number = 0
    for text in deadlines:
        label, when = split_label(text, "")
        if not label:
            number += 1
            label = "Deadline" if unlabelled == 1 else f"Deadline {number}"
        tables.append({"label": label, "at": _typed("--deadline", when, zone, now)})
    for text in events:
        label, when = split_label(text, "Event")
        start, sep, end = when.partition("..")
        table = {"label": label, "at": _typed("--event", start, zone, now)}
        if sep:
            table["end"] = _typed("--event", end, zone, now)
        tables.append(table)
    return tables


def _typed(option: str, text: str, zone: ZoneInfo, now: datetime) -> date | datetime:
    try:
        return stored_value(text, zone, now, day_base=True)
    except TimeInputError as exc:
        raise UsageProblem(f"invalid value for '{option}': {exc}") from None


# The option of ``ccal add`` that gave each field of the new table.
_FIELD_OPTIONS = {
    "id": "ID",
    "kind": "--kind",
    "title": "--title",
    "organiser": "--organiser",
    "url": "--url",
    "summary": "--summary",
    "tags": "--tag",
    "location": "--location",
    "timezone": "--zone",
    "dates": "--deadline/--event",
}
_FIELD = re.compile(r"^(?P<name>[a-z_]+)(?:\[(?P<index>\d+)\])?(?:\.(?P<key>\w+))?")


def check_new(
    new: NewOpportunity, zone_name: str, typed: list[tuple[str, str]], kinds: Sequence[str] = ()
) -> None:
    """Raise ``UsageProblem`` naming the option when the new entry is invalid on its own.

    The entry is checked alone, as the only one of a file in ``zone_name``, so a problem is told
    in terms of what was typed (``--url``, the second ``--deadline``) rather than as a line of a
    file that was never written. ``typed`` is (option, text) for each of ``new.dates``, in order;
    ``kinds`` are those the target file declares (``file_kinds``). Problems of the whole file
    (a duplicate id) are the writer's to report.
    """
    from pathlib import Path

    import tomli_w

    from ccal.loader import parse_text

    top = {"version": 1, "timezone": zone_name, **({"kinds": list(kinds)} if kinds else {})}
    text = append_text(tomli_w.dumps(top), new.table())
    for problem in parse_text(text, Path("<new>")).errors:
        raise UsageProblem(_as_option_problem(problem, typed))


def _as_option_problem(problem: Problem, typed: list[tuple[str, str]]) -> str:
    found = _FIELD.match(problem.field or "")
    message = problem.message
    if not found or found["name"] not in _FIELD_OPTIONS:
        return f"cannot add this entry: {message}"
    if found["name"] == "dates" and found["index"] is not None:
        option, text = typed[int(found["index"])]
        message = message.replace("end is before at", "the end is before the start")
        return f"invalid value for '{option}' ({text!r}): {message}"
    return f"invalid value for '{_FIELD_OPTIONS[found['name']]}': {message}"


def append_text(old: str, table: dict[str, Any]) -> str:
    """The old text, byte for byte, then a blank line and the new tables rendered by tomli-w,
    in the ``[[opportunity]]`` / ``[[opportunity.dates]]`` layout hand-written files use."""
    import tomli_w

    newline = "\r\n" if "\r" in old and "\r\n" in old else "\n"  # one CR is found 15x faster
    fields = {key: value for key, value in table.items() if key != "dates"}
    parts = ["[[opportunity]]\n" + tomli_w.dumps(fields)]
    parts += ["[[opportunity.dates]]\n" + tomli_w.dumps(dated) for dated in table.get("dates", [])]
    rendered = "\n".join(parts)
    if newline != "\n":
        rendered = rendered.replace("\n", newline)
    if not old:
        return rendered
    separator = newline if old.endswith(("\n", "\r")) else newline * 2
    return "".join((old, separator, rendered))  # one copy of a big text, not two


def appended(
    text: str, new: NewOpportunity, path: Path, others: Sequence[Path], fast: Layout | None
) -> str | Vouched:
    """``text`` with ``new`` appended (``append_text``), an id already in ``text`` or in one of
    ``others`` refused with its place. With a ``Layout`` (``incremental``: a fresh index vouches
    for the files) the ids are the index's and only the new entry is checked, the result
    ``Vouched``; a duplicate, or any problem of the new entry, takes the whole path, so its
    errors are the whole check's own."""
    from ccal.errors import DataError
    from ccal.store import Vouched, read_text

    if fast is None or fast.has_id(new.id) is not False:
        for where, source in [(path, text), *((o, read_text(o) or "") for o in others)]:
            place = existing_place(source, where, new.id)
            if place:
                raise DataError([place])
        parsed_document.cache_clear()  # before the whole result is validated (memory)
    result = append_text(text, new.table())
    if fast is not None:
        warnings = fast.vouch(result, len(text), len(result), new.id)
        if warnings is not None:
            return Vouched(result, warnings)
    return result


def existing_place(text: str, path: Any, wanted: str) -> Problem | None:
    """A located problem when an opportunity with id ``wanted`` is already in ``text``."""
    from ccal.locator import TomlLocator

    try:
        opportunities = parsed_document(text).get("opportunity", [])
    except (ValueError, RecursionError):
        return None  # the full validation reports it, with its line
    if not isinstance(opportunities, list):
        return None
    for index, table in enumerate(opportunities):
        if isinstance(table, dict) and table.get("id") == wanted:
            line, column = TomlLocator(text, lazy=True).locate(("opportunity", index, "id"))
            message = f"id '{wanted}' already exists; nothing added"
            return Problem(str(path), message, line, column)
    return None


def toml_value(value: date | datetime, *, like: str = "") -> str:
    """A date or date-time as TOML text, as ``add`` writes it (tomli-w: ``2027-01-31 17:00:00``).

    ``like`` is the value being replaced (by ``extend``): written with a ``T``, the new one is too,
    so a file keeps one style.
    """
    import tomli_w

    text = tomli_w.dumps({"v": value})[len("v = ") :].rstrip("\n")
    if isinstance(value, datetime) and re.match(r"\d{4}-\d\d-\d\dT", like):
        text = text[:10] + "T" + text[11:]
    return text


def is_relative(text: str) -> bool:
    """``+7d``, ``-2w``, ``in 3 days``, ``2 days ago``: counted from a reference moment."""
    return bool(_RELATIVE.match(text.strip().lower()))


def file_with(opportunity_id: str, data: list[Path] | None) -> tuple[Path, list[Path]]:
    """The (writable) file that holds ``opportunity_id``, and the other active files: the lookup
    of ``extend``, ``remove`` and ``edit``. Files named in ``data`` are known to exist (the CLI
    checks first: its message says whether ``--data`` or ``CCAL_DATA`` named them)."""
    from ccal.catalog import unknown_id_message
    from ccal.errors import DataError, LookupFailed
    from ccal.loader import load_file
    from ccal.sources import active_sources, shipped_dataset

    paths = active_sources(data)
    if data and len(paths) == 1:
        # One file named: it is the one; reading it whole here would only repeat what the
        # write validates anyway (an unknown id is reported with the file's ids by extend).
        return paths[0], []
    from ccal.incremental import indexed_file

    held = indexed_file(opportunity_id, paths)  # a fresh index knows, without reading the files
    known = []
    for path in paths:
        if held is not None:  # every file valid when indexed, the id in that one alone
            ids = [opportunity_id] if path == held else []
        else:
            result = load_file(path)
            if result.errors:
                raise DataError(result.errors)
            ids = [item.id for item in result.items]
        if opportunity_id in ids:
            if not data and path == shipped_dataset():
                raise UsageProblem(
                    f"'{opportunity_id}' comes from the dataset shipped with ccal, which ccal "
                    "does not edit; add your own copy with 'ccal add' (another id) instead"
                )
            return path, [p for p in paths if p != path]
        known += ids
    raise LookupFailed(unknown_id_message(opportunity_id, known))
