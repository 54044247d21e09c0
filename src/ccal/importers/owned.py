"""Files an importer owns: its header line says so, and ``add``/``extend`` leave them alone.

Every file ``ccal import …`` (and later ``ccal sync``) writes starts with ``# Imported by `ccal
…``` (``eu_portal.HEADER``); the next import replaces it whole, so an edit there would silently
vanish. Standard library only: ``add`` and ``extend`` ask before they touch a file.
"""

from __future__ import annotations

import os

from ccal.importers.registry import OWNED_PREFIX


def owner_of_text(head: str) -> str | None:
    """The command that wrote a file starting with ``head`` (``ccal import eu-portal``), or
    None for a file no importer owns."""
    head = head.removeprefix("\ufeff")
    if not head.startswith(OWNED_PREFIX):
        return None
    command = head[len("# Imported by `") :].split("`", 1)[0]
    return command or None


def owner_of(path: str | os.PathLike[str]) -> str | None:
    """``owner_of_text`` of the file at ``path``; None when it cannot be read (not ours to
    judge: the write itself reports that, as it does for a FIFO, which would block here).

    A file of ``ccal sync`` (``sources/NAME.toml``) carries its format's import header, but it
    is ``ccal sync NAME`` that replaces it: that is the command to name.
    """
    if not os.path.isfile(path):
        return None
    try:
        with open(path, "rb") as handle:
            head = handle.read(256).decode("utf-8", errors="replace")
    except OSError:
        return None
    command = owner_of_text(head)
    if command is not None:
        from ccal.sources import synced_dir

        folder, name = os.path.split(os.path.realpath(path))
        if folder == os.path.realpath(synced_dir()) and name.endswith(".toml"):
            return f"ccal sync {name.removesuffix('.toml')}"
    return command
