"""The index and the fast path: a query-ready SQLite copy of the data, and stdlib-only answers.

- ``policy``: where an index lives, whether to use it (``--no-cache``), each file's identity, and
  keeping the cache small.
- ``writer``: builds an index from a loaded catalog; ``reader``: answers from a trusted one.
- ``records``: the ``--json`` records stored pre-rendered (cut, spliced); ``tagged``: the
  opportunities as JSON whose dates and zones come back as they were.
- ``fastargs`` and ``fastpath``: the start-up fast path (``__main__`` asks it first), standard
  library only.
- ``load_catalog`` (here): the Typer path's catalog, from a trusted index or from the files;
  ``first_load``: the fast path's reading and indexing of the files when no index is trusted
  (what it read is handed to ``load_catalog`` should the call go to the Typer app after all).

Nothing is imported at module level: ``import ccal.index.fastpath`` runs this file first.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: this file is on the fast path
if TYPE_CHECKING:
    from datetime import datetime, tzinfo
    from pathlib import Path
    from typing import Any

    from ccal.catalog import Catalog


# Set by the console entry point (``ccal.cli.run``), for a process that answers one command: the
# first catalog it loads (from the files or the index) is frozen out of the cyclic collector
# (``gc.freeze``). A bulk load's objects were all made with the collector off, so all wait in
# its youngest generation, and its first collections afterwards walked every one of them (~0.1 s
# at 10,000 opportunities, seconds at 100,000) to find no cycle. Not in-process callers (tests, a
# library user): freezing keeps whatever cyclic garbage they hold at that moment for good.
freeze_first_load = False

# What the fast path loaded from the files when it found no trusted index (``first_load``):
# (the files' identities then, their catalog or ``DataError``), kept for the Typer app
# should the fast path hand the call over after all, so that no call loads its files twice.
_loaded: tuple[str, Any] | None = None
_spent: Any = None  # what the fast path read and answered from, not freed (``forget_loaded``)


def load_catalog(
    paths: list[Path],
    *,
    now: datetime | None = None,
    zone: tzinfo | None = None,
    models: bool = True,
) -> Catalog:
    """The catalog of ``paths``: from a trusted index, else from the files (then indexed).

    ``now`` and ``zone`` (the command's; default: the clock and the system zone) only decide
    which entries a new index pre-renders: never what is returned. ``models=False``: from the
    index, its opportunities may be stand-ins with the same fields as attributes, not pydantic
    models (``Index.catalog``), for a command that only reads them.
    """
    global freeze_first_load
    import contextlib
    import gc
    import sqlite3

    from ccal import loader
    from ccal.index.policy import disabled, identities

    if disabled():
        return loader.load_catalog(paths)
    handed = _handed_over(paths)
    if handed is not None:  # the fast path loaded these very files, then handed the call over
        if freeze_first_load:
            freeze_first_load = False
            gc.freeze()
        if isinstance(handed, Exception):
            raise handed
        return handed
    from ccal.index.reader import Index

    index = Index.open(paths)
    if index is not None:
        with contextlib.suppress(sqlite3.Error, ValueError, KeyError, TypeError), Bulk():
            covered = _covers(index)
            catalog = index.catalog(models=models or not covered)  # the writer needs models
            if not covered:
                _write(paths, catalog, None, zone)  # no TOML parsed: the same data, a new span
            return catalog
    before = identities(paths)
    with Bulk():
        catalog = _from_files(paths, now, zone, before)
    return catalog


class Bulk:
    """``with Bulk():`` no cyclic garbage collection while making many objects that form no
    cycles (a catalog, from the files or the index; a published site): collecting midway only
    costs time (a republish of 11,000 calls: 0.3-1 s of 7). The first catalog a command loads
    is frozen out of the collector on the way out, unless it failed (``freeze_first_load``)."""

    def __enter__(self) -> None:
        import gc

        self.collecting = gc.isenabled()
        gc.disable()

    def __exit__(self, failed: object, *exc: object) -> None:
        global freeze_first_load
        import gc

        if self.collecting:
            if freeze_first_load and failed is None:
                freeze_first_load = False
                gc.freeze()
            gc.enable()


def _from_files(
    paths: list[Path], now: datetime | None, zone: tzinfo | None, before: str | None
) -> Catalog:
    """The catalog read from the files, then indexed (``before``: the files' identities when
    the reading began; None: not to be indexed, a file is too fresh or unreadable)."""
    from ccal import loader

    catalog = loader.load_catalog(paths)
    if before is not None:
        _write(paths, catalog, now, zone, before)
    return catalog


def first_load(paths: list[Path], now: datetime, zone: tzinfo) -> None:
    """The fast path found no trusted index: read and index the files here, as ``load_catalog``
    would for the Typer app, so that the call is answered from the new index without the app
    (importing Typer and every command, its parameter conversion, its listing over the whole
    catalog: ~0.15 s of CPU at 10,000 opportunities, ~2 s at 100,000).

    Nothing is done where no index could be written (a file too fresh or unreadable): the Typer
    app reads the files once, as before. What was read -- the catalog, or the ``DataError`` the
    app reports -- is kept (``_loaded``) for this process's next ``load_catalog`` of the same,
    unchanged files: a call the fast path hands over after all is not read twice.
    """
    global _loaded
    from ccal.errors import DataError
    from ccal.index.policy import identities

    before = identities(paths)
    if before is None:
        return
    try:
        found: Any = _from_files(paths, now, zone, before)
    except DataError as exc:
        found = exc
    _loaded = (before, found)


def forget_loaded() -> None:
    """The fast path answered the call itself: nothing to hand over (``first_load``).

    What was read stays referenced (``_spent``), never to be handed over, until the fast path
    next answers after reading files: freeing a big catalog object by object (~0.1 s at 10,000
    opportunities) is work thrown away where the process then ends (the console entry point
    leaves with ``os._exit``)."""
    global _loaded, _spent
    if _loaded is not None:
        _spent, _loaded = _loaded[1], None


def handing_over() -> None:
    """The fast path hands a call over after reading the files (``first_load``): what it read
    leaves the cyclic collector (``gc.freeze``), as the app's own first load does (see
    ``freeze_first_load``); only the console entry point, about to run the app, calls this."""
    if _loaded is not None:
        import gc

        gc.freeze()


def _handed_over(paths: list[Path]) -> Any:
    """What ``first_load`` read in this process, taken once, if it read these very files and
    none changed since (the same identities: resolved paths, sizes, times, contents); else None."""
    global _loaded
    kept, _loaded = _loaded, None
    if kept is None:
        return None
    from ccal.index.policy import identities

    return kept[1] if identities(paths) == kept[0] else None


def _covers(index: Any) -> bool:
    """Whether the index expanded its series without an end over the span a command run now
    (the real clock: prompts and cron) expands them (``timeline.span``): else the fast path
    would hand every such call over. Asked of the real "now", so that a user looking at
    another year with ``--as-of`` does not make each call rewrite the index."""
    if not index.open_series:
        return True
    from datetime import UTC, datetime

    from ccal.timeline import micros, span

    low, high = span(datetime.now(UTC))
    return index.cover_us[0] <= micros(low) and micros(high) <= index.cover_us[1]


def _write(
    paths: list[Path],
    catalog: Catalog,
    now: datetime | None,
    zone: tzinfo | None,
    files: str | None = None,
) -> None:
    """Index ``catalog``; one that cannot be written (a read-only cache, a value it cannot
    encode) is only a missed speed-up: the answer comes from the files either way."""
    import contextlib
    import sqlite3
    from datetime import UTC, datetime

    from ccal.index.policy import identities
    from ccal.index.writer import write
    from ccal.sources import default_zone

    files = files or identities(paths)
    if files is None:
        return
    with contextlib.suppress(OSError, sqlite3.Error, TypeError, ValueError):
        write(paths, files, catalog, now or datetime.now(UTC), zone or default_zone())
