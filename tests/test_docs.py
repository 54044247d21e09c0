"""The README stays true: every command is documented, and the set-up commands are the CI's."""

from __future__ import annotations

import re

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
