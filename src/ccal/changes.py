"""What a sync changed: the new import compared with the previous one, and the change log.

Records are compared by id, and their dates by label: an id or label only in the new import is
``added``, only in the old one ``removed``; a date whose ``at`` differs is ``moved`` (from, to,
the signed shift); a different title is ``retitled``; a different status in the source (the
portal's forthcoming → open → closed, where the format has one) is ``status``.

A moved date keeps where it first was as ``previous``, as ``ccal extend`` writes it, so every
listing shows the move; the history carries over from sync to sync, and goes when a date comes
back to where it was.

The log is append-only JSON Lines (``changes.jsonl`` in the user data dir), one object per
change; ``ccal changes`` reads it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

KINDS = ("added", "removed", "moved", "retitled", "status")
LOG_FILE_NAME = "changes.jsonl"

Record = dict[str, Any]
StatusOf = Callable[[Mapping[str, Any]], "str | None"]


def log_file() -> Path:
    from ccal.sources import user_data_file

    return user_data_file().with_name(LOG_FILE_NAME)


def compare(
    old: list[Record], new: list[Record], status_of: StatusOf, *, when: datetime, source: str
) -> list[dict[str, Any]]:
    """The changes from ``old`` to ``new``; gives ``new``'s moved dates their ``previous``.

    Dates ``new`` already gives a ``previous`` (a source that keeps its own history) keep it.
    """
    from ccal.extending import shift_seconds, shift_text

    stamp = when.astimezone(UTC).isoformat().replace("+00:00", "Z")
    found: list[dict[str, Any]] = []

    def change(kind: str, record: Record, **details: Any) -> None:
        found.append(
            {
                "time": stamp,
                "source": source,
                "kind": kind,
                "id": record.get("id"),
                "title": record.get("title"),
                **details,
            }
        )

    before = {r.get("id"): r for r in old}
    seen: set[Any] = set()
    for record in new:
        ident = record.get("id")
        seen.add(ident)
        earlier = before.get(ident)
        if earlier is None:
            change("added", record, label=None)
            continue
        if earlier.get("title") != record.get("title"):
            change("retitled", record, **{"from": earlier.get("title"), "to": record.get("title")})
        was, now = status_of(earlier), status_of(record)
        if was != now and was is not None and now is not None:
            change("status", record, **{"from": was, "to": now})
        old_dates = {d.get("label"): d for d in earlier.get("dates", ())}
        new_labels = set()
        for dated in record.get("dates", ()):
            label = dated.get("label")
            new_labels.add(label)
            previous = old_dates.get(label)
            if previous is None:
                change("added", record, label=label, to=_text(dated.get("at")))
                continue
            first = previous.get("previous", previous.get("at"))
            if dated.get("at") != previous.get("at"):
                change(
                    "moved",
                    record,
                    label=label,
                    **{"from": _text(previous.get("at")), "to": _text(dated.get("at"))},
                    shift=shift_text(previous["at"], dated["at"]),
                    shift_seconds=shift_seconds(previous["at"], dated["at"]),
                )
            if "previous" not in dated and first is not None and first != dated.get("at"):
                dated["previous"] = first  # where it first was: the history listings show
        for label, dated in old_dates.items():
            if label not in new_labels:
                change("removed", record, label=label, **{"from": _text(dated.get("at"))})
    for record in old:
        if record.get("id") not in seen:
            change("removed", record, label=None)
    return found


def carry_history(old: list[Record], new: list[Record]) -> None:
    """``compare``'s ``previous`` bookkeeping alone (no changes wanted)."""
    compare(old, new, lambda record: None, when=datetime.now(UTC), source="")


def _text(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return None if value is None else str(value)


def counts(changes: list[dict[str, Any]]) -> dict[str, int]:
    """How many changes of each kind, opportunities and dates alike (every kind present)."""
    result = dict.fromkeys(KINDS, 0)
    for item in changes:
        result[item["kind"]] += 1
    return result


# --- the log ------------------------------------------------------------------------------------


def append(changes: list[dict[str, Any]], path: Path | None = None) -> None:
    """Append one JSON object per line, in one write (callers hold the sync lock)."""
    if not changes:
        return
    path = path or log_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(c, ensure_ascii=False, sort_keys=True) + "\n" for c in changes)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read(path: Path | None = None) -> Iterator[dict[str, Any]]:
    """Every change in the log, oldest first; a torn or foreign line (a crash mid-append) is
    skipped."""
    path = path or log_file()
    try:
        handle = path.open(encoding="utf-8")
    except FileNotFoundError:
        return
    with handle:
        for line in handle:
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(item, dict) and item.get("kind") in KINDS and "time" in item:
                yield item


def select(
    items: Iterator[dict[str, Any]],
    *,
    since: datetime | None = None,
    sources: tuple[str, ...] = (),
    kinds: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """The changes asked for, newest first (a stable sort: one sync's changes keep their
    order)."""
    chosen = []
    for item in items:
        if sources and item.get("source") not in sources:
            continue
        if kinds and item.get("kind") not in kinds:
            continue
        if since is not None:
            try:
                at = datetime.fromisoformat(str(item["time"]).replace("Z", "+00:00"))
            except ValueError:
                continue
            if at < since:
                continue
        chosen.append(item)
    chosen.reverse()
    return chosen
