"""Shell completion in real shells: bash (``complete -p``, ``COMP_WORDS``) and an interactive
zsh on a pseudo-terminal. Options, ``--kind`` values and ids complete although ``ccal`` with no
arguments prints the root help from a table of the commands (``root.summary_app``); ids come
from the files the command would read (``--data``, ``CCAL_DATA``)."""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import DATA

FIXTURE = str(DATA / "fixture.toml")
BIN = str(Path(sys.executable).parent)  # where the installed ``ccal`` script lives


def _env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "TERM": "xterm"}


def test_the_ccal_command_is_installed_beside_python():
    assert shutil.which("ccal", path=BIN), "the test runs the installed 'ccal' script"


# --- bash ---------------------------------------------------------------------------------------

BASH_CASES = [  # (words typed, the word being completed is the last one)
    ("ccal remind --", None),  # checked below: every option
    ("ccal upcoming --kind ", ["talk", "call", "event", "survey"]),
    ("ccal list -k call,", ["call,talk", "call,event", "call,survey"]),
    (f"ccal show --data {FIXTURE} ", ["summer-call", "kosice-workshop", "eoi-deadline",
                                      "tokyo-talk", "supply-survey"]),
    (f"ccal deadlines --data {FIXTURE} s", ["summer-call", "supply-survey"]),
    (f"ccal countdown --data {FIXTURE} to", ["tokyo-talk"]),
    (f"ccal extend --data {FIXTURE} e", ["eoi-deadline"]),
]  # fmt: skip


def _bash_completions(cases: list[str], env: dict[str, str]) -> tuple[str, list[list[str]]]:
    """``complete -p ccal`` and, for each line, what bash's completion function offers."""
    lines = ['eval "$(_CCAL_COMPLETE=source_bash ccal)"', "complete -p ccal"]
    for number, typed in enumerate(cases):
        words = typed.split(" ")
        quoted = " ".join(f"'{w}'" for w in words)
        lines += [
            f"COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; COMPREPLY=()",
            "_ccal_completion ccal",
            f"printf 'CASE{number}:%s\\n' \"${{COMPREPLY[*]}}\"",
        ]
    done = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", "\n".join(lines)],
        env=env, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    found = dict(re.findall(r"^CASE(\d+):(.*)$", done.stdout, re.M))
    first = done.stdout.splitlines()[0]
    return first, [found[str(n)].split() for n in range(len(cases))]


def test_bash_completes_options_kinds_and_ids():
    registered, offered = _bash_completions([typed for typed, _ in BASH_CASES], _env())
    assert registered == "complete -o default -F _ccal_completion ccal"
    for (typed, expected), got in zip(BASH_CASES, offered, strict=True):
        if expected is not None:
            assert got == expected, typed
    every_option = offered[0]
    for option in ("--kind", "--tag", "--within", "--until", "--json", "--as-of", "--data"):
        assert option in every_option


def test_bash_completes_ids_from_ccal_data():
    env = {**_env(), "CCAL_DATA": FIXTURE}
    _, offered = _bash_completions(["ccal countdown su"], env)
    assert offered == [["summer-call", "supply-survey"]]


# --- zsh: an interactive shell on a pseudo-terminal, keys typed, Tab pressed ------------------


def _zsh_completed(lines: list[str], env: dict[str, str]) -> list[str]:
    """Type each line into an interactive zsh with ccal's completion, press Tab, and return the
    line as completed (zsh prints it: Ctrl-A, then ``print -r -- COMPLETED:`` before it)."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        ["zsh", "-f", "-i"], stdin=terminal, stdout=terminal, stderr=terminal, env=env,
        start_new_session=True,
    )  # fmt: skip
    os.close(terminal)
    keys = 'PS1="> "; autoload -Uz compinit; compinit -u -D; '
    keys += 'eval "$(_CCAL_COMPLETE=source_zsh ccal)"\n'
    for typed in lines:
        keys += f"{typed}\t\x01print -r -- COMPLETED:\n"  # Ctrl-A: the start of the line
    os.write(controller, (keys + "exit\n").encode())
    out = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([controller], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: zsh exited and closed the terminal
                break
            if not chunk:
                break
            out += chunk
        elif process.poll() is not None:
            break
    os.close(controller)
    process.wait(timeout=10)
    return re.findall(r"(?:^|\n)COMPLETED: ?(.*?)\r", out.decode("utf-8", errors="replace"))


def test_zsh_completes_options_kinds_and_ids():
    env = {**_env(), "CCAL_DATA": FIXTURE}
    typed = [
        "ccal upcoming --ki",
        "ccal upcoming --kind ev",
        "ccal show kos",  # ids of CCAL_DATA
        f"ccal deadlines --data {DATA / 'countdown.toml'} clo",  # ids of --data, not CCAL_DATA
    ]
    assert _zsh_completed(typed, env) == [
        "ccal upcoming --kind",
        "ccal upcoming --kind event",
        "ccal show kosice-workshop",
        f"ccal deadlines --data {DATA / 'countdown.toml'} close-call",
    ]
