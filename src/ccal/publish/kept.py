"""Event texts kept beside a site for the next publish (``.DIR.ccal-events.json``).

A republish (cron, CI) mostly has the data of the publish before: every event's text is the same
but for its DTSTAMP, the moment it was written. Writing them was most of a publish (the 18,715
events of 11,000 portal calls: 2.5 s of 6 s of CPU); reading them back takes a tenth of a
second. So the texts are kept with what they were made from: the data files' identities (what
the index trusts: ``index.policy.identities``), ccal's and icalendar's versions, and for each
event its place in the data, its RRULE and its LAST-MODIFIED (``feeds.render_events`` compares).
An event is reused only when all of these match, its DTSTAMP written anew (``ics.restamped``);
any other is rendered. A kept file that cannot be read or does not match is only a miss: the
events are rendered as on a first publish. ``--no-cache`` neither reads nor writes it; delete it
any time (the next publish is a first one).
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

FORMAT = 1  # bump whenever what is kept, or how an event's place is written, changes


@dataclass
class Kept:
    """Event texts written with DTSTAMP ``stamp``: by UID, (its place, text, zones); and how
    many of them were rendered rather than reused (none: the file kept before still holds
    every one of them, and need not be written again)."""

    stamp: datetime
    events: dict[str, tuple[list[Any], str, list[str]]] = field(default_factory=dict)
    rendered: int = 0


def kept_path(directory: Path) -> Path:
    """Beside the site, as its spare is (``output.spare_path``): never served with it."""
    return directory.parent / f".{directory.name}.ccal-events.json"


def data_key(paths: list[Path]) -> str | None:
    """What the kept texts were made from, as one text; None when it cannot be told (a data
    file unreadable or just changed, ``--no-cache``): then nothing is kept or reused."""
    from icalendar import __version__ as icalendar_version

    from ccal import __version__
    from ccal.index.policy import disabled, identities

    if disabled():
        return None
    files = identities(paths)
    if files is None:
        return None
    return json.dumps([FORMAT, __version__, icalendar_version, files])


def read(directory: Path, key: str | None) -> Kept | None:
    """The texts kept beside ``directory`` if they were made from ``key`` and are as they were
    written (a checksum of them), else None."""
    if key is None:
        return None
    try:
        head, _, body = kept_path(directory).read_bytes().partition(b"\n")
        found = json.loads(head)
        if found["key"] != key or found["crc"] != zlib.crc32(body):
            return None
        events = {
            uid: (place, text, zones)
            for uid, (place, text, zones) in json.loads(body.decode("utf-8")).items()
        }
        return Kept(datetime.fromisoformat(found["stamp"]), events)
    except (OSError, UnicodeError, ValueError, KeyError, TypeError):
        return None


def write(directory: Path, key: str | None, kept: Kept) -> None:
    """Keep ``kept`` beside ``directory`` for the next publish of data ``key`` (None: not),
    unless every one of its events was reused from the file there (0.15 s for 11,000 calls).
    A line saying what they were made from and their checksum, then the texts (JSON)."""
    if key is None or not kept.rendered:
        return
    from ccal.errors import CcalError
    from ccal.store import atomic_write

    body = json.dumps(kept.events, ensure_ascii=False).encode("utf-8")
    head = json.dumps({"key": key, "stamp": kept.stamp.isoformat(), "crc": zlib.crc32(body)})
    try:
        atomic_write(kept_path(directory), head.encode("utf-8") + b"\n" + body)
    except (OSError, CcalError):  # only a missed speed-up for the next publish
        return
