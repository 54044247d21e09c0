"""Long tables on a terminal go through a pager, as git does; never when stdout is not one.

The pager is ``$CCAL_PAGER``, else ``$PAGER``, else ``less``; ``less`` gets ``LESS=FRX`` unless
``LESS`` is set (quit when it fits, keep colours, leave the text on screen). An empty value or
``cat`` means none, and so does ``ccal --no-pager``. Only output taller than the terminal is
paged: a short table costs no extra process. A long one reaches the pager as it is rendered,
chunk by chunk (``show``), so its first screen does not wait for the last row.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import subprocess

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
    one (same width, height and colours) that writes to a ``_Feed``: kept while it fits on the
    screen, then given to the pager as it is printed."""
    from ccal.render.table import PipeConsole, make_console

    real = make_console()
    command = pager_command() if enabled and _is_terminal() else None
    if command is None:
        return real
    return PipeConsole(
        file=_Feed(command, real.height),  # type: ignore[arg-type]  # write/flush: all Rich uses
        force_terminal=True,
        color_system=real.color_system,  # type: ignore[arg-type]  # a str Console takes back
        width=real.width,
        height=real.height,
        highlight=False,
    )


def show(printed: Console, *renderables: Any) -> None:
    """Print each renderable; a long table in its ``parts`` (``render.table.Fitted``), each
    written as soon as it is rendered, so the first screen is on the terminal, or in the pager,
    while the rest is drawn. Once the pager has quit, nothing more is rendered."""
    feed = printed.file if isinstance(printed.file, _Feed) else None
    for renderable in renderables:
        parts = renderable.parts() if hasattr(renderable, "parts") else [renderable]
        for part in parts:
            if feed is not None and feed.gone:
                return
            printed.print(part)


def done(printed: Console) -> None:
    """Finish what ``console()`` began: print what was kept (it fitted on the screen, or no
    pager could start), or close the pager's input and wait for it."""
    feed = printed.file
    if isinstance(feed, _Feed):
        feed.finish()


class _Feed:
    """Where a console on a terminal writes while a pager may be needed (``console()``).

    Text is kept until it is taller than the screen; then the pager starts (through the shell,
    as git runs it) with what was kept, and everything written later goes to it at once. Ctrl-C
    belongs to the pager while it runs; a pager that quit early (``q``) makes later writes
    vanish (``gone``), and a pager that cannot start makes them go to stdout.
    """

    def __init__(self, command: str, height: int) -> None:
        self.command, self.height = command, height
        self.kept: list[str] = []
        self.lines = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.direct = False  # no pager could start: to stdout
        self.gone = False  # the pager quit before the end
        self.previous: Any = None  # the SIGINT handler to restore

    def write(self, text: str) -> int:
        if self.gone:
            return len(text)
        if self.direct:
            sys.stdout.write(text)
            return len(text)
        if self.process is None:
            self.kept.append(text)
            self.lines += text.count("\n")
            if self.lines < self.height:
                return len(text)
            text, self.kept = "".join(self.kept), []
            if not self._start():
                self.direct = True
                sys.stdout.write(text)
                return len(text)
        self._send(text)
        return len(text)

    def flush(self) -> None:
        if self.direct:
            sys.stdout.flush()

    def isatty(self) -> bool:
        return True

    def _start(self) -> bool:
        import shlex
        import shutil
        import signal
        import subprocess

        words = shlex.split(self.command)
        if not words or shutil.which(words[0]) is None:
            return False
        env = dict(os.environ)
        env.setdefault("LESS", "FRX")
        env.setdefault("LV", "-c")
        sys.stdout.flush()
        self.previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        self.process = subprocess.Popen(self.command, shell=True, stdin=subprocess.PIPE, env=env)
        return True

    def _send(self, text: str) -> None:
        assert self.process is not None and self.process.stdin is not None
        try:
            self.process.stdin.write(text.encode("utf-8", errors="replace"))
            self.process.stdin.flush()
        except BrokenPipeError:  # quit before the end: fine
            self.gone = True

    def finish(self) -> None:
        if self.process is None:
            if not self.direct:
                sys.stdout.write("".join(self.kept))
            sys.stdout.flush()
            return
        import signal

        assert self.process.stdin is not None
        with contextlib.suppress(BrokenPipeError):
            self.process.stdin.close()
        self.process.wait()
        signal.signal(signal.SIGINT, self.previous)


def _is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False
