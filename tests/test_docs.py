"""The README stays true: every command is documented, the set-up commands are the CI's, and
the examples on the shipped data print what the README shows."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

import pytest
from conftest import REPO
from typer.main import get_command

from ccal.cli import app

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_every_command_has_a_readme_section_with_an_example():
    commands = get_command(app).commands  # type: ignore[attr-defined]
    for name in commands:
        assert re.search(rf"^### `ccal {name}\b", README, re.MULTILINE), f"no section for {name}"
        assert f"$ ccal {name}" in README, f"no example for {name}"


def test_ci_runs_exactly_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    command = ci.strip().splitlines()[-1]
    assert command in README
    assert "pytest" in command


def _pinned_examples() -> list[tuple[str, str]]:
    """The README's ``$ ccal …`` examples on the shipped data with a pinned ``--as-of``, with the
    output the README shows under each (pipes, redirections and other data files left out)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    examples = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        for part in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, shown = part.partition("\n")
            if "--as-of" in command and not set(command) & set("|>") and "--data" not in command:
                examples.append((command, shown))
    return examples


@pytest.mark.parametrize(("command", "shown"), _pinned_examples(), ids=lambda x: x[:60])
def test_readme_examples_print_what_the_readme_shows(command, shown, tmp_path):
    """README drift is a defect: each pinned example is run as printed (a 100-column terminal
    in Brussels, as the README was written) and must print exactly what the README shows."""
    env = {
        **os.environ,
        "TZ": "Europe/Brussels",
        "COLUMNS": "100",
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    env = {k: v for k, v in env.items() if not k.startswith("CCAL_") and k != "NO_COLOR"}
    done = subprocess.run(
        [sys.executable, "-m", "ccal", *shlex.split(command)[1:]],
        env=env, capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    # The README was written from a checkout in /home/you/ccal (the shipped file's path shows).
    printed = (done.stdout + done.stderr).replace(str(REPO), "/home/you/ccal")
    got = [line.rstrip() for line in printed.strip().splitlines()]
    assert got == [line.rstrip() for line in shown.strip().splitlines()]


def test_the_readme_has_pinned_examples_to_check():
    assert len(_pinned_examples()) >= 8
