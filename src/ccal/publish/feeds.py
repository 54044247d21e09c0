"""The calendar feeds of a published site: all dates, one feed per kind, tag and series, one file
per event ("add to my calendar").

Every event is rendered once, by ``render.ics`` (the one ICS renderer: its ``header_text``,
``series_texts`` and ``zones``, the parts its ``calendar`` is made of), to its text; every feed
and per-event file is assembled from those texts: the renderer's calendar header (named per
feed), the VTIMEZONEs its events use, its events, ``END:VCALENDAR``. That is byte for byte what
``ics.calendar`` would write for the same events (a property test compares), an event reads the
same in every feed it is in (same UID, same SEQUENCE), as a subscriber of two feeds needs, and
18,000 dates are rendered once rather than once per feed they are in.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ccal.query import Filters
from ccal.render import ics
from ccal.text import label_key

if TYPE_CHECKING:
    from datetime import date

    from ccal.catalog import Entry
    from ccal.publish.kept import Kept
    from ccal.render import Listing
    from ccal.render.formats import RenderOptions

END = ics.END.encode("utf-8")


@dataclass(frozen=True)
class Feed:
    """One published calendar: where it goes, what a calendar app names it, its events."""

    path: str  # relative to the site, e.g. ``feeds/kind/call.ics``
    name: str
    group: str  # "all", "kind", "tag" or "series": how the page lists it
    value: str  # the kind, tag or series it carries ("" for all)
    uids: tuple[str, ...]


@dataclass(frozen=True)
class Rendered:
    """Every event of the site rendered once: its text by UID (in the site's order), the zones
    it uses, and each zone's VTIMEZONE (sorted by name, as ``ics.calendar`` writes them)."""

    events: dict[str, bytes]
    uses: dict[str, frozenset[str]]
    zones: dict[str, bytes]

    def feed(self, header: bytes, uids: Iterable[str]) -> bytes:
        """A calendar of these events with ``header`` (a renderer's, ending before END)."""
        chosen = list(uids)
        needed = frozenset[str]().union(*(self.uses[uid] for uid in chosen))
        zones = [block for zone, block in self.zones.items() if zone in needed]
        return b"".join([header, *zones, *(self.events[uid] for uid in chosen), END])


def header(listing: Listing, name: str) -> bytes:
    """The renderer's calendar header (its metadata: name, PRODID, refresh hints) for ``name``."""
    from ccal.render import ics

    return ics.header_text(listing, name=name).encode("utf-8")


def event_uid(entry: Entry) -> str:
    """The UID of the event an entry is part of (a series' occurrences share theirs)."""
    from ccal.recurrence import series_head
    from ccal.render.ics import uid

    return uid(series_head(entry))


def event_file(uid: str) -> str:
    """``events/clusters-meet-regions.cut-off-2.ics``: a UID's local part is a safe file name."""
    return f"events/{uid.partition('@')[0]}.ics"


def series_of(entry: Entry) -> str | None:
    """The series an opportunity belongs to, when the data model has one (``series`` key)."""
    value = getattr(entry.opportunity, "series", None)
    return value if isinstance(value, str) and value.strip() else None


def plan(entries: list[Entry], title: str) -> list[Feed]:
    """Every feed of the site, in a stable order: all, then each kind, tag and series.

    A kind's or tag's feed holds what ``--kind``/``--tag`` would select: each opportunity is
    asked ``Filters.matches`` once per kind and tag it has, however many dates it has (11,000
    calls and 60 tags: once each, not 60 times each), and each entry's UID is made once.
    """
    from ccal.text import fold

    everything: list[str] = []
    kinds: dict[str, list[str]] = {}
    tags: dict[str, list[str]] = {}  # by folded tag
    spelling: dict[str, str] = {}  # folded -> the first spelling met
    series: dict[str, list[str]] = {}
    feeds_of: dict[str, list[list[str]]] = {}  # opportunity id -> the feeds its dates go in
    for entry in entries:
        opportunity, uid = entry.opportunity, event_uid(entry)
        everything.append(uid)
        into = feeds_of.get(opportunity.id)
        if into is None:
            into = feeds_of[opportunity.id] = []
            if Filters(kinds=(opportunity.kind,)).matches(opportunity):
                into.append(kinds.setdefault(opportunity.kind, []))
            for tag in opportunity.tags:
                key = fold(tag)
                if Filters(tags=(spelling.setdefault(key, tag),)).matches(opportunity):
                    into.append(tags.setdefault(key, []))
            name = series_of(entry)
            if name is not None:
                into.append(series.setdefault(name, []))
        for uids in into:
            uids.append(uid)
    feeds = [Feed("feeds/all.ics", title, "all", "", _ordered(everything))]
    for kind in sorted(kinds):
        feeds.append(
            Feed(f"feeds/kind/{kind}.ics", f"{title}: {kind}", "kind", kind, _ordered(kinds[kind]))
        )
    named = sorted(spelling.values(), key=lambda tag: (fold(tag), tag))
    for tag, slug in _slugs(named).items():
        chosen = _ordered(tags[fold(tag)])
        feeds.append(Feed(f"feeds/tag/{slug}.ics", f"{title}: {tag}", "tag", tag, chosen))
    for name, slug in _slugs(sorted(series)).items():
        chosen = _ordered(series[name])
        feeds.append(Feed(f"feeds/series/{slug}.ics", f"{title}: {name}", "series", name, chosen))
    return feeds


def _ordered(uids: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(uids))


def _slugs(names: list[str], slug: Callable[[str], str] = label_key) -> dict[str, str]:
    """A file name for each name; two names of one slug (``a b``, ``a-b``) get a hash suffix."""
    counts: dict[str, int] = {}
    for name in names:
        counts[slug(name)] = counts.get(slug(name), 0) + 1
    result = {}
    for name in names:
        base = slug(name)
        if counts[base] > 1:
            base += "-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
        result[name] = base
    return result


def render_feeds(
    listing: Listing, title: str, options: RenderOptions, kept: Kept | None = None
) -> tuple[dict[str, bytes], list[Feed], Rendered, Kept]:
    """The feed files of ``listing`` (every date the site publishes), what they hold, and
    their events' texts to keep for the next publish (``render_events``)."""

    feeds = plan(listing.entries, title)
    whole, keep = render_events(listing, options, feeds[0].uids, kept)
    files = {feed.path: whole.feed(header(listing, feed.name), feed.uids) for feed in feeds}
    return files, feeds, whole, keep


def render_events(
    listing: Listing, options: RenderOptions, order: tuple[str, ...], kept: Kept | None = None
) -> tuple[Rendered, Kept]:
    """Every event of ``listing``, rendered by ``render.ics`` (``series_heads``,
    ``properties``, ``properties_text``: what ``series_texts`` does) or taken from ``kept``
    (the publish before: ``publish.kept``), and the VTIMEZONEs, once, for the years of all the
    dates; and the texts, to keep for the next publish.

    A kept text is taken when made from the same place in the same data (its DTSTAMP
    written anew), or else when made from the same properties but for their two stamps
    (``ics.made_from``; DTSTAMP and LAST-MODIFIED written anew): after an edit, only the
    events it changed are rendered.

    One process: forking one renderer per CPU (as publish did) cost more CPU than it saved and
    no time on the shared 2-CPU machine the benchmark runs on, once an event cost 0.14 ms."""
    from ccal.publish.kept import Kept
    from ccal.recurrence import series_head
    from ccal.render import ics

    entries = listing.entries
    modified = options.modified or {}
    stamp = ics.stamp_of(listing)
    before = kept.events if kept is not None else {}
    keep = Kept(stamp, same_data=kept is not None and kept.same_data)
    rendered: dict[str, tuple[bytes, frozenset[str], date]] = {}
    for head, rule, when in ics.series_heads(entries, options, modified):
        uid = ics.uid(series_head(head))
        changed = ics.last_modified(when, stamp) if when is not None else None
        place = [head.position, head.occurrence, rule, changed and changed.isoformat()]
        found = before.get(uid)
        text = None
        if kept is not None and found is not None and kept.same_data and found[0] == place:
            with contextlib.suppress(ValueError):  # not written with that stamp: render it
                text, digest = ics.restamped(found[2], kept.stamp, stamp), found[1]
                used = frozenset(found[3])
        if text is None:
            properties = ics.properties(head, options, stamp, rule, when)
            digest = ics.made_from(properties, head, options)
            if kept is not None and found is not None and found[1] == digest:
                text = _restamped(found, kept.stamp, stamp, changed)
                used = frozenset(found[3])
            if text is None:
                text, used = ics.properties_text(properties, head, options)
            keep.rendered += 1  # not the text of the file kept before: write it again
        keep.events[uid] = (place, digest, text, sorted(used))
        rendered[uid] = (text.encode("utf-8"), used, head.at.date())
    keys = sorted(frozenset[str]().union(*(used for _text, used, _day in rendered.values())))
    zones: dict[str, bytes] = {}
    if entries:
        first, last = ics.zone_years(entries, [day for _text, _used, day in rendered.values()])
        for key, zone in zip(keys, ics.zones(keys, first, last), strict=True):
            zones[key] = ics.component_text(zone).encode("utf-8")
    whole = Rendered(
        {uid: rendered[uid][0] for uid in order}, {uid: rendered[uid][1] for uid in order}, zones
    )
    return whole, keep


def _restamped(
    found: tuple[list[Any], str, str, list[str]],
    old: datetime,
    new: datetime,
    changed: datetime | None,
) -> str | None:
    """A kept event's text (``found``, written with DTSTAMP ``old``) with DTSTAMP ``new`` and
    LAST-MODIFIED ``changed``; None when it was not written with the stamps its place says."""
    text = found[2]
    try:
        text = ics.restamped(text, old, new)
        before = found[0][3]
        if before is not None and changed is not None:
            text = ics.remodified(text, datetime.fromisoformat(before), changed)
    except ValueError:
        return None
    return text


def event_files(
    whole: Rendered, listing: Listing, title: str, uids: Iterable[str]
) -> dict[str, bytes]:
    """One small calendar per event linked from the page, for "add to my calendar"."""
    top = header(listing, title)
    return {event_file(uid): whole.feed(top, [uid]) for uid in _ordered(uids)}
