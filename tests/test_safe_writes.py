"""Writing and reading files a hostile (or unlucky) user points ccal at: links, devices,
read-only files, missing directories, hand-written files, BOMs, the same file named twice."""

from __future__ import annotations

import os
import shutil
import stat
import tomllib
from pathlib import Path

import pytest

from tests.conftest import DATA

NOW = {"CCAL_NOW": "2026-01-10T10:00"}
PORTAL = DATA / "eu-portal.json"
ADD = ("add", "new-one", "--kind", "talk", "--title", "New", "--deadline", "2027-01-31")


@pytest.fixture
def mine(tmp_path):
    path = tmp_path / "mine.toml"
    shutil.copy(DATA / "edit_me.toml", path)
    return path


def ids_in(path: Path) -> list[str]:
    return [o["id"] for o in tomllib.loads(path.read_text(encoding="utf-8-sig"))["opportunity"]]


# --- import -o never replaces a file the importer did not write ---------------------------------


def test_import_refuses_to_overwrite_a_hand_written_file(ccal, mine):
    before = mine.read_bytes()
    result = ccal("import", "eu-portal", str(PORTAL), "-o", str(mine))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"ccal: {mine}: exists and was not written by 'ccal import eu-portal'; nothing written "
        "(choose another --output, or add --force to replace it)\n"
    )
    assert mine.read_bytes() == before


def test_import_replaces_its_own_file_and_anything_with_force(ccal, mine, tmp_path):
    out = tmp_path / "portal.toml"
    assert ccal("import", "eu-portal", str(PORTAL), "-o", str(out)).exit_code == 0
    again = ccal("import", "eu-portal", str(PORTAL), "-o", str(out), "--status", "open")
    assert again.exit_code == 0, again.stderr
    forced = ccal("import", "eu-portal", str(PORTAL), "-o", str(mine), "--force")
    assert forced.exit_code == 0, forced.stderr
    assert "my-call" not in ids_in(mine)


def test_import_into_an_empty_file_needs_no_force(ccal, tmp_path):
    out = tmp_path / "empty.toml"
    out.write_text("")
    assert ccal("import", "eu-portal", str(PORTAL), "-o", str(out)).exit_code == 0


# --- add/extend write through a symlink; odd targets are refused before anything is written -----


def test_add_and_extend_through_a_symlink_keep_the_link(ccal, mine, tmp_path):
    link = tmp_path / "elsewhere" / "link.toml"
    link.parent.mkdir()
    link.symlink_to(mine)
    added = ccal(*ADD, "--data", str(link))
    assert added.exit_code == 0, added.stderr
    moved = ccal("extend", "my-call", "Cut-off 2", "--to", "+7d", "--data", str(link))
    assert moved.exit_code == 0, moved.stderr
    assert link.is_symlink() and link.resolve() == mine
    assert ids_in(mine)[-1] == "new-one"
    assert "previous = 2027-04-30" in mine.read_text()
    # Written in the target's directory: beside the link only the writers' lock of the directory
    # the file is named in (``store.locked`` takes it and the target's), no temporary file.
    assert sorted(p.name for p in link.parent.iterdir()) == [".ccal.lock", "link.toml"]


# Not /dev/null itself: run as root against a ccal without this check, the test would replace
# the machine's /dev/null with a regular file. A FIFO takes the same path through the code.
@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_add_refuses_a_target_that_is_not_a_regular_file(ccal, tmp_path, kind):
    if kind == "fifo":
        target = tmp_path / "pipe.toml"
        os.mkfifo(target)
    else:
        target = tmp_path / "dir.toml"
        target.mkdir()
    link = tmp_path / "link.toml"
    link.symlink_to(target)
    for given in (target, link):
        result = ccal(*ADD, "--data", str(given))
        assert result.exit_code == 1
        assert len(result.stderr.splitlines()) == 1
        what = "a directory" if kind == "directory" else "not a regular file"
        assert result.stderr == f"ccal: cannot write '{given}': {what}; nothing written\n"
    assert link.is_symlink()
    if kind == "fifo":
        assert stat.S_ISFIFO(os.stat(target).st_mode)
    assert not list(tmp_path.glob(".*"))  # no lock, no temp file


def test_add_and_extend_refuse_a_read_only_file(ccal, mine):
    before = mine.read_bytes()
    mine.chmod(0o444)
    try:
        for args in (ADD, ("extend", "my-call", "Cut-off 2", "--to", "+7d")):
            result = ccal(*args, "--data", str(mine))
            assert result.exit_code == 1
            assert result.stderr == (
                f"ccal: cannot write '{mine}': the file is read-only; nothing written\n"
            )
        assert stat.S_IMODE(mine.stat().st_mode) == 0o444
        assert mine.read_bytes() == before
    finally:
        mine.chmod(0o644)


# --- a missing directory is a typo, not a request to create it ------------------------------


def test_add_into_a_missing_directory_creates_nothing(ccal, tmp_path):
    target = tmp_path / "missing" / "dir" / "x.toml"
    result = ccal(*ADD, "--data", str(target))
    assert result.exit_code == 1
    assert result.stderr == (
        f"ccal: cannot write '{target}': directory '{target.parent}' does not exist "
        "(create it first); nothing written\n"
    )
    assert not (tmp_path / "missing").exists()


def test_export_and_import_into_a_missing_directory_create_nothing(ccal, fixture_file, tmp_path):
    target = tmp_path / "missing" / "dir" / "file.ics"
    export = ccal("export", "--data", str(fixture_file), "-o", str(target), "--as-of", "2022-06-01")
    imported = ccal("import", "eu-portal", str(PORTAL), "-o", str(target))
    for result in (export, imported):
        assert result.exit_code == 1
        assert result.stderr == (
            f"ccal: cannot write '{target}': directory '{target.parent}' does not exist "
            "(create it first); nothing written\n"
        )
        assert len(result.stderr.splitlines()) == 1
    assert not (tmp_path / "missing").exists()


def test_the_default_user_file_still_gets_its_directory(ccal):
    from ccal.sources import user_data_file

    assert not user_data_file().parent.exists()
    assert ccal(*ADD, env=NOW).exit_code == 0
    assert ids_in(user_data_file()) == ["new-one"]


# --- the same file named twice is read once ---------------------------------------------------


def test_the_same_file_twice_is_one_file(ccal, mine, tmp_path):
    link = tmp_path / "link.toml"
    link.symlink_to(mine)
    twice = ("--data", str(mine), "--data", str(mine), "--data", str(link))
    checked = ccal("validate", *twice)
    assert checked.exit_code == 0, checked.stdout
    assert checked.stdout == "1 file checked: no problems.\n"
    listed = ccal.json("list", *twice, "--as-of", "2026-01-01")
    assert [item["file"] for item in listed] == [str(mine)] * len(listed)
    env = {"CCAL_DATA": os.pathsep.join([str(mine), str(link), str(mine)])}
    assert ccal("upcoming", "--as-of", "2026-01-01", env=env).exit_code == 0
    assert ccal("validate", env=env).stdout == "1 file checked: no problems.\n"
    assert ccal(*ADD, *twice).exit_code == 0  # one file to write to, however it is named


def test_empty_entries_in_ccal_data_are_ignored(ccal, mine, fixture_file):
    for value in (f"{mine}::{fixture_file}", f"{mine}{os.pathsep}", f"{os.pathsep}{mine}"):
        result = ccal("validate", env={"CCAL_DATA": value})
        assert result.exit_code == 0, result.stdout
        files = 2 if str(fixture_file) in value else 1
        assert result.stdout.endswith(f"{files} file{'s' * (files > 1)} checked: no problems.\n")
        listed = ccal("list", "--json", "--as-of", "2026-01-01", env={"CCAL_DATA": value})
        assert listed.exit_code == 0, listed.stderr


# --- a UTF-8 BOM (Windows Notepad) is read, and kept by add/extend --------------------------


def test_a_bom_file_is_read_and_keeps_its_bom_through_add_and_extend(ccal, mine):
    text = mine.read_text(encoding="utf-8")
    mine.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    checked = ccal("validate", "--data", str(mine))
    assert checked.exit_code == 0, checked.stdout
    assert ccal.json("show", "my-call", "--data", str(mine), "--as-of", "2026-01-01")
    assert ccal(*ADD, "--data", str(mine)).exit_code == 0
    assert ccal("extend", "my-call", "Cut-off 2", "--to", "+7d", "--data", str(mine)).exit_code == 0
    after = mine.read_bytes()
    assert after.startswith(b"\xef\xbb\xbf" + text.encode("utf-8")[:40])
    assert after.count(b"\xef\xbb\xbf") == 1
    assert ids_in(mine)[-1] == "new-one"
    assert ccal("validate", "--data", str(mine)).exit_code == 0
