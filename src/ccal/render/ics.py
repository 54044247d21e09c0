"""``--format ics``: RFC 5545 via the ``icalendar`` library, for real calendar clients.

Each dated entry becomes one VEVENT whose UID depends only on the opportunity id and the entry's
label, so importing an updated export updates events instead of duplicating them. Times keep the
entry's own zone (TZID plus a generated VTIMEZONE), so 18:00 Brussels stays 18:00 Brussels in any
calendar; all-day entries are DATE values with an exclusive DTEND, as RFC 5545 wants.

The same data and the same "now" give the same bytes (events in listing order, zones sorted by
name). A calendar can tell a changed event: ``SEQUENCE`` counts the moves ``ccal extend``
recorded in ``previous``, ``LAST-MODIFIED`` is when the entry's data file last changed.
``calendar`` is the public entry point (``ccal publish`` feeds are built on it).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ccal import __version__
from ccal.catalog import Entry, Item
from ccal.clock import is_ambiguous
from ccal.controlchars import file_text
from ccal.query import Filters
from ccal.render.timefmt import moment_text, moved_note
from ccal.text import fold, label_key

if TYPE_CHECKING:
    from pathlib import Path

    from icalendar import Calendar as ICalendar
    from icalendar import Component, Event, Timezone

    from ccal.query import AnyListing
    from ccal.render import Listing
    from ccal.render.formats import RenderOptions

PRODID = f"-//ccal//ccal {__version__}//EN"
UID_DOMAIN = "ccal"
# How often a subscribed feed asks to be fetched again (REFRESH-INTERVAL, X-PUBLISHED-TTL).
DEFAULT_REFRESH = timedelta(days=1)
DEFAULT_NAME = "ccal"


def uid(entry: Entry) -> str:
    """``clusters-meet-regions.cut-off-2@ccal``: stable across exports and filters.

    Built from the label rather than the position, so inserting an earlier date or moving a
    deadline keeps every UID; two labels of one opportunity never share a key (``models``).
    """
    return f"{entry.opportunity.id}.{label_key(entry.label)}@{UID_DOMAIN}"


def summary(entry: Entry) -> str:
    """The title and the label (once, when they say the same), marked when moved by ``ccal
    extend`` ("extended +14 d", as tables say) or tentative."""
    title = entry.opportunity.title
    text = title if fold(entry.label) == fold(title) else f"{title}: {entry.label}"
    notes = [note for note in (moved_note(entry), entry.tentative and "tentative") if note]
    return file_text(f"{text} ({', '.join(notes)})" if notes else text)


def description(entry: Entry) -> str:
    opportunity = entry.opportunity
    parts = [
        opportunity.summary,
        _moved(entry),
        f"Organiser: {opportunity.organiser}" if opportunity.organiser else None,
        f"Source: {entry.source}" if entry.source else None,
        "Tentative date: check the source before relying on it." if entry.tentative else None,
    ]
    # RFC 5545 TEXT has no control characters but tab and (escaped) line breaks.
    return file_text("\n".join(p.strip() for p in parts if p and p.strip()))


def _moved(entry: Entry) -> str | None:
    """``Extended +14 d (was Fri 15 Jul 2022 18:00 CEST).``, on the entry's own clock."""
    note = moved_note(entry)
    if note is None or entry.previous is None:
        return None
    was = entry.previous.astimezone(entry.zone)
    shown = f"{was:%a} {was.day} {was:%b %Y}" if entry.all_day else moment_text(was, entry.zone)
    return f"{note[0].upper()}{note[1:]} (was {shown})."


def sequence(entry: Entry) -> int:
    """RFC 5546 ``SEQUENCE``: the moves of this date. The data keeps where it first was
    (``previous``), not every step, so a moved date is 1 and an unmoved one 0."""
    return 1 if entry.previous is not None else 0


def _written(moment: datetime) -> datetime:
    """``moment`` as DTSTART/DTEND should carry it: in its zone (TZID), except the second pass
    of a repeated autumn hour, which is written in UTC. A TZID time names a wall clock, and
    RFC 5545 (3.3.5) reads a repeated one as its first occurrence: an hour early."""
    zone = moment.tzinfo
    if moment.fold and isinstance(zone, ZoneInfo) and is_ambiguous(moment, zone):
        return moment.astimezone(UTC)
    return moment


def event(
    entry: Entry,
    options: RenderOptions,
    stamp: datetime,
    rrule: str | None = None,
    modified: datetime | None = None,
) -> Event:
    """One VEVENT; a repeating date's UID is its series' (occurrence 0), whichever occurrence
    starts the event, and ``rrule`` replaces the series' own rule (with its end). ``modified``
    (UTC) is when its data last changed: LAST-MODIFIED, never later than ``stamp``."""
    from icalendar import Alarm, Event

    from ccal.recurrence import series_head

    opportunity = entry.opportunity
    vevent = Event()
    vevent.add("uid", uid(series_head(entry)))
    vevent.add("dtstamp", _typed("dtstamp", stamp))
    if modified is not None:
        vevent.add("last-modified", _typed("last-modified", min(modified, stamp)))
    vevent.add("sequence", _typed("sequence", sequence(entry)))
    vevent.add("summary", summary(entry))
    if entry.all_day:
        first = entry.at.date()
        last = (entry.end or entry.at).date()
        vevent.add("dtstart", first)
        vevent.add("dtend", last + timedelta(days=1))  # DTEND of a DATE event is exclusive
        # A DATE has no zone, but a ccal all-day date is a day of its zone (it passes when that
        # day ends there): said for ``ccal import ics``, ignored by other programs.
        vevent.add("x-ccal-timezone", _typed("x-ccal-timezone", entry.zone.key))
    else:
        vevent.add("dtstart", _written(entry.at))
        if entry.end is not None and entry.end.timestamp() > entry.at.timestamp():
            vevent.add("dtend", _written(entry.end))
    text = description(entry)
    if text:
        vevent.add("description", text)
    if opportunity.location:
        vevent.add("location", file_text(opportunity.location))
    if opportunity.url:
        vevent.add("url", file_text(opportunity.url))
    vevent.add("categories", [*(file_text(tag) for tag in opportunity.tags), opportunity.kind])
    rrule = rrule or entry.rrule
    if rrule:
        from icalendar import vRecur

        vevent.add("rrule", vRecur.from_ical(rrule))
    vevent.add("status", _typed("status", "TENTATIVE" if entry.tentative else "CONFIRMED"))
    # A deadline is a reminder, not a meeting: it must not mark the user as busy.
    vevent.add("transp", _typed("transp", "TRANSPARENT"))
    # A one-day deadline lasts until its day ends, so the alarm counts back from the end.
    related = "END" if entry.all_day and entry.end is None else "START"
    for before in options.alarms:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary(entry))
        alarm.add("trigger", -before, parameters={"RELATED": related})
        vevent.add_component(alarm)
    return vevent


# The values most events share, typed once: (property, value) -> icalendar's object. Never
# emptied: ``_LINES`` is keyed by the objects' ids, which must not be reused by another object.
_TYPED: dict[tuple[str, datetime | int | str], Any] = {}
# (property, id of a shared object) or (BEGIN/END, component name) -> its line, folded, CRLF.
_LINES: dict[tuple[str, int | bytes], str] = {}


def _typed(name: str, value: datetime | int | str) -> Any:
    """``value`` as icalendar types it for property ``name`` (what ``Event.add`` stores), made
    once for the values most events share (DTSTAMP, LAST-MODIFIED of one file, STATUS, ...):
    typing a value is most of the time of building an event, and ``component_text`` writes the
    line of a shared value once. The objects are shared between events, so nothing may change
    them; they are only ever serialised. (A handful per run: a stamp, a time per data file,
    two statuses, a zone per all-day zone.)"""
    typed = _TYPED.get((name, value))
    if typed is None:
        from icalendar import Event

        holder = Event()
        holder.add(name, value)
        typed = _TYPED[(name, value)] = holder[name]
        _LINES[(name.upper(), id(typed))] = ""  # written by the first component_text
    return typed


def render(listing: Listing, options: RenderOptions) -> str:
    """``--format ics``: the calendar named by ``options`` (``--calendar-name``, else ccal)."""
    return "".join(chunks(listing, options))


def chunks(listing: AnyListing, options: RenderOptions) -> Iterator[str]:
    """``render``'s text in pieces, as its events are made (``calendar_chunks``)."""
    return calendar_chunks(
        listing,
        options,
        name=options.calendar_name or DEFAULT_NAME,
        refresh=options.refresh or DEFAULT_REFRESH,
        modified=options.modified,
    )


def calendar(
    listing: Listing,
    options: RenderOptions | None = None,
    *,
    name: str = DEFAULT_NAME,
    refresh: timedelta = DEFAULT_REFRESH,
    modified: Mapping[str, datetime] | None = None,
) -> str:
    """The whole iCalendar text of ``listing``: the public entry point for exports and feeds.

    ``name`` is the calendar's NAME / X-WR-CALNAME, ``refresh`` how often a subscriber should
    fetch it again (REFRESH-INTERVAL, X-PUBLISHED-TTL; whole seconds, at least one), and
    ``modified`` maps an opportunity id to when its data last changed (LAST-MODIFIED; see
    ``modified_times``). DTSTAMP is ``listing.now``: pin it and the bytes are reproducible.

    Built from the same parts ``ccal publish`` assembles its feeds from (``header``,
    ``series_events``, ``zones``), so the two cannot drift apart.
    """
    return "".join(calendar_chunks(listing, options, name=name, refresh=refresh, modified=modified))


# Events are written here until the zones they use are known (VTIMEZONEs come first): in
# memory up to this many characters, then in a temporary file.
SPOOL_IN_MEMORY = 4 << 20
_END = "END:VCALENDAR\r\n"


def calendar_chunks(
    listing: AnyListing,
    options: RenderOptions | None = None,
    *,
    name: str = DEFAULT_NAME,
    refresh: timedelta = DEFAULT_REFRESH,
    modified: Mapping[str, datetime] | None = None,
) -> Iterator[str]:
    """``calendar``'s text in pieces, each event's text (``component_text``) as it is made:
    never the whole calendar nor every event at once. The calendar's own lines (``header``)
    come first, then the VTIMEZONE of each zone the events use, which are known only once
    every event is made: the events' text waits in a spool (memory, then a temporary file)."""
    from ccal.render.formats import RenderOptions

    options = options or RenderOptions()
    head = component_text(header(listing, name=name, refresh=refresh))
    assert head.endswith(_END)
    yield head[: -len(_END)]
    stamp = stamp_of(listing)
    days = _Days(listing.entries)
    used: set[str] = set()
    with tempfile.SpooledTemporaryFile(
        SPOOL_IN_MEMORY, mode="w+", encoding="utf-8", newline=""
    ) as spool:
        for vevent, day in series_events(days, options, stamp, modified or {}):
            used |= used_zones([vevent])
            days.add(day)
            spool.write(component_text(vevent))
        if days.first is not None and days.last is not None:
            first_day, last_day = zone_years([], [days.first, days.last])
            for component in zones(sorted(used), first_day, last_day):
                yield component_text(component)  # zones first: some readers want a TZID first
        spool.seek(0)
        while piece := spool.read(1 << 16):
            yield piece
    if options.estimates:  # --estimated: all-day spans, no zone needed
        from ccal.render.estimates import vevent as estimated_vevent

        for guess in options.estimates:
            yield component_text(estimated_vevent(guess, stamp))
    yield _END


class _Days:
    """The entries, each time they are iterated, keeping the first and last day ``zone_years``
    spans (an event's start, any entry's due) without holding them."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = entries
        self.first: date | None = None
        self.last: date | None = None

    def add(self, day: date) -> None:
        if self.first is None or day < self.first:
            self.first = day
        if self.last is None or day > self.last:
            self.last = day

    def __iter__(self) -> Iterator[Entry]:
        for entry in self.entries:
            self.add(entry.due.date())
            yield entry


def header(
    listing: AnyListing, *, name: str = DEFAULT_NAME, refresh: timedelta = DEFAULT_REFRESH
) -> ICalendar:
    """The VCALENDAR of ``listing`` without its components: the calendar's metadata."""
    from icalendar import Calendar, vDuration

    if refresh < timedelta(seconds=1):
        raise ValueError(f"a refresh interval of at least a second, not {refresh}")
    refresh = timedelta(seconds=int(refresh.total_seconds()))
    ical = Calendar()
    ical.add("prodid", PRODID)
    ical.add("version", "2.0")
    ical.add("calscale", "GREGORIAN")
    ical.add("method", "PUBLISH")
    text_name = file_text(name)
    ical.add("name", text_name)  # RFC 7986
    ical.add("x-wr-calname", text_name)  # what Apple, Google and Outlook read
    display = getattr(listing.display_zone, "key", None)
    if display:  # the zone a feed's floating times would be read in (Apple, Google)
        ical.add("x-wr-timezone", display)
    ical.add("refresh-interval", vDuration(refresh), parameters={"VALUE": "DURATION"})
    ical.add("x-published-ttl", vDuration(refresh))
    return ical


def stamp_of(listing: AnyListing) -> datetime:
    """DTSTAMP: the moment asked about, so an export with a pinned --as-of is reproducible."""
    return listing.now.astimezone(UTC).replace(microsecond=0)


def series_events(
    entries: Iterable[Entry],
    options: RenderOptions,
    stamp: datetime,
    modified: Mapping[str, datetime],
) -> Iterator[tuple[Event, date]]:
    """One VEVENT per series of ``entries`` (a single date is a series of one), in listing
    order, each with the day it starts (``zone_years`` needs them), made as the entries come.

    A repeating date is one event with its RRULE, however many occurrences were selected: the
    whole series, or with ``chosen_occurrences`` just the run of occurrences chosen (a window
    and a limit cut a series into one unbroken run, as the filters match all or none). So a
    series must not be split between two calls. With ``chosen_occurrences``, ``entries`` is
    looked at twice (first to count each series' occurrences): it must give the same entries
    again. Only repeating dates are remembered (their UIDs); a single date's UID is its own.
    """
    from ccal.recurrence import series_head

    runs: dict[str, tuple[Entry, int]] = {}  # UID -> the run's first occurrence, its length
    if options.chosen_occurrences:
        for selected in entries:
            if selected.recurrence is None:
                continue
            key = uid(series_head(selected))
            first, count = runs.get(key, (selected, 0))
            runs[key] = (min(first, selected, key=Entry.sort_key), count + 1)
    seen: set[str] = set()
    for selected in entries:
        when = modified.get(selected.opportunity.id)
        if selected.recurrence is None or not options.chosen_occurrences:
            if selected.recurrence is not None:
                key = uid(series_head(selected))
                if key in seen:
                    continue
                seen.add(key)
            head = series_head(selected)
            yield event(head, options, stamp, modified=when), head.at.date()
            continue
        key = uid(series_head(selected))
        if key in seen:
            continue
        seen.add(key)
        first, count = runs[key]
        assert first.recurrence is not None
        rule = f"{first.recurrence.body};COUNT={count}"
        yield event(first, options, stamp, rule, modified=when), first.at.date()


def zone_years(entries: list[Entry], starts: list[date]) -> tuple[date, date]:
    """The span the VTIMEZONEs cover: from a year before the first date (an event's start, or
    any entry's due) to the end of the year after the last (an open-ended rule of the zone runs
    on for ever)."""
    days = [*starts, *(e.due.date() for e in entries)]
    return date(min(days).year - 1, 1, 1), date(max(days).year + 2, 1, 1)


def zones(keys: Iterable[str], first_day: date, last_day: date) -> list[Timezone]:
    """The VTIMEZONE of each zone key, in the order given (a calendar sorts them by name)."""
    from ccal.render.vtimezone import vtimezone

    return [vtimezone(key, first_day, last_day) for key in keys]


def component_text(component: Component) -> str:
    """``component.to_ical()``, decoded, but folded here: icalendar's own content lines (every
    value escaped and typed by icalendar: ``content_line`` for each of ``property_items``, as
    its ``content_lines`` does), each folded as icalendar folds it (``fold_line``). icalendar
    folds character by character, a third of its time for a big calendar; the line of a value
    shared by many events (``_typed``) and BEGIN/END lines are made once. The bytes are the same
    (property tests compare the two on generated catalogs)."""
    out = []
    for name, value in component.property_items():
        key = (name, value if isinstance(value, bytes) else id(value))
        line = _LINES.get(key)
        if not line:
            line = fold_line(component.content_line(name, value)) + "\r\n"
            if key in _LINES or isinstance(value, bytes):  # shared: kept for the next event
                _LINES[key] = line
        out.append(line)
    return "".join(out)


def fold_line(line: str, limit: int = 75) -> str:
    """An RFC 5545 content line folded as icalendar folds it: segments of fewer than ``limit``
    octets (a character never split), a backslash or caret that would end a segment moved to
    the next one (so an escape stays whole: icalendar #1501), joined by CRLF and a space."""
    if line.isascii():  # a byte a character: cut by slices
        width = limit - 1
        if len(line) <= width:
            return line
        parts, start = [], 0
        while len(line) - start > width:
            piece = line[start : start + width]
            if piece[-1] in "\\^":
                piece = piece[:-1]
            parts.append(piece)
            start += len(piece)
        parts.append(line[start:])
        return "\r\n ".join(parts)
    segments: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        octets = len(char.encode("utf-8"))
        if current and size + octets >= limit:
            carried = current.pop() if len(current) > 1 and current[-1] in "\\^" else ""
            segments.append("".join(current))
            current = [carried] if carried else []
            size = len(carried.encode("utf-8"))
        current.append(char)
        size += octets
    if current:
        segments.append("".join(current))
    return "\r\n ".join(segments)


def used_zones(vevents: list[Event]) -> set[str]:
    """The TZIDs the events refer to (DTSTART/DTEND with a TZID parameter)."""
    found: set[str] = set()
    for component in vevents:
        for prop in ("DTSTART", "DTEND"):
            value = component.get(prop)
            if value is not None and "TZID" in value.params:
                found.add(str(value.params["TZID"]))
    return found


def modified_times(items: Iterable[Item]) -> dict[str, datetime]:
    """Opportunity id -> when its data file was last modified (UTC, whole seconds): the
    LAST-MODIFIED of its events. A file that cannot be read gives none."""
    return file_times((item.id, item.path) for item in items)


def file_times(files: Iterable[tuple[str, Path | str]]) -> dict[str, datetime]:
    """``modified_times`` of (opportunity id, its data file) pairs (an index's items)."""
    import os

    stamps: dict[str, datetime | None] = {}
    found: dict[str, datetime] = {}
    for opportunity_id, path in files:
        key = str(path)
        if key not in stamps:
            try:
                seconds = int(os.stat(path).st_mtime)
                stamps[key] = datetime.fromtimestamp(seconds, UTC)
            except OSError:
                stamps[key] = None
        stamp = stamps[key]
        if stamp is not None:
            found[opportunity_id] = stamp
    return found


def default_name(filters: Filters | None = None, scope: str = "upcoming") -> str:
    """The calendar name when ``--calendar-name`` is not given, saying what was selected:
    ``ccal: upcoming calls tagged clusters matching 'kosice'``."""
    chosen = filters or Filters()
    what = ["all" if scope == "all" else scope]
    if chosen.kinds:
        plural = [f"{kind}s" for kind in chosen.kinds]
        what.append(", ".join(plural[:-1]) + f" and {plural[-1]}" if len(plural) > 1 else plural[0])
    else:
        what.append("dates")
    if chosen.tags:
        what.append("tagged " + ", ".join(chosen.tags))
    if chosen.organiser:
        what.append(f"by {chosen.organiser}")
    if chosen.search:
        what.append(f"matching '{chosen.search}'")
    return f"{DEFAULT_NAME}: {' '.join(what)}"
