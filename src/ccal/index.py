"""A validated, query-ready SQLite copy of the data files, so data size costs (almost) nothing.

The TOML files stay the source of truth. After a successful load, the resolved catalog is written
to ``<cache dir>/index-<hash>.sqlite`` together with each file's identity (resolved path, size,
mtime_ns, inode), the ccal version and ``FORMAT``. A reader trusts the index only when all of
these still match; anything unreadable, stale or corrupt means "load the files and rebuild".
``atomic_write`` replaces a file's inode, so ``add``/``extend``/``import`` invalidate it for free.

This module decides where the index lives and whether to use it, and keeps the cache small
(``prune``); ``index_write`` builds one, ``index_read`` answers from one. Standard library only at
import time: the start-up fast path queries it without pydantic.
"""

from __future__ import annotations

import os
import sqlite3
import time
import zlib

from ccal import __version__

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: importing typing costs the fast path ~2 ms
if TYPE_CHECKING:
    from datetime import datetime, tzinfo
    from pathlib import Path
    from typing import Any

    from ccal.catalog import Catalog

FORMAT = "7"  # bump whenever the tables or the value encoding change
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
    from ccal.index_read import Index

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


def prune(folder: str, keep: str) -> None:
    """Delete all but the ``KEEP`` most recently used indexes (``keep`` always stays), and
    temporary files of writers that died: each ``--data`` set leaves one index behind.

    "Used" is the file's mtime: written when built, refreshed daily by ``index_read.Index.open``.
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
