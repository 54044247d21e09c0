"""Atomic writes: whole file or nothing, permissions kept."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ccal.store import atomic_write


def test_new_file_gets_ordinary_permissions(tmp_path):
    target = tmp_path / "new.toml"
    old = os.umask(0o022)
    try:
        atomic_write(target, b"version = 1\n")
    finally:
        os.umask(old)
    assert target.read_bytes() == b"version = 1\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_existing_permissions_are_kept_and_no_temp_file_is_left(tmp_path):
    target = tmp_path / "mine.toml"
    target.write_bytes(b"old")
    target.chmod(0o600)
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["mine.toml"]


def test_a_device_is_never_a_write_target():
    from ccal.errors import CcalError
    from ccal.store import writable_target

    with pytest.raises(CcalError, match="not a regular file"):
        writable_target(Path(os.devnull))
