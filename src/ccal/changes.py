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

from ccal.clock import DEFAULT_ZONE
from ccal.outcome import CHANGE_KINDS as KINDS

LOG_FILE_NAME = "changes.jsonl"

Record = dict[str, Any]
StatusOf = Callable[[Mapping[str, Any]], "str | None"]


def log_file() -> Path:
    from ccal.sources import user_data_file

    return user_data_file().with_name(LOG_FILE_NAME)


def snapshot(
    records: list[Record], status_of: StatusOf, zone: str = DEFAULT_ZONE
) -> list[dict[str, Any]]:
    """What ``compare`` needs of an import, small and JSON-ready: kept beside the synced file,
    so the next sync compares without parsing the previous TOML again (the big part of it).
    ``zone`` is the file's own (a record without a ``timezone`` is in it); each record keeps
    the zone its local times are in, so they read back as the instants they were."""
    return [
        {
            "id": record.get("id"),
            "title": record.get("title"),
            "status": status_of(record),
            "zone": record.get("timezone") or zone,
            "dates": [
                [d.get("label"), _text(d.get("at")), _text(d.get("previous"))]
                for d in record.get("dates", ())
            ],
        }
        for record in records
    ]


def compare(
    old: list[dict[str, Any]],
    new: list[Record],
    status_of: StatusOf,
    *,
    when: datetime,
    source: str,
) -> list[dict[str, Any]]:
    """The changes from ``old`` (a ``snapshot``) to ``new``; gives ``new``'s moved dates their
    ``previous``. Dates ``new`` already gives a ``previous`` (a source that keeps its own
    history) keep it."""
    from ccal.extending import shift_seconds, shift_text

    stamp = when.astimezone(UTC).isoformat().replace("+00:00", "Z")
    found: list[dict[str, Any]] = []

    def change(kind: str, record: Mapping[str, Any], **details: Any) -> None:
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
        zone = record.get("timezone") or DEFAULT_ZONE
        old_zone = earlier.get("zone") or zone  # a snapshot from before zones were kept
        if earlier.get("title") != record.get("title"):
            change("retitled", record, **{"from": earlier.get("title"), "to": record.get("title")})
        was, now = earlier.get("status"), status_of(record)
        if was != now and was is not None and now is not None:
            change("status", record, **{"from": was, "to": now})
        old_dates = {label: (at, previous) for label, at, previous in earlier.get("dates", ())}
        new_labels = set()
        for dated in record.get("dates", ()):
            label = dated.get("label")
            new_labels.add(label)
            at = _text(dated.get("at"))
            if label not in old_dates:
                change("added", record, label=label, to=aware(at, zone))
                continue
            old_at, first = old_dates[label]
            moved = False  # the common case, the same text in the same zone: nothing to read
            if at != old_at or zone != old_zone:
                was_at, now_at = aware(old_at, old_zone), aware(at, zone)
                moved = not _same_instant(was_at, now_at)
            if moved:
                shift = seconds = None
                if was_at is not None and now_at is not None:
                    before_at, after_at = _wall(was_at, zone), _wall(now_at, zone)
                    shift, seconds = (
                        shift_text(before_at, after_at),
                        shift_seconds(before_at, after_at),
                    )
                change(
                    "moved",
                    record,
                    label=label,
                    **{"from": was_at, "to": now_at},
                    shift=shift,
                    shift_seconds=seconds,
                )
                first = first or old_at
            back = first is not None and _same_instant(aware(first, old_zone), aware(at, zone))
            if "previous" not in dated and first is not None and not back:
                dated["previous"] = _value(first)  # where it first was, as ``extend`` writes it
        for label, (old_at, _first) in old_dates.items():
            if label not in new_labels:
                change("removed", record, label=label, **{"from": aware(old_at, old_zone)})
    for gone in old:
        if gone.get("id") not in seen:
            change("removed", gone, label=None)
    return found


def aware(text: str | None, zone: str) -> str | None:
    """A stored date-time text as the log writes it: with its offset. A local (wall-clock)
    time is read in ``zone``, as the loader reads it (``clock.wall_clock``); a date (all day)
    stays a date. A time the zone skips stays as it is: the sync refuses that file anyway."""
    if text is None or len(text) == 10:
        return text
    from ccal.clock import TimeInputError, wall_clock, zone_named

    try:
        value = datetime.fromisoformat(text)
        if value.tzinfo is not None:
            return text
        return wall_clock(value, zone_named(zone))[0].isoformat()
    except (TimeInputError, ValueError):
        return text


def _wall(text: str, zone: str) -> date | datetime:
    """A logged moment on the wall clock of the entry's zone, which a shift is measured on (as
    ``render.timefmt.extension_text`` measures what listings show: a week across a change of
    summer time is ``+7 d``)."""
    value = _value(text)
    if isinstance(value, datetime) and value.tzinfo is not None:
        from ccal.clock import TimeInputError, zone_named

        try:
            return value.astimezone(zone_named(zone)).replace(tzinfo=None)
        except TimeInputError:
            return value
    return value


def _text(value: Any) -> str | None:
    if isinstance(value, date):  # a datetime too
        return value.isoformat()
    return None if value is None else str(value)


def _value(text: str) -> date | datetime:
    """A stored ISO text back as the TOML value it was (a date, or a date-time)."""
    return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)


def _same_instant(one: str | None, other: str | None) -> bool:
    """Equal texts, or two texts of one instant (another offset written for it)."""
    if one == other:
        return True
    if one is None or other is None:
        return False
    try:
        return _value(one) == _value(other)
    except (TypeError, ValueError):
        return False


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
