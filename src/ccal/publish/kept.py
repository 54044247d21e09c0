"""Event texts kept beside a site for the next publish (``.DIR.ccal-events.json``).

A republish (cron, CI) mostly has the data of the publish before: every event's text is the same
but for its DTSTAMP, the moment it was written. Writing them was most of a publish (the 18,715
events of 11,000 portal calls: 2.5 s of 6 s of CPU); reading them back takes a tenth of a
second. So the texts are kept with what they were made from: ccal's and icalendar's versions, the
data files' identities (what the index trusts: ``index.policy.identities``), and for each event
its place in the data, its RRULE and its LAST-MODIFIED, and a digest of its properties
(``ics.made_from``); ``feeds.render_events`` compares. Of the same data, an event of the same
place is reused, its DTSTAMP written anew (``ics.restamped``). After an edit (a sync, an
``extend``), an event whose properties but its two stamps are those kept is reused, its DTSTAMP
and LAST-MODIFIED written anew (``ics.remodified``): only the events the edit changed are
rendered (making the properties costs a fifth of rendering them). A kept file that cannot be
read or of other versions is only a miss: the events are rendered as on a first publish.
``--no-cache`` neither reads nor writes it; delete it any time (the next publish is a first one).
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

FORMAT = 2  # bump whenever what is kept, or how an event's place is written, changes


@dataclass
class Kept:
    """Event texts written with DTSTAMP ``stamp``: by UID, (its place, the digest of its
    properties, text, zones); how many of them are not the texts of the file kept before
    (none: it need not be written again); and whether they were made from the data being
    published (its files' identities unchanged: a place names the same event)."""

    stamp: datetime
    events: dict[str, tuple[list[Any], str, str, list[str]]] = field(default_factory=dict)
    rendered: int = 0
    same_data: bool = True


def kept_path(directory: Path) -> Path:
    """Beside the site, as its spare is (``output.spare_path``): never served with it."""
    return directory.parent / f".{directory.name}.ccal-events.json"


def data_key(paths: list[Path]) -> str | None:
    """The data files the kept texts' places refer to, as one text; None when it cannot be
    told (a data file unreadable or just changed): then places are not compared."""
    from ccal.index.policy import identities

    return identities(paths)


def _versions() -> str:
    """What the texts were written by: a text of other versions is never reused."""
    from icalendar import __version__ as icalendar_version

    from ccal import __version__

    return json.dumps([FORMAT, __version__, icalendar_version])


def read(directory: Path, data: str | None) -> Kept | None:
    """The texts kept beside ``directory`` if written by these versions and as they were
    written (a checksum of them), else None; ``same_data`` when they were made from ``data``.
    Nothing with ``--no-cache``."""
    from ccal.index.policy import disabled

    if disabled():
        return None
    try:
        head, _, body = kept_path(directory).read_bytes().partition(b"\n")
        found = json.loads(head)
        if found["key"] != _versions() or found["crc"] != zlib.crc32(body):
            return None
        events = {
            uid: (place, digest, text, zones)
            for uid, (place, digest, text, zones) in json.loads(body.decode("utf-8")).items()
        }
        same = data is not None and found["data"] == data
        return Kept(datetime.fromisoformat(found["stamp"]), events, same_data=same)
    except (OSError, UnicodeError, ValueError, KeyError, TypeError):
        return None


def write(directory: Path, data: str | None, kept: Kept) -> None:
    """Keep ``kept`` beside ``directory`` for the next publish (its places those of ``data``;
    None: not known), unless the file there holds every one of its texts and was made from
    that data (0.15 s for 11,000 calls). Nothing with ``--no-cache``. A line saying what they
    were written by, of what data, and their checksum, then the texts (JSON)."""
    from ccal.index.policy import disabled

    if disabled() or (not kept.rendered and kept.same_data and data is not None):
        return
    from ccal.errors import CcalError
    from ccal.store import atomic_write

    body = json.dumps(kept.events, ensure_ascii=False).encode("utf-8")
    head = json.dumps(
        {"key": _versions(), "data": data, "stamp": kept.stamp.isoformat(), "crc": zlib.crc32(body)}
    )
    try:
        atomic_write(kept_path(directory), head.encode("utf-8") + b"\n" + body)
    except (OSError, CcalError):  # only a missed speed-up for the next publish
        return
