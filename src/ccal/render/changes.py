"""The change log of ``ccal sync`` as a Rich table (``ccal changes``)."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from rich.table import Table
from rich.text import Text

from ccal.controlchars import table_text
from ccal.render.table import Fitted


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


_SYNCED = len("2026-12-02 12:00")  # the sync time, never wrapped
_WHAT_MIN = 24  # the least readable room for "2027-01-15 17:00 → 2027-01-22 17:00 (+7 d)"


def changes_table(items: list[dict[str, Any]], zone: tzinfo) -> Fitted:
    """Synced, source, change, id, date, what; where the six do not fit with every id whole
    (ids are what ``ccal show`` takes), two columns: when and where (sync time, source, kind)
    and what (id, then date and change); narrower still, each change in lines of its own.
    Nothing is cut mid-word on a narrow terminal."""
    rows = [_cells(change, zone) for change in items]

    def longest(column: int, header: str) -> int:
        return max([len(header), *(len(row[column].plain) for row in rows)])

    widths = [_SYNCED, longest(1, "source"), longest(2, "change"), longest(3, "id")]
    widths.append(min(longest(4, "date"), 12))

    def build(width: int, _rows: slice) -> Table:
        table = Table(box=None, pad_edge=False)
        if width - sum(widths) - 2 * 5 >= _WHAT_MIN:
            for header, fixed in zip(("synced", "source", "change", "id"), widths, strict=False):
                table.add_column(header, no_wrap=True, width=fixed)
            table.add_column("date", width=widths[4], overflow="fold")
            table.add_column("what", ratio=1, overflow="fold")
            for row in rows:
                table.add_row(*row)
            return table
        left = max(_SYNCED, widths[1], widths[2])
        beside = width - left - 2 >= widths[3]  # else one column: the id needs the whole line
        if beside:
            table.add_column("synced", width=left, overflow="fold")
        table.add_column("change", ratio=1, overflow="fold")
        for synced, source, kind, name, label, what in rows:
            said = name.copy().append("\n")
            if label.plain:
                said.append_text(label).append(": ")
            said.append_text(what)
            if beside:
                where = Text(f"{synced.plain}\n").append_text(source).append(f"\n{kind.plain}")
                table.add_row(where, said)
            else:
                where = Text(f"{synced.plain} · ").append_text(source).append(f" · {kind.plain}\n")
                table.add_row(where.append_text(said))
        return table

    return Fitted("Changes from 'ccal sync', newest first", build)


def _cells(change: dict[str, Any], zone: tzinfo) -> tuple[Text, ...]:
    """One change's six cells, as Text (a title's "[...]" is not Rich markup)."""
    try:
        at = datetime.fromisoformat(str(change["time"]).replace("Z", "+00:00"))
        synced = at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        synced = str(change.get("time"))
    return (
        Text(synced),
        Text(table_text(str(change.get("source")))),
        Text(str(change.get("kind"))),
        Text(table_text(str(change.get("id")))),
        Text(table_text(str(change.get("label") or ""))),
        Text(table_text(what_text(change))),
    )
