"""The change detection and the change log, on plain records (the sync tests cover the wire)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccal import changes

WHEN = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
CET = timezone(timedelta(hours=1))


def status_of(record):
    return record.get("status_marker")


def compare(old, new):
    return changes.compare(changes.snapshot(old, status_of), new, status_of, when=WHEN, source="s")


def record(ident, *dates, title="T", **extra):
    return {
        "id": ident,
        "title": title,
        "dates": [{"label": label, "at": at} for label, at in dates],
        **extra,
    }


def test_dates_added_and_removed_within_a_known_opportunity():
    old = [record("a", ("Stage 1", date(2027, 1, 1)), ("Stage 2", date(2027, 2, 1)))]
    new = [record("a", ("Stage 1", date(2027, 1, 1)), ("Stage 3", date(2027, 3, 1)))]
    found = [(c["kind"], c["label"], c.get("from"), c.get("to")) for c in compare(old, new)]
    assert found == [
        ("added", "Stage 3", None, "2027-03-01"),
        ("removed", "Stage 2", "2027-02-01", None),
    ]


def test_the_same_instant_in_another_offset_is_no_move():
    at = datetime(2027, 1, 1, 17, 0, tzinfo=CET)
    old = [record("a", ("Deadline", at))]
    new = [record("a", ("Deadline", at.astimezone(UTC)))]
    assert compare(old, new) == []
    assert "previous" not in new[0]["dates"][0]


def test_history_is_kept_then_dropped_when_the_date_comes_back():
    first, later = date(2027, 1, 1), date(2027, 1, 8)
    moved = [record("a", ("Deadline", later))]
    found = compare([record("a", ("Deadline", first))], moved)
    assert [(c["kind"], c["shift"], c["shift_seconds"]) for c in found] == [
        ("moved", "+7 d", 7 * 86400)
    ]
    assert moved[0]["dates"][0]["previous"] == first
    again = [record("a", ("Deadline", date(2027, 1, 15)))]
    compare(moved, again)
    assert again[0]["dates"][0]["previous"] == first  # where it first was
    back = [record("a", ("Deadline", first))]
    assert [c["kind"] for c in compare(again, back)] == ["moved"]
    assert "previous" not in back[0]["dates"][0]


def test_a_source_that_keeps_its_own_history_keeps_it():
    new = [record("a", ("Deadline", date(2027, 1, 8)))]
    new[0]["dates"][0]["previous"] = date(2026, 12, 24)
    compare([record("a", ("Deadline", date(2027, 1, 1)))], new)
    assert new[0]["dates"][0]["previous"] == date(2026, 12, 24)


def test_a_date_that_becomes_a_date_time_has_no_shift():
    old = [record("a", ("Deadline", date(2027, 1, 1)))]
    new = [record("a", ("Deadline", datetime(2027, 1, 1, 17, 0, tzinfo=CET)))]
    (moved,) = compare(old, new)
    assert (moved["shift"], moved["shift_seconds"]) == (None, None)


def test_local_times_are_logged_with_the_offset_of_their_zone():
    old = [record("a", ("Deadline", datetime(2027, 3, 10, 17, 0)), timezone="America/New_York")]
    new = [record("a", ("Deadline", datetime(2027, 3, 17, 17, 0)), timezone="America/New_York")]
    (moved,) = compare(old, new)
    assert (moved["from"], moved["to"]) == (
        "2027-03-10T17:00:00-05:00",
        "2027-03-17T17:00:00-04:00",
    )
    # the shift is on the wall clock, as listings word it; to - from is the elapsed time
    assert (moved["shift"], moved["shift_seconds"]) == ("+7 d", 7 * 86400)
    assert new[0]["dates"][0]["previous"] == datetime(2027, 3, 10, 17, 0)  # as extend writes it


def test_a_record_without_a_zone_is_in_the_files_zone():
    old = changes.snapshot([record("a", ("Deadline", datetime(2027, 1, 1, 9, 0)))], status_of)
    (moved,) = changes.compare(
        old,
        [record("a", ("Deadline", datetime(2027, 1, 2, 9, 0)))],
        status_of,
        when=WHEN,
        source="s",
    )
    assert moved["from"] == "2027-01-01T09:00:00+01:00"  # Europe/Brussels, ccal's default


def test_offset_times_are_shifted_on_the_entrys_wall_clock():
    """A week across the change to summer time: +7 d, as the listing says, not +6 d 23 h."""
    before = datetime(2027, 3, 24, 17, 0, tzinfo=CET)
    after = datetime(2027, 3, 31, 17, 0, tzinfo=timezone(timedelta(hours=2)))
    (moved,) = compare([record("a", ("Deadline", before))], [record("a", ("Deadline", after))])
    assert (moved["shift"], moved["shift_seconds"]) == ("+7 d", 7 * 86400)


def test_the_same_wall_time_in_another_zone_is_a_move():
    at = datetime(2027, 1, 1, 17, 0)
    old = [record("a", ("Deadline", at), timezone="Europe/Brussels")]
    new = [record("a", ("Deadline", at), timezone="Europe/London")]
    (moved,) = compare(old, new)
    assert (moved["from"], moved["to"]) == (
        "2027-01-01T17:00:00+01:00",
        "2027-01-01T17:00:00+00:00",
    )


def test_a_snapshot_from_before_zones_were_kept_is_read_in_the_records_zone():
    """Snapshots written before this change hold local times without a zone: no false moves."""
    old = changes.snapshot(
        [record("a", ("Deadline", datetime(2027, 3, 10, 17, 0)), timezone="Asia/Tokyo")], status_of
    )
    del old[0]["zone"]
    new = [record("a", ("Deadline", datetime(2027, 3, 10, 17, 0)), timezone="Asia/Tokyo")]
    assert changes.compare(old, new, status_of, when=WHEN, source="s") == []
    later = [record("a", ("Deadline", datetime(2027, 3, 11, 17, 0)), timezone="Asia/Tokyo")]
    (moved,) = changes.compare(old, later, status_of, when=WHEN, source="s")
    assert moved["from"] == "2027-03-10T17:00:00+09:00"


def test_status_changes_need_a_status_on_both_sides():
    old = [record("a", status_marker="open"), record("b")]
    new = [record("a", status_marker="closed"), record("b", status_marker="open")]
    assert [(c["kind"], c["id"], c["from"], c["to"]) for c in compare(old, new)] == [
        ("status", "a", "open", "closed")
    ]


ids = st.sampled_from(["a", "b", "c", "d"])
days = st.dates(min_value=date(2027, 1, 1), max_value=date(2027, 12, 31))
records = st.lists(
    st.builds(
        lambda ident, title, when: record(ident, ("Deadline", when), title=title),
        ids,
        st.sampled_from(["T", "U"]),
        days,
    ),
    unique_by=lambda r: r["id"],
    max_size=4,
)


@settings(max_examples=60, deadline=None)
@given(records, records)
def test_changes_by_kind_match_the_differences(old, new):
    found = compare(old, [dict(r, dates=[dict(d) for d in r["dates"]]) for r in new])
    old_ids = {r["id"]: r for r in old}
    new_ids = {r["id"]: r for r in new}
    kinds = {(c["kind"], c["id"]) for c in found}
    assert {i for k, i in kinds if k == "added"} == set(new_ids) - set(old_ids)
    assert {i for k, i in kinds if k == "removed"} == set(old_ids) - set(new_ids)
    both = set(old_ids) & set(new_ids)
    moved = {i for i in both if old_ids[i]["dates"][0]["at"] != new_ids[i]["dates"][0]["at"]}
    assert {i for k, i in kinds if k == "moved"} == moved
    retitled = {i for i in both if old_ids[i]["title"] != new_ids[i]["title"]}
    assert {i for k, i in kinds if k == "retitled"} == retitled
    assert compare(new, new) == []


def test_the_log_appends_reads_and_selects(tmp_path):
    log = tmp_path / "changes.jsonl"
    first = compare([record("a", ("Deadline", date(2027, 1, 1)))], [])
    changes.append(first, log)
    later = changes.compare(
        [], [record("b")], status_of, when=WHEN + timedelta(days=1), source="other"
    )
    changes.append(later, log)
    with log.open("a") as handle:
        handle.write('{"kind": "moved", "ti')  # a crash mid-append
    items = list(changes.read(log))
    assert [(c["kind"], c["id"]) for c in items] == [("removed", "a"), ("added", "b")]
    newest_first = changes.select(iter(items))
    assert [c["id"] for c in newest_first] == ["b", "a"]
    assert [c["id"] for c in changes.select(iter(items), sources=("s",))] == ["a"]
    assert [c["id"] for c in changes.select(iter(items), kinds=("added",))] == ["b"]
    since = changes.select(iter(items), since=WHEN + timedelta(hours=1))
    assert [c["id"] for c in since] == ["b"]
    assert list(changes.read(tmp_path / "none.jsonl")) == []


MOVED = {
    "kind": "moved",
    "time": "2026-12-02T12:00:00Z",
    "source": "team-calendar",
    "id": "ics-ev1-test-9839b6f445",
    "title": "Team proposal deadline",
    "label": "Event",
    "from": "2027-01-15T17:00:00+00:00",
    "to": "2027-01-22T17:00:00+00:00",
    "shift": "+7 d",
    "shift_seconds": 604800,
}


@pytest.mark.parametrize("width", [40, 80])
def test_the_changes_table_keeps_ids_and_words_whole_on_a_narrow_terminal(ccal, width):
    """``ccal changes`` at 40 or 80 columns: the id (what ``ccal show`` takes) on one line,
    the headers, the sync time and the source not cut mid-word, nothing past the width."""
    changes.append(
        [MOVED, {**MOVED, "kind": "retitled", "label": None, "from": "Old", "to": "New"}]
    )
    result = ccal("changes", env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= width, result.stdout
    for whole in ("ics-ev1-test-9839b6f445", "2026-12-02 12:00", "team-calendar", "retitled"):
        assert any(whole in line for line in lines), (whole, result.stdout)
    assert "(+7 d)" in result.stdout and "Old → New" in result.stdout
