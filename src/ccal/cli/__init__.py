"""The ccal command line: parse options, ask the core, pick a renderer, map errors to exit codes.

Each module registers its commands on the one app; none holds business logic or formatting.

The command modules do not use ``from __future__ import annotations``: Typer evaluates every
parameter annotation at run time, and string annotations are compiled and evaluated again for
each command on every start (about 5 ms of ``ccal --help``); real annotations cost a name lookup.
"""

from __future__ import annotations

from ccal.cli import authoring, countdown, export, importing, listing  # noqa: F401  (registration)
from ccal.cli.app import app

__all__ = ["app", "run"]


def run() -> None:
    """Console-script entry point."""
    app()
