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
    from datetime import datetime
    from pathlib import Path
    from typing import Any

    from ccal.catalog import Catalog, Entry

FORMAT = "2"  # bump whenever the tables or the value encoding change
RACY_SECONDS = 2  # a file modified this recently may change again within one mtime tick
_SECOND_US = 1_000_000

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE items (
    seq INTEGER PRIMARY KEY,      -- catalog (file) order
    id TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,           -- the data file it came from
    zone TEXT NOT NULL,           -- the opportunity's IANA zone
    opportunity TEXT NOT NULL     -- the validated opportunity, as tagged JSON
);
CREATE TABLE entries (
    seq INTEGER PRIMARY KEY,      -- catalog order: ties keep the loader's order
    item INTEGER NOT NULL REFERENCES items (seq),
    opportunity_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    label TEXT NOT NULL,
    at TEXT NOT NULL,             -- RFC 3339, in the entry's zone
    "end" TEXT,
    at_us INTEGER NOT NULL,       -- microseconds since 1970-01-01 UTC: sorting and windows
    due_us INTEGER NOT NULL,      -- end (or at) in microseconds: passed once it is behind now
    all_day INTEGER NOT NULL,
    tentative INTEGER NOT NULL,
    source TEXT,
    previous TEXT,                -- RFC 3339, in the entry's zone
    folds INTEGER NOT NULL,       -- fold of at, end, previous (bits 0, 1, 2): the repeated hour
    head TEXT NOT NULL,           -- the entry's ``--json`` record as printed in a listing, cut
    middle TEXT NOT NULL,         -- around its two now-dependent values: head, seconds_left,
    tail TEXT NOT NULL            -- middle, status, tail
);
CREATE INDEX entries_by_time ON entries (at_us, opportunity_id, position, seq);
CREATE INDEX entries_by_item ON entries (item, seq);
"""
_ENTRY_COLUMNS = (
    'item, opportunity_id, position, label, at, "end", at_us, due_us, all_day, tentative, source, '
    "previous, folds, head, middle, tail"
)


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


def load_catalog(paths: list[Path]) -> Catalog:
    """The catalog of ``paths``: from a trusted index, else from the files (then indexed)."""
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
            # An index that cannot be written (read-only cache, a value it cannot encode) is
            # only a missed speed-up: the answer comes from the files either way.
            with contextlib.suppress(OSError, sqlite3.Error, TypeError, ValueError):
                write(paths, before, catalog)
    finally:
        if collecting:
            gc.enable()
    return catalog


def write(paths: list[Path], files: str, catalog: Catalog) -> None:
    """Write the index next to its final place, then rename it in: readers see all or nothing."""
    import contextlib

    target = index_name(paths)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    temp = os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.{os.getpid()}.tmp")
    try:
        connection = sqlite3.connect(temp, isolation_level=None)
        try:
            # A temporary file renamed in when complete: no journal, no fsync needed.
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            connection.executescript(SCHEMA)
            connection.execute("BEGIN")
            _fill(connection, catalog)
            max_span = connection.execute(
                "SELECT coalesce(max(due_us - at_us), 0) FROM entries"
            ).fetchone()[0]
            meta = {"format": FORMAT, "version": __version__, "files": files}
            meta["max_span_us"] = str(max_span)
            connection.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))
            connection.execute("COMMIT")
        finally:
            connection.close()
        os.replace(temp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def _fill(connection: sqlite3.Connection, catalog: Catalog) -> None:
    """Rows streamed into SQLite (never all in memory at once)."""
    connection.executemany(
        "INSERT INTO items VALUES (?, ?, ?, ?, ?)",
        (
            (seq, item.id, str(item.path), item.zone.key, encode(item.opportunity.model_dump()))
            for seq, item in enumerate(catalog.items)
        ),
    )
    connection.executemany(
        f"INSERT INTO entries ({_ENTRY_COLUMNS}) VALUES ({', '.join('?' * 16)})",
        (
            _entry_row(seq, entry)
            for seq, item in enumerate(catalog.items)
            for entry in item.entries
        ),
    )


def _entry_row(seq: int, entry: Entry) -> tuple:
    if entry.recurrence is not None or entry.occurrence is not None:
        # Repeating dates are expanded around each command's "now": such files stay unindexed.
        raise ValueError("repeating dates are not indexed")
    zone = entry.zone
    moments = (entry.at, entry.end, entry.previous)
    folds = 0
    for bit, moment in enumerate(moments):
        if moment is not None:
            if moment.tzinfo is not zone:  # only the entry's own zone is stored
                raise ValueError("an instant outside the entry's zone")
            folds |= moment.fold << bit
    head, middle, tail = record_pieces(entry)
    return (
        seq,
        entry.opportunity.id,
        entry.position,
        entry.label,
        entry.at.isoformat(),
        entry.end.isoformat() if entry.end is not None else None,
        micros(entry.at),
        micros(entry.due),
        entry.all_day,
        entry.tentative,
        entry.source,
        entry.previous.isoformat() if entry.previous is not None else None,
        folds,
        head,
        middle,
        tail,
    )


_NOW_DEPENDENT = ("seconds_left", "status")
_MARK = "\x00ccal:{}\x00"  # a JSON string with a NUL: nothing else in a record renders like it
_MARKS: dict[str, tuple[str, str]] = {}  # key -> (marker, the marker as JSON)


def _mark(key: str) -> tuple[str, str]:
    found = _MARKS.get(key)
    if found is None:
        import json

        marker = _MARK.format(key)
        found = _MARKS[key] = (marker, json.dumps(marker))
    return found


def record_pieces(entry: Entry) -> tuple[str, str, str]:
    """The entry's record, exactly as ``render.json.dumps`` prints it inside a listing, in three
    pieces around its ``seconds_left`` and ``status`` values.

    ``render.json.entry_record`` builds the record (the one definition of its keys); its two
    now-dependent values are replaced by markers. A record of scalars and lists of strings is
    printed by ``json.dumps(indent=2)`` one key per line, which the C encoder reproduces with a
    line-break item separator -- ten times faster than the pure-Python indenting encoder.
    """
    from ccal.render.json import entry_record

    record = entry_record(entry, entry.at, "passed")
    lists = {}
    for key, value in record.items():
        if key in _NOW_DEPENDENT:
            record[key] = _mark(key)[0]
        elif isinstance(value, list):
            if not all(isinstance(v, str) for v in value):
                raise ValueError("a record value the index does not lay out")
            lists[key] = value
            record[key] = _mark(key)[0]
        elif value is not None and not isinstance(value, str | int):
            raise ValueError("a record value the index does not lay out")
    text = _RECORD.encode(record)
    for key, value in lists.items():
        laid = _LIST.encode(value)
        laid = laid if not value else "[\n      " + laid[1:-1] + "\n    ]"
        text = _replace_once(text, _mark(key)[1], laid)
    text = "  {\n    " + text[1:-1] + "\n  }"
    head, rest = _split_once(text, _mark("seconds_left")[1])
    middle, tail = _split_once(rest, _mark("status")[1])
    return head, middle, tail


def _split_once(text: str, marker: str) -> tuple[str, str]:
    before, found, after = text.partition(marker)
    if not found or marker in after:
        raise ValueError("a record the index cannot cut")
    return before, after


def _replace_once(text: str, marker: str, value: str) -> str:
    before, after = _split_once(text, marker)
    return before + value + after


def _encoders():
    import json

    # Exactly ``render.json.dumps`` (ensure_ascii=False, indent=2) for a flat record one level
    # deep in a listing, and for a list of strings two levels deep.
    record = json.JSONEncoder(ensure_ascii=False, separators=(",\n    ", ": "))
    strings = json.JSONEncoder(ensure_ascii=False, separators=(",\n      ", ": "))
    return record, strings


class _Lazy:
    def __init__(self, which: int) -> None:
        self.which = which

    def encode(self, value: Any) -> str:
        global _RECORD, _LIST
        _RECORD, _LIST = _encoders()
        return (_RECORD, _LIST)[self.which].encode(value)


_RECORD: Any = _Lazy(0)
_LIST: Any = _Lazy(1)


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

    def __init__(self, connection: sqlite3.Connection, max_span_us: int) -> None:
        self.connection = connection
        self.max_span_us = max_span_us

    @classmethod
    def open(cls, paths: list[Any]) -> Index | None:
        """The index of ``paths`` if it exists and matches every file exactly, else None."""
        try:
            target = index_name(paths)
            if not os.path.isfile(target):
                return None
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
                return cls(connection, int(meta["max_span_us"]))
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

    def upcoming_rows(self, now_us: int, end_us: int | None) -> Iterator[tuple]:
        """``select_entries(..., "upcoming")`` before filters and limit, soonest first:
        (item, label, at_us, head, middle, tail, status, seq) for each entry."""
        sql = (
            f"SELECT e.item, e.label, e.at_us, e.head, e.middle, e.tail, {self._STATUS}, e.seq "
            "FROM entries e WHERE e.at_us >= :low AND e.due_us >= :now"
        )
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
        sql = (
            f"SELECT e.item, e.label, e.at_us, e.head, e.middle, e.tail, {self._STATUS}, e.seq "
            "FROM entries e WHERE e.item = :item ORDER BY e.at_us, e.position, e.seq"
        )
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


# --- values ↔ tagged JSON: dates, datetimes (wall clock, fold and zone) and zones survive --------


def _tag(value: Any) -> Any:
    from datetime import date, datetime
    from pathlib import Path
    from zoneinfo import ZoneInfo

    if isinstance(value, datetime):
        tz = value.tzinfo
        if tz is None:
            return {"$datetime": value.isoformat()}
        if isinstance(tz, ZoneInfo):
            naive = value.replace(tzinfo=None).isoformat()
            return {"$datetime": naive, "fold": value.fold, "zone": tz.key}
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, ZoneInfo):
        return {"$zone": value.key}
    if isinstance(value, Path):
        return {"$path": str(value)}
    raise TypeError(f"cannot index a {type(value).__name__}")


def encode(value: Any) -> str:
    import json

    return json.dumps(value, default=_tag, ensure_ascii=False, separators=(",", ":"))


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
