"""The calendar feeds of a published site: all dates, one feed per kind, tag and series, one file
per event ("add to my calendar").

Every event is rendered once, by ``render.ics`` (the one ICS renderer), into ``all.ics``; the
other feeds are cut from that text: the renderer's own calendar header (named per feed), the
time zones their events use and their events, byte for byte. Rendering 11,000 calls once rather
than once per feed keeps ``ccal publish`` within seconds, and an event reads the same in every
feed it is in (same UID, same SEQUENCE), as a subscriber of two feeds needs.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ccal.query import Filters
from ccal.text import label_key

if TYPE_CHECKING:
    from ccal.catalog import Entry
    from ccal.render import Listing
    from ccal.render.formats import RenderOptions

END = "END:VCALENDAR\r\n"


@dataclass(frozen=True)
class Feed:
    """One published calendar: where it goes, what a calendar app names it, its events."""

    path: str  # relative to the site, e.g. ``feeds/kind/call.ics``
    name: str
    group: str  # "all", "kind", "tag" or "series": how the page lists it
    value: str  # the kind, tag or series it carries ("" for all)
    uids: tuple[str, ...]


@dataclass(frozen=True)
class Calendar:
    """``all.ics`` cut into parts: the header, each zone's VTIMEZONE, each event by UID."""

    header: str
    zones: dict[str, str]
    events: dict[str, str]

    def feed(self, header: str, uids: Iterable[str]) -> str:
        """A calendar of these events with ``header`` (a renderer's, ending before END)."""
        events = [self.events[uid] for uid in uids]
        needed = {zone for zone in self.zones if any(_uses(event, zone) for event in events)}
        zones = [block for zone, block in self.zones.items() if zone in needed]
        return header + "".join(zones) + "".join(events) + END


def _uses(event: str, zone: str) -> bool:
    return f"TZID={zone}:" in event.replace("\r\n ", "")  # unfolded: a long line may break


def split(text: str) -> Calendar:
    """The parts of a calendar ``render.ics`` wrote (CRLF lines; text values escape their line
    breaks, so a line reading ``BEGIN:VEVENT`` only ever starts a component)."""
    lines = text.splitlines(keepends=True)
    header: list[str] = []
    zones: dict[str, str] = {}
    events: dict[str, str] = {}
    block: list[str] = []
    depth = 0
    for line in lines:
        bare = line.rstrip("\r\n")
        if depth == 0 and bare in ("BEGIN:VTIMEZONE", "BEGIN:VEVENT"):
            depth, block = 1, [line]
            continue
        if depth:
            block.append(line)
            if bare.startswith("BEGIN:"):
                depth += 1
            elif bare.startswith("END:"):
                depth -= 1
                if depth == 0:
                    _keep(block, zones, events)
            continue
        if bare != "END:VCALENDAR":
            header.append(line)
    return Calendar("".join(header), zones, events)


def _keep(block: list[str], zones: dict[str, str], events: dict[str, str]) -> None:
    unfolded = "".join(block).replace("\r\n ", "").splitlines()
    field = "TZID:" if unfolded[0] == "BEGIN:VTIMEZONE" else "UID:"
    key = next(line[len(field) :] for line in unfolded if line.startswith(field))
    (zones if field == "TZID:" else events)[key] = "".join(block)


def header(listing: Listing, name: str) -> str:
    """The renderer's calendar header (its metadata: name, PRODID, refresh hints) for ``name``."""
    from dataclasses import replace

    from ccal.render import ics
    from ccal.render.formats import RenderOptions

    empty = ics.calendar(replace(listing, entries=[]), RenderOptions(), name=name)
    return empty.removesuffix(END)


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
    asked ``Filters.matches`` once per kind and tag it has (11,000 calls and 60 tags: once each,
    not 60 times each).
    """
    from ccal.text import fold

    feeds = [Feed("feeds/all.ics", title, "all", "", _ordered(event_uid(e) for e in entries))]
    kinds: dict[str, list[str]] = {}
    tags: dict[str, list[str]] = {}  # by folded tag
    spelling: dict[str, str] = {}  # folded -> the first spelling met
    series: dict[str, list[str]] = {}
    for entry in entries:
        opportunity, uid = entry.opportunity, event_uid(entry)
        if Filters(kinds=(opportunity.kind,)).matches(opportunity):
            kinds.setdefault(opportunity.kind, []).append(uid)
        for tag in opportunity.tags:
            key = fold(tag)
            if Filters(tags=(spelling.setdefault(key, tag),)).matches(opportunity):
                tags.setdefault(key, []).append(uid)
        name = series_of(entry)
        if name is not None:
            series.setdefault(name, []).append(uid)
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
    listing: Listing, title: str, options: RenderOptions
) -> tuple[dict[str, bytes], list[Feed], Calendar]:
    """The feed files of ``listing`` (every date the site publishes) and what they hold."""

    feeds = plan(listing.entries, title)
    whole = render_events(listing, options, title, feeds[0].uids)
    files = {}
    for feed in feeds:
        files[feed.path] = whole.feed(header(listing, feed.name), feed.uids).encode("utf-8")
    return files, feeds, whole


# Below this many dates one process renders them all; above, each CPU renders a share.
PARALLEL_FROM = 4000
_SHARED: tuple[Listing, RenderOptions, str] | None = None  # what forked workers render from


def render_events(
    listing: Listing, options: RenderOptions, title: str, order: tuple[str, ...]
) -> Calendar:
    """Every event of ``listing``, rendered by ``render.ics``: by one process, or for many
    dates on a machine that forks, by one process per CPU, each rendering whole series (a
    series' occurrences make one event) and the listing's first and last dates (which set the
    years of every VTIMEZONE, so each share writes the zones the whole render would). The
    result is the same either way; a test compares the bytes."""
    import multiprocessing
    import os

    workers = min(os.cpu_count() or 1, 4)
    forks = "fork" in multiprocessing.get_all_start_methods()
    if len(listing.entries) < PARALLEL_FROM or workers < 2 or not forks:
        return _render_share(listing, options, title)
    global _SHARED
    groups: dict[str, list[int]] = {}  # a series stays in one share: its event is one
    for index, entry in enumerate(listing.entries):
        groups.setdefault(event_uid(entry), []).append(index)
    shares: list[list[int]] = [[] for _ in range(workers)]
    size = -(-len(listing.entries) // workers)
    filled = 0
    for members in groups.values():
        shares[min(filled // size, workers - 1)].extend(members)
        filled += len(members)
    _SHARED = (listing, options, title)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.map(_render_indices, [share for share in shares if share])
    finally:
        _SHARED = None
    zones: dict[str, str] = {}
    events: dict[str, str] = {}
    for part in parts:
        for key, block in part.zones.items():
            zones.setdefault(key, block)
        events.update(part.events)
    return Calendar(parts[0].header, dict(sorted(zones.items())), {u: events[u] for u in order})


def _render_share(listing: Listing, options: RenderOptions, title: str) -> Calendar:
    from ccal.render import ics

    with quick_folding():
        return split(ics.calendar(listing, options, name=title, modified=options.modified))


def _render_indices(indices: list[int]) -> Calendar:
    """In a forked worker: render the listing's entries at ``indices`` and its bookends."""
    from dataclasses import replace

    assert _SHARED is not None
    listing, options, title = _SHARED
    entries = listing.entries
    first = min(entries, key=lambda e: e.at.date())
    last = max(entries, key=lambda e: max(e.at.date(), e.due.date()))
    chosen = [entries[i] for i in sorted(indices)]
    own = {event_uid(e) for e in chosen}
    bookends = list({event_uid(e): e for e in (first, last) if event_uid(e) not in own}.values())
    part = _render_share(replace(listing, entries=chosen + bookends), options, title)
    return Calendar(part.header, part.zones, {u: b for u, b in part.events.items() if u in own})


def event_files(
    whole: Calendar, listing: Listing, title: str, uids: Iterable[str]
) -> dict[str, bytes]:
    """One small calendar per event linked from the page, for "add to my calendar"."""
    top = header(listing, title)
    return {event_file(uid): whole.feed(top, [uid]).encode("utf-8") for uid in _ordered(uids)}


def fold_ascii(line: str, original: Callable[..., str], limit: int = 75, sep: str = "\r\n ") -> str:
    """icalendar's RFC 5545 line folding, by slices for an ASCII line (a byte a character).

    icalendar encodes character by character (a third of the time of rendering 18,000 events);
    this gives the same text (a property test compares the two): segments of ``limit - 1``
    characters, a backslash or caret at a segment's end moved to the next (icalendar #1501).
    Anything else goes to ``original``.
    """
    if limit != 75 or not line.isascii():
        return original(line, limit, sep)
    width = limit - 1
    if len(line) <= width:
        return line
    parts, start, end = [], 0, len(line)
    while end - start > width:
        piece = line[start : start + width]
        if piece[-1] in "\\^":
            piece = piece[:-1]
        parts.append(piece)
        start += len(piece)
    parts.append(line[start:])
    return sep.join(parts)


@contextlib.contextmanager
def quick_folding() -> Iterator[None]:
    """Render with ``fold_ascii`` in place of icalendar's folding (same bytes, faster), when
    this icalendar folds through ``content_line._foldline``; otherwise as it is."""
    try:
        from icalendar.parser import content_line
    except ImportError:
        yield
        return
    original = getattr(content_line, "_foldline", None)
    if original is None:
        yield
        return

    def quick(line: str, limit: int = 75, fold_sep: str = "\r\n ") -> str:
        return fold_ascii(line, original, limit, fold_sep)

    content_line._foldline = quick  # type: ignore[attr-defined]  # icalendar private, patched for speed
    try:
        yield
    finally:
        content_line._foldline = original  # type: ignore[attr-defined]  # restored, as above
