"""Moving one date of a data file in place: ``ccal extend``.

Every other byte stays as the user wrote it: the TOML parser reads the document (values
only), the new values are rendered like ``ccal add`` renders them (``toml_value``) and spliced
into the text at the located value. The first value is kept as ``previous``, the history a listing
shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ccal.authoring import is_relative, stored_value, toml_value
from ccal.clock import TimeInputError
from ccal.errors import CcalError, LookupFailed, UsageProblem

if TYPE_CHECKING:
    from ccal.incremental import Layout
    from ccal.store import Vouched


@dataclass(frozen=True)
class Extension:
    """What ``ccal extend`` changed: the label and the value before and after."""

    label: str
    before: date | datetime
    after: date | datetime

    @property
    def earlier(self) -> bool:
        """Whether the date moved earlier (not an extension: said so, not "extended -4 d")."""
        try:
            return self.after < self.before
        except TypeError:  # a date against a date-time, naive against offset: compare instants
            return _as_instant(self.after) < _as_instant(self.before)

    def verb(self) -> str:
        """``Extended`` or ``Moved``: what the command says it did."""
        return "Moved" if self.earlier else "Extended"

    def text(self) -> str:
        """``Deadline: 2027-01-31 → 2027-02-07 (+7 d)``; moved earlier ``(earlier 4 d)``."""
        shift = shift_text(self.before, self.after)
        if shift and shift.startswith("-"):
            shift = f"earlier {shift[1:]}"
        moved = f" ({shift})" if shift else ""
        return f"{self.label}: {_iso(self.before)} → {_iso(self.after)}{moved}"


def shift_seconds(before: date | datetime, after: date | datetime) -> int | None:
    """How far a date moved, in seconds; None where there is no clean difference (a date moved
    to a date-time, or naive to offset)."""
    try:
        return int((after - before).total_seconds())  # type: ignore[operator]  # TypeError below
    except TypeError:
        return None


def shift_text(before: date | datetime, after: date | datetime) -> str | None:
    """``+7 d``, ``-1 d 2 h``: the move from ``before`` to ``after`` (``ccal extend`` and
    ``ccal sync``'s change log word it alike)."""
    seconds = shift_seconds(before, after)
    if seconds is None:
        return None
    sign = "-" if seconds < 0 else "+"
    days, rest = divmod(abs(seconds), 86400)
    hours, minutes = rest // 3600, rest % 3600 // 60
    parts = [f"{n} {u}" for n, u in ((days, "d"), (hours, "h"), (minutes, "min")) if n]
    return f"{sign}{' '.join(parts) or '0 min'}"


def _as_instant(value: date | datetime) -> datetime:
    """A comparable point for an ordering only: a date as its midnight, naive as UTC."""
    from datetime import UTC

    if not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time())
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _iso(value: date | datetime) -> str:
    return (
        value.isoformat(sep=" ", timespec="minutes") if isinstance(value, datetime) else str(value)
    )


def extend_text(
    text: str, opportunity_id: str, label: str, to: str, zone_name: str, now: datetime
) -> tuple[str, Extension]:
    """Move one date of one opportunity in ``text``; record where it first was as ``previous``
    (a ``previous`` already there stays: it is the original date).

    Relative forms count from the date being moved (``--to +7d``: a week later than it was);
    ``today``, ``tomorrow`` and ``now`` count from ``now``. The parser reads the values; the
    change is spliced into the text at the located value (a style-preserving editor such as
    tomlkit re-renders inline tables inside arrays, and every other byte must stay as the user
    wrote it).
    """
    from ccal.clock import zone_named
    from ccal.loader import parse_toml

    document = parse_toml(text)  # compiled tomli: tomlkit took 62 s of a 10,000-entry extend
    index, table = _find_opportunity(document, opportunity_id)
    zone = zone_named(str(table.get("timezone") or document.get("timezone") or zone_name))
    position, dated = _find_label(table, label)
    if "rrule" in dated:
        raise UsageProblem(
            f"'{dated['label']}' repeats (rrule): move the series by editing its 'at' by hand"
        )
    before = _plain(dated["at"])
    try:
        after = _new_value(to, before, zone, now)
    except TimeInputError as exc:
        raise UsageProblem(f"invalid value for '--to': {exc}") from None
    if after == before:
        raise UsageProblem(f"'{dated['label']}' is already at {to}: nothing to change")
    place = ("opportunity", index, "dates", position)
    locator = _located(text, document, index, place, before)
    at_start, at_end = locator.spans[(*place, "at")]
    old_at_text = text[at_start:at_end]
    edits = [(at_start, at_end, toml_value(after, like=old_at_text))]  # (start, end, replacement)
    if "end" in dated:
        end_start, end_end = locator.spans[(*place, "end")]
        moved_end = _moved_end(_plain(dated["end"]), before, after)
        edits.append((end_start, end_end, toml_value(moved_end, like=text[end_start:end_end])))
    if (*place, "previous") in locator.spans:
        # ``previous`` is where the date first was: a listing shows the whole move. Moved back
        # there, nothing is left to show ("extended +0 min"): the history goes.
        if after == _plain(dated["previous"]):
            edits.extend(_without_previous(text, locator.spans[(*place, "previous")]))
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


def extend_indexed(
    fast: Layout, text: str, opportunity_id: str, label: str, to: str, now: datetime
) -> tuple[Vouched, Extension] | None:
    """``extend_text`` of the one opportunity's text, where a fresh index vouches for the rest
    (``incremental.Layout``): the same bytes as ``extend_text`` of the whole text, without
    parsing it. ``None`` where the opportunity's text cannot be trusted alone, or the changed
    entry has any problem: the caller then takes the whole path (and its errors)."""
    from ccal.clock import DEFAULT_ZONE
    from ccal.loader import parse_toml
    from ccal.store import Vouched

    span = fast.span_of(opportunity_id)
    if span is None:
        return None
    start, stop = span
    try:
        alone = parse_toml(text[start:stop]).get("opportunity")
        top = parse_toml(fast.top)
    except (ValueError, RecursionError):
        return None
    if not isinstance(alone, list) or len(alone) != 1 or alone[0].get("id") != opportunity_id:
        return None
    zone_name = str(top.get("timezone") or DEFAULT_ZONE)  # the file's, as extend_text reads it
    changed, extension = extend_text(text[start:stop], opportunity_id, label, to, zone_name, now)
    new = "".join((text[:start], changed, text[stop:]))  # one copy of the whole, not two
    warnings = fast.vouch(new, start, start + len(changed), opportunity_id)
    return None if warnings is None else (Vouched(new, warnings), extension)


def _located(text: str, document: Any, index: int, place: tuple[Any, ...], before: Any) -> Any:
    """A locator that has scanned the date at ``place`` (and its opportunity), and little more.

    Where every opportunity is a ``[[opportunity]]`` table (the usual form) the scan starts at
    that opportunity's header, found by a search: extending the entry at the end of a 100,000-
    entry file no longer scans the 99,999 before it. The start is trusted only if the headers
    found are exactly the parsed opportunities and the located ``at`` reads as the parsed one;
    otherwise the file is scanned from the top.
    """
    from ccal.loader import parse_toml
    from ccal.locator import TomlLocator

    stops = ((*place[:-1], place[-1] + 1), ("opportunity", index + 1))
    from ccal.incremental import header_starts

    headers = list(header_starts(text))
    if len(headers) == len(document.get("opportunity") or ()):
        locator = TomlLocator(text, lazy=True)
        locator.start_at(("opportunity",), index, headers[index])
        locator.scan_until(*stops)
        span = locator.spans.get((*place, "at"))
        try:
            if span and parse_toml(f"v = {text[span[0] : span[1]]}")["v"] == before:
                return locator
        except ValueError:
            pass
    locator = TomlLocator(text, lazy=True)  # from the top, up to the next date or opportunity
    locator.scan_until(*stops)
    return locator


def _new_value(to: str, before: Any, zone: Any, now: datetime) -> date | datetime:
    """What ``--to`` means for a date that was ``before``, in the same form.

    Relative forms count from ``before``. A date given for a timed entry keeps the entry's time
    of day (a deadline at 17:00 stays at 17:00); an entry written with a UTC offset stays
    written with that offset (the same instant as a local time typed for it).
    """
    from ccal.clock import instant, localize, parse_when

    relative = is_relative(to)
    if relative and isinstance(before, datetime) and before.tzinfo is not None:
        return parse_when(to, zone, now=before).replace(microsecond=0)  # in its own offset
    base, all_day = instant(before, zone)
    after = stored_value(to, zone, base if relative else now, day_base=all_day)
    if not isinstance(before, datetime):
        return after
    if not isinstance(after, datetime):
        return datetime.combine(after, before.timetz())
    if before.tzinfo is not None and after.tzinfo is None:
        return localize(after, zone).astimezone(before.tzinfo)
    return after


def _without_previous(text: str, span: tuple[int, int]) -> list[tuple[int, int, str]]:
    """The edit that removes ``previous = …`` (its own line, or ``, previous = …`` inside an
    inline table), or none where the text around it is not that plain form."""
    start, stop = span
    key = text.rfind("previous", 0, start)
    if key < 0 or text[key + len("previous") : start].strip() != "=":
        return []
    line_start = text.rfind("\n", 0, key) + 1
    line_end = text.find("\n", stop)
    line_end = len(text) if line_end < 0 else line_end
    if not text[line_start:key].strip() and not text[stop:line_end].strip():
        return [(line_start, min(line_end + 1, len(text)), "")]  # its own line
    comma = text.rfind(",", 0, key)
    if comma >= 0 and not text[comma + 1 : key].strip():
        return [(comma, stop, "")]  # ", previous = …" in an inline table
    return []


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
