"""``--format ics``: RFC 5545 via the ``icalendar`` library, for real calendar clients.

Each dated entry becomes one VEVENT whose UID depends only on the opportunity id and the entry's
label, so importing an updated export updates events instead of duplicating them. Times keep the
entry's own zone (TZID plus a generated VTIMEZONE), so 18:00 Brussels stays 18:00 Brussels in any
calendar; all-day entries are DATE values with an exclusive DTEND, as RFC 5545 wants.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ccal import __version__
from ccal.catalog import Entry
from ccal.clock import is_ambiguous
from ccal.controlchars import file_text
from ccal.query import fold, label_key

if TYPE_CHECKING:
    from icalendar import Event

    from ccal.render import Listing
    from ccal.render.formats import RenderOptions

PRODID = f"-//ccal//ccal {__version__}//EN"
UID_DOMAIN = "ccal"


def uid(entry: Entry) -> str:
    """``clusters-meet-regions.cut-off-2@ccal``: stable across exports and filters.

    Built from the label rather than the position, so inserting an earlier date or moving a
    deadline keeps every UID; two labels of one opportunity never share a key (``models``).
    """
    return f"{entry.opportunity.id}.{label_key(entry.label)}@{UID_DOMAIN}"


def summary(entry: Entry) -> str:
    """The title and the label (once, when they say the same), marked when tentative."""
    title = entry.opportunity.title
    text = title if fold(entry.label) == fold(title) else f"{title}: {entry.label}"
    return file_text(f"{text} (tentative)" if entry.tentative else text)


def description(entry: Entry) -> str:
    opportunity = entry.opportunity
    parts = [
        opportunity.summary,
        f"Organiser: {opportunity.organiser}" if opportunity.organiser else None,
        f"Source: {entry.source}" if entry.source else None,
        "Tentative date: check the source before relying on it." if entry.tentative else None,
    ]
    # RFC 5545 TEXT has no control characters but tab and (escaped) line breaks.
    return file_text("\n".join(p.strip() for p in parts if p and p.strip()))


def _written(moment: datetime) -> datetime:
    """``moment`` as DTSTART/DTEND should carry it: in its zone (TZID), except the second pass
    of a repeated autumn hour, which is written in UTC. A TZID time names a wall clock, and
    RFC 5545 (3.3.5) reads a repeated one as its first occurrence: an hour early."""
    zone = moment.tzinfo
    if moment.fold and isinstance(zone, ZoneInfo) and is_ambiguous(moment, zone):
        return moment.astimezone(UTC)
    return moment


def event(entry: Entry, options: RenderOptions, stamp, rrule: str | None = None) -> Event:
    """One VEVENT; a repeating date's UID is its series' (occurrence 0), whichever occurrence
    starts the event, and ``rrule`` replaces the series' own rule (with its end)."""
    from icalendar import Alarm, Event

    from ccal.recurrence import series_head

    opportunity = entry.opportunity
    vevent = Event()
    vevent.add("uid", uid(series_head(entry)))
    vevent.add("dtstamp", stamp)
    vevent.add("summary", summary(entry))
    if entry.all_day:
        first = entry.at.date()
        last = (entry.end or entry.at).date()
        vevent.add("dtstart", first)
        vevent.add("dtend", last + timedelta(days=1))  # DTEND of a DATE event is exclusive
        # A DATE has no zone, but a ccal all-day date is a day of its zone (it passes when that
        # day ends there): said for ``ccal import ics``, ignored by other programs.
        vevent.add("x-ccal-timezone", entry.zone.key)
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
    vevent.add("status", "TENTATIVE" if entry.tentative else "CONFIRMED")
    # A deadline is a reminder, not a meeting: it must not mark the user as busy.
    vevent.add("transp", "TRANSPARENT")
    # A one-day deadline lasts until its day ends, so the alarm counts back from the end.
    related = "END" if entry.all_day and entry.end is None else "START"
    for before in options.alarms:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", summary(entry))
        alarm.add("trigger", -before, parameters={"RELATED": related})
        vevent.add_component(alarm)
    return vevent


def render(listing: Listing, options: RenderOptions) -> str:
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "ccal")
    # DTSTAMP is the moment asked about, so an export with a pinned --as-of is reproducible.
    stamp = listing.now.astimezone(UTC)
    from ccal.recurrence import series_head

    # A repeating date is one event with its RRULE, however many occurrences were selected:
    # the whole series, or with ``chosen_occurrences`` just the run of occurrences chosen (a
    # window and a limit cut a series into one unbroken run, as the filters match all or none).
    series: dict[str, list[Entry]] = {}
    for selected in listing.entries:
        series.setdefault(uid(series_head(selected)), []).append(selected)
    for chosen in series.values():
        if chosen[0].recurrence is None or not options.chosen_occurrences:
            calendar.add_component(event(series_head(chosen[0]), options, stamp))
            continue
        first = min(chosen, key=Entry.sort_key)
        assert first.recurrence is not None
        rule = f"{first.recurrence.body};COUNT={len(chosen)}"
        calendar.add_component(event(first, options, stamp, rule))
    if listing.entries:
        # Only the years the entries need: a VTIMEZONE from 1970 to 2038 would dwarf the events.
        days = [e.at.date() for e in listing.entries] + [e.due.date() for e in listing.entries]
        calendar.add_missing_timezones(
            first_date=date(min(days).year - 1, 1, 1), last_date=date(max(days).year + 2, 1, 1)
        )
        _add_fixed_timezones(calendar, {e.zone for e in listing.entries})
    return calendar.to_ical().decode("utf-8")


def _add_fixed_timezones(calendar: Any, zones: set[Any]) -> None:
    """A VTIMEZONE for each fixed-offset zone (``AoE``, ``UTC+8``) that has none yet: the
    time zone database behind ``add_missing_timezones`` does not know ccal's own names, and a
    TZID without its VTIMEZONE is read as floating time by other programs."""
    from icalendar import Timezone, TimezoneStandard

    from ccal.clock import fixed_label

    have = {str(tz.get("TZID")) for tz in calendar.walk("VTIMEZONE")}
    used = {str(c["DTSTART"].params.get("TZID")) for c in calendar.walk("VEVENT")}
    for zone in sorted(zones, key=lambda z: z.key):
        label = fixed_label(zone.key)
        if label is None or zone.key in have or zone.key not in used:
            continue
        offset = datetime(2000, 1, 1, tzinfo=zone).utcoffset()
        timezone = Timezone()
        timezone.add("tzid", zone.key)
        standard = TimezoneStandard()
        standard.add("dtstart", datetime(1970, 1, 1))
        standard.add("tzname", label)
        standard.add("tzoffsetfrom", offset)
        standard.add("tzoffsetto", offset)
        timezone.add_component(standard)
        calendar.subcomponents.insert(0, timezone)  # before the events that use it
