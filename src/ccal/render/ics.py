"""``--format ics``: RFC 5545 via the ``icalendar`` library, for real calendar clients.

Each dated entry becomes one VEVENT whose UID depends only on the opportunity id and the entry's
label, so importing an updated export updates events instead of duplicating them. Times keep the
entry's own zone (TZID plus a generated VTIMEZONE), so 18:00 Brussels stays 18:00 Brussels in any
calendar; all-day entries are DATE values with an exclusive DTEND, as RFC 5545 wants.

The same data and the same "now" give the same bytes (events in listing order, zones sorted by
name). A calendar can tell a changed event: ``SEQUENCE`` counts the moves ``ccal extend``
recorded in ``previous``, ``LAST-MODIFIED`` is when the entry's data file last changed.
``calendar`` is the public entry point; ``ccal publish`` assembles its feeds from the same parts.
Events are written through icalendar (its types, escaping and content lines) without being built
as components: ``event_text``, byte for byte ``event``'s ``to_ical()``.
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

    from icalendar import Alarm, Component, Event, Timezone
    from icalendar import Calendar as ICalendar

    from ccal.query import AnyListing
    from ccal.render import Listing
    from ccal.render.formats import RenderOptions

PRODID = f"-//ccal//ccal {__version__}//EN"
UID_DOMAIN = "ccal"
# How often a subscribed feed asks to be fetched again (REFRESH-INTERVAL, X-PUBLISHED-TTL).
DEFAULT_REFRESH = timedelta(days=1)
DEFAULT_NAME = "ccal"
END = "END:VCALENDAR\r\n"  # a calendar's last line, after its components


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


def properties(
    entry: Entry,
    options: RenderOptions,
    stamp: datetime,
    rrule: str | None = None,
    modified: datetime | None = None,
) -> list[tuple[str, Any, dict[str, str] | None]]:
    """What one VEVENT holds, as ``Component.add`` takes it: (name, value, parameters), in the
    order added. The one place that says what an event is; ``event`` adds them to an icalendar
    component, ``event_text`` writes the same lines (a property test compares the bytes).

    A repeating date's UID is its series' (occurrence 0), whichever occurrence starts the
    event, and ``rrule`` replaces the series' own rule (with its end). ``modified`` (UTC) is
    when its data last changed: LAST-MODIFIED, never later than ``stamp``."""
    from ccal.recurrence import series_head

    opportunity = entry.opportunity
    found: list[tuple[str, Any, dict[str, str] | None]] = [
        ("uid", uid(series_head(entry)), None),
        ("dtstamp", stamp, None),
    ]
    if modified is not None:
        found.append(("last-modified", last_modified(modified, stamp), None))
    found += [("sequence", sequence(entry), None), ("summary", summary(entry), None)]
    if entry.all_day:
        first = entry.at.date()
        last = (entry.end or entry.at).date()
        found.append(("dtstart", first, None))
        found.append(("dtend", last + timedelta(days=1), None))  # a DATE's DTEND is exclusive
        # A DATE has no zone, but a ccal all-day date is a day of its zone (it passes when that
        # day ends there): said for ``ccal import ics``, ignored by other programs.
        found.append(("x-ccal-timezone", entry.zone.key, None))
    else:
        found.append(("dtstart", _written(entry.at), None))
        if entry.end is not None and entry.end.timestamp() > entry.at.timestamp():
            found.append(("dtend", _written(entry.end), None))
    text = description(entry)
    if text:
        found.append(("description", text, None))
    if opportunity.location:
        found.append(("location", file_text(opportunity.location), None))
    if opportunity.url:
        found.append(("url", file_text(opportunity.url), None))
    found.append(
        ("categories", [*(file_text(tag) for tag in opportunity.tags), opportunity.kind], None)
    )
    rrule = rrule or entry.rrule
    if rrule:
        from icalendar import vRecur

        found.append(("rrule", vRecur.from_ical(rrule), None))
    found.append(("status", "TENTATIVE" if entry.tentative else "CONFIRMED", None))
    # A deadline is a reminder, not a meeting: it must not mark the user as busy.
    found.append(("transp", "TRANSPARENT", None))
    return found


def last_modified(modified: datetime, stamp: datetime) -> datetime:
    """LAST-MODIFIED: when the entry's data last changed, never later than DTSTAMP."""
    return min(modified, stamp)


def restamped(text: str, old: datetime, new: datetime) -> str:
    """An event's text (``event_text``'s, written with DTSTAMP ``old``) as written with
    DTSTAMP ``new``: the one line of ``properties`` that depends on the stamp alone (its
    LAST-MODIFIED does too when the data changed after the stamp: see ``last_modified``)."""
    return _relined(text, "dtstamp", old, new)


def remodified(text: str, old: datetime, new: datetime) -> str:
    """An event's text written with LAST-MODIFIED ``old`` as written with ``new`` (both as
    ``last_modified`` gives them): a data file's edit changes it in every event of the file,
    and nothing else in the events whose entries it left alone."""
    return _relined(text, "last-modified", old, new)


def _relined(text: str, name: str, old: datetime, new: datetime) -> str:
    """``text`` with its line of property ``name`` written for ``new`` instead of ``old``.
    The line follows a line break (BEGIN:VEVENT comes first); text in a value never holds
    one (it is escaped, and a folded line goes on after a space), so the first such line is
    the event's own."""
    if new == old:
        return text
    key = name.upper()
    before, _zone = _line(key, name, old, None)
    after, _zone = _line(key, name, new, None)
    head, found, tail = text.partition("\r\n" + before)
    if not found:
        raise ValueError(f"not an event written with that {key}")
    return f"{head}\r\n{after}{tail}"


# The values of ``properties`` that ``restamped`` and ``remodified`` write anew.
_STAMPS = frozenset({"dtstamp", "last-modified"})


def made_from(
    found: list[tuple[str, Any, dict[str, str] | None]], entry: Entry, options: RenderOptions
) -> str:
    """What an event's text (``event_text``) is made of but its DTSTAMP and LAST-MODIFIED
    values, as a digest: ``properties``' ``found`` (names, values, parameters; the two
    stamps' values left out, whether there is a LAST-MODIFIED kept in) and what its
    ``alarms`` add. Two events of one digest differ only in those two lines, so a kept text
    is reused after an edit to other entries of its data (``publish.kept``)."""
    import hashlib

    # A text as it is, after its length (a repr of each long description was 0.2 s of 18,715
    # events); any other value by its repr (a date's shows its type, zone and fold).
    parts = [repr(options.alarms), alarm_related(entry) if options.alarms else ""]
    for name, value, parameters in found:
        if name in _STAMPS:
            parts.append(name)
        elif type(value) is str:
            parts.append(f"{name}={len(value)}:{value}")
        else:
            parts.append(f"{name}~{value!r}")
        if parameters:
            parts.append(repr(parameters))
    inputs = "\0".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(inputs, digest_size=16).hexdigest()


def alarm_related(entry: Entry) -> str:
    """Which end of its event an alarm counts back from: a one-day deadline lasts until its
    day ends, so its alarm counts back from the end."""
    return "END" if entry.all_day and entry.end is None else "START"


def alarms(entry: Entry, options: RenderOptions) -> list[Alarm]:
    """The VALARMs of ``--alarm``: one a duration before each date, counting back from the
    end ``alarm_related`` names."""
    from icalendar import Alarm

    related = alarm_related(entry)
    found = []
    for before in options.alarms:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary(entry))
        alarm.add("trigger", -before, parameters={"RELATED": related})
        found.append(alarm)
    return found


def event(
    entry: Entry,
    options: RenderOptions,
    stamp: datetime,
    rrule: str | None = None,
    modified: datetime | None = None,
) -> Event:
    """One VEVENT as an icalendar component: ``properties`` added one by one, its ``alarms``
    inside. What ``event_text`` writes is this component's ``to_ical()`` (tests compare)."""
    from icalendar import Event

    vevent = Event()
    for name, value, parameters in properties(entry, options, stamp, rrule, modified):
        vevent.add(name, value, parameters=dict(parameters or {}))
    for alarm in alarms(entry, options):
        vevent.add_component(alarm)
    return vevent


def event_text(
    entry: Entry,
    options: RenderOptions,
    stamp: datetime,
    rrule: str | None = None,
    modified: datetime | None = None,
) -> tuple[str, frozenset[str]]:
    """``event(...)``'s text (``to_ical()``, decoded) and the zones it refers to, without
    building the component: ``properties_text`` of its ``properties``."""
    return properties_text(properties(entry, options, stamp, rrule, modified), entry, options)


def properties_text(
    found: list[tuple[str, Any, dict[str, str] | None]], entry: Entry, options: RenderOptions
) -> tuple[str, frozenset[str]]:
    """The text of the VEVENT of ``entry`` whose ``properties`` are ``found``, and the zones it
    refers to: each property typed by icalendar as ``Component.add`` types it and written as
    its ``content_line``, in the order ``Event.sorted_keys`` gives, its ``alarms`` inside.

    Building a component (a ``CaselessDict``, ``add``'s checks, a ``Parameters`` per value)
    was most of the time of an export or a publish; a line depends only on its property and
    value, so each distinct line is typed and written once (``_line``): the stamp, statuses,
    a topic's description and a cut-off's instant are shared by many events."""
    lines: dict[str, list[str]] = {}
    zones: set[str] = set()
    for name, value, parameters in found:
        key = name.upper()
        line, zone = _line(key, name, value, parameters)
        lines.setdefault(key, []).append(line)
        if zone is not None and key in _ZONED:
            zones.add(zone)
    begin, end = _frame()
    order = _order(tuple(lines))
    text = "".join([begin, *(line for key in order for line in lines[key])])
    inner = "".join(component_text(alarm) for alarm in alarms(entry, options))
    return f"{text}{inner}{end}", frozenset(zones)


# The properties whose TZID a calendar must define (a VTIMEZONE for each).
_ZONED = ("DTSTART", "DTEND")
# (property, value's type, value or its repr, parameters) -> (line folded with CRLF, TZID).
# Emptied when full: most lines are one event's, the shared ones are soon written again.
_LINES: dict[tuple[Any, ...], tuple[str, str | None]] = {}
_LINES_KEPT = 20_000
# Lines never shared: a UID is one event's (two events of a calendar never share one).
_OWN = frozenset({"UID"})
_TYPES: dict[str, Any] = {}  # property name -> the type of its plain strings
_ORDERS: dict[tuple[str, ...], list[str]] = {}
_ICALENDAR: list[Any] = []  # see ``_icalendar``
_FRAME: list[str] = []  # BEGIN:VEVENT and END:VEVENT, with CRLF


def _line(
    key: str, name: str, value: Any, parameters: dict[str, str] | None
) -> tuple[str, str | None]:
    """The content line of one property (folded, CRLF) and its TZID parameter, if any.

    Typed as ``Component.add`` types it: a plain string without parameters by the type
    icalendar's ``types_factory`` names for the property (what ``add`` does with one, without
    a component around it); anything else by ``add`` itself, on a scratch component. Written
    by icalendar's ``Contentline.from_parts`` (what ``content_line`` does), folded by
    ``fold_line``. Dates and times are keyed by their ``repr``: two equal instants in two
    zones (or two folds) are different lines."""
    if key in _OWN:
        cache_key = None
    else:
        shown = repr(value) if isinstance(value, date) else value
        if isinstance(shown, list):
            shown = tuple(shown)
        params_key = tuple(sorted(parameters.items())) if parameters else ()
        cache_key = (key, type(value), shown, params_key)
        try:
            found = _LINES.get(cache_key)
        except TypeError:  # unhashable (a vRecur): typed and written every time
            found, cache_key = None, None
        if found is not None:
            return found
    event_class, content_line, no_parameters = _icalendar()
    if isinstance(value, str) and not parameters:
        typed = _text_type(name)(value)
    else:
        scratch = event_class()
        scratch.add(name, value, parameters=dict(parameters or {}))
        typed = scratch[key]
    params = getattr(typed, "params", None) or no_parameters
    line = fold_line(content_line(key, params, typed)) + "\r\n"
    zone = params.get("TZID")
    found = (line, str(zone) if zone is not None else None)
    if cache_key is not None:
        if len(_LINES) >= _LINES_KEPT:
            _LINES.clear()
        _LINES[cache_key] = found
    return found


def _icalendar() -> tuple[Any, Any, Any]:
    """``Event``, ``Contentline.from_parts`` and an empty ``Parameters``, imported on first
    use (the module is imported by commands that never write iCalendar)."""
    if not _ICALENDAR:
        from icalendar import Event
        from icalendar.parser import Contentline, Parameters

        _ICALENDAR.extend([Event, Contentline.from_parts, Parameters()])
    return _ICALENDAR[0], _ICALENDAR[1], _ICALENDAR[2]


def _text_type(name: str) -> Any:
    """The class ``Component.add`` types a plain string of property ``name`` with."""
    found = _TYPES.get(name)
    if found is None:
        found = _TYPES[name] = _icalendar()[0].types_factory.for_property(name)
    return found


def _order(keys: tuple[str, ...]) -> list[str]:
    """``Event.sorted_keys()`` of an event with these properties (icalendar's canonical order
    first, the rest by name): a few combinations in a whole calendar, each sorted once."""
    order = _ORDERS.get(keys)
    if order is None:
        from icalendar import Event
        from icalendar.caselessdict import canonsort_keys

        order = _ORDERS[keys] = canonsort_keys(keys, Event.canonical_order)
    return order


def _frame() -> tuple[str, str]:
    """The BEGIN and END lines of a VEVENT, as icalendar writes them."""
    if not _FRAME:
        from icalendar import Event

        begin, _, end = component_text(Event()).partition("\r\n")
        _FRAME.extend([begin + "\r\n", end])
    return _FRAME[0], _FRAME[1]


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

    Assembled as ``ccal publish`` assembles its feeds, from the same parts (``header_text``,
    ``series_texts``, ``zones``), so the two cannot drift apart: the bytes are those of the
    whole ``Calendar``'s ``to_ical()`` (a property test compares), without building it.
    """
    return "".join(calendar_chunks(listing, options, name=name, refresh=refresh, modified=modified))


# Events are written here until the zones they use are known (VTIMEZONEs come first): in
# memory up to this many characters, then in a temporary file.
SPOOL_IN_MEMORY = 4 << 20


def calendar_chunks(
    listing: AnyListing,
    options: RenderOptions | None = None,
    *,
    name: str = DEFAULT_NAME,
    refresh: timedelta = DEFAULT_REFRESH,
    modified: Mapping[str, datetime] | None = None,
) -> Iterator[str]:
    """``calendar``'s text in pieces, each event's text (``event_text``) as it is made: never
    the whole calendar nor every event at once. The calendar's own lines (``header_text``)
    come first, then the VTIMEZONE of each zone the events use, which are known only once
    every event is made: the events' text waits in a spool (memory, then a temporary file)."""
    from ccal.render.formats import RenderOptions

    options = options or RenderOptions()
    yield header_text(listing, name=name, refresh=refresh)
    stamp = stamp_of(listing)
    days = _Days(listing.entries)
    used: set[str] = set()
    with tempfile.SpooledTemporaryFile(
        SPOOL_IN_MEMORY, mode="w+", encoding="utf-8", newline=""
    ) as spool:
        for head, rule, when in series_heads(days, options, modified or {}):
            text, zones_of = event_text(head, options, stamp, rule, when)
            used |= zones_of
            days.add(head.at.date())
            spool.write(text)
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
    yield END


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


def header_text(
    listing: AnyListing, *, name: str = DEFAULT_NAME, refresh: timedelta = DEFAULT_REFRESH
) -> str:
    """``header``'s text up to its components: a calendar is this, its VTIMEZONEs, its events
    and ``END``."""
    return component_text(header(listing, name=name, refresh=refresh)).removesuffix(END)


def stamp_of(listing: AnyListing) -> datetime:
    """DTSTAMP: the moment asked about, so an export with a pinned --as-of is reproducible."""
    return listing.now.astimezone(UTC).replace(microsecond=0)


def series_heads(
    entries: Iterable[Entry], options: RenderOptions, modified: Mapping[str, datetime]
) -> Iterator[tuple[Entry, str | None, datetime | None]]:
    """One VEVENT per series of ``entries`` (a single date is a series of one), in listing
    order, made as the entries come: the entry it starts with, the RRULE that replaces the
    series' own (or None) and its LAST-MODIFIED, the arguments of ``event``/``event_text``
    after ``stamp``.

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
        if selected.recurrence is not None:
            key = uid(series_head(selected))
            if key in seen:
                continue
            seen.add(key)
        if selected.recurrence is None or not options.chosen_occurrences:
            yield series_head(selected), None, when
            continue
        first, count = runs[key]
        assert first.recurrence is not None
        yield first, f"{first.recurrence.body};COUNT={count}", when


def series_events(
    entries: list[Entry],
    options: RenderOptions,
    stamp: datetime,
    modified: Mapping[str, datetime],
) -> list[tuple[Event, date]]:
    """The VEVENT of each of ``series_heads`` as an icalendar component, with the day it
    starts (``zone_years`` needs them): what ``series_texts`` writes, as objects."""
    return [
        (event(head, options, stamp, rule, when), head.at.date())
        for head, rule, when in series_heads(entries, options, modified)
    ]


def series_texts(
    entries: list[Entry],
    options: RenderOptions,
    stamp: datetime,
    modified: Mapping[str, datetime],
) -> list[tuple[str, str, frozenset[str], date]]:
    """Each of ``series_heads`` written (``event_text``): its UID, its text, the zones it
    refers to and the day it starts."""
    from ccal.recurrence import series_head

    found = []
    for head, rule, when in series_heads(entries, options, modified):
        text, used = event_text(head, options, stamp, rule, when)
        found.append((uid(series_head(head)), text, used, head.at.date()))
    return found


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
    folds character by character, a third of its time for a big calendar. The bytes are the
    same (property tests compare the two on generated catalogs)."""
    return "".join(
        fold_line(component.content_line(name, value)) + "\r\n"
        for name, value in component.property_items()
    )


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
    octets = line.encode("utf-8")  # cut by byte offsets, never inside a character
    width = limit - 1
    if len(octets) <= width:
        return line
    pieces, start = [], 0
    while len(octets) - start > width:
        end = start + width
        while octets[end] & 0xC0 == 0x80:  # a continuation byte: back to its character's start
            end -= 1
        if octets[end - 1] in b"\\^" and end - 1 > start:
            end -= 1
        pieces.append(octets[start:end].decode("utf-8"))
        start = end
    pieces.append(octets[start:].decode("utf-8"))
    return "\r\n ".join(pieces)


def used_zones(vevents: list[Event]) -> set[str]:
    """The TZIDs the events refer to (DTSTART/DTEND with a TZID parameter)."""
    found: set[str] = set()
    for component in vevents:
        for prop in _ZONED:
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
