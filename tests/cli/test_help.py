"""Help reads plainly: words for values (TEXT, FILE, N), nothing after a flag, no Python types."""

from __future__ import annotations

import re

import pytest

COMMANDS = [
    (), ("upcoming",), ("list",), ("deadlines",), ("show",), ("countdown",), ("remind",),
    ("export",), ("validate",), ("schema",), ("add",), ("extend",), ("import",),
    ("import", "eu-portal"),
]  # fmt: skip
PYTHON_TYPE = re.compile(r"<(bool|str|int|path|Path|list\[[^>]*\])>")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "ccal")
def test_help_shows_no_python_type_names(ccal, command):
    result = ccal(*command, "--help")
    assert result.exit_code == 0, result.stderr
    assert not PYTHON_TYPE.findall(result.stdout), result.stdout
    assert "{" not in result.stdout.split("\n\n")[1]  # the usage line: no {FILE} or {ID}


def test_values_have_words_and_flags_have_none(ccal):
    out = ccal("upcoming", "--help").stdout
    assert re.search(r"--search\s+-s\s+TEXT\b", out), out
    assert re.search(r"--data\s+FILE\b", out), out
    assert re.search(r"--kind\s+-k\s+KIND\b", out), out  # the data may declare more kinds
    assert re.search(r"--json\s+Print JSON", out), out


def test_import_help_points_to_a_readme_section_that_exists(ccal):
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    out = " ".join(ccal("import", "eu-portal", "--help").stdout.split())
    assert "Usage: ccal import eu-portal [OPTIONS] FILE" in out
    section = re.search(r"see '([^']+)' in the README", out)
    assert section, out
    assert f"### `{section.group(1)}`" in readme


@pytest.mark.parametrize("command", ["countdown", "remind"])
def test_line_commands_do_not_promise_a_table(ccal, command):
    assert "instead of a table" not in " ".join(ccal(command, "--help").stdout.split())


def _commands(group, prefix=()):
    """Every command of the app, subcommands included, with its path of names."""
    for name, command in getattr(group, "commands", {}).items():
        yield (*prefix, name), command
        yield from _commands(command, (*prefix, name))


def test_every_summary_is_one_line():
    """A group's listing shows the first paragraph of each docstring as the command's summary;
    a paragraph wrapped in the source breaks the listing mid-sentence ("… or the" / "combined")."""
    from typer.main import get_command

    from ccal.cli import app

    for path, command in _commands(get_command(app)):
        summary = (command.help or "").strip().split("\n\n")[0]
        assert "\n" not in summary, f"ccal {' '.join(path)}: {summary!r}"


@pytest.mark.parametrize("command", [(), ("upcoming",), ("import", "ccfddl")])
def test_no_color_help_has_no_styling_even_on_a_terminal(ccal, monkeypatch, command):
    """README: NO_COLOR means no colour or styling at all; help on a terminal included."""
    from typer import rich_utils

    monkeypatch.setattr(rich_utils, "FORCE_TERMINAL", True)  # as on a terminal
    monkeypatch.setattr(rich_utils, "COLOR_SYSTEM", "auto")
    styled = ccal(*command, "--help", env={"TERM": "xterm-256color"}).stdout
    assert "\x1b[" in styled  # the check can see styling where there is some
    plain = ccal(*command, "--help", env={"NO_COLOR": "1", "TERM": "xterm-256color"}).stdout
    assert "\x1b" not in plain
    assert "Usage: ccal" in plain


def test_bracketed_words_in_help_are_shown_not_eaten_as_markup(ccal):
    """Rich reads ``[notify]`` in a help text as a style tag and drops it ("the  table of the
    config file"); every bracketed word a help text holds must reach the screen."""
    from typer.main import get_command

    from ccal.cli import app

    for path, command in _commands(get_command(app)):
        texts = [command.help or ""] + [getattr(p, "help", None) or "" for p in command.params]
        words = {w for text in texts for w in re.findall(r"\[([a-z][\w.]*)\]", text)}
        if not words:
            continue
        shown = " ".join(ccal(*path, "--help").stdout.split())
        for word in words:
            assert f"[{word}]" in shown, f"ccal {' '.join(path)} --help lost [{word}]"


def test_descriptions_wrap_to_the_terminal_not_to_the_source():
    """A docstring is wrapped at 100 columns in the source; on an 80-column terminal its
    paragraphs must read as paragraphs ("--past for / what is over," came out as a long line and
    a two-word one), and an example command stands on its own line."""
    from typer.main import get_command
    from typer.testing import CliRunner

    from ccal.cli import app

    runner = CliRunner()
    for path, _command in _commands(get_command(app)):
        out = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "80", "NO_COLOR": "1"}).stdout
        lines = [line.strip() for line in out.split("╭")[0].splitlines()]
        lines = lines[next(i for i, line in enumerate(lines) if line.startswith("Usage:")) + 1 :]
        paragraphs: list[list[str]] = [[]]
        for line in lines:
            paragraphs[-1].append(line) if line else paragraphs.append([])
        for paragraph in filter(None, paragraphs):
            ragged = [line for line in paragraph[:-1] if len(line) < 50]
            text = " ".join(paragraph)
            assert not ragged, f"ccal {' '.join(path)} --help: {ragged} in {text!r}"
            assert "Example: ccal" not in text or text.startswith("Example: ccal"), text


def test_source_add_help_names_every_format(ccal):
    """It said "eu-portal, ccal, … ('ccal source add --help' lists them)": that very help."""
    from ccal.importers.registry import FORMATS

    out = " ".join(ccal("source", "add", "--help", env={"COLUMNS": "200"}).stdout.split())
    assert "lists them" not in out
    assert f"What the source holds: {', '.join(FORMATS)} " in out
