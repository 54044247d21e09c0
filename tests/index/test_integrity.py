"""The index never lies: a changed byte in it, a data file changed behind an unchanged identity,
or a FIFO where the index should be never gives a wrong answer or a hang."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccal import index, loader
from ccal.index import policy
from ccal.index.reader import Index

from .test_fastpath import HANDS_OVER, OLD, fast, typer_app

FIXTURE = Path(__file__).parents[1] / "data" / "fixture.toml"
CALLS = (
    ["upcoming", "--json", "--as-of", "2022-06-01"],
    ["upcoming", "--json", "--as-of", "2022-06-21 20:00", "--within", "30d", "-k", "event"],
    ["deadlines", "summer-call", "--json", "--as-of", "2022-12-01"],
    ["remind", "--within", "90d", "--as-of", "2022-06-01"],
)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> tuple[Path, bytes, list]:
    """A settled data file, its index's bytes, and the Typer app's answers (from the files)."""
    folder = tmp_path_factory.mktemp("integrity")
    data = Path(shutil.copy(FIXTURE, folder / "data.toml"))
    os.utime(data, (OLD, OLD))
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder / "cache")
    try:
        index.load_catalog([data])
        built = policy.index_file([data]).read_bytes()
        truth = [typer_app([*argv, "--data", str(data)], {}) for argv in CALLS]
    finally:
        if saved is None:
            os.environ.pop("XDG_CACHE_HOME")
        else:
            os.environ["XDG_CACHE_HOME"] = saved
    return data, built, truth


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(flip=st.data())
def test_a_flipped_bit_never_changes_an_answer(pristine, flip):
    data, built, truth = pristine
    offset = flip.draw(st.integers(0, len(built) - 1), label="byte")
    bit = flip.draw(st.integers(0, 7), label="bit")
    damaged = bytearray(built)
    damaged[offset] ^= 1 << bit
    target = policy.index_file([data])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(bytes(damaged))
    for argv, expected in zip(CALLS, truth, strict=True):
        outcome = fast([*argv, "--data", str(data)], {})
        assert outcome is HANDS_OVER or outcome == expected, (offset, bit, argv)
    # The Typer path: the catalog of the files, whatever the index holds (then rebuilt).
    assert index.load_catalog([data]) == loader.load_catalog([data])
    assert fast([*CALLS[0], "--data", str(data)], {}) == truth[0]


def test_a_changed_row_is_caught_by_its_checksum(pristine):
    """The attack of the issue: one date changed in the index, served by both paths before."""
    import sqlite3

    data, built, truth = pristine
    target = policy.index_file([data])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(built)
    with sqlite3.connect(target) as db:
        db.execute("UPDATE entries SET due_us = due_us + 6 * 86400000000, at_us = at_us + 1")
    assert Index.open([data]) is not None  # the files still match: only the rows are wrong
    assert fast([*CALLS[0], "--data", str(data)], {}) is HANDS_OVER
    assert index.load_catalog([data]) == loader.load_catalog([data])  # and rebuilt
    assert fast([*CALLS[0], "--data", str(data)], {}) == truth[0]


def test_a_missing_row_is_caught(pristine):
    import sqlite3

    data, built, _truth = pristine
    target = policy.index_file([data])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(built)
    with sqlite3.connect(target) as db:
        db.execute("DELETE FROM entries WHERE rank = 2")
    for argv in CALLS[:3]:
        assert fast([*argv, "--data", str(data)], {}) is HANDS_OVER
    assert index.load_catalog([data]) == loader.load_catalog([data])


@pytest.mark.parametrize("sampled", [False, True], ids=["whole file", "sampled blocks"])
def test_an_edit_behind_the_same_size_mtime_and_inode_is_not_served(tmp_path, monkeypatch, sampled):
    if sampled:  # a big file: only blocks of it are hashed (the first among them)
        monkeypatch.setattr(policy, "HASH_WHOLE_UP_TO", 0)
    data = Path(shutil.copy(FIXTURE, tmp_path / "data.toml"))
    os.utime(data, (OLD, OLD))
    index.load_catalog([data])
    before = os.stat(data)
    text = data.read_bytes()
    edited = text.replace(b"2022-07-29T18:00:00", b"2022-07-30T18:00:00", 1)
    assert len(edited) == len(text) and edited != text
    with open(data, "r+b") as handle:  # in place: the same inode
        handle.write(edited)
    os.utime(data, ns=(before.st_atime_ns, before.st_mtime_ns))  # and back to the old mtime
    after = os.stat(data)
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )
    argv = ["deadlines", "summer-call", "--json", "--as-of", "2022-06-01", "--data", str(data)]
    outcome = fast(argv, {})  # stale: not served; the file is read and indexed anew
    assert '"at": "2022-07-30T18:00:00+02:00"' in outcome[0]
    assert outcome == typer_app(argv, {})
    assert index.load_catalog([data]) == loader.load_catalog([data])
    assert fast(argv, {}) == typer_app(argv, {})  # and served


def test_a_fifo_in_place_of_the_index_does_not_hang(tmp_path):
    data = Path(shutil.copy(FIXTURE, tmp_path / "data.toml"))
    os.utime(data, (OLD, OLD))
    target = policy.index_file([data])
    target.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(target)
    argv = [*CALLS[0], "--data", str(data)]
    outcomes: list = []
    worker = threading.Thread(target=lambda: outcomes.append(fast(argv, {})), daemon=True)
    worker.start()
    worker.join(10)
    if worker.is_alive():  # unblock the reader so the test process can end
        with open(target, "wb"):
            pass
        pytest.fail("the fast path hangs on a FIFO in place of the index")
    assert outcomes == [typer_app(argv, {})]  # the files read, the FIFO replaced by an index
    assert target.is_file()
    assert index.load_catalog([data]) == loader.load_catalog([data])
    assert fast(argv, {}) == outcomes[0]


def test_whole_items_checks_each_item_and_its_rows(pristine):
    """``list --json``'s reads (``Index.whole_items``): an item's entries as the catalog's, in
    sort order; a row lost or moved to another item, or an item asked that is not there, is
    ``Corrupt``, never a shorter answer."""
    import sqlite3

    from ccal.catalog import Entry

    data, built, _truth = pristine
    target = policy.index_file([data])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(built)
    opened = Index.open([data])
    assert opened is not None
    catalog = opened.catalog(models=False)
    seqs = list(range(opened.item_count))[::-1]
    read = opened.whole_items(seqs)
    for seq, item in enumerate(catalog.items):
        zone, path, opportunity, entries = read[seq]
        assert (zone, path, opportunity.id) == (item.zone, str(item.path), item.opportunity.id)
        rows = [e for e in entries if e.occurrence is None or e.occurrence == 0]
        assert [e.position for e in rows] == [
            e.position for e in sorted(item.entries, key=Entry.sort_key)
        ]
    with pytest.raises(policy.Corrupt):
        opened.whole_items([opened.item_count])
    opened.connection.close()
    for change in ("DELETE FROM entries WHERE rank = 2", "UPDATE entries SET item = 1 - item"):
        target.write_bytes(built)
        with sqlite3.connect(target) as db:
            db.execute(change)
        damaged = Index.open([data])
        assert damaged is not None
        with pytest.raises(policy.Corrupt):
            damaged.whole_items(list(range(damaged.item_count)))
        damaged.connection.close()
