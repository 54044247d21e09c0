"""ccal mark / note: the state file, and what every listing makes of it."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from conftest import DATA

from ccal.pipeline.paths import state_file_name

NOW = "2022-06-01 12:00"


@pytest.fixture
def run(ccal, monkeypatch):
    monkeypatch.setenv("CCAL_DATA", str(DATA / "fixture.toml"))
    monkeypatch.setenv("CCAL_NOW", NOW)

    def call(*args: str, code: int = 0, input: str | None = None):
        result = ccal(*args, input=input)
        assert result.exit_code == code, (result.stdout, result.stderr)
        return result

    return call


def state() -> dict:
    return tomllib.loads(Path(state_file_name()).read_text(encoding="utf-8"))


def ids(run, *args: str) -> list[str]:
    return list(dict.fromkeys(r["id"] for r in json.loads(run(*args, "--json").stdout)))


def test_mark_and_note_write_one_readable_table(run):
    out = run("mark", "summer-call", "preparing", "--note", "budget from Anna").stdout
    assert out == "Marked 'summer-call' preparing with a note.\n"
    run("note", "summer-call", "letters asked", "--as-of", "2022-06-02 09:00")
    table = state()["summer-call"]
    assert table["status"] == "preparing"
    assert table["since"].isoformat() == "2022-06-01T12:00:00+00:00"
    assert [n["text"] for n in table["notes"]] == ["budget from Anna", "letters asked"]
    assert table["notes"][1]["at"].isoformat() == "2022-06-02T09:00:00+00:00"


def test_since_moves_only_when_the_status_changes(run):
    run("mark", "summer-call", "preparing")
    run("mark", "summer-call", "preparing", "--as-of", "2022-06-05")
    assert state()["summer-call"]["since"].day == 1
    out = run("mark", "summer-call", "submitted", "--as-of", "2022-06-05").stdout
    assert "(was preparing)" in out
    assert state()["summer-call"]["since"].day == 5


def test_clear_forgets_the_status_but_keeps_the_notes(run):
    run("mark", "summer-call", "preparing", "--note", "keep me")
    cleared = run("mark", "summer-call", "--clear").stdout
    assert cleared == "Cleared the status of 'summer-call' (was preparing; 1 note kept).\n"
    assert state()["summer-call"] == {"notes": state()["summer-call"]["notes"]}
    assert ids(run, "upcoming", "--mine") == []


def test_hand_edits_and_comments_survive_a_write(run):
    path = Path(state_file_name())
    path.parent.mkdir(parents=True)
    path.write_text(
        "version = 1\n# my own comment\n[kosice-workshop]\nstatus = 'watching'  # why\n",
        encoding="utf-8",
    )
    run("mark", "summer-call", "submitted")
    text = path.read_text(encoding="utf-8")
    assert "# my own comment" in text and "status = 'watching'  # why" in text
    assert state()["summer-call"]["status"] == "submitted"


def test_an_unknown_id_is_refused_with_a_suggestion_and_nothing_written(run):
    result = run("mark", "sumer-call", "preparing", code=1)
    assert "did you mean 'summer-call'" in result.stderr
    assert not Path(state_file_name()).exists()
    assert run("note", "nope", "x", code=1).stderr.startswith("ccal: unknown id 'nope'")


def test_the_status_choices_are_the_states_statuses():
    from ccal.cli.options import StatusChoice
    from ccal.pipeline.state import STATUSES

    assert tuple(StatusChoice) == STATUSES


def test_usage_errors(run):
    assert run("mark", "summer-call", code=2).stderr.startswith("ccal: give a STATUS")
    run("mark", "summer-call", "--clear", "--note", "x", code=2)
    run("mark", "summer-call", "busy", code=2)
    run("note", "summer-call", "  ", code=2)


def test_json_carries_mine_on_every_listing(run):
    run("mark", "summer-call", "preparing", "--note", "n1")
    expected = {
        "status": "preparing",
        "notes": [{"at": "2022-06-01T12:00:00+00:00", "text": "n1"}],
        "since": "2022-06-01T12:00:00+00:00",
    }
    rows = json.loads(run("upcoming", "--json").stdout)
    assert {r["id"]: r["mine"] for r in rows}["summer-call"] == expected
    assert all(r["mine"] is None for r in rows if r["id"] != "summer-call")
    assert json.loads(run("show", "summer-call", "--json").stdout)["mine"] == expected
    listed = json.loads(run("list", "--json").stdout)
    assert {r["id"]: r["mine"] for r in listed}["summer-call"] == expected
    deadlines = json.loads(run("deadlines", "summer-call", "--json").stdout)
    assert all(r["mine"] == expected for r in deadlines)
    import jsonschema
    from conftest import REPO

    schema = json.loads((REPO / "schema" / "listing.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(rows)


def test_tables_show_the_status(run):
    run("mark", "summer-call", "submitted", "--note", "sent on time")
    assert "[submitted]" in run("upcoming").stdout
    assert "[submitted]" in run("list").stdout
    shown = run("show", "summer-call").stdout
    assert "submitted since Wed 1 Jun 2022 12:00 UTC" in shown
    assert "2022-06-01: sent on time" in shown


def test_done_and_dropped_leave_the_default_listings(run):
    run("mark", "summer-call", "dropped")
    run("mark", "kosice-workshop", "done")
    run("mark", "eoi-deadline", "preparing")
    for command in (["upcoming"], ["list", "--dates"], ["remind", "--within", "400d"]):
        shown = ids(run, *command)
        assert "summer-call" not in shown and "kosice-workshop" not in shown, command
        assert "eoi-deadline" in shown
    every = ids(run, "upcoming", "--all")
    assert {"summer-call", "kosice-workshop"} <= set(every)
    assert {"summer-call", "kosice-workshop"} <= set(ids(run, "list", "--all"))
    exported = json.loads(run("export", "--format", "json").stdout)
    assert "summer-call" not in {r["id"] for r in exported}
    exported = json.loads(run("export", "--format", "json", "--all").stdout)
    assert "summer-call" in {r["id"] for r in exported}
    # --mine: any status but dropped; --status: exactly those (repeatable)
    assert ids(run, "upcoming", "--mine") == ["eoi-deadline", "kosice-workshop"]
    assert ids(run, "upcoming", "--status", "dropped") == ["summer-call"]
    assert ids(run, "upcoming", "--status", "dropped", "--status", "done") == [
        "kosice-workshop",
        "summer-call",
    ]
    # a countdown goes past what you dropped, unless you name it
    countdown = json.loads(run("countdown", "--json").stdout)
    assert countdown[0]["id"] == "eoi-deadline"
    named = json.loads(run("countdown", "summer-call", "--json").stdout)
    assert named[0]["id"] == "summer-call"
    assert run("countdown", "summer-call", "--mine", code=2)


def test_the_fast_path_answers_with_marks_as_the_app_does(run, ccal, capsys):
    from ccal.index import fastpath

    run("mark", "summer-call", "dropped")
    run("mark", "kosice-workshop", "preparing", "--note", "n")
    typer_answer = run("upcoming", "--json").stdout  # builds the index too
    assert fastpath.answer(["upcoming", "--json"]) == 0
    assert capsys.readouterr().out == typer_answer
    Path(state_file_name()).write_text("version = 1\n[summer-call]\nstatus = 1\n")
    assert fastpath.answer(["upcoming", "--json"]) is None  # the app reports the problem


def test_validate_warns_about_a_mark_whose_id_is_gone_and_keeps_it(run):
    path = Path(state_file_name())
    path.parent.mkdir(parents=True)
    path.write_text("version = 1\n\n[gone-call]\nstatus = 'preparing'\n", encoding="utf-8")
    result = run("validate")
    assert f"{path}:3:1: warning: opportunity 'gone-call': no active data file" in result.stdout
    assert "gone-call" in path.read_text(encoding="utf-8")
    run("mark", "gone-call", "--clear")  # an orphan may still be cleared
    assert "gone-call" not in path.read_text(encoding="utf-8")


def test_a_broken_state_file_is_reported_where_it_is_wrong(run):
    path = Path(state_file_name())
    path.parent.mkdir(parents=True)
    path.write_text("version = 1\n\n[summer-call]\nstatus = 'busy'\n", encoding="utf-8")
    result = run("upcoming", code=1)
    assert result.stderr.startswith(f"{path}:4:")
    assert "unknown status 'busy'" in result.stderr
    assert "unknown status" in run("validate", code=1).stdout
    run("mark", "summer-call", "preparing", code=1)  # never written over a broken file
    assert "busy" in path.read_text(encoding="utf-8")
