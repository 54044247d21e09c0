"""Where data comes from: the shipped dataset and the user's file, or ``--data``/``CCAL_DATA``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DATA_FILE_NAME = "opportunities.toml"


def shipped_dataset() -> Path:
    """The ECCP dataset inside the installed package (or the checkout, for editable installs)."""
    packaged = Path(str(resources.files("ccal"))) / "data" / DATA_FILE_NAME
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "data" / DATA_FILE_NAME


def user_data_file() -> Path:
    """The user's own file, e.g. ``~/.local/share/ccal/opportunities.toml`` on Linux."""
    from platformdirs import user_data_path

    return user_data_path("ccal", appauthor=False) / DATA_FILE_NAME


def active_sources(explicit: list[Path] | None = None) -> list[Path]:
    """The files to read: explicit paths replace the default (shipped + user file if present)."""
    if explicit:
        return list(explicit)
    paths = [shipped_dataset()]
    user_file = user_data_file()
    if user_file.is_file():
        paths.append(user_file)
    return paths
