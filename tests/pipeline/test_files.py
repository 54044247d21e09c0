"""ccal remove / ccal edit: one of your own entries, every other byte kept, never left invalid."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from ccal.sources import user_data_file

from .conftest import fake_program

MINE = """\
# My own deadlines.
version = 1
timezone = "Europe/Brussels"

[[opportunity]]
id = "first-call"
kind = "call"
title = "First Call"

[[opportunity.dates]]
label = "Deadline"
at = 2026-12-10T17:00:00

# the second one, with a comment of its own
[[opportunity]]
id = "second-call"   # keep me
kind = "call"
title = "Second Call"
dates = [ { label = "Deadline", at = 2026-12-11 } ]

[[opportunity]]
id = "third-call"
kind = "event"
title = "Third"
"""


@pytest.fixture
def mine() -> Path:
    path = user_data_file()
    path.parent.mkdir(parents=True)
    path.write_text(MINE, encoding="utf-8")
    return path


def test_remove_cuts_out_one_table_and_keeps_every_other_byte(ccal, mine):
    result = ccal("remove", "second-call")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Removed 'second-call' from {mine}.\n"
    start = MINE.index("# the second one")
    end = MINE.index('[[opportunity]]\nid = "third-call"')
    assert mine.read_text(encoding="utf-8") == MINE[:start] + MINE[end:]
    assert ccal("remove", "third-call").exit_code == 0
    assert ccal("remove", "first-call").exit_code == 0
    assert mine.read_text(encoding="utf-8") == MINE[: MINE.index("[[opportunity]]")]


def test_remove_keeps_windows_line_endings(ccal, mine):
    mine.write_bytes(MINE.replace("\n", "\r\n").encode("utf-8"))
    assert ccal("remove", "first-call").exit_code == 0
    text = mine.read_bytes().decode("utf-8")
    assert "first-call" not in text and "\r\n" in text and "\n" not in text.replace("\r\n", "")


def test_remove_refuses_what_is_not_yours(ccal, mine):
    shipped = ccal("remove", "clusters-meet-regions")
    assert shipped.exit_code == 2
    assert "'ccal mark clusters-meet-regions dropped' hides it" in shipped.stderr
    imported = user_data_file().with_name("eu-portal.toml")
    imported.write_text(
        "# Imported by `ccal import eu-portal` from x.json on 2026-12-01 08:00 UTC:\n"
        'version = 1\n[[opportunity]]\nid = "portal-call"\nkind = "call"\ntitle = "P"\n',
        encoding="utf-8",
    )
    before = imported.read_bytes()
    refused = ccal("remove", "portal-call")
    assert refused.exit_code == 2 and "which 'ccal import eu-portal' writes" in refused.stderr
    assert "'ccal mark portal-call dropped' hides it" in refused.stderr
    assert imported.read_bytes() == before
    unknown = ccal("remove", "frist-call")
    assert unknown.exit_code == 1 and "did you mean 'first-call'" in unknown.stderr
    assert mine.read_text(encoding="utf-8") == MINE


EDITOR = """
import json, pathlib, sys
plan = pathlib.Path(sys.argv[0]).with_suffix(".plan")
steps = json.loads(plan.read_text())
step, rest = steps[0], steps[1:]
plan.write_text(json.dumps(rest))
with open(pathlib.Path(sys.argv[0]).with_suffix(".calls"), "a") as calls:
    calls.write(json.dumps(sys.argv[1:]) + "\\n")
target = pathlib.Path(sys.argv[-1])
with open(target, newline="") as handle:  # an editor keeps the line endings it found
    text = handle.read()
with open(target, "w", newline="") as handle:
    handle.write(text.replace(step[0], step[1]))
"""


@pytest.fixture
def editor(tmp_path, monkeypatch):
    """A scripted editor: each run applies the next (old, new) replacement of its plan."""
    script = fake_program(tmp_path / "bin", "fake-editor", EDITOR)
    monkeypatch.setenv("VISUAL", f"{script}")
    monkeypatch.delenv("EDITOR", raising=False)

    def plan(*steps: tuple[str, str]) -> Path:
        script.with_suffix(".plan").write_text(json.dumps(steps), encoding="utf-8")
        return script.with_suffix(".calls")

    return plan


def calls(path: Path) -> list[list[str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_edit_opens_the_editor_at_the_entry_and_saves_a_valid_result(ccal, mine, editor):
    log = editor(('title = "Second Call"', 'title = "Second Call, renamed"'))
    result = ccal("edit", "second-call")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Saved {mine}.\n"
    assert mine.read_text(encoding="utf-8") == MINE.replace("Second Call", "Second Call, renamed")
    (argv,) = calls(log)
    assert argv[0] == "+15" and Path(argv[1]).name == "opportunities.toml"
    assert Path(argv[1]) != mine  # a copy: the real file changes only once it is valid


def test_an_invalid_edit_is_shown_and_edited_again(ccal, mine, editor):
    log = editor(
        ('kind = "event"', 'kind = "party"'),  # invalid
        ('kind = "party"', 'kind = "talk"'),  # fixed on the second round
    )
    result = ccal("edit", "third-call", input="y\n")
    assert result.exit_code == 0, result.stderr
    assert "kind" in result.stderr and "party" in result.stderr
    assert "Edit again?" in result.stderr
    assert 'kind = "talk"' in mine.read_text(encoding="utf-8")
    _first, second = calls(log)
    assert second[0] == "+23"  # the second round opens at the problem's line


def test_an_invalid_edit_can_be_dropped_and_the_old_file_stays(ccal, mine, editor):
    editor(("at = 2026-12-10T17:00:00", "at = 2026-13-40"))
    result = ccal("edit", "first-call", input="n\n")
    assert result.exit_code == 0
    assert "the edit was discarded" in result.stdout
    assert mine.read_text(encoding="utf-8") == MINE


def test_edit_without_changes_and_of_what_is_not_yours(ccal, mine, editor):
    mine.write_bytes(MINE.replace("\n", "\r\n").encode("utf-8"))  # CRLF is no change
    editor(("nothing", "nothing"))
    assert ccal("edit", "first-call").stdout == f"No changes to {mine}.\n"
    assert ccal("edit", "clusters-meet-regions").exit_code == 2


def test_a_failing_editor_changes_nothing(ccal, mine, monkeypatch):
    monkeypatch.setenv("VISUAL", f"{sys.executable} -c 'raise SystemExit(3)'")
    result = ccal("edit", "first-call")
    assert result.exit_code == 1 and "the editor exited 3" in result.stderr
    assert mine.read_text(encoding="utf-8") == MINE


@pytest.mark.parametrize("answer", ["n\n", None], ids=["no", "no answer"])
def test_the_question_after_an_invalid_edit_leaves_stdout_to_the_result(mine, editor, answer):
    """A real process: stdout holds the result line alone (the prompt's last space went there),
    and stdin at its end (a script, cron) keeps the old file with that line (it was exit 130,
    silently)."""
    import os
    import subprocess

    editor(("at = 2026-12-10T17:00:00", "at = 2026-13-40"))
    done = subprocess.run(
        [sys.executable, "-m", "ccal", "edit", "first-call"],
        input=answer, stdin=subprocess.DEVNULL if answer is None else None,
        capture_output=True, text=True, env=os.environ, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"Kept the old {mine}; the edit was discarded.\n"
    assert "Edit again?" in done.stderr and "Traceback" not in done.stderr
    assert mine.read_text(encoding="utf-8") == MINE
