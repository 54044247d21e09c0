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


MINE = OTHER.split('[[opportunity]]\nid = "broken-one"')[0]


def test_a_trusted_index_gives_the_same_ids_without_loading_a_file(tmp_path, monkeypatch):
    """An import or a sync asks which ids the other default files hold; with a trusted index
    of the default data the answer is its items' ids (no file is loaded, where a sync or an
    import of a big data file loaded every other file once more), the same as the files'."""
    import os

    from ccal import index, loader
    from ccal.importers.taken import other_files
    from ccal.sources import active_sources, eu_portal_file, shipped_dataset, user_data_file

    mine = user_data_file()
    mine.parent.mkdir(parents=True)
    mine.write_text(MINE, encoding="utf-8")
    os.utime(mine, (1_600_000_000, 1_600_000_000))  # quiet: a reading command indexes it
    shipped_id = loader.load_file(shipped_dataset()).all_ids()[0]
    assert shipped_id is not None
    wanted = {"team-call", shipped_id, "team-event"}
    others = other_files(eu_portal_file())
    monkeypatch.setenv("CCAL_NO_CACHE", "1")
    from_files = ids_taken(others, wanted)
    assert set(from_files) == {"team-call", shipped_id}
    monkeypatch.delenv("CCAL_NO_CACHE")
    index.load_catalog(active_sources())  # as a reading command indexes the default data

    def no_load(path: Path) -> None:
        raise AssertionError(f"loaded {path}")

    real_load = loader.load_file
    monkeypatch.setattr(loader, "load_file", no_load)
    assert ids_taken(others, wanted) == from_files
    monkeypatch.setattr(loader, "load_file", real_load)
    mine.write_text(MINE.replace("team-call", "team-event"), encoding="utf-8")  # index stale
    assert set(ids_taken(others, wanted)) == {"team-event", shipped_id}


def test_an_unsampled_edit_is_not_answered_from_the_index(tmp_path, monkeypatch):
    """The index's identity check samples blocks of a big file (enough for a read); an edit in
    place between them, size, mtime and inode put back, left ``ids_taken`` answering from the
    index: an import or a sync then wrote a duplicate id. A writer checks every byte
    (``policy.whole_checks``), as ``incremental`` does."""
    import os

    from ccal import index
    from ccal.importers.taken import other_files
    from ccal.index import policy
    from ccal.sources import active_sources, eu_portal_file, user_data_file

    monkeypatch.setattr(policy, "HASH_WHOLE_UP_TO", 0)  # every file sampled...
    monkeypatch.setattr(policy, "SAMPLE_BLOCKS", 2)  # ... at its first and last 16 bytes
    monkeypatch.setattr(policy, "BLOCK", 16)
    mine = user_data_file()
    mine.parent.mkdir(parents=True)
    mine.write_text(MINE, encoding="utf-8")
    os.utime(mine, (1_600_000_000, 1_600_000_000))
    index.load_catalog(active_sources())
    info = mine.stat()
    mine.write_text(MINE.replace("team-call", "team-cell"), encoding="utf-8")  # in place
    os.utime(mine, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert mine.stat().st_ino == info.st_ino
    taken = ids_taken(other_files(eu_portal_file()), {"team-call", "team-cell"})
    assert set(taken) == {"team-cell"}
