"""``--format md``: a digest to paste into a newsletter, grouped by month (or by kind).

Text from data files is escaped so a title cannot inject a link, an image, HTML or a heading;
only the opportunity's own http(s) URL becomes a link.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import datetime, tzinfo
from itertools import chain
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from ccal.catalog import Entry
from ccal.clock import zone_label
from ccal.controlchars import printable
from ccal.models import KINDS
from ccal.render.timefmt import moment_text, moved_note, time_left, when_text
from ccal.text import fold

if TYPE_CHECKING:
    from ccal.forecast import Guess
    from ccal.query import AnyListing
    from ccal.render import Listing
    from ccal.render.formats import RenderOptions

# Characters that start inline markup wherever they stand: emphasis, code, links, images, HTML,
# entities, GFM strikethrough and tables. Block markup (``#``, ``-``, ``1.``) only counts at the
# start of a line, and data text never starts one: each entry is one line opened by ``- **``.
_INLINE = re.compile(r"([\\`*_\[\]<>&|~])")
# GFM also turns bare ``http://…`` and ``www.…`` into links; an escaped character breaks that.
_BARE_LINK = re.compile(r"(?i)(?<=[a-z]):(?=//)|(?<=\bwww)\.")
# …and ``a@b.example``, ``mailto:a@b.example`` and ``xmpp:a@b.example`` into mailto:/xmpp:
# links. An escaped ``@`` does not break those (cmark-gfm joins the text again), a zero-width
# space after it does: it shows as nothing, and no domain starts with it.
# Also after ``:``: ``mailto:@b.example`` (an empty local part) is linked too.
_BARE_EMAIL = re.compile(r"(?<=[A-Za-z0-9._+:-])@")  # what follows may still autolink (a@.a)
_KIND_HEADINGS = {"talk": "Talks", "call": "Calls", "event": "Events", "survey": "Surveys"}


def _heading(kind: str) -> str:
    """``Conferences`` for a declared kind ``conference``, as the built-in ones read."""
    text = kind.replace("-", " ").capitalize()
    return text if text.endswith("s") else f"{text}s"


def escape(text: str) -> str:
    """Plain text that renders as itself: no links, HTML, emphasis or line breaks."""
    one_line = " ".join(printable(text).split())
    escaped = _BARE_LINK.sub(lambda m: "\\" + m.group(0), _INLINE.sub(r"\\\1", one_line))
    return _BARE_EMAIL.sub("@&#8203;", escaped)


def link_target(url: str | None) -> str | None:
    """A URL fit for ``[text](…)``, or None: only http(s), with risky characters percent-encoded."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(url, safe="/:?#[]@!$&*+,;=%~.-_")


def line(entry: Entry, now: datetime, zone: tzinfo) -> str:
    """``- **Fri 29 Jul 2022 18:00 CEST** · [Title](url) · Cut-off 1 · in 58 days``"""
    opportunity = entry.opportunity
    title = escape(opportunity.title)
    target = link_target(opportunity.url)
    parts = [f"**{escape(when_text(entry, zone))}**", f"[{title}]({target})" if target else title]
    moved = moved_note(entry)  # "extended +14 d", as the tables say
    if fold(entry.label) != fold(opportunity.title):
        parts.append(escape(f"{entry.label} ({moved})" if moved else entry.label))
    elif moved:
        parts.append(escape(moved))
    parts.append(time_left(entry, now))
    if entry.tentative:
        parts.append("*tentative*")
    return "- " + " · ".join(parts)


def month_of(entry: Entry, zone: tzinfo) -> str:
    """The month heading; all-day entries keep their own calendar day, as in ``when_text``."""
    moment = entry.at if entry.all_day else entry.at.astimezone(zone)
    return f"{moment:%B %Y}"


def render(listing: Listing, options: RenderOptions) -> str:
    return "".join(chunks(listing, options))


# Lines are handed on in pieces of about this many characters.
PIECE = 1 << 16


def chunks(listing: AnyListing, options: RenderOptions) -> Iterator[str]:
    """The digest's lines joined by line breaks, in pieces as they are made."""
    zone, now = listing.display_zone, listing.now
    lines = chain(
        [
            "# Dates",
            "",
            f"As of {moment_text(now, zone)}; times in {escape(zone_label(zone))}.",
            "",
        ],
        (_by_kind if options.group == "kind" else _by_month)(listing, options),
        estimated_lines(options.estimates),
    )
    pending: list[str] = []
    size = 0
    for number, text in enumerate(lines):
        pending.append(text if number == 0 else "\n" + text)
        size += len(text) + 1
        if size >= PIECE:
            yield "".join(pending)
            pending.clear()
            size = 0
    yield "".join(pending)


def _by_month(listing: AnyListing, options: RenderOptions) -> Iterator[str]:
    """A heading per month (``month_of``), the months in the order they first come, each with
    every entry of that month in listing order, then an empty line.

    Written as the entries stream by: a first look counts each month's entries; the second
    writes the month under way and holds only the entries of a month still to come (an
    all-day date keeps its own calendar day, so its month can come back after the next one's
    first timed date), each written when its month's turn comes."""
    zone, now = listing.display_zone, listing.now
    left: dict[str, int] = {}
    for entry, _status in listing.pairs():
        month = month_of(entry, zone)
        left[month] = left.get(month, 0) + 1
    if not left:
        if not options.estimates:
            yield from ("Nothing to show.", "")
        return
    order = list(left)
    held: dict[str, list[str]] = {}
    turn = 0
    yield from (f"## {order[0]}", "")
    for entry, _status in listing.pairs():
        month = month_of(entry, zone)
        if month != order[turn]:
            held.setdefault(month, []).append(line(entry, now, zone))
            continue
        yield line(entry, now, zone)
        left[month] -= 1
        while left[order[turn]] == 0:
            yield ""
            turn += 1
            if turn == len(order):
                return
            waiting = held.pop(order[turn], [])
            yield from (f"## {order[turn]}", "", *waiting)
            left[order[turn]] -= len(waiting)


def _by_kind(listing: AnyListing, options: RenderOptions) -> Iterator[str]:
    """A heading per kind: the built-in kinds in their order, then the data's own kinds
    (``kinds = [...]``) as they first come; each kind's entries written by a look of its own.
    Two kinds of one heading (``talk`` and a declared ``talks``) show the later one's, as they
    always did."""
    zone, now = listing.display_zone, listing.now
    kinds: dict[str, int] = dict.fromkeys(KINDS, 0)
    for entry, _status in listing.pairs():
        kind = entry.opportunity.kind
        kinds[kind] = kinds.get(kind, 0) + 1
    if not any(kinds.values()):
        if not options.estimates:
            yield from ("Nothing to show.", "")
        return
    headings: dict[str, str] = {}
    for kind in kinds:
        headings[_KIND_HEADINGS.get(kind) or _heading(kind)] = kind
    for heading, kind in headings.items():
        if not kinds[kind]:
            continue
        yield from (f"## {heading}", "")
        for entry, _status in listing.pairs():
            if entry.opportunity.kind == kind:
                yield line(entry, now, zone)
        yield ""


def estimated_lines(guesses: Sequence[Guess]) -> list[str]:
    """The Markdown section after the real dates: each line says it is an estimate."""
    from ccal.render.estimates import guess_text

    if not guesses:
        return []
    out = ["## Estimated (not yet announced)", ""]
    for guess in guesses:
        what = f"{escape(guess.title)} · {escape(guess.date.label)}"
        out.append(f"- *{guess_text(guess)}* · {what} · **estimated**")
    return [*out, ""]
