"""The ccal command line: parse options, ask the core, pick a renderer, map errors to exit codes.

Each module registers its commands on the one app; none holds business logic or formatting.

The command modules do not use ``from __future__ import annotations``: Typer evaluates every
parameter annotation at run time, and string annotations are compiled and evaluated again for
each command on every start (about 5 ms of ``ccal --help``); real annotations cost a name lookup.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from ccal.cli import (  # noqa: F401  (registration)
    authoring,
    countdown,
    export,
    importing,
    listing,
    notify,
    pipeline,
    publish,
    series,
    syncing,
)
from ccal.cli.app import app

__all__ = ["app", "run"]


def run() -> None:
    """Console-script entry point."""
    import os
    import sys

    from ccal import index

    index.freeze_first_load = True  # one command, then the process ends
    # The root help: a line per command, no options. Not when a shell asks for completions:
    # it calls ccal with no arguments too (the words typed are in the environment), and the
    # commands' options, --kind values and ids must be there to complete.
    completing = "_CCAL_COMPLETE" in os.environ
    if sys.argv[1:] in ([], ["--help"]) and not completing:
        with _commands_without_options():
            app()
        return
    app()


@contextlib.contextmanager
def _commands_without_options() -> Iterator[None]:
    """Build the commands without their options while the root help is printed.

    That help shows each command's name and first line only, yet Typer builds every option of
    every command first (``get_params_from_function``: ~100 options of 12 commands, ~5 ms of a
    ~130 ms ``ccal --help``). The root callback keeps its options (``--version``, ...). A test
    compares this help with the fully built one.
    """
    import typer.main

    # typer.main imports the function from typer.utils and does not re-export it (mypy).
    hooked: Any = typer.main
    real = hooked.get_params_from_function
    root = app.registered_callback.callback if app.registered_callback else None

    def params(function: Callable[..., Any]) -> dict[str, Any]:
        return real(function) if function is root else {}

    hooked.get_params_from_function = params
    try:
        yield
    finally:
        hooked.get_params_from_function = real
