"""Where data comes from: the shipped dataset and the user's file, or ``--data``/``CCAL_DATA``.

Standard library only at import time: the start-up fast path (``fastpath.py``) asks the same
questions, and ``importlib.resources`` or ``platformdirs`` would cost it 10–13 ms each.
"""

from __future__ import annotations

import os
import posixpath
import sys
from pathlib import Path

DATA_FILE_NAME = "opportunities.toml"
EU_PORTAL_FILE_NAME = "eu-portal.toml"
APP_NAME = "ccal"


def shipped_dataset() -> Path:
    """The ECCP dataset inside the installed package (or the checkout, for editable installs)."""
    packaged = Path(__file__).resolve().parent / "data" / DATA_FILE_NAME
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "data" / DATA_FILE_NAME


def user_data_file() -> Path:
    """The user's own file, e.g. ``~/.local/share/ccal/opportunities.toml`` on Linux."""
    return user_dir("XDG_DATA_HOME", ".local/share") / DATA_FILE_NAME


def eu_portal_file() -> Path:
    """Where ``ccal import eu-portal`` writes by default, beside the user's own file."""
    return user_data_file().with_name(EU_PORTAL_FILE_NAME)


def user_cache_dir() -> Path:
    """Where ccal keeps disposable things (the index), e.g. ``~/.cache/ccal`` on Linux."""
    return user_dir("XDG_CACHE_HOME", ".cache")


def user_dir(xdg_variable: str, home_default: str) -> Path:
    """``platformdirs``' answer for ccal, computed without importing it in the common Linux case.

    On Linux, platformdirs takes an absolute ``$XDG_…`` variable, else the default under an
    absolute ``$HOME`` (a test pins this equivalence); anything else asks platformdirs itself.
    """
    if sys.platform.startswith("linux"):
        configured = os.environ.get(xdg_variable, "")
        if posixpath.isabs(configured):
            return Path(configured) / APP_NAME
        home = os.environ.get("HOME", "")
        if posixpath.isabs(home):
            return Path(posixpath.join(os.path.expanduser("~"), home_default, APP_NAME))
    import platformdirs

    if xdg_variable == "XDG_CACHE_HOME":
        return platformdirs.user_cache_path(APP_NAME, appauthor=False)
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def active_sources(explicit: list[Path] | None = None) -> list[Path]:
    """The files to read: explicit paths replace the default.

    The default is the shipped dataset, then the user's own file and the EU portal import,
    each only if it exists.
    """
    if explicit:
        return list(explicit)
    paths = [shipped_dataset()]
    paths.extend(path for path in (user_data_file(), eu_portal_file()) if path.is_file())
    return paths
