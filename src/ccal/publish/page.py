"""The HTML pages of a published site, rendered by Jinja2 with autoescaping from package templates.

Everything a reader needs is in the HTML itself (readable with JavaScript off, by search engines
and screen readers); the page's one inline script only adds live countdowns, the reader's own
clock and filtering. Its hash, and the stylesheet's, go into the Content-Security-Policy, so a
title carrying markup can at worst show as text.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import tzinfo
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlsplit

from ccal.controlchars import printable
from ccal.query import search_text
from ccal.render.json import rfc3339
from ccal.render.timefmt import (
    day_text,
    extension_text,
    label_text,
    moment_text,
    time_left_us,
    when_text,
)
from ccal.timeline import micros

if TYPE_CHECKING:
    from jinja2 import Environment

    from ccal.catalog import Entry
    from ccal.publish.feeds import Feed
    from ccal.render import Listing

# Fixed English names: the page's bytes must not depend on the machine's locale.
MONTHS = "January February March April May June July August September October November December"


def http_url(value: str | None) -> str | None:
    """``value`` when it is an http(s) URL with a host, else None: only those become links."""
    if not value:
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    return value if parts.scheme in ("http", "https") and parts.netloc else None


class Row(NamedTuple):
    """One dated entry as the page shows it: text the template escapes, flags it tests.

    A tuple, in the order ``page.html.j2``'s row loop unpacks it (a test compares the two): a
    page of 11,000 calls writes 5,883 rows, and Jinja unpacks a tuple in one step where it
    looks up each attribute of an object through ``Environment.getattr``. Optional values are
    ``""`` when absent, so the template asks only ``{% if value %}``; anything worked out
    (the meta line, which link the title gets) is worked out here, once."""

    anchor: str
    kind: str
    search: str  # folded text the filter box searches, as --search does
    zone: str  # its IANA name
    at: int  # epoch seconds: what the live countdown counts to
    due: str  # epoch seconds when it is due, "" when that is ``at`` (text: "0" is a time too)
    start: str  # a range: when it is under way from (``Entry.under_way_from``), else ""
    end: str  # with ``start``: when it ends
    all_day: bool
    tags: tuple[str, ...]
    title: str
    url: str  # the opportunity's http(s) page, "" if none: the title links to it
    label: str  # "" when it says what the title says
    datetime: str  # RFC 3339 with the entry's own offset, for <time datetime>
    when: str  # in the entry's own zone
    left: str  # the countdown at the moment published
    next: bool  # the opportunity's next date ("next" status when published)
    tentative: bool
    moved: str
    meta: str  # kind · organiser · place · #tags, as one line of text
    source: str  # the date's own http(s) source when it is not ``url``, else ""
    ics: str


class Month(NamedTuple):
    """A month's heading and its rows, in lists of at most ``LIST_ROWS`` (``months``)."""

    anchor: str
    name: str
    lists: list[list[Row]]


# Rows a month's list holds at most; a longer month continues in another list. Each list is a
# unit the browser lays out, paints and skips (``content-visibility: auto``): a month of 400
# rows as one list was laid out whole, and again as it grew while the page loaded, to show the
# few rows on screen (a fifth of the page's main-thread time in Chromium at 11,000 calls).
LIST_ROWS = 25


def row(entry: Entry, listing: Listing, ics_path: str) -> Row:
    """What the page shows of ``entry``, with its countdown as of ``listing.now``. The title
    links to the opportunity's page; the date's own source gets a link when it is another."""
    opportunity = entry.opportunity
    at_us, due_us, start_us = entry.at_us, entry.due_us, entry.start_us
    moved = ""
    if entry.previous is not None:
        was = (
            day_text(entry.previous.astimezone(entry.zone))
            if entry.all_day
            else moment_text(entry.previous, entry.zone)
        )
        moved = f"moved {extension_text(entry)} (was {was})"
    title = printable(opportunity.title)
    label = label_text(entry)
    tags = tuple(printable(tag) for tag in opportunity.tags) if opportunity.tags else ()
    url = http_url(opportunity.url) or ""
    source = entry.source
    source = "" if source == opportunity.url else http_url(source) or ""
    meta = [opportunity.kind]
    if opportunity.organiser:
        meta.append(printable(opportunity.organiser))
    if opportunity.location:
        meta.append(printable(opportunity.location))
    if tags:
        meta.append(" ".join(f"#{tag}" for tag in tags))
    return Row(
        ics_path.removeprefix("events/").removesuffix(".ics").replace(".", "--")
        + (f"-{entry.occurrence}" if entry.occurrence else ""),
        opportunity.kind,
        printable(search_text(opportunity, (entry.label,))),
        entry.zone.key,
        _seconds(at_us),
        str(_seconds(due_us)) if due_us != at_us else "",
        str(_seconds(start_us)) if start_us is not None else "",
        str(_seconds(due_us)) if start_us is not None else "",
        entry.all_day,
        tags,
        title,
        url,
        label if label != title else "",
        rfc3339(entry.at.astimezone(entry.zone)) or "",
        when_text(entry, entry.zone),
        time_left_us(at_us, start_us, due_us, micros(listing.now)),
        listing.status_of(entry) == "next",
        entry.tentative,
        moved,
        " · ".join(meta),
        source,
        ics_path,
    )


def _seconds(us: int) -> int:
    """Epoch seconds of an instant in microseconds (``Entry.at_us``): what the script counts in."""
    return us // 1_000_000


def months(rows: list[tuple[Entry, Row]], zone: tzinfo) -> list[Month]:
    """Rows grouped by month on the site's clock, in the listing's order (soonest first)."""
    result: list[Month] = []
    names = MONTHS.split()
    for entry, shown in rows:
        local = entry.at.astimezone(zone)
        anchor = f"m-{local.year}-{local.month:02d}"
        if not result or result[-1].anchor != anchor:
            result.append(Month(anchor, f"{names[local.month - 1]} {local.year}", [[]]))
        lists = result[-1].lists
        if len(lists[-1]) == LIST_ROWS:
            lists.append([])
        lists[-1].append(shown)
    return result


@cache
def environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    environment = Environment(
        loader=PackageLoader("ccal.publish", "templates"),
        autoescape=True,  # every value is text, whatever markup it carries
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # ``tojson`` writes lists of tags only: no keys to sort. Without Jinja's default
    # ``sort_keys`` the json module uses its one shared encoder instead of making one per call
    # (11,000 rows: 0.15 s less); the output is the same.
    environment.policies["json.dumps_kwargs"] = {}
    return environment


def asset(name: str) -> str:
    return (files("ccal.publish") / "templates" / name).read_text(encoding="utf-8")


def csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def content_security_policy(script: str, style: str) -> str:
    """Nothing but the page's own script and stylesheet; no other source of anything."""
    return (
        f"default-src 'none'; script-src '{csp_hash(script)}'; style-src '{csp_hash(style)}'; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )


def render_page(**context: Any) -> str:
    """``index.html`` or ``past.html`` from ``page.html.j2``, with the inline script and style."""
    from markupsafe import Markup

    script, style = asset("page.js"), asset("page.css")
    template = environment().get_template("page.html.j2")
    return template.render(
        script=Markup(script),
        style=Markup(style),
        csp=content_security_policy(script, style),
        **context,
    )


def feed_links(feeds: list[Feed], base_url: str | None) -> list[dict[str, Any]]:
    """Each feed with its relative link and, given ``--base-url``, its webcal:// and https://
    addresses (calendar apps subscribe to webcal://; the https:// one is to copy)."""
    links = []
    for feed in feeds:
        web = base_url + feed.path if base_url else None
        webcal = "webcal://" + web.split("://", 1)[1] if web else None
        links.append(
            {
                "feed": feed,
                "href": feed.path,
                "https": web,
                "webcal": webcal,
                "count": len(feed.uids),
            }
        )
    return links
