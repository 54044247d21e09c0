"""``add`` and ``extend`` with a fresh index check only the entry they write (``ccal.incremental``):
the same bytes, exit code, output and located problems as the whole check (``CCAL_NO_CACHE``),
on generated files; a duplicate id is refused, in the file or in another active file; a stale or
corrupt index, or a file whose layout cannot be proven, takes the whole check."""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccal import incremental
from ccal.index.policy import index_file
from ccal.sources import active_sources, shipped_dataset, user_data_file

NOW = "2026-12-01T10:00"
ZONES = [None, "Europe/Brussels", "Europe/Lisbon", "America/Santiago", "UTC+1", "UTC+2", "AoE"]
TEXTS = ["Plain", "Ümlaut — dash", "Bell \x07 here", "Bidi \u202e mark", 'Quote " and \\']


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\x07", "\\u0007") + '"'


@st.composite
def data_files(draw):
    """A valid data file's text: zones (fixed offsets among them), dates of every form, dates as
    tables or inline, CRLF or LF, with or without a last newline; sometimes a multi-line
    summary (whose triple quotes the fast path must not trust) or a header-like line in one."""
    lines = ["# generated", "version = 1"]
    zone = draw(st.sampled_from(ZONES[1:]))
    lines.append(f'timezone = "{zone}"')
    if draw(st.booleans()):
        lines.append('kinds = ["conference"]')
    for n in range(draw(st.integers(1, 6))):
        lines += ["", "[[opportunity]]", f'id = "e-{n}"']
        kind = draw(st.sampled_from(["call", "event", "talk"]))
        lines += [f'kind = "{kind}"', f"title = {_string(draw(st.sampled_from(TEXTS)))}"]
        own = draw(st.sampled_from(ZONES))
        if own:
            lines.append(f'timezone = "{own}"')
        if draw(st.integers(0, 9)) == 0:
            lines.append('summary = """Two lines\n[[opportunity]]\nin a string"""')
        dates = []
        for position in range(draw(st.integers(0, 3))):
            day = draw(st.integers(1, 28))
            month = draw(st.integers(1, 12))
            at = draw(
                st.sampled_from(
                    [f"2027-{month:02d}-{day:02d}", f"2027-{month:02d}-{day:02d}T17:00:00"]
                )
            )
            fields = [f'label = "Step {position}"', f"at = {at}"]
            if draw(st.booleans()) and "T" not in at:
                fields.append(f"end = 2027-{month:02d}-{day:02d}")
            if draw(st.booleans()):
                fields.append(f"previous = {at.replace('2027', '2026')}")
            dates.append(fields)
        if dates and draw(st.booleans()):
            inline = ", ".join("{" + ", ".join(f) + "}" for f in dates)
            lines.append(f"dates = [{inline}]")
        else:
            for fields in dates:
                lines += ["", "[[opportunity.dates]]", *fields]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    ending = newline if draw(st.booleans()) else ""
    return newline.join(lines) + ending


ADDS = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["new-one", "e-0", "e-2"]),
        "kind": st.sampled_from(["call", "conference", "Talk"]),
        "title": st.sampled_from(TEXTS),
        "deadline": st.sampled_from(["2027-01-31", "2027-03-28 02:30", "+14d", "2027-02-30"]),
        "zone": st.sampled_from([None, "UTC+1", "Europe/Lisbon"]),
    }
)
EXTENDS = st.fixed_dictionaries(
    {
        "id": st.sampled_from(["e-0", "e-1", "e-5", "nope"]),
        "label": st.sampled_from(["Step 0", "step 1", "Step 2", "Deadline"]),
        "to": st.sampled_from(["+1d", "-3d", "2027-06-01", "2027-03-28 02:30", "2026-01-01"]),
    }
)


class Twins:
    """One text written twice, each with its own cache: ``fast`` indexed by a reading command
    first, ``whole`` with the index bypassed. ``run`` runs one command on both and returns the
    two results with each file's name put back to ``FILE``."""

    def __init__(self, ccal, root: Path, text: str) -> None:
        self.ccal = ccal
        self.files = {}
        self.envs = {}
        for name in ("fast", "whole"):
            folder = root / name
            folder.mkdir()
            path = folder / "data.toml"
            path.write_bytes(text.encode())
            self.files[name] = path
            self.envs[name] = {"CCAL_NOW": NOW, "XDG_CACHE_HOME": str(folder / "cache")}
        self.envs["whole"]["CCAL_NO_CACHE"] = "1"

    def index(self) -> None:
        """Make the fast file quiet (not too fresh to index) and index it, as a reading
        command does."""
        path = self.files["fast"]
        past = time.time() - 60
        os.utime(path, (past, past))
        self.ccal("upcoming", "--data", str(path), env=self.envs["fast"])

    def run(self, *args: str):
        results = []
        for name in ("fast", "whole"):
            path = self.files[name]
            result = self.ccal(*args, "--data", str(path), env=self.envs[name])
            results.append(
                (
                    result.exit_code,
                    result.stdout.replace(str(path), "FILE"),
                    result.stderr.replace(str(path), "FILE"),
                )
            )
        return results

    def same_bytes(self) -> bool:
        return self.files["fast"].read_bytes() == self.files["whole"].read_bytes()


@pytest.fixture
def vouched(monkeypatch):
    """How often the fast path vouched for a write (so a test can tell it was taken)."""
    calls = []
    vouch = incremental.Layout.vouch

    def counting(self, *args, **kwargs):
        found = vouch(self, *args, **kwargs)
        calls.append(found is not None)
        return found

    monkeypatch.setattr(incremental.Layout, "vouch", counting)
    return calls


def _add_args(add):
    args = ["add", add["id"], "--kind", add["kind"], "--title", add["title"]]
    args += ["--deadline", add["deadline"]]
    return args + (["--zone", add["zone"]] if add["zone"] else [])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=data_files(), add=ADDS, extend=EXTENDS)
def test_fast_add_and_extend_match_the_whole_check(ccal, vouched, text, add, extend):
    with tempfile.TemporaryDirectory() as tmp:
        twins = Twins(ccal, Path(tmp), text)
        twins.index()
        fast, whole = twins.run(*_add_args(add))
        assert fast == whole
        assert twins.same_bytes()
        twins.index()
        fast, whole = twins.run("extend", extend["id"], extend["label"], "--to", extend["to"])
        assert fast == whole
        assert twins.same_bytes()


def test_the_fast_path_is_taken_and_matches(ccal, vouched, tmp_path):
    """A plain file: both writes are vouched for, with a warning located as the whole check
    locates it (a fixed offset where the file names a zone with summer time)."""
    text = (
        'version = 1\ntimezone = "Europe/Brussels"\n\n[[opportunity]]\nid = "e-0"\n'
        'kind = "call"\ntitle = "E"\n\n[[opportunity.dates]]\nlabel = "Deadline"\n'
        'at = 2027-02-01T17:00:00\n\n[[opportunity]]\nid = "e-1"\nkind = "call"\n'
        'title = "F"\ntimezone = "UTC+1"\n\n[[opportunity.dates]]\nlabel = "Deadline"\n'
        "at = 2027-06-01T17:00:00\n"
    )
    twins = Twins(ccal, tmp_path, text)
    twins.index()
    add = ["add", "new-one", "--kind", "call", "--title", "N", "--deadline", "2027-07-01"]
    fast, whole = twins.run(*add, "--zone", "UTC+1")
    assert fast == whole and fast[0] == 0
    assert "FILE:27:1: warning" in fast[2] and "UTC+1 is the offset of Europe/Brussels" in fast[2]
    twins.index()
    fast, whole = twins.run("extend", "e-1", "Deadline", "--to", "+7d")
    assert fast == whole and fast[0] == 0 and "FILE:17:1: warning" in fast[2]
    assert twins.same_bytes()
    assert vouched == [True, True]


def test_a_written_file_is_not_vouched_for_until_indexed_again(ccal, vouched, tmp_path):
    """The write replaced the file: the index no longer matches it, so the next write takes
    the whole check (and still refuses the id the first one added)."""
    twins = Twins(
        ccal, tmp_path, 'version = 1\n\n[[opportunity]]\nid = "e-0"\nkind = "talk"\ntitle = "E"\n'
    )
    twins.index()
    add = ["add", "new-one", "--kind", "call", "--title", "N", "--deadline", "2027-07-01"]
    assert twins.run(*add)[0][0] == 0
    fast, whole = twins.run(*add)
    assert fast == whole and fast[0] == 1 and "id 'new-one' already exists" in fast[2]
    assert vouched == [True]


def test_a_corrupt_index_is_not_trusted(ccal, vouched, tmp_path, monkeypatch):
    """An id changed in the index (its row's checksum no longer matches) must not let the
    same id be added twice."""
    twins = Twins(
        ccal, tmp_path, 'version = 1\n\n[[opportunity]]\nid = "e-0"\nkind = "talk"\ntitle = "E"\n'
    )
    twins.index()
    monkeypatch.setenv("XDG_CACHE_HOME", twins.envs["fast"]["XDG_CACHE_HOME"])
    index = index_file([twins.files["fast"]])
    assert index.exists()
    with sqlite3.connect(index) as connection:
        connection.execute("UPDATE items SET id = 'e-9' WHERE id = 'e-0'")
    fast, whole = twins.run(
        "add", "e-0", "--kind", "call", "--title", "N", "--deadline", "2027-07-01"
    )
    assert fast == whole and fast[0] == 1 and "id 'e-0' already exists" in fast[2]
    assert vouched == []


def test_an_edit_that_keeps_size_and_mtime_is_caught(ccal, vouched, tmp_path):
    twins = Twins(
        ccal, tmp_path, 'version = 1\n\n[[opportunity]]\nid = "e-0"\nkind = "talk"\ntitle = "E"\n'
    )
    twins.index()
    path = twins.files["fast"]
    info = path.stat()
    path.write_bytes(path.read_bytes().replace(b'"e-0"', b'"x-0"'))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    twins.files["whole"].write_bytes(path.read_bytes())
    fast, whole = twins.run(
        "add", "x-0", "--kind", "call", "--title", "N", "--deadline", "2027-07-01"
    )
    assert fast == whole and fast[0] == 1 and "id 'x-0' already exists" in fast[2]
    assert vouched == []


def test_an_id_of_another_active_file_is_refused(ccal, vouched, tmp_path, monkeypatch):
    """Without --data the user's file is read with the shipped dataset: a fresh index of both
    vouches, and an id of the dataset is still refused where the whole check refuses it."""
    monkeypatch.setenv("CCAL_NOW", NOW)
    mine = user_data_file()
    mine.parent.mkdir(parents=True)
    mine.write_text('version = 1\n\n[[opportunity]]\nid = "mine-0"\nkind = "talk"\ntitle = "E"\n')
    past = time.time() - 60
    os.utime(mine, (past, past))
    assert len(active_sources()) == 2
    assert ccal("upcoming").exit_code == 0  # indexes both files
    fast = incremental.layout(mine.read_text(), mine, active_sources(), [shipped_dataset()])
    assert fast is not None
    scan = fast.scanned()
    assert scan is not None
    taken = next(i for i, place in scan.ids.items() if place < 0)
    assert fast.has_id(taken) and fast.has_id("mine-0") and fast.has_id("mine-1") is False
    add = ["add", taken, "--kind", "call", "--title", "N", "--deadline", "2027-07-01"]
    refused = ccal(*add)
    assert refused.exit_code == 1 and f"id '{taken}' already exists" in refused.stderr
    assert str(shipped_dataset()) in refused.stderr
    assert ccal(*add, env={"CCAL_NO_CACHE": "1"}).stderr == refused.stderr
    assert ccal("add", "mine-1", *add[2:]).exit_code == 0
    assert vouched == [True]


def test_extend_finds_the_file_in_the_index(ccal, vouched, tmp_path, monkeypatch):
    """Without --data, which file holds the id comes from the index too (``indexed_file``)."""
    monkeypatch.setenv("CCAL_NOW", NOW)
    mine = user_data_file()
    mine.parent.mkdir(parents=True)
    mine.write_text(
        'version = 1\n\n[[opportunity]]\nid = "mine-0"\nkind = "call"\ntitle = "E"\n\n'
        '[[opportunity.dates]]\nlabel = "Deadline"\nat = 2027-02-01\n'
    )
    past = time.time() - 60
    os.utime(mine, (past, past))
    assert ccal("upcoming").exit_code == 0
    assert incremental.indexed_file("mine-0", active_sources()) == mine
    assert incremental.indexed_file("no-such-id", active_sources()) is None
    moved = ccal("extend", "mine-0", "Deadline", "--to", "+2d")
    assert moved.exit_code == 0, moved.stderr
    assert "previous = 2027-02-01" in mine.read_text()
    assert vouched == [True]


def test_an_id_spelled_with_an_escape_is_still_a_duplicate(ccal, vouched, tmp_path):
    """``"e\\u002d0"`` is ``e-0``: a text with a backslash is not searched for the id, the
    index's checked rows are asked."""
    twins = Twins(
        ccal,
        tmp_path,
        'version = 1\n\n[[opportunity]]\nid = "e\\u002d0"\nkind = "talk"\ntitle = "E"\n',
    )
    twins.index()
    add = ["add", "e-0", "--kind", "call", "--title", "N", "--deadline", "2027-07-01"]
    fast, whole = twins.run(*add)
    assert fast == whole and fast[0] == 1 and "id 'e-0' already exists" in fast[2]
    twins.index()
    fast, whole = twins.run("add", "e-1", *add[2:])
    assert fast == whole and fast[0] == 0
    assert twins.same_bytes()
    assert vouched == [True]


def test_a_copy_of_an_entry_inside_a_string_is_not_taken_for_it(ccal, vouched, tmp_path):
    """A summary holding a header line and a copy of the next entry: the header lines no longer
    match the opportunities one to one, so extend takes the whole path and moves the real one."""
    real = '[[opportunity]]\nid = "e-1"\nkind = "call"\ntitle = "F"\n\n[[opportunity.dates]]\n'
    real += 'label = "Deadline"\nat = 2027-02-01\n'
    text = (
        'version = 1\n\n[[opportunity]]\nid = "e-0"\nkind = "call"\ntitle = "E"\n'
        f'summary = """\n{real}"""\n\n{real}'
    )
    twins = Twins(ccal, tmp_path, text)
    twins.index()
    fast, whole = twins.run("extend", "e-1", "Deadline", "--to", "+1d")
    assert fast == whole and fast[0] == 0
    assert twins.same_bytes()
    assert twins.files["fast"].read_text().endswith("at = 2027-02-02\nprevious = 2027-02-01\n")
    assert vouched == []


def test_an_unsampled_edit_of_a_big_file_is_caught(ccal, vouched, tmp_path):
    """Over ``HASH_WHOLE_UP_TO`` the index's identity check samples blocks of the file; an edit
    in place between them, size, mtime and inode put back, must still not let a write trust
    the index (it would add a duplicate id): the writer checks every byte."""
    from ccal.index.policy import BLOCK, HASH_WHOLE_UP_TO, SAMPLE_BLOCKS

    parts = ["version = 1\n"]
    n = 0
    while sum(map(len, parts)) < HASH_WHOLE_UP_TO * 1.2:
        parts.append(f'\n[[opportunity]]\nid = "e-{n:06d}"\nkind = "talk"\ntitle = "{"x" * 60}"\n')
        n += 1
    text = "".join(parts)
    size, last = len(text), len(text) - BLOCK
    sampled = [(last * k // (SAMPLE_BLOCKS - 1), last * k // (SAMPLE_BLOCKS - 1) + BLOCK)
               for k in range(SAMPLE_BLOCKS)]  # fmt: skip

    def unsampled(k: int) -> bool:
        at = text.index(f'"e-{k:06d}"')
        return not any(start <= at + 10 and at < end for start, end in sampled)

    victim = next(f"e-{k:06d}" for k in range(n) if unsampled(k))
    twins = Twins(ccal, tmp_path, text)
    twins.index()
    edited = text.replace(f'"{victim}"', f'"{victim.replace("e-", "z-")}"').encode()
    assert len(edited) == size
    for path in twins.files.values():
        info = path.stat()
        path.write_bytes(edited)
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    fast, whole = twins.run(
        "add",
        victim.replace("e-", "z-"),
        "--kind",
        "call",
        "--title",
        "N",
        "--deadline",
        "2027-07-01",
    )
    assert fast == whole and fast[0] == 1 and "already exists" in fast[2]
    assert vouched == []
