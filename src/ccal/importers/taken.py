"""Ids an import or a sync may not write: those another active data file already holds.

The same id in two files makes every reading command fail ("duplicate id"), so ``ccal import``
and ``ccal sync`` skip such an entry (the file that had it first keeps it) with a reason,
rather than leave the data broken. One rule for both writers.
"""

from __future__ import annotations

from pathlib import Path


def other_files(target: Path) -> list[Path]:
    """The default data files other than ``target`` (the file about to be written)."""
    import os

    from ccal.sources import active_sources

    itself = os.path.realpath(target)
    return [p for p in active_sources() if os.path.realpath(p) != itself]


def ids_taken(others: list[Path], wanted: set[str]) -> dict[str, str]:
    """Each id of ``wanted`` that one of ``others`` already holds, with a skip reason. The ids
    the loader's duplicate check compares (``FileResult.all_ids``): a file with a schema error
    has no items, but its ids, written again elsewhere, would be duplicates once it is fixed.
    A trusted index of the default data holding every one of ``others`` gives them without
    loading a file (``_indexed``): it was built from files that loaded without an error, so
    their ids are its items'."""
    taken: dict[str, str] = {}
    held = _indexed(others)
    if held is not None:
        for ident, other in held:
            if ident in wanted and ident not in taken:
                taken[ident] = f"its id is already used in {other} (kept there)"
        return taken
    from ccal.loader import load_file

    for other in others:
        for found in load_file(other).all_ids():
            if found in wanted and found not in taken:
                taken[found] = f"its id is already used in {other} (kept there)"
    return taken


def _indexed(others: list[Path]) -> list[tuple[str, Path]] | None:
    """Every id of ``others`` with its file, from the trusted index of the default data when
    ``others`` are among its files (``Index.open`` checks every one, and every byte of each
    against ``whole_checks`` as a writer must; each item row is checked here); else
    None. A trusted index holds no duplicate id, so each id has one file."""
    import os
    import sqlite3

    from ccal.index.policy import Corrupt, disabled
    from ccal.index.reader import Index
    from ccal.sources import active_sources

    if disabled():
        return None
    defaults = active_sources()
    place = {os.path.realpath(other): other for other in others}
    if not set(place) <= {os.path.realpath(path) for path in defaults}:
        return None
    index = Index.open(defaults)
    if index is None:
        return None
    from ccal.index.policy import whole_checks

    try:
        if index.whole is None or index.whole != whole_checks(list(defaults)):
            return None  # the identity check samples a big file: a writer checks every byte
        paths = index.item_paths()
    except (sqlite3.Error, Corrupt, ValueError, KeyError, TypeError):
        return None
    finally:
        index.connection.close()
    return [
        (ident, place[real])
        for ident, path in paths.items()
        if (real := os.path.realpath(path)) in place
    ]
