"""The index and the fast path: a query-ready SQLite copy of the data, and stdlib-only answers.

- ``policy``: where an index lives, whether to use it (``--no-cache``), each file's identity, and
  keeping the cache small.
- ``writer``: builds an index from a loaded catalog; ``reader``: answers from a trusted one.
- ``fastargs`` and ``fastpath``: the start-up fast path (``__main__`` asks it first), standard
  library only.
- ``load_catalog`` (here): the Typer path's catalog, from a trusted index or from the files.

Nothing is imported at module level: ``import ccal.index.fastpath`` runs this file first.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: this file is on the fast path
if TYPE_CHECKING:
    from datetime import datetime, tzinfo
    from pathlib import Path

    from ccal.catalog import Catalog


def load_catalog(
    paths: list[Path], *, now: datetime | None = None, zone: tzinfo | None = None
) -> Catalog:
    """The catalog of ``paths``: from a trusted index, else from the files (then indexed).

    ``now`` and ``zone`` (the command's; default: the clock and the system zone) only decide
    which entries a new index pre-renders: never what is returned.
    """
    import contextlib
    import gc
    import sqlite3

    from ccal import loader
    from ccal.index.policy import disabled, identities

    if disabled():
        return loader.load_catalog(paths)
    from ccal.index.reader import Index

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
            from ccal.index.writer import write

            # An index that cannot be written (read-only cache, a value it cannot encode) is
            # only a missed speed-up: the answer comes from the files either way.
            with contextlib.suppress(OSError, sqlite3.Error, TypeError, ValueError):
                write(paths, before, catalog, now or datetime.now(UTC), zone or system_zone())
    finally:
        if collecting:
            gc.enable()
    return catalog
