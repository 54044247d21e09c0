"""A validated, query-ready SQLite copy of the data files, so data size costs (almost) nothing.

The TOML files stay the source of truth. After a successful load, the resolved catalog is written
to ``<cache dir>/index-<hash>.sqlite`` together with each file's identity (resolved path, size,
mtime_ns, inode and a checksum of its bytes, see ``content_check``), the ccal version and
``FORMAT``. A reader trusts the index only when all of these still match, and it checks every row
it reads against the row's own checksum (``row_check``), so a changed byte in the index is never
served: anything unreadable, stale or corrupt means "load the files and rebuild". ``atomic_write``
replaces a file's inode, so ``add``/``extend``/``import`` invalidate it for free.

This module decides where the index lives and whether to use it, and keeps the cache small
(``prune``); ``writer`` builds one, ``reader`` answers from one, ``ccal.index.load_catalog`` uses
both for the Typer path. Standard library only at import time: the start-up fast path queries it
without pydantic.
"""

from __future__ import annotations

import marshal
import os
import time
import zlib

from ccal import __version__

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: importing typing costs the fast path ~2 ms
if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path
    from typing import Any, TypeVar

    Row = TypeVar("Row")


FORMAT = "13"  # bump whenever the tables, the value encoding or what a valid file is change
RACY_SECONDS = 2  # a file modified this recently may change again within one mtime tick

# The columns of the two tables, in their order, defined once: the writer inserts them in this
# order, the reader selects them by these names (and checks ``crc``, always the last).
ITEM_COLUMNS = ("seq", "id", "path", "zone", "opportunity", "entries", "series", "crc")
ENTRY_COLUMNS = (
    "rank",  # the entry's place in ``timeline.sort_key`` order (0, 1, 2, …): how rows are read
    "seq",  # its place in catalog (file) order: how a whole catalog is rebuilt
    "item",
    "opportunity_id",
    "position",
    "label",
    "at",
    "end",
    "at_us",
    "due_us",
    "start_us",
    "all_day",
    "tentative",
    "source",
    "previous",
    "folds",
    "occurrence",  # the occurrence's number in its series; NULL for a date that does not repeat
    "rrule",  # the series' rule, until (RFC 3339, fold in bit 3 of folds) and count
    "until",
    "count",
    "open",  # 1: an occurrence of a series without an end (``timeline.occurs``)
    "head",
    "middle",
    "tail",
    "remind",
    "crc",
)


# A repeating date as written (the file's order, for the Typer path's whole catalog): its
# occurrences are rows of ``entries``.
SERIES_COLUMNS = (
    "seq",
    "item",
    "position",
    "label",
    "at",
    "end",
    "all_day",
    "tentative",
    "source",
    "previous",
    "folds",
    "rrule",
    "until",
    "count",
    "crc",
)


class Corrupt(ValueError):
    """The index is not what was written (a row's checksum, a missing row): never served."""


def row_check(values: Sequence[Any]) -> int:
    """The checksum of one row's values (every column but ``crc``), as SQLite gives them back:
    ints (not bools), strings and None. ``marshal`` (built in, loaded by every interpreter)
    lays a tuple out in C, twice as fast as joining ``str`` of each; format 0 has no
    back-references and no interned-string flag, so equal values always give equal bytes."""
    return zlib.crc32(marshal.dumps(tuple(values), 0))


def meta_check(meta: dict[str, str]) -> str:
    """The checksum of the meta table (every key but ``crc``): its numbers steer every read."""
    return str(row_check(sorted((k, v) for k, v in meta.items() if k != "crc")))


def checked(row: Row) -> Row:
    """``row`` (a ``sqlite3.Row``, its last column its checksum) if it is intact, else
    ``Corrupt``."""
    values: tuple[Any, ...] = tuple(row)  # type: ignore[arg-type]  # a sqlite3.Row iterates
    if row_check(values[:-1]) != values[-1]:
        raise Corrupt("an index row does not match its checksum")
    return row


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
    simply not indexed until it has been quiet for ``RACY_SECONDS``. An edit in place put back
    to the same size, mtime and inode (``touch -d``) is caught by ``content_check``.
    """
    found = []
    now_ns = time.time_ns()
    for path in paths:
        try:
            resolved = os.path.realpath(path)
            info = os.stat(resolved)
            if abs(now_ns - info.st_mtime_ns) < RACY_SECONDS * 1_000_000_000:
                return None
            check = content_check(resolved, info.st_size)
        except (OSError, ValueError):
            return None
        found.append(f"{resolved}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}\0{check:08x}")
    return "\n".join(found)  # a path holds no NUL; a newline in one only ever fails to match


# Each hot call pays this check on every data file, so it must stay well under a millisecond or
# two (the fast path answers in ~15 ms): the whole file up to 1 MiB (about 1.5 ms), beyond that
# the first, the last and 126 evenly spread 4 KiB blocks (512 KiB), whatever the file's size.
HASH_WHOLE_UP_TO = 1024 * 1024
SAMPLE_BLOCKS, BLOCK = 128, 4096


def whole_checks(paths: list[Any]) -> str | None:
    """Each file's checksum over every one of its bytes, as one text; None if one is unreadable.

    ``content_check`` samples a file over ``HASH_WHOLE_UP_TO``: enough for a read, which serves
    what the index holds, not for a writer that trusts the index's word on the rest of a file
    (``ccal.incremental``): an edit in place between the sampled blocks, its size, mtime and
    inode put back, would let it write a duplicate id. A writer reads every byte anyway.
    """
    found = []
    for path in paths:
        try:
            resolved = os.path.realpath(path)
            check = content_check(resolved, os.stat(resolved).st_size, whole=True)
        except (OSError, ValueError):
            return None
        found.append(f"{resolved}\0{check:08x}")
    return "\n".join(found)


def content_check(path: str, size: int, *, whole: bool = False) -> int:
    """A checksum of the file's bytes: all of them up to ``HASH_WHOLE_UP_TO`` (a fraction of
    what parsing them costs) or when ``whole``, else ``SAMPLE_BLOCKS`` blocks spread over the
    file (the first and the last among them), so the check stays cheap beside the parse it saves.

    Only a regular file is read (a FIFO would block): anything else is an ``OSError``.
    """
    import stat

    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(f"{path}: not a regular file")
        if whole or size <= HASH_WHOLE_UP_TO:
            check = 0
            while chunk := os.read(descriptor, 1 << 20):
                check = zlib.crc32(chunk, check)
            return check
        check = zlib.crc32(str(size).encode())
        last = max(size - BLOCK, 0)
        for n in range(SAMPLE_BLOCKS):
            check = zlib.crc32(os.pread(descriptor, BLOCK, last * n // (SAMPLE_BLOCKS - 1)), check)
        return check
    finally:
        os.close(descriptor)


KEEP = 8  # indexes kept in the cache directory: one per set of data files, most recently used
STALE_TEMP_SECONDS = 3600  # a writer's temporary file this old belongs to a writer that died


def prune(folder: str, keep: str) -> None:
    """Delete all but the ``KEEP`` most recently used indexes (``keep`` always stays), and
    temporary files of writers that died: each ``--data`` set leaves one index behind.

    "Used" is the file's mtime: written when built, refreshed daily by ``reader.Index.open``.
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
