"""A validated, query-ready SQLite copy of the data files, so data size costs (almost) nothing.

The TOML files stay the source of truth. After a successful load, the resolved catalog is written
to ``<cache dir>/index-<hash>.sqlite`` together with each file's identity (resolved path, size,
mtime_ns, inode), the ccal version and ``FORMAT``. A reader trusts the index only when all of
these still match; anything unreadable, stale or corrupt means "load the files and rebuild".
``atomic_write`` replaces a file's inode, so ``add``/``extend``/``import`` invalidate it for free.

Standard library only at import time: the start-up fast path queries it without pydantic.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import json
import os
import sqlite3
import time
import zlib
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ccal import __version__
from ccal.catalog import Catalog, Entry, Item
from ccal.query import Filters, Window, in_scope

if TYPE_CHECKING:
    from ccal.query import Status

FORMAT = 1  # bump whenever the tables or the value encoding change
RACY_SECONDS = 2  # a file modified this recently may change again within one mtime tick
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

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
    fields TEXT NOT NULL          -- every field of the resolved entry, as tagged JSON
);
CREATE INDEX entries_by_time ON entries (at_us, opportunity_id, position, seq);
CREATE INDEX entries_by_item ON entries (item, seq);
"""


# --- where, and whether to use it ---------------------------------------------------------------


bypass = False  # set by ``ccal --no-cache``


def disabled() -> bool:
    """``ccal --no-cache`` or ``CCAL_NO_CACHE=1`` bypasses the index: neither read nor written."""
    return bypass or os.environ.get("CCAL_NO_CACHE", "") not in ("", "0")


def index_file(paths: list[Path]) -> Path:
    """One index per set of sources, so switching ``--data`` does not throw the others away."""
    from ccal.sources import user_cache_dir

    # A cheap name is enough: the files listed inside are what is checked before any use.
    key = json.dumps([FORMAT, __version__, [str(Path(p).resolve()) for p in paths]]).encode()
    return user_cache_dir() / f"index-{zlib.crc32(key):08x}{zlib.adler32(key):08x}.sqlite"


def identities(paths: list[Path]) -> list[list] | None:
    """Each file's identity; None when one cannot be read or was modified too recently to trust.

    A file edited twice within one mtime tick could keep its size and mtime: such a file is
    simply not indexed until it has been quiet for ``RACY_SECONDS``.
    """
    found = []
    now_ns = time.time_ns()
    for path in paths:
        try:
            resolved = Path(path).resolve()
            info = resolved.stat()
        except (OSError, RuntimeError):
            return None
        if abs(now_ns - info.st_mtime_ns) < RACY_SECONDS * 1_000_000_000:
            return None
        found.append([str(resolved), info.st_size, info.st_mtime_ns, info.st_ino])
    return found


# --- the Typer path: a whole Catalog, from the index or from the files --------------------------


def load_catalog(paths: list[Path]) -> Catalog:
    """The catalog of ``paths``: from a trusted index, else from the files (then indexed)."""
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
    finally:
        if collecting:
            gc.enable()
    if before is not None:
        # An index that cannot be written (read-only cache, a value it cannot encode) is
        # only a missed speed-up: the answer comes from the files either way.
        with contextlib.suppress(OSError, sqlite3.Error, TypeError, ValueError):
            write(paths, before, catalog)
    return catalog


def write(paths: list[Path], files: list[list], catalog: Catalog) -> None:
    """Write the index next to its final place, then rename it in: readers see all or nothing."""
    target = index_file(paths)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        connection = sqlite3.connect(temp, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            connection.executescript(SCHEMA)
            connection.execute("BEGIN")
            _fill(connection, catalog)
            meta = {"format": FORMAT, "version": __version__, "files": files}
            meta["max_span_us"] = connection.execute(
                "SELECT coalesce(max(due_us - at_us), 0) FROM entries"
            ).fetchone()[0]
            connection.executemany(
                "INSERT INTO meta VALUES (?, ?)", [(k, json.dumps(v)) for k, v in meta.items()]
            )
            connection.execute("COMMIT")
        finally:
            connection.close()
        os.replace(temp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


def _fill(connection: sqlite3.Connection, catalog: Catalog) -> None:
    item_rows = []
    entry_rows = []
    for seq, item in enumerate(catalog.items):
        dumped = item.opportunity.model_dump()
        item_rows.append((seq, item.id, str(item.path), item.zone.key, encode(dumped)))
        for entry in item.entries:
            entry_rows.append(
                (
                    seq,
                    item.id,
                    entry.position,
                    entry.label,
                    entry.at.isoformat(),
                    entry.end.isoformat() if entry.end is not None else None,
                    _micros(entry.at),
                    _micros(entry.due),
                    encode(_entry_fields(entry)),
                )
            )
    connection.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?)", item_rows)
    connection.executemany(
        'INSERT INTO entries (item, opportunity_id, position, label, at, "end", at_us, due_us, '
        "fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        entry_rows,
    )


def _entry_fields(entry: Entry) -> dict[str, Any]:
    """Every field but the opportunity, so fields added to ``Entry`` flow through unchanged."""
    return {
        f.name: getattr(entry, f.name) for f in dataclasses.fields(entry) if f.name != "opportunity"
    }


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


# --- reading -----------------------------------------------------------------------------------


class Index:
    """A trusted, open index. Every method may raise ``sqlite3.Error``: callers fall back."""

    def __init__(self, connection: sqlite3.Connection, max_span_us: int) -> None:
        self.connection = connection
        self.max_span_us = max_span_us
        self._opportunities: dict[int, Any] = {}
        self._seq_of: dict[str, int] = {}

    @classmethod
    def open(cls, paths: list[Path]) -> Index | None:
        """The index of ``paths`` if it exists and matches every file exactly, else None."""
        try:
            target = index_file(paths)
            if not target.is_file():
                return None
            connection = sqlite3.connect(f"{target.as_uri()}?mode=ro", uri=True)
        except (OSError, ValueError, sqlite3.Error):
            return None
        try:
            meta = {k: json.loads(v) for k, v in connection.execute("SELECT key, value FROM meta")}
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

    # What the fast path asks: pure functions of the stored entries, mirroring ``query``.

    def upcoming(
        self, now: datetime, filters: Filters, window: Window, limit: int | None
    ) -> list[Entry]:
        """``query.select_entries(catalog, now, filters, window, "upcoming", limit)``.

        SQL only narrows (every entry it skips is passed or outside the window); the predicates
        of ``query`` decide, so the answer is the one the files give.
        """
        now_us = _micros(now)
        sql = "SELECT * FROM entries WHERE at_us >= ? AND due_us >= ?"
        args: list[Any] = [now_us - self.max_span_us, now_us]
        if window.end is not None:
            sql += " AND at_us <= ?"
            args.append(_micros(window.end))
        sql += " ORDER BY at_us, opportunity_id, position, seq"
        chosen: list[Entry] = []
        if limit is not None and limit <= 0:
            return chosen
        for row in self._rows(sql, args):
            entry = self._entry(row)
            if (
                in_scope(entry, now, "upcoming")
                and window.contains(entry)
                and filters.matches(entry.opportunity, (entry.label,))
            ):
                chosen.append(entry)
                if limit is not None and len(chosen) >= limit:
                    break
        return chosen

    def siblings(self, entries: list[Entry]) -> list[Entry]:
        """Every entry of the opportunities these entries belong to (what statuses depend on)."""
        wanted = sorted({self._seq_of[e.opportunity.id] for e in entries})
        found: list[Entry] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT * FROM entries WHERE item IN ({marks}) ORDER BY seq"
            found.extend(self._entry(row) for row in self._rows(sql, chunk))
        return found

    def item_entries(self, opportunity_id: str) -> list[Entry] | None:
        """The entries of one opportunity in catalog order, or None for an unknown id."""
        row = self.connection.execute(
            "SELECT seq FROM items WHERE id = ?", (opportunity_id,)
        ).fetchone()
        if row is None:
            return None
        self._seq_of[opportunity_id] = row[0]
        return [
            self._entry(r)
            for r in self._rows("SELECT * FROM entries WHERE item = ? ORDER BY seq", [row[0]])
        ]

    # What the Typer path asks: the whole catalog, with real pydantic models.

    def catalog(self) -> Catalog:
        from ccal.models import Opportunity

        by_item: dict[int, list[Entry]] = {}
        items = []
        rows = self.connection.execute(
            "SELECT seq, path, zone, opportunity FROM items ORDER BY seq"
        )
        for seq, path, zone, opportunity in rows:
            model = Opportunity.model_validate(decode(opportunity))
            self._opportunities[seq] = model
            items.append((seq, model, Path(path), ZoneInfo(zone)))
        for row in self._rows("SELECT * FROM entries ORDER BY seq", []):
            by_item.setdefault(row["item"], []).append(self._entry(row))
        return Catalog(
            tuple(
                Item(model, path, zone, tuple(by_item.get(seq, ())))
                for seq, model, path, zone in items
            )
        )

    # --- rows → objects ----------------------------------------------------------------------

    def _rows(self, sql: str, args: list[Any]) -> Iterator[sqlite3.Row]:
        cursor = self.connection.cursor()
        cursor.row_factory = sqlite3.Row
        yield from cursor.execute(sql, args)

    def _entry(self, row: sqlite3.Row) -> Entry:
        fields = decode(row["fields"])
        for key, value in fields.items():
            if isinstance(value, list):
                fields[key] = tuple(value)
        self._seq_of[row["opportunity_id"]] = row["item"]
        return Entry(opportunity=self._opportunity(row["item"]), **fields)

    def _opportunity(self, seq: int) -> Any:
        """A stand-in with the opportunity's fields as attributes: the fast path has no pydantic."""
        found = self._opportunities.get(seq)
        if found is None:
            (text,) = self.connection.execute(
                "SELECT opportunity FROM items WHERE seq = ?", (seq,)
            ).fetchone()
            found = self._opportunities[seq] = decode(text, SimpleNamespace)
        return found

    def ids(self) -> list[str]:
        return [row[0] for row in self.connection.execute("SELECT id FROM items ORDER BY seq")]


# --- values ↔ tagged JSON: dates, datetimes (wall clock, fold and zone) and zones survive --------


def _tag(value: Any) -> Any:
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
    return json.dumps(value, default=_tag, ensure_ascii=False, separators=(",", ":"))


def _untag(mapping: dict[str, Any]) -> Any:
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
    if mapping_type is None:
        return json.loads(text, object_hook=_untag)

    def hook(mapping: dict[str, Any]) -> Any:
        value = _untag(mapping)
        return mapping_type(**value) if value is mapping else value

    return json.loads(text, object_hook=hook)


def statuses_of(index: Index, entries: list[Entry], now: datetime) -> dict[tuple[str, int], Status]:
    """``query.statuses`` over every sibling of ``entries``: what the whole catalog gives."""
    from ccal.query import statuses

    return statuses(index.siblings(entries), now)
