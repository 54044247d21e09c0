"""The index never changes a result, and is never trusted when it could be wrong."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from ccal import index
from ccal.index import policy
from ccal.index.reader import Index
from ccal.loader import load_catalog as load_from_files
from ccal.sources import user_dir
from ccal.store import atomic_write
from ccal.timeline import micros

DATA = Path(__file__).parent / "data"

OLD = 1_600_000_000  # a modification time well outside the "too recent to trust" window


def settled(path: Path) -> Path:
    os.utime(path, (OLD, OLD))
    return path


@pytest.fixture
def data_file(tmp_path) -> Path:
    return settled(Path(shutil.copy(DATA / "fixture.toml", tmp_path / "data.toml")))


QUERIES = [
    ("upcoming",),
    ("upcoming", "--limit", "2"),
    ("upcoming", "--within", "30d"),
    ("upcoming", "--until", "+60d"),  # relative: an end before now is a usage error
    ("upcoming", "--kind", "call", "--kind", "event"),
    ("upcoming", "--tag", "clusters", "--search", "KOSICE"),
    ("upcoming", "--organiser", "other", "--tz", "Asia/Tokyo"),
    ("list",),
    ("list", "--all"),
    ("list", "--past", "--dates"),
    ("list", "--all", "--dates", "--from", "2022-06-20", "--to", "2022-09-07"),
    ("deadlines", "summer-call"),
    ("deadlines", "--call", "tokyo-talk"),
    ("deadlines", "summer-cal"),
    ("show", "kosice-workshop"),
    ("show", "eoi-deadline"),
]
MOMENTS = ["2022-06-01", "2022-06-22T12:00", "2022-12-02 18:00", "2030-01-01"]


@pytest.mark.parametrize("query", QUERIES, ids=" ".join)
@pytest.mark.parametrize("as_of", MOMENTS)
@pytest.mark.parametrize("output", [(), ("--json",)], ids=["table", "json"])
def test_index_gives_byte_for_byte_the_same_output(ccal, data_file, query, as_of, output):
    args = [*query, *output, "--as-of", as_of, "--data", str(data_file)]
    files = ccal("--no-cache", *args)
    ccal(*args)  # builds the index
    assert Index.open([data_file]) is not None
    indexed = ccal(*args)
    assert (indexed.stdout, indexed.stderr, indexed.exit_code) == (
        files.stdout,
        files.stderr,
        files.exit_code,
    )


def test_the_shipped_dataset_round_trips_through_the_index(ccal):
    args = ["list", "--all", "--dates", "--json", "--as-of", "2022-06-01"]
    files = ccal("--no-cache", *args).stdout
    ccal(*args)
    assert ccal(*args).stdout == files


def test_the_catalog_from_the_index_equals_the_one_from_the_files(data_file):
    loaded = index.load_catalog([data_file])
    again = Index.open([data_file]).catalog()
    assert again == loaded
    for mine, theirs in zip(again.items, loaded.items, strict=True):
        assert repr(mine.opportunity.model_dump()) == repr(theirs.opportunity.model_dump())
        for a, b in zip(mine.entries, theirs.entries, strict=True):
            assert (a.at.fold, a.at.tzinfo, a.end and a.end.tzinfo) == (
                b.at.fold,
                b.at.tzinfo,
                b.end and b.end.tzinfo,
            )


def test_a_write_through_atomic_write_invalidates_the_index(ccal, data_file):
    args = ["deadlines", "tokyo-talk", "--json", "--as-of", "2022-06-01", "--data", str(data_file)]
    assert ccal.json(*args[:-1], args[-1])[0]["label"] == "Talk"
    text = data_file.read_text(encoding="utf-8").replace('label = "Talk"', 'label = "Keynote"')
    atomic_write(data_file, text.encode())
    settled(data_file)
    assert Index.open([data_file]) is None  # new inode: the old index is not trusted
    assert ccal.json(*args[:-1], args[-1])[0]["label"] == "Keynote"
    assert Index.open([data_file]) is not None  # and it was rebuilt


def test_an_in_place_edit_of_the_same_size_is_noticed(data_file):
    index.load_catalog([data_file])
    text = data_file.read_text(encoding="utf-8")
    data_file.write_text(text.replace("Cut-off 1", "Cut-off 9"), encoding="utf-8")
    os.utime(data_file, (OLD + 1, OLD + 1))
    assert Index.open([data_file]) is None
    labels = [e.label for e in index.load_catalog([data_file]).find("summer-call").entries]
    assert labels[0] == "Cut-off 9"


def test_a_file_modified_just_now_is_not_indexed(tmp_path):
    fresh = Path(shutil.copy(DATA / "fixture.toml", tmp_path / "fresh.toml"))
    index.load_catalog([fresh])
    assert not policy.index_file([fresh]).exists()


@pytest.mark.parametrize("damage", [b"", b"not a database at all" * 100, None])
def test_a_corrupt_or_foreign_index_is_ignored_and_rebuilt(data_file, damage):
    expected = load_from_files([data_file])
    index.load_catalog([data_file])
    target = policy.index_file([data_file])
    if damage is None:
        with sqlite3.connect(target) as connection:
            connection.execute("UPDATE meta SET value = '999' WHERE key = 'format'")
    else:
        target.write_bytes(damage)
    assert Index.open([data_file]) is None
    assert index.load_catalog([data_file]) == expected
    assert Index.open([data_file]) is not None


def test_no_cache_neither_reads_nor_writes_the_index(ccal, data_file, monkeypatch):
    ccal("--no-cache", "upcoming", "--json", "--data", str(data_file))
    assert not policy.index_file([data_file]).exists()
    monkeypatch.setenv("CCAL_NO_CACHE", "1")
    ccal("upcoming", "--json", "--data", str(data_file))
    assert not policy.index_file([data_file]).exists()
    monkeypatch.delenv("CCAL_NO_CACHE")
    ccal("upcoming", "--json", "--data", str(data_file))
    assert policy.index_file([data_file]).exists()


def test_bad_data_is_reported_the_same_way_and_never_indexed(ccal, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[opportunity]]\nid = "x"\nkind = "call"\n', encoding="utf-8")
    settled(bad)
    result = ccal("upcoming", "--data", str(bad))
    assert result.exit_code == 1
    assert "missing required key 'title'" in result.stderr
    assert not policy.index_file([bad]).exists()


@pytest.mark.parametrize(
    "env",
    [{}, {"XDG_CACHE_HOME": "/x/cache", "XDG_DATA_HOME": "/x/data"}, {"XDG_CACHE_HOME": "rel"}],
)
def test_cache_and_data_dirs_are_those_platformdirs_gives(monkeypatch, env):
    platformdirs = pytest.importorskip("platformdirs")
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.delenv("XDG_DATA_HOME")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert user_dir("XDG_CACHE_HOME", ".cache") == platformdirs.user_cache_path("ccal", False)
    assert user_dir("XDG_DATA_HOME", ".local/share") == platformdirs.user_data_path("ccal", False)


def test_a_big_catalog_renders_ahead_only_entries_not_yet_passed(data_file, monkeypatch):
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from ccal.index import writer as index_write

    monkeypatch.setattr(index_write, "RENDER_ALL_UP_TO", 3)  # the fixture counts as big

    now = datetime(2022, 6, 22, 12, tzinfo=UTC)
    index.load_catalog([data_file], now=now, zone=ZoneInfo("Asia/Tokyo"))
    with sqlite3.connect(policy.index_file([data_file])) as db:
        rows = db.execute("SELECT due_us, head IS NULL, remind IS NULL FROM entries").fetchall()
        (zone,) = db.execute("SELECT value FROM meta WHERE key = 'remind_zone'").fetchone()
    assert zone == "Asia/Tokyo"
    due_now = micros(now)
    assert {(due >= due_now, ahead, ahead) for due, ahead, _ in rows} == {
        (True, 0, 0),
        (False, 1, 1),
    }
    assert all(head == remind for _, head, remind in rows)
    monkeypatch.setattr(index_write, "RENDER_ALL_UP_TO", 5000)  # small: everything rendered
    os.unlink(policy.index_file([data_file]))
    index.load_catalog([data_file], now=now, zone=ZoneInfo("Asia/Tokyo"))
    with sqlite3.connect(policy.index_file([data_file])) as db:
        assert db.execute("SELECT count(*) FROM entries WHERE head IS NULL").fetchone() == (0,)


def test_the_cache_keeps_only_the_most_recently_used_indexes(tmp_path, monkeypatch):
    files = [
        settled(Path(shutil.copy(DATA / "fixture.toml", tmp_path / f"{n}.toml"))) for n in range(12)
    ]
    monkeypatch.setattr(policy, "KEEP", 100)
    for n, path in enumerate(files):  # files[0] used most recently, files[11] longest ago
        index.load_catalog([path])
        os.utime(policy.index_file([path]), (OLD + 100 - n, OLD + 100 - n))
    monkeypatch.setattr(policy, "KEEP", 8)
    folder = policy.index_file([files[0]]).parent
    stale_temp = folder / ".index-0000.sqlite.99.tmp"  # left by a writer that died
    stale_temp.write_bytes(b"")
    settled(stale_temp)
    index.load_catalog([files[0]])  # still trusted: no write, no pruning
    assert len(list(folder.glob("index-*.sqlite"))) == 12
    fresh = settled(Path(shutil.copy(DATA / "fixture.toml", tmp_path / "new.toml")))
    index.load_catalog([fresh])  # a new index: the cache is pruned first
    kept = sorted(p.name for p in folder.glob("index-*.sqlite"))
    assert kept == sorted(policy.index_file([p]).name for p in [fresh, *files[:7]])
    assert not stale_temp.exists()


def test_an_index_in_use_is_marked_used_once_a_day(data_file):
    index.load_catalog([data_file])
    target = policy.index_file([data_file])
    os.utime(target, (OLD, OLD))
    assert Index.open([data_file]) is not None
    assert target.stat().st_mtime > OLD


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--all", "--dates", "--json"),
        ("upcoming", "--json", "--as-of", "2022-10-20"),
        ("export", "--format", "ics", "--all"),
        ("deadlines", "standup", "--json", "--as-of", "2024-01-01"),
    ],
    ids=" ".join,
)
def test_repeating_dates_are_indexed_and_change_nothing(ccal, tmp_path, args):
    """A file with an ``rrule`` is indexed too (its series as written, its occurrences over the
    span the index covers): the same catalog, the same answers, as from the files."""
    data = settled(Path(shutil.copy(DATA / "recurring.toml", tmp_path / "recurring.toml")))
    full = [*args, "--data", str(data)]
    if "--as-of" not in args:
        full += ["--as-of", "2022-06-01"]
    files = ccal("--no-cache", *full)
    ccal(*full)  # builds the index
    assert Index.open([data]) is not None
    assert index.load_catalog([data]) == load_from_files([data])
    indexed = ccal(*full)
    assert (indexed.stdout, indexed.exit_code) == (files.stdout, files.exit_code)


def test_an_index_whose_series_cover_ended_is_rewritten_from_itself(tmp_path, monkeypatch):
    """Built long ago, an index no longer covers the year ahead of an open-ended series: the
    Typer path writes it anew from its own catalog (no TOML parsed), and the fast path answers
    again."""
    from datetime import UTC, datetime

    from ccal import loader

    data = settled(Path(shutil.copy(DATA / "recurring.toml", tmp_path / "recurring.toml")))
    index.load_catalog([data], now=datetime(2015, 1, 1, tzinfo=UTC))
    assert Index.open([data]).cover_us[1] < micros(datetime(2018, 1, 1, tzinfo=UTC))

    def no_parsing(paths):
        raise AssertionError("the files were parsed")

    monkeypatch.setattr(loader, "load_catalog", no_parsing)
    index.load_catalog([data])
    low, high = Index.open([data]).cover_us
    assert low < micros(datetime.now(UTC)) < high


def test_the_writers_rank_order_is_timeline_sort_key_order():
    """The writer ranks entries by stable sorts on ``sort_key``'s fields (to hold no key tuple
    per entry); on a catalog full of ties (one instant, many ids, many positions) it must be
    the order of ``sort_key`` itself."""
    from ccal.index.writer import rank_order
    from ccal.timeline import sort_key

    catalog = load_from_files([Path(__file__).parent / "data" / "fixture.toml"])
    entries = [entry for item in catalog.items for entry in item.entries]
    entries = entries[::-1] + entries  # out of file order, and every key twice
    at_us, order = rank_order(entries)
    assert list(at_us) == [micros(entry.at) for entry in entries]
    expected = sorted(
        range(len(entries)),
        key=lambda n: sort_key(
            micros(entries[n].at), entries[n].opportunity.id, entries[n].position
        ),
    )
    keys = [sort_key(at_us[n], entries[n].opportunity.id, entries[n].position) for n in order]
    assert keys == [
        sort_key(at_us[n], entries[n].opportunity.id, entries[n].position) for n in expected
    ]


def _tables(path: str) -> list[list[tuple]]:
    connection = sqlite3.connect(path)
    try:
        names = [row[0] for row in connection.execute("SELECT name FROM sqlite_master ORDER BY 1")]
        return [names] + [
            list(connection.execute(f"SELECT * FROM {table} ORDER BY 1"))
            for table in ("meta", "items", "entries", "series")
        ]
    finally:
        connection.close()


SERIES = """
[[opportunity]]
id = "weekly-webinar"
kind = "talk"
title = "Weekly webinar"

[[opportunity.dates]]
label = "Webinar"
at = 2022-06-01T15:00:00
end = 2022-06-01T16:00:00
rrule = "FREQ=WEEKLY"
"""


def _written_by_one_and_by_two(tmp_path, monkeypatch, before_two=None):
    """The tables of the fixture's index (a weekly series added) written by one process and
    by two (``before_two`` run first, e.g. to break ``os.fork``); each time, the index is all
    that is left in the cache (the child's part is gone)."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from ccal.index import writer

    data = tmp_path / "data.toml"
    data.write_text((DATA / "fixture.toml").read_text(encoding="utf-8") + SERIES, "utf-8")
    settled(data)
    catalog = load_from_files([data])
    files = policy.identities([data])
    now = datetime(2022, 6, 20, tzinfo=UTC)  # rows rendered ahead, and rows not
    written = []
    for parallel in (False, True):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / f"cache-{parallel}"))
        monkeypatch.setattr(writer, "_two_processes", lambda count, p=parallel: p)
        if parallel and before_two is not None:
            before_two()
        writer.write([data], files, catalog, now, ZoneInfo("Europe/Brussels"))
        written.append(_tables(policy.index_name([data])))
        assert os.listdir(tmp_path / f"cache-{parallel}" / "ccal") == [
            os.path.basename(policy.index_name([data]))
        ]
    return written


def test_an_index_written_by_two_processes_is_the_one_written_by_one(tmp_path, monkeypatch):
    """A big index has a third of its entries rows made by this process and the rest by a
    forked child, copied in by SQLite: every table must hold exactly what one process writes
    (occurrences of a repeating date among them)."""
    written = _written_by_one_and_by_two(tmp_path, monkeypatch)
    assert written[0] == written[1]
    assert len(written[1][3]) > 10


def test_a_row_the_child_cannot_write_leaves_no_index_as_with_one_process(tmp_path, monkeypatch):
    """A value the writer refuses in the child's part: the child fails, this process makes the
    same rows, meets the same error, and no index (nor a part of one) is left."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from ccal.index import writer

    data = settled(Path(shutil.copy(DATA / "fixture.toml", tmp_path / "data.toml")))
    catalog = load_from_files([data])
    real = writer._entry_row
    last = max(e.at_us for item in catalog.items for e in item.entries)

    def refusing(seq, item, entry, at_us, now_us, display):
        if at_us == last:  # the latest rank: always in the child's part
            raise ValueError("an instant outside the entry's zone")
        return real(seq, item, entry, at_us, now_us, display)

    monkeypatch.setattr(writer, "_entry_row", refusing)
    monkeypatch.setattr(writer, "_two_processes", lambda count: True)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with pytest.raises(ValueError, match="outside the entry's zone"):
        writer.write([data], policy.identities([data]), catalog, datetime.now(UTC), ZoneInfo("UTC"))
    assert os.listdir(tmp_path / "cache" / "ccal") == []


def test_the_order_the_writer_hands_to_the_catalog_is_its_own_sort(data_file, tmp_path):
    """A first load's catalog takes its sorted entries from the writer's rank order (no second
    sort): the same list ``Catalog.entries`` sorts itself."""
    from ccal.catalog import Catalog

    catalog = index.load_catalog([data_file])
    assert Index.open([data_file]) is not None  # written: the order came from the writer
    assert catalog._sorted is not None
    fresh = Catalog(catalog.items)
    assert fresh._sorted is None
    assert catalog.entries() == fresh.entries()
    assert [e.sort_key() for e in catalog.entries()] == sorted(
        e.sort_key() for item in catalog.items for e in item.entries
    )
    assert catalog.entries() is not catalog.entries()  # a copy each time: callers may sort it


def test_an_index_written_by_two_processes_when_children_are_ignored(tmp_path, monkeypatch):
    """A parent that ignores SIGCHLD passes that on through exec (a daemon, a service manager's
    child): the forked child is then reaped by the kernel and ``waitpid`` fails (ECHILD) once it
    has gone. Whether it wrote its part is not known: this process makes its rows, and the index
    is the one a single process writes."""
    import signal

    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    try:
        written = _written_by_one_and_by_two(tmp_path, monkeypatch)
    finally:
        signal.signal(signal.SIGCHLD, previous)
    assert written[0] == written[1]


def test_an_interrupt_at_the_fork_never_lets_the_child_out(tmp_path):
    """A Ctrl-C that reaches the child as it is forked (before its first line) must end the
    child there: escaping into the writer's clean-up, it deleted this process's temporary index
    (and went on to the command's own handling of the interrupt). The index is still written.
    In a process of its own: a fork handler, once registered, stays."""
    import subprocess
    import sys

    data = settled(Path(shutil.copy(DATA / "fixture.toml", tmp_path / "data.toml")))
    script = f"""
import _thread, os, sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo
from ccal.index import policy, writer
from ccal.loader import load_catalog as load_from_files

data = Path({str(data)!r})
catalog = load_from_files([data])
writer._two_processes = lambda count: True
me = os.getpid()
os.register_at_fork(after_in_child=_thread.interrupt_main)  # raised as os.fork returns
try:
    writer.write([data], policy.identities([data]), catalog, datetime.now(UTC), ZoneInfo("UTC"))
except BaseException as exc:
    if os.getpid() != me:
        os._exit(3)  # the child got out
    print(type(exc).__name__, exc)
    sys.exit(1)
print(sorted(os.listdir(os.path.dirname(policy.index_name([data])))))
"""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == repr([os.path.basename(policy.index_name([data]))])


def test_a_fork_that_fails_leaves_the_rows_to_this_process(tmp_path, monkeypatch):
    """No process to be had (a container's process limit: EAGAIN): the index is written by this
    process alone, the same one. (The error was only a missed index, written by no one: every
    later call read the files.)"""

    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    written = _written_by_one_and_by_two(
        tmp_path, monkeypatch, lambda: monkeypatch.setattr(os, "fork", no_fork)
    )
    assert written[0] == written[1]
