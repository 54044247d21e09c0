"""The HTML pages of a published site, rendered by Jinja2 with autoescaping from package templates.

Everything a reader needs is in the HTML itself (readable with JavaScript off, by search engines
and screen readers); the page's one inline script only adds live countdowns, the reader's own
clock and filtering. Its hash, and the stylesheet's, go into the Content-Security-Policy, so a
title carrying markup can at worst show as text.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

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


@dataclass(frozen=True)
class Row:
    """One dated entry as the page shows it (all text; the template escapes it)."""

    anchor: str
    title: str
    label: str
    kind: str
    tags: tuple[str, ...]
    organiser: str | None
    location: str | None
    when: str  # in the entry's own zone
    zone: str  # its IANA name
    datetime: str  # RFC 3339 with the entry's own offset, for <time datetime>
    left: str  # the countdown at the moment published
    status: str
    tentative: bool
    moved: str | None
    source: str | None
    url: str | None
    ics: str
    search: str  # folded text the filter box searches, as --search does
    all_day: bool
    at: int  # epoch seconds: what the live countdown counts to
    due: int
    start: int | None  # a range: when it is under way from (``query.under_way_from``)
    end: int | None


@dataclass(frozen=True)
class Month:
    anchor: str
    name: str
    rows: list[Row]


def row(entry: Entry, listing: Listing, ics_path: str) -> Row:
    from ccal.controlchars import printable
    from ccal.query import search_text, under_way_from
    from ccal.render.json import rfc3339
    from ccal.render.table import extension_text
    from ccal.render.timefmt import label_text, moment_text, time_left, when_text

    opportunity = entry.opportunity
    start = under_way_from(entry)
    moved = None
    if entry.previous is not None:
        was = moment_text(entry.previous, entry.zone)
        if entry.all_day:
            from ccal.render.timefmt import day_text

            was = day_text(entry.previous.astimezone(entry.zone))
        moved = f"moved {extension_text(entry)} (was {was})"
    return Row(
        anchor=ics_path.removeprefix("events/").removesuffix(".ics").replace(".", "--")
        + (f"-{entry.occurrence}" if entry.occurrence else ""),
        title=printable(opportunity.title),
        label=label_text(entry),
        kind=opportunity.kind,
        tags=tuple(printable(tag) for tag in opportunity.tags),
        organiser=_shown(opportunity.organiser),
        location=_shown(opportunity.location),
        when=when_text(entry, entry.zone),
        zone=entry.zone.key,
        datetime=rfc3339(entry.at.astimezone(entry.zone)) or "",
        left=time_left(entry, listing.now),
        status=listing.status_of(entry),
        tentative=entry.tentative,
        moved=moved,
        source=http_url(entry.source),
        url=http_url(opportunity.url),
        ics=ics_path,
        search=printable(search_text(opportunity, (entry.label,))),
        all_day=entry.all_day,
        at=_epoch(entry.at),
        due=_epoch(entry.due),
        start=_epoch(start) if start is not None else None,
        end=_epoch(entry.end) if entry.end is not None else None,
    )


def _shown(text: str | None) -> str | None:
    """Data text for HTML: control characters (HTML cannot hold them) and bidi overrides (they
    make text read as it is not) as visible escapes, as on a terminal."""
    from ccal.controlchars import printable

    return printable(text) if text is not None else None


def _epoch(moment: datetime) -> int:
    return int(moment.astimezone(UTC).timestamp())


def months(rows: list[tuple[Entry, Row]], zone: tzinfo) -> list[Month]:
    """Rows grouped by month on the site's clock, in the listing's order (soonest first)."""
    result: list[Month] = []
    for entry, shown in rows:
        local = entry.at.astimezone(zone)
        anchor = f"m-{local.year}-{local.month:02d}"
        if not result or result[-1].anchor != anchor:
            result.append(Month(anchor, f"{MONTHS.split()[local.month - 1]} {local.year}", []))
        result[-1].rows.append(shown)
    return result


@cache
def environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    return Environment(
        loader=PackageLoader("ccal.publish", "templates"),
        autoescape=True,  # every value is text, whatever markup it carries
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


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
