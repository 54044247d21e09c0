"""``ccal export`` and ``--format`` on the reading commands, black-box through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PINNED = ("--as-of", "2022-06-01", "--tz", "Europe/Brussels")


def run(ccal, fixture_file, *args):
    result = ccal(*args, "--data", str(fixture_file), *PINNED)
    return result


def test_output_file_is_written_whole_and_matches_stdout(ccal, fixture_file, tmp_path):
    target = tmp_path / "out" / "dates.csv"
    target.parent.mkdir()  # a missing directory is an error (tests/test_safe_writes.py)
    written = run(ccal, fixture_file, "export", "-f", "csv", "--all", "-o", str(target))
    assert written.exit_code == 0, written.stderr
    assert (written.stdout, written.stderr) == ("", "")
    printed = run(ccal, fixture_file, "export", "-f", "csv", "--all", "-o", "-")
    assert target.read_bytes() == printed.stdout_bytes
    assert sorted(p.name for p in target.parent.iterdir()) == ["dates.csv"]  # no temp file left


def test_output_replaces_an_existing_file_and_keeps_its_mode(ccal, fixture_file, tmp_path):
    target = tmp_path / "dates.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    assert run(ccal, fixture_file, "export", "-o", str(target)).exit_code == 0
    assert len(json.loads(target.read_text(encoding="utf-8"))) == 6
    assert target.stat().st_mode & 0o777 == 0o640


def test_a_new_output_file_gets_the_umask_mode(ccal, fixture_file, tmp_path):
    target = tmp_path / "new.ics"
    old = os.umask(0o022)
    try:
        assert run(ccal, fixture_file, "export", "-f", "ics", "-o", str(target)).exit_code == 0
    finally:
        os.umask(old)
    assert target.stat().st_mode & 0o777 == 0o644


def test_unwritable_output_is_one_line_and_exit_1(ccal, fixture_file, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("keep", encoding="utf-8")
    result = run(ccal, fixture_file, "export", "-o", str(blocker / "x.json"))
    assert result.exit_code == 1
    assert result.stderr.startswith("ccal: cannot write ")
    assert len(result.stderr.splitlines()) == 1
    assert blocker.read_text(encoding="utf-8") == "keep"


@pytest.mark.parametrize("command", [("export",), ("upcoming",), ("list",), ("show", "tokyo-talk")])
def test_unknown_format_is_a_usage_error_listing_the_valid_ones(ccal, fixture_file, command):
    result = run(ccal, fixture_file, *command, "--format", "xml")
    assert result.exit_code == 2
    assert result.stdout == ""
    for name in ("json", "ndjson", "csv", "ics", "md"):
        assert f"'{name}'" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("upcoming", "--json", "--format", "csv"),
        ("export", "--past", "--all"),
        ("export", "--to", "2022-09-01", "--until", "2022-09-01"),
        ("export", "--format", "csv", "--alarm", "1d"),
    ],
)
def test_conflicting_options_are_usage_errors(ccal, fixture_file, args):
    result = run(ccal, fixture_file, *args)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1


def test_json_and_format_json_agree(ccal, fixture_file):
    both = run(ccal, fixture_file, "upcoming", "--json", "--format", "json")
    assert json.loads(both.stdout) == json.loads(
        run(ccal, fixture_file, "upcoming", "--json").stdout
    )


def test_upcoming_format_is_the_export_default_selection(ccal, fixture_file):
    for name in ("csv", "md", "ndjson"):
        upcoming = run(ccal, fixture_file, "upcoming", "--format", name)
        exported = run(ccal, fixture_file, "export", "--format", name)
        assert upcoming.stdout_bytes == exported.stdout_bytes


def test_list_format_json_keeps_opportunities_and_other_formats_list_dates(ccal, fixture_file):
    items = json.loads(run(ccal, fixture_file, "list", "--format", "json").stdout)
    assert items == json.loads(run(ccal, fixture_file, "list", "--json").stdout)
    assert "dates" in items[0]
    lines = run(ccal, fixture_file, "list", "--format", "ndjson").stdout.splitlines()
    assert [json.loads(line) for line in lines] == items
    dates_csv = run(ccal, fixture_file, "list", "--all", "--format", "csv").stdout_bytes
    assert dates_csv == run(ccal, fixture_file, "export", "--all", "-f", "csv").stdout_bytes


def test_show_and_deadlines_accept_format(ccal, fixture_file):
    shown = run(ccal, fixture_file, "show", "summer-call", "--format", "ndjson").stdout
    assert len(shown.splitlines()) == 1
    assert json.loads(shown) == json.loads(
        run(ccal, fixture_file, "show", "summer-call", "--json").stdout
    )
    ics = run(ccal, fixture_file, "show", "summer-call", "--format", "ics").stdout
    assert ics.count("BEGIN:VEVENT") == 3
    md = run(ccal, fixture_file, "deadlines", "--call", "summer-call", "-f", "md").stdout
    assert [line.count("Cut-off") for line in md.splitlines() if line.startswith("- ")] == [1, 1, 1]


def test_default_output_is_still_the_table(ccal, fixture_file):
    result = run(ccal, fixture_file, "upcoming")
    assert result.exit_code == 0
    assert "Summer Call" in result.stdout
    assert not result.stdout.lstrip().startswith(("[", "{", "#", "id,", "BEGIN"))


# --- real processes: pipes ----------------------------------------------------------------------


def big_data_file(tmp_path, count: int = 3000):
    lines = ["version = 1", 'timezone = "Europe/Brussels"']
    for n in range(count):
        lines += [
            "[[opportunity]]",
            f'id = "call-{n}"',
            'kind = "call"',
            f'title = "Call number {n} with a title long enough to fill a pipe quickly"',
            "[[opportunity.dates]]",
            'label = "Cut-off"',
            f"at = {2030 + n // 365}-01-01T18:00:00",
        ]
    path = tmp_path / "big.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def ccal_process(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ccal", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "CCAL_NOW": "2022-06-01"},
    )


def test_closed_pipe_ends_quietly_with_exit_0(tmp_path):
    process = ccal_process("export", "--format", "csv", "--data", str(big_data_file(tmp_path)))
    assert process.stdout.readline().lstrip(b"\xef\xbb\xbf").startswith(b"id,kind,title")
    process.stdout.close()  # like `| head -1`
    assert process.wait(timeout=120) == 0
    assert process.stderr.read() == b""
    process.stderr.close()


def test_json_export_pipes_into_a_json_reader(tmp_path, fixture_file):
    process = ccal_process("export", "--format", "json", "--data", str(fixture_file))
    out, err = process.communicate(timeout=120)
    assert (process.returncode, err) == (0, b"")
    assert len(json.loads(out)) == 6  # what `| jq length` prints


def test_past_with_limit_keeps_the_most_recent_dates(ccal, fixture_file):
    """``--past`` lists newest first, and ``--limit`` keeps the rows closest to now."""
    args = ("export", "-f", "json", "--past", "--as-of", "2024-06-01", "--data", str(fixture_file))
    everything = [r["at"] for r in json.loads(ccal(*args).stdout)]
    assert len(everything) > 2
    assert everything == sorted(everything, reverse=True, key=_instant)
    assert [r["at"] for r in json.loads(ccal(*args, "-n", "2").stdout)] == everything[:2]


def _instant(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text).timestamp()


def test_an_export_that_fails_midway_leaves_the_old_file(ccal, fixture_file, tmp_path, monkeypatch):
    """The output is written as it is rendered, into a temp file renamed only once all of it is
    written: a failure after the first records keeps the old file, and no temp file is left."""
    from ccal.render import json as render_json

    target = tmp_path / "out" / "dates.json"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    made = render_json.entry_record

    def failing(entry, *args, **kwargs):
        if entry.position > 0:
            raise OSError(28, "No space left on device")
        return made(entry, *args, **kwargs)

    monkeypatch.setattr(render_json, "entry_record", failing)
    result = run(ccal, fixture_file, "export", "--all", "-o", str(target))
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in target.parent.iterdir()) == ["dates.json"]


def test_an_export_beside_the_data_takes_the_writers_lock_only_to_rename(
    ccal, fixture_file, tmp_path, monkeypatch
):
    """In a data directory (one with a writers' lock) ``export -o`` renders without the lock (a
    writer must not wait a minute for a big export) and renames under it."""
    from ccal import store
    from ccal.render import json as render_json

    (tmp_path / store.LOCK_NAME).touch()
    target = tmp_path / "dates.json"
    held_while_rendering: list[bool] = []
    made = render_json.entry_record

    def watched(*args, **kwargs):
        held_while_rendering.append(store._holds(target))
        return made(*args, **kwargs)

    renamed_under_lock: list[bool] = []
    replace = os.replace

    def watched_replace(source, destination):
        if Path(destination) == target:  # not the index's own write, in the cache
            renamed_under_lock.append(store._holds(target))
        replace(source, destination)

    monkeypatch.setattr(render_json, "entry_record", watched)
    monkeypatch.setattr(store.os, "replace", watched_replace)
    assert run(ccal, fixture_file, "export", "--all", "-o", str(target)).exit_code == 0
    assert held_while_rendering and not any(held_while_rendering)
    assert renamed_under_lock == [True]
    assert len(json.loads(target.read_text(encoding="utf-8"))) > 0
