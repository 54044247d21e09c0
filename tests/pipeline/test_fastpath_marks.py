"""With pipeline marks, the start-up fast path prints exactly what the Typer app prints."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from ccal.index import fastpath

DATA = Path(__file__).resolve().parents[1] / "data"
OLD = 1_600_000_000
D = ["--data", "$DATA"]
AS_OF = ["--as-of", "2022-06-01"]

STATE = """version = 1
[summer-call]
status = "preparing"
since = 2022-05-01T09:00:00+02:00
notes = [{ at = 2022-05-02T10:00:00+02:00, text = "budget \\"ok\\" – ü" }]
[kosice-workshop]
status = "dropped"
[eoi-deadline]
notes = [{ at = 2022-05-03T10:00:00Z, text = "note only" }]
[tokyo-talk]
status = "done"
"""
WITH_MARKS = [
    ["upcoming", "--json", *AS_OF, *D],
    ["upcoming", "--json", "--limit", "2", *AS_OF, *D],
    ["upcoming", "--json", "--search", "call", *AS_OF, *D],
    ["deadlines", "summer-call", "--json", "--as-of", "2022-12-01", *D],
    ["deadlines", "kosice-workshop", "--json", *AS_OF, *D],
    ["remind", "--within", "120d", *AS_OF, *D],
    ["remind", "--json", "--within", "120d", "--tz", "Asia/Tokyo", *AS_OF, *D],
]


@pytest.fixture
def data_file(tmp_path) -> str:
    """A settled copy of the fixture (old enough to index)."""
    data = Path(shutil.copy(DATA / "fixture.toml", tmp_path / "data.toml"))
    os.utime(data, (OLD, OLD))
    return str(data)


@pytest.mark.parametrize("args", WITH_MARKS, ids=" ".join)
def test_with_pipeline_marks_both_paths_print_the_same(data_file, args, ccal, capsys, monkeypatch):
    """Marked done/dropped entries leave the listings and ``mine`` is spliced in, as the Typer
    app does it (``pipeline.select``). In-process: the fast path's answer, then the app's."""
    from ccal.pipeline.paths import state_file_name

    state = Path(state_file_name())
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text(STATE, encoding="utf-8")
    monkeypatch.setenv("CCAL_NOW", "2022-06-01T12:00:00Z")
    argv = [a.replace("$DATA", data_file) for a in args]
    ccal("upcoming", "--json", "--data", data_file)  # builds the index
    capsys.readouterr()
    assert fastpath.answer(argv) == 0  # answered by the fast path itself
    fast = capsys.readouterr().out
    typer_answer = ccal(*argv)
    assert typer_answer.exit_code == 0
    assert fast == typer_answer.stdout
    assert "kosice" not in fast or args[0] == "deadlines"
    assert '"mine": {' in fast or (args[0] == "remind" and "--json" not in args)
