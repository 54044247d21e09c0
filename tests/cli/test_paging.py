"""Long tables on a terminal go through the pager (as git does), never when piped: real
processes on a pseudo-terminal, with ``less`` itself and with a pager command that saves what
it is given."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time

from tests.conftest import DATA

LONG = ["list", "--all", "--as-of", "2022-06-01"]  # the shipped data: ~90 lines
SHORT = ["list", "--all", "--data", str(DATA / "countdown.toml"), "--as-of", "2022-06-01"]


def _on_terminal(args: list[str], env: dict[str, str], keys: bytes = b"") -> tuple[int, str]:
    """Run ccal on a 80x20 pseudo-terminal, type ``keys`` once it has drawn something; return
    the exit code and what reached the terminal."""
    controller, terminal = pty.openpty()
    import fcntl
    import struct
    import termios

    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 20, 80, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "ccal", *args], stdin=terminal, stdout=terminal,
        stderr=terminal, env={**env, "TERM": "xterm"}, start_new_session=True,
    )  # fmt: skip
    os.close(terminal)
    out, typed = b"", False
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.3)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        elif process.poll() is not None:
            break
        if keys and not typed and b"Opportunit" in out:
            time.sleep(0.3)
            os.write(controller, keys)
            typed = True
    os.close(controller)
    return process.wait(timeout=10), out.decode("utf-8", errors="replace")


def _env(tmp_path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PAGER", "CCAL_PAGER", "LESS")}
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    return {**env, **extra}


def test_a_long_table_on_a_terminal_goes_through_the_pager(tmp_path):
    saved = tmp_path / "paged.txt"
    code, shown = _on_terminal(LONG, _env(tmp_path, PAGER=f"cat > {saved}"))
    assert code == 0, shown
    paged = saved.read_text(encoding="utf-8")
    assert "\x1b[" in paged  # in colour, as on the terminal (less -R shows it)
    paged = re.sub(r"\x1b\[[0-9;]*m", "", paged)
    assert paged.startswith("Opportunities as of Wed 1 Jun 2022")
    assert paged.count("\n") > 20 and "cmr-2025-vaasa" in paged  # the whole table
    assert "cmr-2025-vaasa" not in shown  # the pager had it, not the terminal


def test_ccal_pager_wins_and_cat_or_empty_means_none(tmp_path):
    saved = tmp_path / "paged.txt"
    env = _env(tmp_path, PAGER=f"cat > {tmp_path / 'not-this.txt'}", CCAL_PAGER=f"cat > {saved}")
    assert _on_terminal(LONG, env)[0] == 0
    assert saved.exists() and not (tmp_path / "not-this.txt").exists()
    for none in ("", "cat"):
        code, shown = _on_terminal(LONG, _env(tmp_path, PAGER=none))
        assert code == 0 and "cmr-2025-vaasa" in shown


def test_the_default_pager_is_less_and_q_quits_it(tmp_path):
    code, shown = _on_terminal(LONG, _env(tmp_path), keys=b"q")
    assert code == 0
    assert "Opportunities as of Wed 1 Jun 2022" in shown
    assert "cmr-2025-vaasa" not in shown  # less showed the first screen only, then q


def test_no_pager_short_output_and_pipes_print_directly(tmp_path):
    saved = tmp_path / "paged.txt"
    env = _env(tmp_path, PAGER=f"cat > {saved}")
    code, shown = _on_terminal(["--no-pager", *LONG], env)
    assert code == 0 and "cmr-2025-vaasa" in shown
    code, shown = _on_terminal(SHORT, env)  # fits on the screen
    assert code == 0 and "close-call" in shown
    piped = subprocess.run(
        [sys.executable, "-m", "ccal", *LONG], env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    assert piped.returncode == 0 and "cmr-2025-vaasa" in piped.stdout
    assert not saved.exists()  # never paged


def test_a_table_longer_than_a_chunk_reaches_the_pager_whole(tmp_path):
    """More rows than ``render.table.CHUNK``: the pager is started on the first screen and fed
    the rest chunk by chunk; what it got is the table a pipe gets, in colour."""
    data = tmp_path / "many.toml"
    dates = [
        f'[[opportunity]]\nid = "call-{n:03d}"\nkind = "call"\ntitle = "Call {n}"\n\n'
        f'[[opportunity.dates]]\nlabel = "Deadline"\nat = 2022-{1 + n % 12:02d}-{1 + n % 28:02d}'
        for n in range(130)
    ]
    data.write_text('version = 1\ntimezone = "Europe/Brussels"\n\n' + "\n\n".join(dates) + "\n")
    args = ["upcoming", "--as-of", "2021-12-01", "--data", str(data)]
    saved = tmp_path / "paged.txt"
    env = _env(tmp_path, PAGER=f"cat > {saved}")
    code, shown = _on_terminal(args, env)
    assert code == 0, shown
    piped = subprocess.run(
        [sys.executable, "-m", "ccal", *args], env=env, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    paged = saved.read_text(encoding="utf-8")
    assert "\x1b[" in paged
    assert re.sub(r"\x1b\[[0-9;]*m", "", paged) == piped.stdout
    assert piped.stdout.count("call-") == 130
