"""The ccal command line: parse options, ask the core, pick a renderer, map errors to exit codes.

Each module registers its commands on the one app; none holds business logic or formatting.

The command modules do not use ``from __future__ import annotations``: Typer evaluates every
parameter annotation at run time, and string annotations are compiled and evaluated again for
each command on every start (about 5 ms of ``ccal --help``); real annotations cost a name lookup.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ccal.cli.root import CcalTyper

__all__ = ["app", "run"]


def __getattr__(name: str) -> CcalTyper:
    """``from ccal.cli import app``: the app with every command module registered on it.

    The modules are imported on first use, not with the package, so that ``ccal --help`` can be
    printed without them (``run``)."""
    if name != "app":
        raise AttributeError(f"module 'ccal.cli' has no attribute {name!r}")
    from ccal.cli.root import COMMANDS, app

    for module in dict.fromkeys(module for module, _summary in COMMANDS.values()):
        importlib.import_module(f"ccal.cli.{module}")
    return app


def run() -> None:
    """Console-script entry point."""
    import os
    import sys

    # The root help: a line per command, no options, from ``root.COMMANDS`` alone. Not when a
    # shell asks for completions: it calls ccal with no arguments too (the words typed are in
    # the environment), and the commands' options, --kind values and ids must be there.
    completing = "_CCAL_COMPLETE" in os.environ
    if sys.argv[1:] in ([], ["--help"]) and not completing:
        from ccal.cli.root import summary_app

        summary_app()()
        return
    from ccal import index

    index.freeze_first_load = True  # one command, then the process ends
    __getattr__("app")()
