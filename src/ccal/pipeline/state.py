"""The pipeline state file: a status and dated notes per entry id, in hand-editable TOML.

One table per id (``[clusters-2027]`` with ``status``, ``since`` and ``notes``), in the user data
dir, apart from the data files: it works for shipped, imported and synced data and survives
re-imports. Reading is standard library only (``tomllib``), so the fast path can ask it too;
writing keeps the user's comments and layout (``tomlkit``), under the lock ``add`` uses, with an
atomic replace, and only a text that reads back valid is ever written.
"""

from __future__ import annotations

import os
from collections import namedtuple

# Standard library only, and little of it: the fast path reads marks on every hot call.
TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: importing typing costs the fast path
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import datetime
    from pathlib import Path
    from typing import Any

    from ccal.errors import Problem

STATUSES = ("watching", "preparing", "submitted", "done", "dropped")
CLOSED = ("done", "dropped")  # off the default listings (``--all`` or ``--status`` show them)
NEW_STATE_TEXT = (
    "# Your own pipeline: 'ccal mark' and 'ccal note' write it; edit it by hand if you like.\n"
    "# One table per opportunity id: status (one of " + ", ".join(STATUSES) + "), since, notes.\n"
    "version = 1\n"
)


class Note(namedtuple("Note", "at text")):
    """One dated note: ``at`` (aware datetime) and ``text``."""

    __slots__ = ()


class Mark(namedtuple("Mark", "status since notes", defaults=(None, None, ()))):
    """What the user said about one opportunity: a status (or None), since when (an aware
    datetime or None), and a tuple of ``Note``."""

    __slots__ = ()


class State(namedtuple("State", "path marks")):
    """The whole state file: its path and the marks by id (in file order)."""

    __slots__ = ()

    def status_of(self, opportunity_id: str) -> str | None:
        mark = self.marks.get(opportunity_id)
        return mark.status if mark is not None else None


def state_path() -> Path:
    from pathlib import Path

    from ccal.pipeline.paths import state_file_name

    return Path(state_file_name())


# --- reading -------------------------------------------------------------------------------------


def parse_state(text: str, path: Path | str) -> tuple[dict[str, Mark], list[Problem]]:
    """The marks in ``text`` and every problem found (located ``FILE:LINE:COL``); never raises."""
    import tomllib

    name = str(path)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        from ccal.errors import Problem

        return {}, [Problem(name, f"not valid TOML: {exc}")]
    problems: list[Problem] = []

    def problem(
        loc: tuple[Any, ...], message: str, entry: str | None = None, field: str | None = None
    ) -> None:
        # Only a problem needs these (the fast path reads valid files on every hot call).
        from ccal.errors import Problem
        from ccal.locator import TomlLocator

        line, column = TomlLocator(text).locate(loc)
        problems.append(Problem(name, message, line, column, entry=entry, field=field))

    marks: dict[str, Mark] = {}
    for key, value in raw.items():
        if key == "version":
            if value != 1:
                problem((key,), "unknown 'version' (this ccal reads version = 1)")
            continue
        if not isinstance(value, dict):
            problem((key,), "expected a table per opportunity id, e.g. [my-call]", key)
            continue
        mark = _mark(key, value, lambda loc, msg, f=None, k=key: problem((k, *loc), msg, k, f))
        if mark is not None:
            marks[key] = mark
    return marks, problems


def _mark(key: str, table: dict[str, Any], problem: Callable[..., None]) -> Mark | None:
    unknown = sorted(set(table) - {"status", "since", "notes"})
    for field in unknown:
        problem((field,), f"unknown key '{field}' (status, since and notes are known)", field)
    status = table.get("status")
    if status is not None and status not in STATUSES:
        problem(("status",), f"unknown status {status!r} (one of {', '.join(STATUSES)})", "status")
        status = None
    since = table.get("since")
    if since is not None and not _aware(since):
        problem(("since",), "must be a date-time with an offset (2026-12-01T09:00:00Z)", "since")
        since = None
    notes: list[Note] = []
    raw_notes = table.get("notes", [])
    if not isinstance(raw_notes, list):
        problem(("notes",), "must be an array of { at = ..., text = ... }", "notes")
        raw_notes = []
    for number, note in enumerate(raw_notes):
        where = f"notes[{number}]"
        if (
            not isinstance(note, dict)
            or set(note) != {"at", "text"}
            or not _aware(note["at"])
            or not isinstance(note["text"], str)
        ):
            message = "a note is { at = <date-time with offset>, text = ... }"
            problem(("notes", number), message, where)
            continue
        notes.append(Note(note["at"], note["text"]))
    return Mark(status, since, tuple(notes))


def _aware(value: Any) -> bool:
    from datetime import datetime

    return isinstance(value, datetime) and value.utcoffset() is not None


def read_state(path: Path | str | None = None) -> tuple[State, list[Problem]]:
    """The state file (empty if there is none) and its problems."""
    from ccal.pipeline.paths import state_file_name

    path = path or state_file_name()  # a str: no pathlib on the fast path
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8-sig")
    except FileNotFoundError:
        return State(path, {}), []
    except (OSError, UnicodeDecodeError) as exc:
        from ccal.errors import Problem

        return State(path, {}), [Problem(str(path), f"cannot read the state file: {exc}")]
    marks, problems = parse_state(text, path)
    return State(path, marks), problems


def load_state(path: Path | str | None = None) -> State:
    """The state file, or a ``DataError`` naming every problem in it (nothing is guessed)."""
    state, problems = read_state(path)
    if problems:
        from ccal.errors import DataError

        raise DataError(problems)
    return state


def orphan_problems(state: State, known_ids: Iterable[str]) -> list[Problem]:
    """Warnings for marks whose id no active file knows any more (a call taken off the portal):
    kept, never dropped, and reported by ``ccal validate``."""
    from ccal.errors import Problem
    from ccal.locator import TomlLocator

    known = set(known_ids)
    text = _text_or_empty(state.path)

    locator = TomlLocator(text)
    found = []
    for opportunity_id in state.marks:
        if opportunity_id not in known:
            line, column = locator.locate((opportunity_id,))
            found.append(
                Problem(
                    str(state.path),
                    "no active data file has this id any more; its status and notes are kept",
                    line,
                    column,
                    entry=opportunity_id,
                    severity="warning",
                )
            )
    return found


def _text_or_empty(path: Path | str) -> str:
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return ""


# --- writing -------------------------------------------------------------------------------------


def rewrite(change: Callable[[str], str], path: Path | None = None) -> str:
    """Apply ``change`` to the state file's text under the lock ``add`` uses; write atomically,
    and only if the new text reads back without a problem. The one place the state is written."""
    from ccal import store
    from ccal.errors import CcalError, DataError

    path = path or state_path()
    try:
        with store.locked(path, create_parents=True) as real:  # the writers' lock, re-entrant
            old = store.read_text(real)
            new = change(old if old is not None else NEW_STATE_TEXT)
            _marks, problems = parse_state(new, path)
            if problems:
                raise DataError(problems)
            store.atomic_write(real, new.encode("utf-8"))
    except OSError as exc:
        raise CcalError(f"{path}: cannot write the file: {exc.strerror or exc}") from None
    return new


def _edit(text: str, opportunity_id: str, edit: Callable[[Any], None]) -> str:
    import tomlkit

    document = tomlkit.parse(text)
    table = document.get(opportunity_id)
    if table is None:
        table = tomlkit.table()
        document[opportunity_id] = table
    edit(table)
    if not table:  # nothing left to say about it
        del document[opportunity_id]
    return tomlkit.dumps(document)


def set_status(text: str, opportunity_id: str, status: str, now: datetime) -> str:
    """The text with ``status`` set; ``since`` moves only when the status changes."""

    def edit(table: Any) -> None:
        changed = table.get("status") != status or "since" not in table
        table["status"] = status
        if changed:
            table["since"] = now.replace(microsecond=0)

    return _edit(text, opportunity_id, edit)


def clear_status(text: str, opportunity_id: str) -> str:
    """The text without the id's status and since; its notes are kept (they are history)."""

    def edit(table: Any) -> None:
        for key in ("status", "since"):
            if key in table:
                del table[key]

    return _edit(text, opportunity_id, edit)


def add_note(text: str, opportunity_id: str, note: str, now: datetime) -> str:
    """The text with a dated note appended to the id's notes."""
    import tomlkit

    def edit(table: Any) -> None:
        if "notes" not in table:
            notes = tomlkit.array()
            notes.multiline(True)
            table["notes"] = notes
        entry = tomlkit.inline_table()
        entry.update({"at": now.replace(microsecond=0), "text": note})
        table["notes"].append(entry)

    return _edit(text, opportunity_id, edit)


def exists() -> bool:
    """Whether there is a state file at all (the fast path steps aside when there is)."""
    from ccal.pipeline.paths import state_file_name

    return os.path.isfile(state_file_name())
