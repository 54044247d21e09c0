"""Reading a trusted index: the rows the fast path answers from, or a whole ``Catalog``.

Standard library only at import time: the start-up fast path queries it without pydantic.
"""

from __future__ import annotations

import os
import sqlite3
import time

from ccal import __version__
from ccal.index import FORMAT, identities, index_name

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: importing typing costs the fast path ~2 ms
if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime
    from typing import Any

    from ccal.catalog import Catalog, Entry

_TOUCH_SECONDS = 86400  # an index in use has its mtime refreshed at most once a day


class Index:
    """A trusted, open index. Every method may raise ``sqlite3.Error``: callers fall back."""

    def __init__(self, connection: sqlite3.Connection, max_span_us: int, remind_zone: str) -> None:
        self.connection = connection
        self.max_span_us = max_span_us
        self.remind_zone = remind_zone  # the zone whose remind lines were rendered ahead

    @classmethod
    def open(cls, paths: list[Any]) -> Index | None:
        """The index of ``paths`` if it exists and matches every file exactly, else None."""
        try:
            target = index_name(paths)
            modified = os.stat(target).st_mtime
            # A URI opens it read-only; SQLite's URI syntax only needs these three escaped.
            escaped = target.replace("%", "%25").replace("?", "%3f").replace("#", "%23")
            connection = sqlite3.connect(f"file:{escaped}?mode=ro", uri=True)
        except (OSError, ValueError, sqlite3.Error):
            return None
        try:
            meta = dict(connection.execute("SELECT key, value FROM meta"))
            current = identities(paths)
            if (
                meta.get("format") == FORMAT
                and meta.get("version") == __version__
                and current is not None
                and meta.get("files") == current
            ):
                if time.time() - modified > _TOUCH_SECONDS:
                    _touch(target)  # used: ``prune`` keeps the most recently used
                return cls(connection, int(meta["max_span_us"]), meta["remind_zone"])
        except (sqlite3.Error, ValueError, KeyError, TypeError):
            pass
        connection.close()
        return None

    # What the fast path asks: the rows of ``query``'s answers, with each status worked out in
    # SQL exactly as ``query.statuses`` does (passed: due before now; next: the soonest of its
    # opportunity's entries not passed, by (at, position); else upcoming).

    _STATUS = """
        CASE WHEN e.due_us < :now THEN 'passed'
             WHEN e.seq = (SELECT n.seq FROM entries n WHERE n.item = e.item AND n.due_us >= :now
                           ORDER BY n.at_us, n.position, n.seq LIMIT 1) THEN 'next'
             ELSE 'upcoming' END
    """

    # Each row (``fastpath`` unpacks it): item, label, at_us, due_us, start_us, head, middle,
    # tail, remind, status, seq.
    _ROW = (
        "e.item, e.label, e.at_us, e.due_us, e.start_us, e.head, e.middle, e.tail, "
        f"e.remind, {_STATUS}, e.seq"
    )
    _ORDER = "e.at_us, e.position, e.seq"

    def upcoming_rows(self, now_us: int, end_us: int | None) -> Iterator[tuple]:
        """``select_entries(..., "upcoming")`` before filters and limit, soonest first:
        a row (see ``_ROW``) for each entry."""
        sql = f"SELECT {self._ROW} FROM entries e WHERE e.at_us >= :low AND e.due_us >= :now"
        args = {"now": now_us, "low": now_us - self.max_span_us}
        if end_us is not None:
            sql += " AND COALESCE(e.start_us, e.at_us) <= :end"  # as ``query.Window``
            args["end"] = end_us
        sql += " ORDER BY e.at_us, e.opportunity_id, e.position, e.seq"
        return self.connection.execute(sql, args)

    def item_rows(self, opportunity_id: str, now_us: int) -> list[tuple] | None:
        """Every entry of one opportunity sorted as ``Entry.sort_key`` sorts, or None for an
        unknown id."""
        row = self.connection.execute(
            "SELECT seq FROM items WHERE id = ?", (opportunity_id,)
        ).fetchone()
        if row is None:
            return None
        sql = f"SELECT {self._ROW} FROM entries e WHERE e.item = :item ORDER BY {self._ORDER}"
        return self.connection.execute(sql, {"now": now_us, "item": row[0]}).fetchall()

    def opportunity(self, seq: int, mapping_type: Any = None) -> Any:
        (text,) = self.connection.execute(
            "SELECT opportunity FROM items WHERE seq = ?", (seq,)
        ).fetchone()
        return decode(text, mapping_type)

    def entries(self, items: list[int]) -> dict[int, Entry]:
        """Whole ``Entry`` objects of these items by their row (what text renderers need), with
        a stand-in opportunity that has the fields as attributes (no pydantic)."""
        from types import SimpleNamespace

        found: dict[int, Entry] = {}
        for start in range(0, len(items), 500):
            chunk = items[start : start + 500]
            marks = ",".join("?" * len(chunk))
            opportunities = {
                seq: decode(text, SimpleNamespace)
                for seq, text in self.connection.execute(
                    f"SELECT seq, opportunity FROM items WHERE seq IN ({marks})", chunk
                )
            }
            where = f"WHERE e.item IN ({marks})"
            found.update(
                (seq, entry) for seq, _, entry in self._entries(where, chunk, opportunities)
            )
        return found

    # What the Typer path asks: the whole catalog, with real pydantic models.

    def catalog(self) -> Catalog:
        from pathlib import Path

        from ccal.catalog import Catalog, Item
        from ccal.clock import zone_named
        from ccal.models import ANY_KIND, KINDS_CONTEXT, Opportunity, compact

        items = []
        models = {}
        trusted = {KINDS_CONTEXT: ANY_KIND}  # checked against its file's kinds when indexed
        rows = self.connection.execute(
            "SELECT seq, path, zone, opportunity FROM items ORDER BY seq"
        )
        for seq, path, zone, opportunity in rows:
            model = models[seq] = compact(
                Opportunity.model_validate(decode(opportunity), context=trusted)
            )
            items.append((seq, model, Path(path), zone_named(zone)))
        by_item: dict[int, list[Entry]] = {}
        for _seq, item, entry in self._entries("", [], models):
            by_item.setdefault(item, []).append(entry)
        return Catalog(
            tuple(
                Item(model, path, zone, tuple(by_item.get(seq, ())))
                for seq, model, path, zone in items
            )
        )

    def _entries(
        self, where: str, args: list[Any], opportunities: dict[int, Any]
    ) -> Iterator[tuple[int, int, Entry]]:
        """(row, item, entry) in catalog order."""
        from datetime import datetime
        from zoneinfo import ZoneInfo

        from ccal.catalog import Entry
        from ccal.clock import zone_named  # AoE and fixed offsets too, as the loader reads them

        def moment(text: str | None, fold: int, zone: ZoneInfo) -> datetime | None:
            # Stored in the entry's own zone: the same wall clock, with its zone and fold back.
            if text is None:
                return None
            return datetime.fromisoformat(text).replace(tzinfo=zone, fold=fold)

        sql = (
            'SELECT e.seq, e.item, e.position, e.label, e.at, e."end", e.all_day, i.zone, '
            "e.tentative, e.source, e.previous, e.folds "
            "FROM entries e JOIN items i ON i.seq = e.item "
            f"{where} ORDER BY e.seq"
        )
        for row in self.connection.execute(sql, args):
            seq, item, position, label, at, end, all_day, zone_key, tentative, source = row[:10]
            previous, folds = row[10:]
            zone = zone_named(zone_key)
            entry = Entry(
                opportunity=opportunities[item],
                position=position,
                label=label,
                at=moment(at, folds & 1, zone),
                end=moment(end, folds >> 1 & 1, zone),
                all_day=bool(all_day),
                zone=zone,
                tentative=bool(tentative),
                source=source,
                previous=moment(previous, folds >> 2 & 1, zone),
            )
            yield seq, item, entry

    def ids(self) -> list[str]:
        return [row[0] for row in self.connection.execute("SELECT id FROM items ORDER BY seq")]


# --- tagged JSON (written by ``index_write.encode``) back to values ----------------------------


def _untag(mapping: dict[str, Any]) -> Any:
    from datetime import date, datetime
    from pathlib import Path

    from ccal.clock import zone_named

    if "$datetime" in mapping:
        moment = datetime.fromisoformat(mapping["$datetime"])
        if "zone" in mapping:
            return moment.replace(tzinfo=zone_named(mapping["zone"]), fold=mapping["fold"])
        return moment  # naive, or a fixed offset (``timezone``) that isoformat kept exactly
    if "$date" in mapping:
        return date.fromisoformat(mapping["$date"])
    if "$zone" in mapping:
        return zone_named(mapping["$zone"])
    if "$path" in mapping:
        return Path(mapping["$path"])
    return mapping


def decode(text: str, mapping_type: Any = None) -> Any:
    """Tagged JSON back to values; plain objects become ``mapping_type`` (default: dict)."""
    import json

    if mapping_type is None:
        return json.loads(text, object_hook=_untag)

    def hook(mapping: dict[str, Any]) -> Any:
        value = _untag(mapping)
        return mapping_type(**value) if value is mapping else value

    return json.loads(text, object_hook=hook)


def _touch(path: str) -> None:
    try:
        os.utime(path)
    except OSError:  # a read-only cache: pruning then only sees build times
        return
