"""Pipeline fixtures: an isolated state and config dir, and ``ccal`` run as ``__main__`` runs
it (the fast path first, then the Typer app), in-process."""

from __future__ import annotations

import io
import json
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from conftest import DATA

PIPELINE_DATA = DATA / "pipeline.toml"


@pytest.fixture(autouse=True)
def pipeline_dirs(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    return tmp_path


@pytest.fixture
def config(tmp_path):
    """Write ``[notify]`` settings (TOML text) to the config file."""

    def write(text: str) -> Path:
        path = tmp_path / "xdg-config" / "ccal" / "config.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


class Result:
    def __init__(self, code: int, stdout: str, stderr: str, fast: bool) -> None:
        self.exit_code, self.stdout, self.stderr, self.fast = code, stdout, stderr, fast


@pytest.fixture
def main(ccal, monkeypatch):
    """``ccal ARGS`` as the console script runs it: ``fastpath.answer`` first, else the app."""
    monkeypatch.setenv("CCAL_DATA", str(PIPELINE_DATA))
    from ccal.index import fastpath

    def run(*args: str, code: int | None = 0) -> Result:
        out = io.StringIO()
        with redirect_stdout(out):
            answered = fastpath.answer(list(args))
        if answered is not None:
            result = Result(answered, out.getvalue(), "", True)
        else:
            invoked = ccal(*args)
            result = Result(invoked.exit_code, invoked.stdout, invoked.stderr, False)
        if code is not None:
            assert result.exit_code == code, (result.stdout, result.stderr)
        return result

    return run


def sent_log(tmp_path: Path) -> list[dict]:
    path = tmp_path / "xdg-state" / "ccal" / "notify-sent.json"
    return json.loads(path.read_text(encoding="utf-8"))["sent"] if path.exists() else []


def fake_program(folder: Path, name: str, body: str) -> Path:
    """A small executable script (``#!python``) named ``name`` in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!{sys.executable}\n{body}", encoding="utf-8")
    path.chmod(0o755)
    return path


def logging_channel(folder: Path, *, what: str = "subject", sleep: float = 0.0) -> tuple[str, Path]:
    """``[notify.channels.log]``: a command that appends each notification's subject (or its
    stdin, then ``--``) to a file; returns the config text and that file."""
    got = folder / "got.txt"
    body = (
        "import os, sys, time\n"
        f"time.sleep({sleep})\n"
        f"text = os.environ['CCAL_SUBJECT'] + '\\n' if {what!r} == 'subject' "
        "else sys.stdin.read() + '--\\n'\n"
        f"open(r'{got}', 'a', encoding='utf-8').write(text)\n"
    )
    script = fake_program(folder / "bin", f"log-{what}", body)
    return f'[notify.channels.log]\ntype = "command"\ncommand = ["{script}"]\n', got
