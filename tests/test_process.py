"""ccal as a real process: the installed wheel, pipes, and what gets imported on the JSON path."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from conftest import DATA, REPO


def run_ccal(*args: str, cwd: Path | None = None, env: dict | None = None, **kwargs):
    merged = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "ccal", *args],
        cwd=cwd,
        env=merged,
        capture_output=True,
        text=True,
        check=False,
        **kwargs,
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(REPO)],
        check=True,
    )  # fmt: skip
    return next(out.glob("ccal-*.whl"))


def test_the_wheel_carries_the_dataset(wheel):
    with zipfile.ZipFile(wheel) as archive:
        assert "ccal/data/opportunities.toml" in archive.namelist()


def test_the_wheel_carries_the_publish_templates(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    for name in ("page.html.j2", "page.js", "page.css"):
        assert f"ccal/publish/templates/{name}" in names


def test_installed_ccal_finds_the_dataset_from_any_directory(wheel, tmp_path):
    """A fresh venv holding only the wheel (dependencies borrowed from this one via a .pth)."""
    venv = tmp_path / "fresh"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
         "--no-index", str(wheel)],
        check=True,
    )  # fmt: skip
    fresh_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    Path(fresh_site, "borrowed-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [str(venv / "bin" / "ccal"), "upcoming", "--as-of", "2022-06-01", "--json", "--limit", "3"],
        cwd=elsewhere, capture_output=True, text=True, check=False,
        env={**os.environ, "XDG_DATA_HOME": str(tmp_path / "xdg")},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows[2]["id"] == "clusters-meet-regions"
    where = subprocess.run(
        [str(python), "-c", "import ccal, sys; print(ccal.__file__)"],
        capture_output=True, text=True, check=True, cwd=elsewhere,
    ).stdout  # fmt: skip
    assert str(venv) in where  # the wheel's copy, not the checkout


def test_a_reader_closing_the_pipe_early_ends_quietly(tmp_path):
    big = tmp_path / "big.toml"
    lines = ["version = 1"]
    for n in range(3000):
        lines += [
            f'[[opportunity]]\nid = "call-{n}"\nkind = "call"\ntitle = "Call number {n}"',
            f'[[opportunity.dates]]\nlabel = "Cut-off"\nat = 2030-01-01T{n % 24:02d}:00:00',
        ]
    big.write_text("\n".join(lines), encoding="utf-8")
    for args in (["upcoming", "--json"], ["list", "--all", "--dates"]):
        process = subprocess.Popen(
            [sys.executable, "-m", "ccal", *args, "--data", str(big), "--as-of", "2029-01-01"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        assert process.stdout is not None and process.stderr is not None
        process.stdout.read(100)
        process.stdout.close()
        stderr = process.stderr.read().decode()
        assert process.wait() == 0, stderr
        assert stderr == ""


def test_json_path_never_imports_rich():
    code = (
        "import sys\n"
        "from ccal.cli import app\n"
        "try:\n"
        "    app(['upcoming', '--json', '--data', sys.argv[1], '--as-of', '2022-06-01'])\n"
        "except SystemExit as done:\n"
        "    assert done.code == 0, done.code\n"
        "print('rich' in sys.modules, 'ccal.render.table' in sys.modules, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(DATA / "fixture.toml")],
        capture_output=True, text=True, check=False,
        env={**os.environ, "CCAL_NO_FASTPATH": "1"},
    )  # fmt: skip
    assert result.stderr.strip() == "False False", result.stderr
    assert json.loads(result.stdout)[0]["id"] == "eoi-deadline"


def test_table_output_when_piped_is_plain_text():
    result = run_ccal("upcoming", "--data", str(DATA / "fixture.toml"), "--as-of", "2022-06-01")
    assert result.returncode == 0
    assert "\x1b[" not in result.stdout
    assert "Summer Call" in result.stdout


CLOSED_PIPE_COMMANDS = [
    ["--help"],
    ["upcoming", "--help"],
    ["show", "summer-call"],
    ["deadlines", "--call", "summer-call"],
    ["upcoming"],
    ["upcoming", "--json"],
    ["list"],
    ["list", "--all", "--dates"],
    ["countdown", "--once"],
    ["remind", "--within", "400d"],
    ["export", "--format", "md"],
    ["export", "--format", "ics"],
    ["validate"],
    ["--version"],
    [],
    ["schema"],
    ["validate", "--json"],
]


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
@pytest.mark.parametrize("args", CLOSED_PIPE_COMMANDS, ids=" ".join)
def test_every_command_ends_quietly_on_a_pipe_closed_before_it_writes(args, warm, tmp_path):
    """``ccal show ID | head -1``: the reader is gone before ccal writes (the read end is closed
    before the process starts, so there is no race). Exit 0, nothing on stderr. Warm: an index
    written by an earlier run, so the fast path answers (its tables are Rich's too)."""
    env = {
        **os.environ,
        "CCAL_DATA": str(DATA / "fixture.toml"),
        "CCAL_NOW": "2022-06-01",
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    if warm:
        run_ccal("upcoming", "--json", env=env)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "ccal", *args],
            stdout=write_end, stderr=subprocess.PIPE, env=env, check=False, timeout=60,
        )  # fmt: skip
    finally:
        os.close(write_end)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr.decode() == ""


def test_export_to_a_pipe_streams_into_it_and_leaves_it_a_pipe(tmp_path):
    """``-o /dev/stdout`` and ``-o >(cmd)`` name pipes: written as streams, never replaced."""
    args = ("export", "--format", "csv", "--all", "--as-of", "2022-06-01")
    through_stdout = run_ccal(*args, "-o", "/dev/stdout")
    assert through_stdout.returncode == 0, through_stdout.stderr
    assert through_stdout.stdout == run_ccal(*args).stdout
    assert through_stdout.stdout.count("\n") > 40

    fifo = tmp_path / "export.fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE, text=True)
    written = run_ccal(*args, "-o", str(fifo))
    assert written.returncode == 0, written.stderr
    assert reader.communicate(timeout=30)[0] == through_stdout.stdout
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.parametrize("columns", ["60", "80", "120"])
@pytest.mark.parametrize("argv", [["--help"], []], ids=["--help", "no arguments"])
@pytest.mark.parametrize("colour", [{}, {"FORCE_COLOR": "1", "TERM": "xterm-256color"}])
def test_the_root_help_printed_from_the_command_table_is_the_full_help(argv, columns, colour):
    """``ccal --help`` is printed from ``root.COMMANDS``, without importing the command modules
    (``root.summary_app``); it must print, byte for byte, what the fully built app prints. The
    shortcut is taken only at a real start-up (``python -m ccal``); the fully built app answers
    in-process."""
    from typer.testing import CliRunner

    from ccal.cli import app

    env = {"COLUMNS": columns, **colour}
    fast = run_ccal(*argv, env=env)
    full = CliRunner().invoke(app, argv, env=env, prog_name="ccal", catch_exceptions=False)
    assert (fast.returncode, fast.stdout, fast.stderr) == (0, full.stdout, full.stderr)
    assert "upcoming" in fast.stdout and "Commands" in fast.stdout


@pytest.mark.parametrize("no_fastpath", ["0", "1"])
def test_output_that_cannot_be_written_is_one_line_and_exit_1(tmp_path, no_fastpath):
    """A full disk (``>/dev/full``) or a closed stdout (``>&-``): one line that says so, exit 1,
    no traceback and no "internal error", from the fast path and the Typer app alike."""
    env = {
        **os.environ,
        "CCAL_NOW": "2022-06-01T12:00:00Z",
        "CCAL_NO_FASTPATH": no_fastpath,
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    argv = [sys.executable, "-m", "ccal", "upcoming", "--json"]
    subprocess.run(argv, env=env, capture_output=True, check=True)  # the index, for the fast path
    with open("/dev/full", "wb") as full:
        done = subprocess.run(argv, env=env, stdout=full, stderr=subprocess.PIPE, text=True)
    assert (done.returncode, done.stderr) == (
        1,
        "ccal: cannot write the output: No space left on device\n",
    )
    done = subprocess.run(
        argv, env=env, stderr=subprocess.PIPE, text=True, preexec_fn=lambda: os.close(1)
    )
    assert (done.returncode, done.stderr) == (
        1,
        "ccal: cannot write the output: standard output is closed\n",
    )
