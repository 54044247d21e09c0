"""Where data comes from: the shipped dataset and the user's file, or ``--data``/``CCAL_DATA``.

Standard library only at import time: the start-up fast path (``fastpath.py``) asks the same
questions, and ``importlib.resources`` or ``platformdirs`` would cost it 10–13 ms each.
"""

from __future__ import annotations

import os
import posixpath
import sys

TYPE_CHECKING = False  # pathlib (~3 ms) is imported where a Path is made, not by the fast path
if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

DATA_FILE_NAME = "opportunities.toml"
EU_PORTAL_FILE_NAME = "eu-portal.toml"
APP_NAME = "ccal"


def shipped_dataset() -> Path:
    """The ECCP dataset inside the installed package (or the checkout, for editable installs)."""
    from pathlib import Path

    return Path(shipped_dataset_name())


def shipped_dataset_name() -> str:
    """``shipped_dataset`` as text: the start-up fast path answers without importing pathlib."""
    here = os.path.dirname(os.path.realpath(__file__))
    packaged = os.path.join(here, "data", DATA_FILE_NAME)
    if os.path.isfile(packaged):
        return packaged
    return os.path.join(os.path.dirname(os.path.dirname(here)), "data", DATA_FILE_NAME)


def user_data_file() -> Path:
    """The user's own file, e.g. ``~/.local/share/ccal/opportunities.toml`` on Linux."""
    return user_dir("XDG_DATA_HOME", ".local/share") / DATA_FILE_NAME


def eu_portal_file() -> Path:
    """Where ``ccal import eu-portal`` writes by default, beside the user's own file."""
    return user_data_file().with_name(EU_PORTAL_FILE_NAME)


def user_cache_dir() -> Path:
    """Where ccal keeps disposable things (the index), e.g. ``~/.cache/ccal`` on Linux."""
    return user_dir("XDG_CACHE_HOME", ".cache")


def user_cache_dir_name() -> str:
    return user_dir_name("XDG_CACHE_HOME", ".cache")


def user_dir(xdg_variable: str, home_default: str) -> Path:
    from pathlib import Path

    return Path(user_dir_name(xdg_variable, home_default))


def user_dir_name(xdg_variable: str, home_default: str) -> str:
    """``platformdirs``' answer for ccal, computed without importing it in the common Linux case.

    On Linux, platformdirs takes an absolute ``$XDG_…`` variable, else the default under an
    absolute ``$HOME`` (a test pins this equivalence); anything else asks platformdirs itself.
    """
    if sys.platform.startswith("linux"):
        configured = os.environ.get(xdg_variable, "")
        if posixpath.isabs(configured):
            return posixpath.join(configured, APP_NAME)
        home = os.environ.get("HOME", "")
        if posixpath.isabs(home):
            return posixpath.join(os.path.expanduser("~"), home_default, APP_NAME)
    import platformdirs

    if xdg_variable == "XDG_CACHE_HOME":
        return str(platformdirs.user_cache_path(APP_NAME, appauthor=False))
    return str(platformdirs.user_data_path(APP_NAME, appauthor=False))


def source_names(explicit: list[str] | None = None) -> list[str]:
    """``active_sources`` as text (for the fast path): the same files in the same order."""
    if explicit:
        return distinct(explicit)
    names = [shipped_dataset_name()]
    data = user_dir_name("XDG_DATA_HOME", ".local/share")
    from ccal.importers.registry import default_files

    for name in (DATA_FILE_NAME, *default_files()):
        candidate = os.path.join(data, name)
        if os.path.isfile(candidate):
            names.append(candidate)
    return distinct(names)


def distinct(paths: list) -> list:
    """Each file once, in first-seen order: a path named twice, or a link beside its target,
    would otherwise be read twice and report every id in it as a duplicate of itself."""
    seen: set[str] = set()
    unique = []
    for path in paths:
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            unique.append(path)
    return unique


def active_sources(explicit: list[Path] | None = None) -> list[Path]:
    """The files to read, each once: explicit paths replace the default.

    The default is the shipped dataset, then the user's own file and each importer's default
    output file (``eu-portal.toml``, …; see ``importers.registry``), each only if it exists.
    """
    if explicit:
        return distinct(explicit)
    from pathlib import Path

    return [Path(name) for name in source_names()]


def declared_kinds(paths: Iterable[Path]) -> tuple[str, ...]:
    """The kinds the files declare at their top (``kinds = ["conference"]``), in file order.

    The catalog knows the kinds its opportunities use; this reads what a file declares but does
    not use yet. Unreadable files declare nothing here (loading them reports why).
    """
    from ccal.loader import parse_toml

    found: dict[str, None] = {}
    for path in sorted(paths):
        try:
            kinds = parse_toml(path.read_text(encoding="utf-8-sig")).get("kinds")
        except (OSError, ValueError):
            continue
        found.update(dict.fromkeys(k for k in kinds or () if isinstance(k, str)))
    return tuple(found)
