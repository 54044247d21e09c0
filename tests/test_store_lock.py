"""The writers' lock: every writer takes it, odd lock paths are named, killed writers' temp files
are cleared and live writers' never (issue 20, items 1 and 14)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import DATA

from ccal import store

PORTAL = DATA / "eu-portal.json"

HOLD = r"""
import sys, time
from pathlib import Path
from ccal import store
with store.locked(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(30)
"""


@pytest.fixture
def holder(tmp_path):
    """Another process holding the writers' lock of ``tmp_path`` (a real flock)."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path / "any.toml")], stdout=subprocess.PIPE
    )
    assert process.stdout.readline() == b"held\n"
    yield process
    process.kill()
    process.wait()


@pytest.mark.parametrize(
    "command",
    [
        ["add", "x", "--kind", "call", "--title", "X", "--deadline", "2027-01-01"],
        ["extend", "mine-1", "Deadline", "--to", "+1d"],
        ["import", "eu-portal", str(PORTAL)],
        ["export", "--all"],
    ],
    ids=["add", "extend", "import", "export"],
)
def test_every_writer_waits_for_the_lock(ccal, tmp_path, holder, monkeypatch, command):
    monkeypatch.setattr(store, "LOCK_TIMEOUT", 0.3)
    target = tmp_path / "data.toml"
    target.write_text(
        'version = 1\n[[opportunity]]\nid = "mine-1"\nkind = "call"\ntitle = "M"\n'
        '[[opportunity.dates]]\nlabel = "Deadline"\nat = 2027-01-01\n',
        encoding="utf-8",
    )
    before = target.read_bytes()
    if command[0] == "import":
        args = [*command, "-o", str(target), "--force"]
    elif command[0] == "export":
        args = [*command, "--data", str(target), "-o", str(target), "--as-of", "2026-12-01"]
    else:
        args = [*command, "--data", str(target), "--as-of", "2026-12-01"]
    result = ccal(*args)
    assert result.exit_code == 1, result.output
    assert "another ccal is still writing it" in result.stderr
    assert target.read_bytes() == before


@pytest.mark.parametrize("held", ["named", "target"])
def test_a_symlinked_data_file_waits_for_both_directories_locks(ccal, tmp_path, monkeypatch, held):
    """``opportunities.toml`` a symlink to a file kept elsewhere (dotfiles): ``add`` locked only
    the target's directory, while ``import`` and ``sync`` write the data directory's other
    files under its own lock, each checking ids against the other: neither excluded the other.
    It waits for the lock of the directory it is named in, and for its target's."""
    monkeypatch.setattr(store, "LOCK_TIMEOUT", 0.3)
    data, kept = tmp_path / "data", tmp_path / "dotfiles"
    data.mkdir()
    kept.mkdir()
    (kept / "opportunities.toml").write_text("version = 1\n", encoding="utf-8")
    (data / "opportunities.toml").symlink_to(kept / "opportunities.toml")
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str((data if held == "named" else kept) / "any.toml")],
        stdout=subprocess.PIPE,
    )
    try:
        assert process.stdout.readline() == b"held\n"
        result = ccal(
            "add", "x", "--kind", "call", "--title", "X", "--deadline", "2027-01-01",
            "--data", str(data / "opportunities.toml"), "--as-of", "2026-12-01",
        )  # fmt: skip
    finally:
        process.kill()
        process.wait()
    assert result.exit_code == 1, result.output
    assert "another ccal is still writing it" in result.stderr
    assert (kept / "opportunities.toml").read_text(encoding="utf-8") == "version = 1\n"
    assert (data / "opportunities.toml").is_symlink()


def test_add_and_import_into_one_directory_share_the_lock(tmp_path):
    assert store.lock_path(tmp_path / "opportunities.toml") == store.lock_path(
        tmp_path / "eu-portal.toml"
    )


@pytest.mark.parametrize("kind", ["directory", "symlink", "dangling"])
def test_a_lock_that_cannot_be_taken_is_named_with_how_to_clear_it(ccal, tmp_path, kind):
    lock = tmp_path / store.LOCK_NAME
    if kind == "directory":
        lock.mkdir()
    elif kind == "symlink":
        (tmp_path / "elsewhere").write_text("")
        lock.symlink_to(tmp_path / "elsewhere")
    else:
        lock.symlink_to(tmp_path / "missing")
    target = tmp_path / "data.toml"
    result = ccal(
        "add", "x", "--kind", "call", "--title", "X", "--deadline", "2027-01-01",
        "--data", str(target),
    )  # fmt: skip
    assert result.exit_code == 1
    assert f"cannot take the writers' lock '{lock}'" in result.stderr
    assert f"rm -r '{lock}'" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not target.exists()


def test_stale_temp_files_of_dead_writers_go_and_live_writers_keep_theirs(ccal, tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    dead_pid = int(dead.stdout)
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        host = store._host()
        names = {
            "dead_export": f".out.ics.ccal-{dead_pid}@{host}-abc123de.tmp",
            "dead_import": f".eu.toml.ccal-{dead_pid}@{host}-zz9_x1y2.tmp",
            "live": f".data.toml.ccal-{live.pid}@{host}-q1w2e3r4.tmp",
            "other_host": f".data.toml.ccal-{dead_pid}@elsewhere{host}-q1w2e3r4.tmp",
            "not_ours": ".notes.tmp",
        }
        for name in names.values():
            (tmp_path / name).write_text("partial")
        target = tmp_path / "data.toml"
        result = ccal(
            "add", "x", "--kind", "call", "--title", "X", "--deadline", "2027-01-01",
            "--data", str(target),
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        left = {p.name for p in tmp_path.glob(".*.tmp")}
        assert left == {names["live"], names["other_host"], names["not_ours"]}
    finally:
        live.kill()
        live.wait()


def test_export_into_a_plain_directory_leaves_no_lock(ccal, tmp_path, fixture_file):
    (tmp_path / "plain").mkdir()
    out = tmp_path / "plain" / "out.json"
    result = ccal("export", "--all", "--data", str(fixture_file), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert json.loads(out.read_text())
    assert [p.name for p in out.parent.iterdir()] == ["out.json"]


def test_update_is_reentrant_in_one_thread(tmp_path):
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"

    def change(text: str) -> str:
        store.update(second, lambda t: t + "# inner\n")  # the same directory's lock
        return text + "# outer\n"

    store.update(first, change)
    assert first.read_text().endswith("# outer\n")
    assert second.read_text().endswith("# inner\n")


def test_only_ccals_own_old_temp_files_are_removed(tmp_path):
    import os

    target = tmp_path / "data.toml"
    legacy = tmp_path / ".data.toml.ab12cd34.tmp"  # an older ccal's, killed long ago
    foreign = tmp_path / ".notes.txt.ab12cd34.tmp"  # another program's, same shape
    for path in (legacy, foreign):
        path.write_text("partial")
        os.utime(path, (0, 0))
    store.update(target, lambda text: text)
    assert not legacy.exists() and foreign.exists()
