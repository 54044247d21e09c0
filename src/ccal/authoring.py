"""Growing and editing a data file from the command line: ``ccal add`` and ``ccal extend``.

Both keep every byte the user wrote: ``add`` appends a table rendered by tomli-w after the
existing text; ``extend`` changes one value in place with tomlkit (a style-preserving parser).
Values typed on the command line, relative ones included, are stored as absolute TOML dates or
local date-times in the entry's zone, so the file never depends on when it was written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from ccal.clock import TimeInputError, parse_duration, parse_when
from ccal.errors import CcalError, LookupFailed, Problem, UsageProblem

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
        table = {key: value for key, value in fields.items() if value is not None}
        if self.dates:
            table["dates"] = self.dates
        return table


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


def append_text(old: str, table: dict[str, Any]) -> str:
    """The old text, byte for byte, then a blank line and the new tables rendered by tomli-w,
    in the ``[[opportunity]]`` / ``[[opportunity.dates]]`` layout hand-written files use."""
    import tomli_w

    newline = "\r\n" if "\r\n" in old else "\n"
    fields = {key: value for key, value in table.items() if key != "dates"}
    parts = ["[[opportunity]]\n" + tomli_w.dumps(fields)]
    parts += ["[[opportunity.dates]]\n" + tomli_w.dumps(dated) for dated in table.get("dates", [])]
    rendered = "\n".join(parts)
    if newline != "\n":
        rendered = rendered.replace("\n", newline)
    if not old:
        return rendered
    separator = newline if old.endswith(("\n", "\r")) else newline * 2
    return old + separator + rendered


def existing_place(text: str, path: Any, wanted: str) -> Problem | None:
    """A located problem when an opportunity with id ``wanted`` is already in ``text``."""
    import tomllib

    from ccal.locator import TomlLocator

    try:
        opportunities = tomllib.loads(text).get("opportunity", [])
    except tomllib.TOMLDecodeError:
        return None  # the full validation reports it, with its line
    if not isinstance(opportunities, list):
        return None
    for index, table in enumerate(opportunities):
        if isinstance(table, dict) and table.get("id") == wanted:
            line, column = TomlLocator(text).locate(("opportunity", index, "id"))
            message = f"id '{wanted}' already exists; nothing added"
            return Problem(str(path), message, line, column)
    return None


# --- extend ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Extension:
    """What ``ccal extend`` changed: the label and the value before and after."""

    label: str
    before: date | datetime
    after: date | datetime

    def text(self) -> str:
        """``Deadline: 2027-01-31 → 2027-02-07 (+7 d)``"""
        try:
            moved = self.after - self.before
        except TypeError:  # a date moved to a date-time, or naive to offset: no clean difference
            return f"{self.label}: {_iso(self.before)} → {_iso(self.after)}"
        sign = "-" if moved.total_seconds() < 0 else "+"
        days, rest = divmod(abs(int(moved.total_seconds())), 86400)
        hours, minutes = rest // 3600, rest % 3600 // 60
        parts = [f"{n} {u}" for n, u in ((days, "d"), (hours, "h"), (minutes, "min")) if n]
        return f"{self.label}: {_iso(self.before)} → {_iso(self.after)} ({sign}{' '.join(parts)})"


def _iso(value: date | datetime) -> str:
    return (
        value.isoformat(sep=" ", timespec="minutes") if isinstance(value, datetime) else str(value)
    )


def extend_text(
    text: str, opportunity_id: str, label: str, to: str, zone_name: str, now: datetime
) -> tuple[str, Extension]:
    """Move one date of one opportunity in ``text``; record where it was as ``previous``.

    Relative forms count from the date being moved (``--to +7d``: a week later than it was);
    ``today``, ``tomorrow`` and ``now`` count from ``now``. tomlkit reads the document and renders
    the new values; the change itself is spliced into the text at the located value, because
    tomlkit re-renders inline tables inside arrays (spaces before ``}``) when one is modified,
    and every other byte must stay as the user wrote it.
    """
    import tomlkit

    from ccal.clock import instant, zone_named
    from ccal.locator import TomlLocator

    document = tomlkit.parse(text)
    index, table = _find_opportunity(document, opportunity_id)
    zone = zone_named(str(table.get("timezone") or document.get("timezone") or zone_name))
    position, dated = _find_label(table, label)
    if "rrule" in dated:
        raise UsageProblem(
            f"'{dated['label']}' repeats (rrule): move the series by editing its 'at' by hand"
        )
    before = _plain(dated["at"])
    base, all_day = instant(before, zone)
    try:
        reference = base if _is_relative(to) else now
        after = stored_value(to, zone, reference, day_base=all_day)
    except TimeInputError as exc:
        raise UsageProblem(f"invalid value for '--to': {exc}") from None
    if after == before:
        raise UsageProblem(f"'{dated['label']}' is already at {to}: nothing to change")
    locator = TomlLocator(text)
    place = ("opportunity", index, "dates", position)
    at_start, at_end = locator.spans[(*place, "at")]
    edits = [(at_start, at_end, _toml(after))]  # (start, end, replacement)
    if "end" in dated:
        end_start, end_end = locator.spans[(*place, "end")]
        edits.append((end_start, end_end, _toml(_moved_end(_plain(dated["end"]), before, after))))
    old_at_text = text[at_start:at_end]
    if (*place, "previous") in locator.spans:
        prev_start, prev_end = locator.spans[(*place, "previous")]
        edits.append((prev_start, prev_end, old_at_text))
    elif (*place, "at") in locator.inline:
        edits.append((at_end, at_end, f", previous = {old_at_text}"))
    else:
        line_end = text.find("\n", at_end)
        line_end = len(text) if line_end < 0 else line_end
        if text[line_end - 1 : line_end] == "\r":
            line_end -= 1
        newline = "\r\n" if text[line_end : line_end + 1] == "\r" else "\n"
        line_start = text.rfind("\n", 0, at_start) + 1
        key_column = locator.places[(*place, "at")][1]
        indent = text[line_start : line_start + key_column - 1]
        indent = indent if not indent.strip() else ""
        edits.append((line_end, line_end, f"{newline}{indent}previous = {old_at_text}"))
    for start, stop, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[stop:]
    return text, Extension(str(dated["label"]), before, after)


def _toml(value: Any) -> str:
    import tomlkit

    return tomlkit.item(value).as_string()


def _is_relative(text: str) -> bool:
    return bool(_RELATIVE.match(text.strip().lower()))


def _plain(value: Any) -> Any:
    return value.unwrap() if hasattr(value, "unwrap") else value


def _find_opportunity(document: Any, wanted: str) -> tuple[int, Any]:
    opportunities = document.get("opportunity") or []
    for index, table in enumerate(opportunities):
        if table.get("id") == wanted:
            return index, table
    from ccal.catalog import unknown_id_message

    raise LookupFailed(unknown_id_message(wanted, [str(t.get("id")) for t in opportunities]))


def _find_label(table: Any, wanted: str) -> tuple[int, Any]:
    import difflib

    dates = list(table.get("dates") or [])
    for match in (
        lambda d: d.get("label") == wanted,
        lambda d: str(d.get("label", "")).casefold() == wanted.casefold(),
    ):
        found = [(n, d) for n, d in enumerate(dates) if match(d)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise UsageProblem(f"several dates of '{table['id']}' are labelled '{wanted}'")
    labels = [str(d.get("label")) for d in dates]
    close = difflib.get_close_matches(wanted, labels, n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    known = f" (its labels: {', '.join(repr(x) for x in labels)})" if labels else " (it has none)"
    raise LookupFailed(f"'{table['id']}' has no date labelled '{wanted}'{hint}{known}")


def _moved_end(end: Any, before: Any, after: Any) -> Any:
    """Shift a range's end by as much as its start moved, on the wall clock."""
    try:
        if type(end) is type(before) is type(after):
            return end + (after - before)
    except TypeError:
        pass
    raise CcalError(
        "this date is a range and --to changes the form of its start (date vs date-time, or "
        "offset); edit the range by hand"
    )
