"""What ``mark`` and ``note`` do: check the id against the active data, then change the state file
(``state.rewrite``, the one place it is written) and say what changed."""

from __future__ import annotations

from typing import Any

from ccal.pipeline import state


def _known(session: Any, opportunity_id: str) -> None:
    """Refuse an id no active file knows (with "did you mean"), unless the state file already
    keeps it (an orphan: its status can still be changed or cleared)."""
    from ccal.errors import LookupFailed

    try:
        session.catalog().find(opportunity_id)
    except LookupFailed:
        if opportunity_id not in session.marks:
            raise


def mark(session: Any, opportunity_id: str, status: str, note: str | None) -> str:
    _known(session, opportunity_id)
    before = session.marks.get(opportunity_id)

    def change(text: str) -> str:
        text = state.set_status(text, opportunity_id, status, session.now)
        return state.add_note(text, opportunity_id, note, session.now) if note else text

    state.rewrite(change)
    was = before.status if before is not None else None
    how = f" (was {was})" if was and was != status else ""
    noted = " with a note" if note else ""
    return f"Marked '{opportunity_id}' {status}{how}{noted}."


def clear(session: Any, opportunity_id: str) -> str:
    _known(session, opportunity_id)
    before = session.marks.get(opportunity_id)
    if before is None or before.status is None:
        return f"'{opportunity_id}' has no status; nothing changed."
    state.rewrite(lambda text: state.clear_status(text, opportunity_id))
    count = len(before.notes)
    kept = f"; {count} note{'' if count == 1 else 's'} kept" if count else ""
    return f"Cleared the status of '{opportunity_id}' (was {before.status}{kept})."


def note(session: Any, opportunity_id: str, text: str) -> str:
    _known(session, opportunity_id)
    before = session.marks.get(opportunity_id)
    state.rewrite(lambda old: state.add_note(old, opportunity_id, text, session.now))
    count = (len(before.notes) if before is not None else 0) + 1
    return f"Noted on '{opportunity_id}' ({count} note{'' if count == 1 else 's'})."
