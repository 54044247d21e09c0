"""``changes.atom``: the change log of ``ccal sync`` as an Atom feed (RFC 4287), newest first.

The change log is JSON Lines, one change a line; this module takes the parsed lines, so it does
not depend on how the log is kept. A change is a dict; the keys read (all optional but ``at``,
the moment of the change, RFC 3339): ``id`` and ``title`` of the opportunity, ``label`` of the
date, ``change`` (what happened: ``added``, ``moved``, ``removed``, ...), ``before`` and
``after`` (the date's old and new value), ``source`` (an http(s) URL). Other keys are listed in
the entry's text as they are. A line of ``ccal sync``'s own log (``changes.jsonl``, keys
``time``, ``kind``, ``from``, ``to``: docs/sync.md) is read with those keys as these.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from ccal.errors import CcalError

ATOM = "http://www.w3.org/2005/Atom"
KNOWN = ("at", "id", "title", "label", "change", "before", "after", "source")
# ``ccal sync``'s change log names them its own way; its ``source`` is a source's name, not a URL.
_SYNC_KEYS = {
    "time": "at",
    "kind": "change",
    "from": "before",
    "to": "after",
    "source": "synced from",
}


def read_change_log(path: Path) -> list[dict[str, Any]]:
    """The changes of a JSON Lines log; a line that is not a JSON object is a located error."""
    changes = []
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CcalError(f"cannot read the change log '{path}': {exc.strerror or exc}") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            change = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CcalError(f"{path}:{number}: not JSON ({exc.msg})") from None
        if isinstance(change, dict) and "at" not in change and isinstance(change.get("time"), str):
            change = {_SYNC_KEYS.get(key, key): value for key, value in change.items()}
        if not isinstance(change, dict) or not isinstance(change.get("at"), str):
            raise CcalError(f"{path}:{number}: a change must be an object with an 'at' time")
        changes.append(change)
    return changes


def _moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(change: dict[str, Any]) -> str:
    what = change.get("change") or "changed"
    label = f" ({change['label']})" if change.get("label") else ""
    subject = change.get("title") or change.get("id") or "an entry"
    lines = [f"{subject}{label}: {what}"]
    if change.get("before") is not None or change.get("after") is not None:
        lines.append(f"from {change.get('before') or '-'} to {change.get('after') or '-'}")
    lines += [f"{key}: {change[key]}" for key in sorted(change) if key not in KNOWN]
    return "\n".join(str(line) for line in lines)


def changes_atom(
    changes: Iterable[dict[str, Any]], *, title: str, base_url: str | None, now: datetime
) -> bytes:
    """An Atom feed of ``changes`` (newest first), deterministic: entry ids hash the change.

    Text goes in as text (ElementTree escapes it); only an http(s) ``source`` becomes a link.
    """
    from ccal.publish.page import http_url

    ordered = sorted(changes, key=lambda c: (_moment(c["at"]), json.dumps(c, sort_keys=True)))
    ordered.reverse()
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = f"{title}: changes"
    site = base_url or ""
    ET.SubElement(feed, f"{{{ATOM}}}id").text = (
        f"{site}changes.atom" if site else "urn:ccal:changes:" + _digest(title)
    )
    latest = _moment(ordered[0]["at"]) if ordered else now
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(latest)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "ccal"
    if site:
        ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=site)
        ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=f"{site}changes.atom")
    for change in ordered:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        body = _text(change)
        ET.SubElement(entry, f"{{{ATOM}}}id").text = "urn:ccal:change:" + _digest(
            json.dumps(change, sort_keys=True, ensure_ascii=False)
        )
        ET.SubElement(entry, f"{{{ATOM}}}title").text = body.splitlines()[0]
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(_moment(change["at"]))
        ET.SubElement(entry, f"{{{ATOM}}}content", type="text").text = body
        link = http_url(change.get("source"))
        if link:
            ET.SubElement(entry, f"{{{ATOM}}}link", rel="related", href=link)
    ET.indent(feed)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, "utf-8") + b"\n"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
