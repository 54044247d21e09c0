"""``ccal remove`` and ``ccal edit``: change one of the user's own opportunities in its file.

Only the user's own files: the shipped dataset and importer-owned files (a re-import replaces
them) are refused with a pointer to ``ccal mark ID dropped``. Both write through ``store.update``
(the lock, the whole result validated, an atomic replace), so a file is never left invalid.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ccal.errors import CcalError, UsageProblem

_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*opportunity[ \t]*\]\][ \t]*(#.*)?$")


def own_file_with(opportunity_id: str, data: list[Path] | None) -> tuple[Path, list[Path]]:
    """The user's file that holds ``opportunity_id`` and the other active files; refused with a
    pointer to ``mark ID dropped`` when the id lives in a file that is not the user's to edit."""
    from ccal.authoring import file_with  # the lookup ``extend`` uses

    try:
        path, others = file_with(opportunity_id, data)
    except UsageProblem as exc:  # a file ccal does not edit: its reason, then our pointer
        reason = exc.message.split(";")[0]
        raise UsageProblem(_not_yours(opportunity_id, reason)) from None
    command = _owner(path)
    if command is not None:
        reason = f"'{opportunity_id}' comes from {path}, which '{command}' writes and replaces"
        raise UsageProblem(_not_yours(opportunity_id, reason))
    return path, others


def _not_yours(opportunity_id: str, reason: str) -> str:
    return f"{reason}; 'ccal mark {opportunity_id} dropped' hides it from your listings instead"


def _owner(path: Path) -> str | None:
    """The command that writes ``path`` and replaces it whole (``importers.owned``), or None
    for a file of the user's own."""
    from ccal.importers.owned import owner_of
    from ccal.sources import eu_portal_file

    command = owner_of(path)
    if command is None and os.path.realpath(path) == os.path.realpath(eu_portal_file()):
        return "ccal import eu-portal"
    return command


# --- remove --------------------------------------------------------------------------------------


def without(text: str, opportunity_id: str) -> str:
    """``text`` without the ``[[opportunity]]`` table of ``opportunity_id`` (and the comment
    lines right above its header); every other byte as it was. Checked by parsing both texts:
    exactly that opportunity is gone, nothing else changed."""
    import tomllib

    before = tomllib.loads(text)
    opportunities = before.get("opportunity", [])
    index = next((i for i, o in enumerate(opportunities) if o.get("id") == opportunity_id), None)
    if index is None:
        raise CcalError(f"'{opportunity_id}' is not in this file any more; nothing changed")
    lines = text.splitlines(keepends=True)
    headers = [n for n, line in enumerate(lines) if _HEADER.match(line.rstrip("\r\n"))]
    if len(headers) != len(opportunities):
        raise UsageProblem(_unusual(opportunity_id))
    start = _with_comments_above(lines, headers[index])
    end = _with_comments_above(lines, headers[index + 1]) if index + 1 < len(headers) else None
    kept = lines[:start] + (lines[end:] if end is not None else [])
    new = "".join(kept)
    after = tomllib.loads(new) if new.strip() else {}
    expected = {**before, "opportunity": opportunities[:index] + opportunities[index + 1 :]}
    if not expected["opportunity"]:
        expected.pop("opportunity")
    if after != expected:
        raise UsageProblem(_unusual(opportunity_id))
    return new


def _unusual(opportunity_id: str) -> str:
    return (
        f"cannot cut '{opportunity_id}' out of this file cleanly (not written as "
        f"[[opportunity]] tables); use 'ccal edit {opportunity_id}'"
    )


def _with_comments_above(lines: list[str], header: int) -> int:
    """The first line of a header's block: the comment lines directly above it belong to it."""
    start = header
    while start > 0 and lines[start - 1].lstrip().startswith("#"):
        start -= 1
    return start


def remove(opportunity_id: str, data: list[Path] | None) -> Path:
    from ccal import store

    path, others = own_file_with(opportunity_id, data)
    store.update(path, lambda text: without(text, opportunity_id), others=others)
    return path


# --- edit ----------------------------------------------------------------------------------------


def line_of(text: str, opportunity_id: str) -> int:
    """The line of the opportunity's ``[[opportunity]]`` header (1-based), else 1."""
    import tomllib

    from ccal.locator import TomlLocator

    opportunities = tomllib.loads(text).get("opportunity", [])
    for index, opportunity in enumerate(opportunities):
        if opportunity.get("id") == opportunity_id:
            return TomlLocator(text).locate(("opportunity", index))[0] or 1
    return 1


def editor_command() -> list[str]:
    """``$VISUAL``, else ``$EDITOR``, else ``vi`` (as ``crontab -e``), split as a shell would."""
    import shlex

    chosen = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    return shlex.split(chosen)


def edit(opportunity_id: str, data: list[Path] | None, ask: Callable[[list[Any]], bool]) -> str:
    """Edit a copy of the file at the entry's line; replace the file only with a valid result.

    On errors ``ask(problems)`` says whether to edit again (True) or keep the old file.
    """
    import subprocess
    import tempfile

    from ccal import store
    from ccal.checking import check_text

    path, others = own_file_with(opportunity_id, data)
    original = store.read_text(path) or ""
    folder = tempfile.mkdtemp(prefix="ccal-edit-")
    copy = Path(folder) / path.name
    copy.write_text(original, encoding="utf-8", newline="")  # line endings as they are
    line = line_of(original, opportunity_id)
    try:
        while True:
            try:
                subprocess.run([*editor_command(), f"+{line}", str(copy)], check=True)
            except FileNotFoundError:
                raise CcalError(
                    f"editor '{editor_command()[0]}' not found (set VISUAL or EDITOR)"
                ) from None
            except subprocess.CalledProcessError as exc:
                raise CcalError(
                    f"the editor exited {exc.returncode}; {path} is unchanged"
                ) from None
            with open(copy, encoding="utf-8", newline="") as handle:
                new = handle.read()
            if new == original:
                return f"No changes to {path}."
            errors = [p for p in check_text(new, path, others) if p.severity == "error"]
            if not errors:
                break
            if not ask(errors):
                return f"Kept the old {path}; the edit was discarded."
            line = errors[0].line or line

        def change(current: str) -> str:
            if current != original:
                raise CcalError(f"{path} changed while you edited it; nothing written")
            return new

        store.update(path, change, others=others)  # validated again, under the lock
        return f"Saved {path}."
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
