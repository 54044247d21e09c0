"""``ccal notify`` with nothing to send, answered by the fast path (standard library only).

It runs every few minutes all day, and the answer is nearly always "nothing": the state file,
the ``[notify]`` table, the sent-log and the index are read with the standard library, and the
one rule (``due.pending``) decides. Anything due, anything unusual (a config value it does not
expect, a broken state file or log) is left to the Typer app, which validates, sends and
records under the lock.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _settings() -> dict[str, Any] | None:
    """``[notify]`` as plain values, or None where ``NotifySettings`` should have its say."""
    from ccal.pipeline import due
    from ccal.pipeline.channels import TYPES
    from ccal.pipeline.paths import read_notify_table  # tomllib, no pydantic

    try:
        table = read_notify_table()
    except Exception:
        return None
    if not isinstance(table, dict) or set(table) - {
        "scope",
        "thresholds",
        "by_status",
        "late_after",
        "channels",
    }:
        return None
    scope = table.get("scope", "mine")
    thresholds = table.get("thresholds", list(due.DEFAULT_THRESHOLDS))
    by_status = table.get("by_status", {})
    late_after = table.get("late_after", due.DEFAULT_LATE_AFTER)
    channels = table.get("channels", due.DEFAULT_CHANNELS)
    if (
        scope not in ("mine", "all")
        or not isinstance(thresholds, list)
        or not isinstance(by_status, dict)
        or not all(isinstance(v, list) for v in by_status.values())
        or not isinstance(channels, dict)
        or not all(isinstance(c, dict) and c.get("type") in TYPES for c in channels.values())
    ):
        return None
    try:
        every = [due.thresholds_for(thresholds, by_status, s) for s in (None, *by_status)]
        late = due.threshold_seconds(late_after)
    except (ValueError, TypeError, AttributeError):
        return None
    return {
        "scope": scope,
        "thresholds": thresholds,
        "by_status": by_status,
        "late_after": late,
        "channels": list(channels),
        "horizon": max((t for ts in every for t in ts), default=0),
    }


def nothing_due(session: Any) -> bool:
    """True when ``ccal notify`` has nothing to send at ``session.now_us``; False when it may
    have (or cannot tell): the Typer app then answers."""
    from ccal.pipeline import due
    from ccal.pipeline.paths import sent_log_name
    from ccal.pipeline.select import Selection
    from ccal.pipeline.state import read_state

    settings = _settings()
    if settings is None:
        return False
    state, problems = read_state()
    if problems:
        return False
    selection = Selection(mine=settings["scope"] == "mine")
    statuses = {i: m.status for i, m in state.marks.items()}
    if settings["scope"] == "mine" and not any(selection.keeps(s) for s in statuses.values()):
        return True  # nothing marked: nothing to remind about
    try:
        log = due.SentLog.read(sent_log_name())
    except (ValueError, OSError):
        return False
    from ccal import timeline

    index, now_us = session.index, session.now_us
    if index.open_series:  # series without an end: the app expands them
        return False
    ids = dict(index.connection.execute("SELECT seq, id FROM items"))
    found = []
    end_us = now_us + settings["horizon"] * due.SECOND_US
    chosen = timeline.select(
        index.rows_from(now_us - index.max_span_us),
        now_us,
        lambda row: (row["item"], row["at_us"], row["due_us"], row["start_us"]),
        high_us=end_us,
        lead_us=index.lead_us,
    )
    for row, _status in chosen:
        opportunity_id = ids[row["item"]]
        status = statuses.get(opportunity_id)
        if selection.keeps(status):
            found.append(due.Candidate(opportunity_id, row["label"], row["at_us"], status))

    def thresholds_for(status: str | None) -> list[int]:
        return due.thresholds_for(settings["thresholds"], settings["by_status"], status)

    pending = due.pending(
        found, thresholds_for, settings["channels"], log, now_us, settings["late_after"]
    )
    return not pending
