"""Long tables on a terminal go through a pager, as git does; never when stdout is not one.

The pager is ``$CCAL_PAGER``, else ``$PAGER``, else ``less``; ``less`` gets ``LESS=FRX`` unless
``LESS`` is set (quit when it fits, keep colours, leave the text on screen). An empty value or
``cat`` means none, and so does ``ccal --no-pager``. Only output taller than the terminal is
paged: a short table costs no extra process.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

enabled = True  # ``ccal --no-pager`` turns it off for the run


def pager_command() -> str | None:
    """The pager to run, or None for none (git's rules, with ``CCAL_PAGER`` first)."""
    for name in ("CCAL_PAGER", "PAGER"):
        if name in os.environ:
            chosen = os.environ[name].strip()
            return None if chosen in ("", "cat") else chosen
    return "less"


def console() -> Console:
    """The console a table command prints to: the terminal's, or, where a pager may be used,
    one that keeps the output (same width, height and colours) for ``done`` to page."""
    import io

    from rich.console import Console

    from ccal.render.table import make_console

    real = make_console()
    command = pager_command() if enabled and _is_terminal() else None
    if command is None:
        return real
    kept = Console(
        file=io.StringIO(),
        force_terminal=True,
        color_system=real.color_system,  # type: ignore[arg-type]  # a str Console takes back
        width=real.width,
        height=real.height,
        highlight=False,
    )
    kept._ccal_pager = command  # type: ignore[attr-defined]  # our own mark on this Console
    return kept


def done(printed: Console) -> None:
    """Show what ``console()`` kept: in the pager when taller than the terminal, else as is."""
    command = getattr(printed, "_ccal_pager", None)
    if command is None:
        return
    text = printed.file.getvalue()  # type: ignore[attr-defined]  # the StringIO made above
    if text.count("\n") < printed.height or not _run(command, text):
        sys.stdout.write(text)
        sys.stdout.flush()


def _is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def _run(command: str, text: str) -> bool:
    """Show ``text`` in the pager (through the shell, as git runs it); False if it cannot
    start, so the caller prints instead. Ctrl-C belongs to the pager while it runs."""
    import shlex
    import shutil
    import signal
    import subprocess

    words = shlex.split(command)
    if not words or shutil.which(words[0]) is None:
        return False
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")
    env.setdefault("LV", "-c")
    sys.stdout.flush()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        process = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
        assert process.stdin is not None
        with contextlib.suppress(BrokenPipeError):  # quit before the end: fine
            process.stdin.write(text.encode("utf-8", errors="replace"))
        with contextlib.suppress(BrokenPipeError):
            process.stdin.close()
        process.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
    return True
