"""The ids an import or a sync may not write (``importers.taken``): those the loader's duplicate
check would find in another data file, by the same rule (``loader.duplicate_id_problems``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccal.errors import DataError
from ccal.importers.taken import ids_taken
from ccal.loader import load_catalog

OTHER = """version = 1

[[opportunity]]
id = "team-call"
kind = "call"
title = "Mine"

[[opportunity.dates]]
label = "Cut-off"
at = 2027-01-15T17:00:00

[[opportunity]]
id = "broken-one"
kind = "call"
title = "A date the schema refuses"

[[opportunity.dates]]
label = "Cut-off"
at = "soon"
"""


def test_an_id_of_a_file_with_a_schema_error_is_taken_too(tmp_path: Path) -> None:
    """A file with a schema error gives no items, but its ids still count as duplicates once
    another file holds one: written, the id would be a second error that outlives the first's
    fix."""
    other = tmp_path / "mine.toml"
    other.write_text(OTHER, encoding="utf-8")
    wanted = {"team-call", "broken-one", "team-event"}
    taken = ids_taken([other], wanted)
    assert set(taken) == {"team-call", "broken-one"}
    assert taken["team-call"] == f"its id is already used in {other} (kept there)"
    # what the loader reports once such a file is written beside it: both ids, duplicates
    written = tmp_path / "synced.toml"
    written.write_text(
        OTHER.replace("Mine", "Theirs").replace('"soon"', "2027-02-01"), encoding="utf-8"
    )
    with pytest.raises(DataError) as raised:
        load_catalog([other, written])
    messages = " ".join(problem.message for problem in raised.value.problems)
    assert "duplicate id 'team-call'" in messages and "duplicate id 'broken-one'" in messages
