"""A reader that stopped early (``ccal … | head``): the one way both the Typer app and the fast
path go quiet. Standard library only: the fast path imports it when a pipe closes."""

from __future__ import annotations

import os
import sys


def silence_stdout() -> None:
    """Point stdout at /dev/null, so the interpreter's last flush at exit raises nothing more
    (Python would print "Exception ignored … BrokenPipeError" and exit 120)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (a test harness): nothing to flush
        pass
