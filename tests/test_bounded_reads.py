"""Every input is bounded: devices, sockets and over-size files are refused before reading,
a pipe given on purpose is read up to the same cap (issue 20, items 7 and 15)."""

from __future__ import annotations

import os
import socket

import pytest

from ccal.sources import InputRefused, read_input

FILE = 'version = 1\n[[opportunity]]\nid = "a"\nkind = "talk"\ntitle = "A"\n'


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--all", "--data", "/dev/zero"),
        ("upcoming", "--data", "/dev/urandom"),
        ("validate", "/dev/urandom"),
        ("import", "eu-portal", "/dev/zero", "-o", "{tmp}/out.toml"),
    ],
)
def test_a_device_is_refused_before_reading(ccal, tmp_path, args):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = (
        ccal(*args, "--as-of", "2026-12-01") if args[0] in ("list", "upcoming") else ccal(*args)
    )
    assert result.exit_code == 1
    assert "not a regular file (a character device)" in result.output
    assert not (tmp_path / "out.toml").exists()


def test_a_file_over_the_cap_is_refused_and_the_cap_is_configurable(ccal, tmp_path, monkeypatch):
    data = tmp_path / "big.toml"
    data.write_text(FILE + "# " + "x" * 3000 + "\n", encoding="utf-8")
    monkeypatch.setenv("CCAL_MAX_FILE_MB", "0.002")
    result = ccal("list", "--all", "--data", str(data))
    assert result.exit_code == 1
    assert result.stderr.strip().endswith(
        "cannot read the file: too big (0.00307 MB; the limit is 0.002 MB, set CCAL_MAX_FILE_MB "
        "to change it)"
    )
    monkeypatch.setenv("CCAL_MAX_FILE_MB", "1")
    assert ccal("list", "--all", "--data", str(data), "--json").exit_code == 0


def test_the_cap_of_a_write_and_an_import_too(ccal, tmp_path, monkeypatch):
    data = tmp_path / "big.toml"
    data.write_text(FILE + "# " + "x" * 3000 + "\n", encoding="utf-8")
    monkeypatch.setenv("CCAL_MAX_FILE_MB", "0.002")
    result = ccal(
        "add", "b", "--kind", "talk", "--title", "B", "--data", str(data), "--as-of", "2026-12-01"
    )
    assert result.exit_code == 1 and "too big" in result.stderr


def test_a_bad_cap_says_so(ccal, monkeypatch, tmp_path):
    data = tmp_path / "d.toml"
    data.write_text(FILE, encoding="utf-8")
    monkeypatch.setenv("CCAL_MAX_FILE_MB", "lots")
    result = ccal("list", "--all", "--data", str(data))
    assert result.exit_code == 1
    assert "CCAL_MAX_FILE_MB='lots' is not a size in megabytes" in result.stderr


def test_a_pipe_is_read_with_the_same_cap(monkeypatch):
    read_end, write_end = os.pipe()
    os.write(write_end, FILE.encode())
    os.close(write_end)
    data, regular = read_input(f"/dev/fd/{read_end}")
    assert data == FILE.encode() and not regular
    os.close(read_end)
    read_end, write_end = os.pipe()
    os.write(write_end, b"x" * 5000)
    os.close(write_end)
    monkeypatch.setenv("CCAL_MAX_FILE_MB", "0.004")
    with pytest.raises(InputRefused, match="too big \\(over"):
        read_input(f"/dev/fd/{read_end}")
    os.close(read_end)


def test_a_data_file_from_a_pipe_is_listed(ccal, monkeypatch):
    read_end, write_end = os.pipe()
    os.write(write_end, FILE.encode())
    os.close(write_end)
    try:
        items = ccal.json("list", "--all", "--data", f"/dev/fd/{read_end}", "--as-of", "2026-12-01")
    finally:
        os.close(read_end)
    assert [item["id"] for item in items] == ["a"]


def test_a_socket_is_refused(tmp_path):
    path = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    try:
        with pytest.raises(InputRefused, match="a socket"):
            read_input(path)
    finally:
        server.close()


def test_an_unreadable_data_file_blames_the_file_not_the_option(ccal, tmp_path, monkeypatch):
    data = tmp_path / "mine.toml"
    data.write_text(FILE, encoding="utf-8")
    real_access, real_open = os.access, os.open

    def access(path, mode, *args, **kwargs):  # as for a mode-000 file (the tests may run as root)
        if os.fspath(path) == str(data):
            return False
        return real_access(path, mode, *args, **kwargs)

    def open_(path, flags, *args, **kwargs):
        if os.fspath(path) == str(data):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(os, "open", open_)
    for args in (("list", "--all", "--data", str(data)), ("validate", str(data))):
        result = ccal(*args)
        assert result.exit_code == 1, result.output
        assert "CCAL_DATA" not in result.output and "--data" not in result.output
        assert f"{data}: cannot read the file: Permission denied" in result.output


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_line_endings_are_read_as_open_reads_them(ccal, tmp_path, newline):
    data = tmp_path / "crlf.toml"
    text = FILE + 'summary = """one\ntwo"""\n'
    data.write_bytes(text.replace("\n", newline).encode())
    shown = ccal.json("show", "a", "--data", str(data), "--as-of", "2026-12-01")
    assert shown["summary"] == "one\ntwo"
