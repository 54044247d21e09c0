"""Where data comes from: the shipped dataset and the user's file, or ``--data``/``CCAL_DATA``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DATA_FILE_NAME = "opportunities.toml"
EU_PORTAL_FILE_NAME = "eu-portal.toml"


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


def eu_portal_file() -> Path:
    """Where ``ccal import eu-portal`` writes by default, beside the user's own file."""
    return user_data_file().with_name(EU_PORTAL_FILE_NAME)


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
