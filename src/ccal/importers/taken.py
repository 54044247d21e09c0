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
    has no items, but its ids, written again elsewhere, would be duplicates once it is fixed."""
    from ccal.loader import load_file

    taken: dict[str, str] = {}
    for other in others:
        for ident in load_file(other).all_ids():
            if ident in wanted and ident not in taken:
                taken[ident] = f"its id is already used in {other} (kept there)"
    return taken
