"""The change log of ``ccal sync`` as a Rich table (``ccal changes``)."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from rich.table import Table
from rich.text import Text

from ccal.controlchars import printable


def what_text(change: dict[str, Any]) -> str:
    """``2027-01-31 17:00 → 2027-02-07 17:00 (+7 d)``, ``open → closed``, ``new``."""
    kind = change.get("kind")
    before, after = change.get("from"), change.get("to")
    if kind == "moved":
        shift = f" ({change['shift']})" if change.get("shift") else ""
        return f"{_when(before)} → {_when(after)}{shift}"
    if kind in ("retitled", "status"):
        return f"{before} → {after}"
    if kind == "added":
        return f"new date {_when(after)}" if change.get("label") else "new"
    return f"was {_when(before)}" if change.get("label") else "gone"


def _when(value: Any) -> str:
    if not isinstance(value, str):
        return "?"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if len(value) <= 10:
        return value
    return moment.isoformat(sep=" ", timespec="minutes")


def changes_table(items: list[dict[str, Any]], zone: tzinfo) -> Table:
    table = Table(box=None, pad_edge=False, title="Changes from 'ccal sync', newest first")
    for column in ("synced", "source", "change", "id", "date", "what"):
        table.add_column(column, overflow="fold")
    for change in items:
        try:
            at = datetime.fromisoformat(str(change["time"]).replace("Z", "+00:00"))
            synced = at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            synced = str(change.get("time"))
        table.add_row(
            synced,
            Text(printable(str(change.get("source")))),
            str(change.get("kind")),
            Text(printable(str(change.get("id")))),
            Text(printable(str(change.get("label") or ""))),
            Text(printable(what_text(change))),
        )
    return table
