"""The live countdown on a terminal: Rich Live redrawn once a second until done or Ctrl-C."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from datetime import tzinfo
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from ccal.controlchars import printable
from ccal.render.countdown import Frame, gone_clocks, left_text, target_clocks
from ccal.render.timefmt import label_text


def frame_view(frame: Frame, display: tzinfo) -> Panel:
    """Title, label, both clocks and the countdown; a notice when a deadline has just gone by."""
    parts: list[Any] = []
    if frame.passed is not None:
        gone = frame.passed
        parts.append(
            Text(
                f"✓ {label_text(gone)} of {printable(gone.opportunity.title)} passed at "
                f"{gone_clocks(gone, display)}",
                style="dim",
            )
        )
    target = frame.target
    if target is None:
        parts.append(Text("Nothing else ahead."))
        return Panel(Group(*parts), title="ccal countdown", title_align="left")
    if parts:
        parts.append(Text("Next:", style="dim"))
    parts.append(Text(printable(target.opportunity.title), style="bold"))
    parts.append(Text(label_text(target)))
    parts.append(Text(target_clocks(target, frame.now, display)))
    parts.append(Text(left_text(target, frame.now), style="bold yellow"))
    parts.append(Text("Ctrl-C to stop", style="dim"))
    return Panel(Group(*parts), title="ccal countdown", title_align="left")


def show_live(console: Console, ticks: Iterable[Frame], display: tzinfo) -> None:
    """Draw each frame in place; Ctrl-C ends the view quietly (the caller exits 0).

    SIGTERM (``kill``, a closing tmux pane) and SIGHUP (a closed terminal) end it the same way:
    killed outright, the process would leave the terminal's cursor hidden.
    """
    from rich.live import Live

    try:
        # auto_refresh=False: redraw exactly once per frame, from this thread, no timer thread.
        with (
            _stopping_on_signals(),
            Live(console=console, auto_refresh=False, transient=False) as live,
        ):
            for frame in ticks:
                live.update(frame_view(frame, display), refresh=True)
    except KeyboardInterrupt:
        with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
            console.print()


@contextlib.contextmanager
def _stopping_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP raise KeyboardInterrupt, as Ctrl-C does, so Rich's Live restores the
    cursor on its way out; the earlier handlers come back afterwards."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():  # only main may set them
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    earlier = {number: signal.signal(number, interrupt) for number in wanted}
    try:
        yield
    finally:
        for number, handler in earlier.items():
            signal.signal(number, handler)
