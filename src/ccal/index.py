"""A validated, query-ready SQLite copy of the data files, so data size costs (almost) nothing.

The TOML files stay the source of truth. After a successful load, the resolved catalog is written
to ``<cache dir>/index-<hash>.sqlite`` together with each file's identity (resolved path, size,
mtime_ns, inode), the ccal version and ``FORMAT``. A reader trusts the index only when all of
these still match; anything unreadable, stale or corrupt means "load the files and rebuild".
``atomic_write`` replaces a file's inode, so ``add``/``extend``/``import`` invalidate it for free.

Standard library only at import time: the start-up fast path queries it without pydantic.
"""

from __future__ import annotations

import os
import sqlite3
import time
import zlib

from ccal import __version__

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: importing typing costs the fast path ~2 ms
if TYPE_CHECKING:
    from collections.abc import Iterator
    from datetime import datetime, tzinfo
    from pathlib import Path
    from typing import Any

    from ccal.catalog import Catalog, Entry

FORMAT = "3"  # bump whenever the tables or the value encoding change
RACY_SECONDS = 2  # a file modified this recently may change again within one mtime tick
_SECOND_US = 1_000_000

# --- where, and whether to use it ---------------------------------------------------------------


bypass = False  # set by ``ccal --no-cache``


def disabled() -> bool:
    """``ccal --no-cache`` or ``CCAL_NO_CACHE=1`` bypasses the index: neither read nor written."""
    return bypass or os.environ.get("CCAL_NO_CACHE", "") not in ("", "0")


def index_name(paths: list[Any]) -> str:
    """One index per set of sources, so switching ``--data`` does not throw the others away."""
    from ccal.sources import user_cache_dir_name

    # A cheap name is enough: the files listed inside are what is checked before any use.
    key = "\0".join([FORMAT, __version__, *(os.path.realpath(p) for p in paths)]).encode()
    name = f"index-{zlib.crc32(key):08x}{zlib.adler32(key):08x}.sqlite"
    return os.path.join(user_cache_dir_name(), name)


def index_file(paths: list[Any]) -> Path:
    from pathlib import Path

    return Path(index_name(paths))


def identities(paths: list[Any]) -> str | None:
    """Each file's identity, as one text; None when a file cannot be read or is too fresh.

    A file edited twice within one mtime tick could keep its size and mtime: such a file is
    simply not indexed until it has been quiet for ``RACY_SECONDS``.
    """
    found = []
    now_ns = time.time_ns()
    for path in paths:
        try:
            resolved = os.path.realpath(path)
            info = os.stat(resolved)
        except (OSError, ValueError):
            return None
        if abs(now_ns - info.st_mtime_ns) < RACY_SECONDS * 1_000_000_000:
            return None
        found.append(f"{resolved}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}")
    return "\n".join(found)  # a path holds no NUL; a newline in one only ever fails to match


# --- the Typer path: a whole Catalog, from the index or from the files --------------------------


def load_catalog(
    paths: list[Path], *, now: datetime | None = None, zone: tzinfo | None = None
) -> Catalog:
    """The catalog of ``paths``: from a trusted index, else from the files (then indexed).

    ``now`` and ``zone`` (the command's; default: the clock and the system zone) only decide
    which entries a new index pre-renders: never what is returned.
    """
    import contextlib
    import gc

    from ccal import loader

    if disabled():
        return loader.load_catalog(paths)
    index = Index.open(paths)
    if index is not None:
        with contextlib.suppress(sqlite3.Error, ValueError, KeyError, TypeError):
            return index.catalog()
    before = identities(paths)
    # A bulk load makes millions of objects and no cycles: collecting midway only costs time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        catalog = loader.load_catalog(paths)
        if before is not None:
            from datetime import UTC, datetime

            from ccal.clock import system_zone
            from ccal.index_write import write

            # An index that cannot be written (read-only cache, a value it cannot encode) is
            # only a missed speed-up: the answer comes from the files either way.
            with contextlib.suppress(OSError, sqlite3.Error, TypeError, ValueError):
                write(paths, before, catalog, now or datetime.now(UTC), zone or system_zone())
    finally:
        if collecting:
            gc.enable()
    return catalog


KEEP = 8  # indexes kept in the cache directory: one per set of data files, most recently used
STALE_TEMP_SECONDS = 3600  # a writer's temporary file this old belongs to a writer that died
_TOUCH_SECONDS = 86400  # an index in use has its mtime refreshed at most once a day


def prune(folder: str, keep: str) -> None:
    """Delete all but the ``KEEP`` most recently used indexes (``keep`` always stays), and
    temporary files of writers that died: each ``--data`` set leaves one index behind.

    "Used" is the file's mtime: written when built, refreshed daily by ``Index.open``.
    """
    now = time.time()
    found = []
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        path = os.path.join(folder, name)
        try:
            modified = os.stat(path).st_mtime
        except OSError:
            continue
        if name.startswith(".index-") and name.endswith(".tmp"):
            if now - modified > STALE_TEMP_SECONDS:
                _unlink(path)
        elif name.startswith("index-") and name.endswith(".sqlite") and path != keep:
            found.append((modified, path))
    found.sort(reverse=True)
    for _, path in found[KEEP - 1 :]:
        _unlink(path)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:  # already gone (another ccal pruned it), or not ours to delete
        return


_EPOCH: Any = None


def micros(moment: datetime) -> int:
    """Microseconds since 1970 UTC, exactly (no float on the way)."""
    global _EPOCH
    if _EPOCH is None:
        from datetime import UTC, datetime

        _EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
    delta = moment - _EPOCH
    return (delta.days * 86400 + delta.seconds) * _SECOND_US + delta.microseconds


def listing(texts: list[str]) -> str:
    """``render.json.dumps`` of a list of records, from their pre-rendered texts."""
    return "[\n" + ",\n".join(texts) + "\n]" if texts else "[]"


def splice(head: str, middle: str, tail: str, seconds_left: int, status: str) -> str:
    return f'{head}{seconds_left}{middle}"{status}"{tail}'


# --- reading -----------------------------------------------------------------------------------


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

    # Each row (``fastpath`` unpacks it): item, label, at_us, due_us, has_end, head, middle,
    # tail, remind, status, seq.
    _ROW = (
        'e.item, e.label, e.at_us, e.due_us, e."end" IS NOT NULL, e.head, e.middle, e.tail, '
        f"e.remind, {_STATUS}, e.seq"
    )
    _ORDER = "e.at_us, e.position, e.seq"

    def upcoming_rows(self, now_us: int, end_us: int | None) -> Iterator[tuple]:
        """``select_entries(..., "upcoming")`` before filters and limit, soonest first:
        a row (see ``_ROW``) for each entry."""
        sql = f"SELECT {self._ROW} FROM entries e WHERE e.at_us >= :low AND e.due_us >= :now"
        args = {"now": now_us, "low": now_us - self.max_span_us}
        if end_us is not None:
            sql += " AND e.at_us <= :end"
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
        from zoneinfo import ZoneInfo

        from ccal.catalog import Catalog, Item
        from ccal.models import Opportunity

        items = []
        models = {}
        rows = self.connection.execute(
            "SELECT seq, path, zone, opportunity FROM items ORDER BY seq"
        )
        for seq, path, zone, opportunity in rows:
            model = models[seq] = Opportunity.model_validate(decode(opportunity))
            items.append((seq, model, Path(path), ZoneInfo(zone)))
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
            zone = ZoneInfo(zone_key)
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
    from zoneinfo import ZoneInfo

    if "$datetime" in mapping:
        moment = datetime.fromisoformat(mapping["$datetime"])
        if "zone" in mapping:
            return moment.replace(tzinfo=ZoneInfo(mapping["zone"]), fold=mapping["fold"])
        return moment  # naive, or a fixed offset (``timezone``) that isoformat kept exactly
    if "$date" in mapping:
        return date.fromisoformat(mapping["$date"])
    if "$zone" in mapping:
        return ZoneInfo(mapping["$zone"])
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
