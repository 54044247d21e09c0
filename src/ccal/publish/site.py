"""What a published site holds, as bytes by relative path: pages, feeds, JSON, the change feed.

Pure: the catalog, ``now`` and the request in, files out. The same input gives the same bytes
(publish runs in CI or cron and its output is committed or rsynced: a diff means a change).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from ccal.query import Filters, Window

if TYPE_CHECKING:
    from ccal.catalog import Catalog, Entry
    from ccal.publish.kept import Kept
    from ccal.render import Listing

MARKER = ".ccal-publish"  # in every site ccal writes: what says a directory is ours to replace
MARKER_TEXT = "This directory is written by 'ccal publish'; it replaces everything here.\n"


@dataclass(frozen=True)
class Request:
    """What was asked of ``ccal publish``: the selection (as ``upcoming``'s) and the site."""

    title: str = "Deadlines"
    base_url: str | None = None  # ends with "/"
    past: bool = False
    filters: Filters = field(default_factory=Filters)
    window: Window = field(default_factory=Window)
    limit: int | None = None
    changes: list[dict[str, Any]] | None = None  # the change log, when there is one


@dataclass(frozen=True)
class Site:
    """The files of a site (relative path -> bytes) and what its page and feeds hold."""

    files: dict[str, bytes]
    dates: int  # on the page
    feeds: int
    kept: Kept  # its events' texts, for the next publish (``publish.kept``)


def build(
    catalog: Catalog, now: datetime, zone: tzinfo, request: Request, kept: Kept | None = None
) -> Site:
    """Every file of the site, by path relative to its directory; ``kept``: the event texts
    of the publish before, reused where they were made from the same data (``publish.kept``)."""
    from ccal.publish import feeds
    from ccal.publish.page import Row, feed_links, row
    from ccal.query import select_dates, select_entries, statuses
    from ccal.render import Listing
    from ccal.render.formats import RenderOptions
    from ccal.render.ics import modified_times
    from ccal.render.json import render as render_json

    status = statuses(catalog.entries(), now)
    # The page: exactly what ``ccal upcoming`` lists with the same filters, window and limit.
    upcoming = select_entries(
        catalog, now, request.filters, request.window, "upcoming", request.limit
    )
    page = Listing(upcoming, status, now, zone)
    # The feeds: every date of the same selection, past ones too, so a subscriber's calendar
    # keeps a deadline once it has passed instead of seeing it deleted.
    every = select_dates(catalog, now, request.filters, request.window, "all")
    feed_listing = Listing(every, status, now, zone)
    options = RenderOptions(
        chosen_occurrences=request.window.chooses(None, "all"),
        modified=modified_times(catalog.items),  # LAST-MODIFIED: when each entry's file changed
    )
    files, planned, whole, keep = feeds.render_feeds(feed_listing, request.title, options, kept)
    past = (
        select_dates(catalog, now, request.filters, request.window, "past") if request.past else []
    )

    def rows(entries: list[Entry], listing: Listing) -> list[tuple[Entry, Row]]:
        return [(e, row(e, listing, feeds.event_file(feeds.event_uid(e)))) for e in entries]

    shown = rows(upcoming, page)
    archive = rows(past, Listing(past, status, now, zone))
    links = feed_links(planned, request.base_url)
    common: dict[str, Any] = {
        "title": request.title,
        "as_of": _as_of(now, zone),
        "as_of_iso": now.astimezone(zone).isoformat(timespec="seconds"),
        "links": links,
        "has_past": request.past,
        "has_changes": bool(request.changes),
        "base_url": request.base_url,
    }
    files["index.html"] = _page(shown, zone, common, "upcoming")
    if request.past:
        files["past.html"] = _page(archive, zone, common, "past")
    linked = {r.ics for _, r in shown + archive}
    uids = [uid for uid in whole.events if feeds.event_file(uid) in linked]
    files.update(feeds.event_files(whole, feed_listing, request.title, uids))
    files["deadlines.json"] = render_json(page, RenderOptions()).encode("utf-8")
    if request.changes:
        from ccal.publish.atom import changes_atom

        files["changes.atom"] = changes_atom(
            request.changes, title=request.title, base_url=request.base_url, now=now
        )
    files[MARKER] = MARKER_TEXT.encode("utf-8")
    return Site(dict(sorted(files.items())), len(upcoming), len(planned), keep)


def _page(rows: list[Any], zone: tzinfo, common: dict[str, Any], which: str) -> bytes:
    from ccal.publish.page import months, render_page

    kinds = sorted({shown.kind for _, shown in rows})
    tags = sorted({tag for _, shown in rows for tag in shown.tags}, key=lambda t: (t.lower(), t))
    html = render_page(
        which=which,
        months=months(rows, zone),
        count=len(rows),
        kinds=kinds,
        tags=tags,
        **common,
    )
    return html.encode("utf-8")


def _as_of(now: datetime, zone: tzinfo) -> str:
    from ccal.render.timefmt import moment_text

    return moment_text(now, zone)
