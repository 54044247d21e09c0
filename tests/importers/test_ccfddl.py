"""ccal import ccfddl: conference editions from ccfddl/ccf-deadlines YAML, odd cases included."""

from __future__ import annotations

import json
import os
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccal.importers import ccfddl
from ccal.importers.conferences import conference_range, zone_for
from tests.conftest import DATA

TREE = DATA / "ccfddl"
ALLCONF = DATA / "ccfddl-allconf.yml"


def _records(path=TREE / "DB" / "odd.yml"):
    result = ccfddl.convert(path.read_bytes(), str(path), {})
    return result, {r["id"]: r for r in result.records}


def test_an_edition_becomes_a_conference_with_its_timeline():
    result, records = _records(TREE / "AI" / "nips.yml")
    assert (result.total, result.imported, result.skipped) == (3, 3, 0)
    nips = records["ccfddl-nips26"]
    assert nips["title"] == "NeurIPS 2026" and nips["kind"] == "conference"
    assert nips["series"] == "nips" and nips["timezone"] == "AoE"
    assert nips["url"] == "https://neurips.cc/Conferences/2026"
    assert nips["location"] == "Sydney, Australia"
    assert nips["tags"] == ["ccfddl", "AI", "CCF-A", "CORE-A*", "THCPL-A", "dblp:nips"]
    assert nips["dates"] == [
        {"label": "Abstract", "at": datetime(2026, 5, 4, 23, 59, 59)},
        {"label": "Paper", "at": datetime(2026, 5, 6, 23, 59, 59)},
        {"label": "Conference", "at": date(2026, 12, 6), "end": date(2026, 12, 12)},
    ]
    assert records["ccfddl-nips24"]["timezone"] == "UTC"  # UTC+0


def test_rounds_keep_their_order_comments_and_tentative_marks():
    _result, records = _records()
    odd = records["ccfddl-odd23"]
    assert odd["timezone"] == "America/Los_Angeles"  # PT, from the documented table
    assert [d["label"] for d in odd["dates"]] == [
        "Round 1 – Paper",
        "Round 2 – Paper",
        "Conference",
    ]
    assert odd["dates"][1]["tentative"] is True and "tentative" not in odd["dates"][0]
    assert "Round 1: First Round Submission." in odd["summary"]
    assert odd["dates"][2] == {
        "label": "Conference",
        "at": date(2023, 8, 28),
        "end": date(2023, 9, 1),
    }


def test_tbd_stays_undated_and_unreadable_dates_stay_text():
    _result, records = _records()
    tbd = records["ccfddl-odd26"]
    assert [d["label"] for d in tbd["dates"]] == ["Conference"]  # the deadline is not invented
    assert "Paper deadline: TBD" in tbd["summary"] and "Note: ARR Submission" in tbd["summary"]
    assert "location" not in tbd  # place: TBD
    assert tbd["dates"][0]["at"] == date(2026, 1, 31) and tbd["dates"][0]["end"] == date(2026, 2, 4)
    month_only = records["ccfddl-odd25"]
    assert "Conference dates: November, 2025" in month_only["summary"]
    assert month_only["timezone"] == "UTC-7"


def test_an_unknown_zone_or_a_time_in_a_dst_gap_skips_the_edition_with_a_reason():
    result, records = _records()
    assert "ccfddl-odd24" not in records and "ccfddl-odd22" not in records
    assert result.skipped == 2
    assert any("odd24" in r and "unknown time zone 'IST'" in r for r in result.reasons)
    assert any(
        "odd22" in r and "does not exist in America/Los_Angeles" in r for r in result.reasons
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("December 6-12, 2026", (date(2026, 12, 6), date(2026, 12, 12))),
        ("November 28-December 9, 2023", (date(2023, 11, 28), date(2023, 12, 9))),
        ("December 9-December 15, 2024", (date(2024, 12, 9), date(2024, 12, 15))),
        ("April 26- May 04, 2025", (date(2025, 4, 26), date(2025, 5, 4))),
        ("January 31 - 4 February, 2026", (date(2026, 1, 31), date(2026, 2, 4))),
        ("Oct 18-22, 2027", (date(2027, 10, 18), date(2027, 10, 22))),
        ("December 6, 2026", (date(2026, 12, 6), date(2026, 12, 6))),
        ("November, 2025", None),
        ("TBD", None),
        ("February 30-31, 2026", None),
        (None, None),
    ],
)
def test_conference_dates_are_read_only_when_certain(text, expected):
    assert conference_range(text) == expected


@settings(max_examples=60, deadline=None)
@given(st.dates(date(2000, 1, 1), date(2090, 12, 1)), st.integers(0, 20), st.booleans())
def test_any_written_range_reads_back(start, days, long_months):
    end = start + timedelta(days=days)
    month = "%B" if long_months else "%b"
    if start.year != end.year:
        return
    if start.month == end.month:
        text = f"{start:{month}} {start.day}-{end.day}, {end.year}"
    else:
        text = f"{start:{month}} {start.day} - {end:{month}} {end.day}, {end.year}"
    assert conference_range(text) == (start, end)


@pytest.mark.parametrize(
    ("name", "zone"),
    [("AoE", "AoE"), ("UTC-12", "UTC-12"), ("UTC+8", "UTC+8"), ("UTC", "UTC"),
     ("UTC+0", "UTC"), ("PT", "America/Los_Angeles"), ("Asia/Shanghai", "Asia/Shanghai")],
)  # fmt: skip
def test_zone_table(name, zone):
    assert zone_for(name) == zone


def test_a_directory_and_allconf_together_keep_each_edition_once(tmp_path):
    files = [(p.read_bytes(), str(p)) for p in sorted(TREE.rglob("*.yml"))]
    files.append((ALLCONF.read_bytes(), str(ALLCONF)))
    result = ccfddl.convert_files(files, {})
    ids = [r["id"] for r in result.records]
    assert len(ids) == len(set(ids))
    assert "ccfddl-cgo2027" in ids
    assert any("nips26" in r and "the same edition again" in r for r in result.reasons)
    cgo = next(r for r in result.records if r["id"] == "ccfddl-cgo2027")
    assert cgo["tags"][:3] == ["ccfddl", "DS", "SE"] and cgo["series"] == "cgo"


def test_import_writes_the_default_file_and_it_is_part_of_the_default_data(ccal, tmp_path):
    done = ccal("import", "ccfddl", str(TREE))
    assert done.exit_code == 0, done.stderr
    assert "Imported 6 of 8 editions" in done.stdout and "2 skipped" in done.stdout
    assert "ccal: warning: skipped ccfddl-odd" in done.stderr
    target = tmp_path / "xdg-data" / "ccal" / "ccfddl.toml"
    assert target.read_text().startswith("# Imported by `ccal import ccfddl`")
    shown = ccal(
        "upcoming", "--kind", "conference", "--tz", "Asia/Shanghai", "--as-of", "2025-05-10"
    )
    assert shown.exit_code == 0, shown.stderr
    lines = shown.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if "NeurIPS 2025 · Paper" in line)
    assert "Fri 16 May 2025 19:59 CST" in lines[at] and "Thu 15 May 23:59 AoE" in lines[at + 1]
    series = ccal.json("series", "nips", "--as-of", "2025-05-10")
    assert [e["year"] for e in series["editions"]] == [2024, 2025, 2026]


def test_a_malformed_file_is_one_line_and_the_previous_output_survives(ccal, tmp_path):
    out = tmp_path / "out.toml"
    assert ccal("import", "ccfddl", str(TREE / "AI" / "nips.yml"), "-o", str(out)).exit_code == 0
    before = out.read_bytes()
    bad = tmp_path / "bad.yml"
    for text in ("confs: [\n", "just text\n", "- title: x\n", "\xff\xfe"):
        bad.write_bytes(text.encode("latin-1"))
        result = ccal("import", "ccfddl", str(bad), "-o", str(out))
        assert result.exit_code == 1
        assert result.stderr.startswith("ccal: ") and result.stderr.count("\n") == 1, result.stderr
        assert "Traceback" not in result.stderr
        assert out.read_bytes() == before


def test_it_never_replaces_a_file_it_did_not_write(ccal, tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_text("version = 1\n")
    result = ccal("import", "ccfddl", str(TREE), "-o", str(mine))
    assert result.exit_code == 1 and "not written by 'ccal import ccfddl'" in result.stderr
    assert mine.read_text() == "version = 1\n"


def test_json_summary(ccal, tmp_path):
    data = json.loads(
        ccal("import", "ccfddl", str(TREE), "-o", str(tmp_path / "x.toml"), "--json").stdout
    )
    assert (data["items"], data["imported"], data["skipped"]) == (8, 6, 2)


def test_a_deadline_written_with_an_offset_keeps_its_instant():
    from ccal.importers.conferences import local_time

    assert local_time("2026-05-15T23:59:00+08:00", "AoE", "Paper") == datetime(2026, 5, 15, 3, 59)
    assert local_time("2026-05-15", "AoE", "Paper") == date(2026, 5, 15)
    assert local_time(" TBD ", "AoE", "Paper") is None


def test_two_conferences_under_one_dblp_key_are_two_series():
    # dblp files AsiaCCS under CCS's key, and ccfddl copies it: the editions' own ids tell them
    # apart, so neither series gets two editions a year
    text = b"""
- title: CCS
  dblp: ccs
  confs:
    - {year: 2025, id: ccs25, timezone: AoE, timeline: [{deadline: '2025-01-09 23:59:59'}]}
    - {year: 2026, id: ccs2026, timezone: AoE, timeline: [{deadline: '2026-01-14 23:59:59'}]}
- title: AsiaCCS
  dblp: ccs
  confs:
    - {year: 2026, id: asiaccs2026, timezone: AoE, timeline: [{deadline: '2025-09-04 23:59:59'}]}
- title: No ids
  dblp: noids
  confs: [{year: 2026, timezone: AoE}]
"""
    result = ccfddl.convert(text, "shared.yml", {})
    assert [r["series"] for r in result.records] == ["ccs", "ccs", "asiaccs"]
    assert "dblp:ccs" in result.records[2]["tags"]  # the dblp key stays a tag
    assert ccfddl.series_key({"title": "No ids", "dblp": "noids", "confs": [{}]}) == "noids"
    assert ccfddl.series_key({"title": "Only A Title"}) == "only-a-title"


def test_every_file_of_a_directory_is_read_under_the_size_cap(ccal, tmp_path, monkeypatch):
    """A directory's files are bounded as a single file is (``CCAL_MAX_FILE_MB``): one line,
    exit 1, nothing written; they were read whole, whatever their size."""
    folder = tmp_path / "conferences"
    (folder / "AI").mkdir(parents=True)
    (folder / "AI" / "nips.yml").write_bytes((TREE / "AI" / "nips.yml").read_bytes())
    monkeypatch.setenv("CCAL_MAX_FILE_MB", "0.0001")
    out = tmp_path / "out.toml"
    result = ccal("import", "ccfddl", str(folder), "-o", str(out))
    assert result.exit_code == 1, result.stdout
    assert result.stderr.startswith(f"ccal: {folder / 'AI' / 'nips.yml'}: cannot read the file: ")
    assert "too big" in result.stderr and result.stderr.count("\n") == 1
    assert not out.exists()


def test_a_directory_that_cannot_be_walked_is_one_line(ccal, tmp_path):
    """A path too long to list (ENAMETOOLONG): one line and exit 1, never an internal error."""
    folder = tmp_path / "deep"
    deep = str(folder)
    while len(deep) < 4200:  # past PATH_MAX: made one level at a time, relative to the last
        deep += "/" + "d" * 200
    descriptor = os.open(tmp_path, os.O_RDONLY)
    try:
        current = descriptor
        for part in Path(deep).relative_to(tmp_path).parts:
            os.mkdir(part, dir_fd=current)
            following = os.open(part, os.O_RDONLY, dir_fd=current)
            if current != descriptor:
                os.close(current)
            current = following
        os.close(os.open("x.yml", os.O_CREAT | os.O_WRONLY, dir_fd=current))
        os.close(current)
    finally:
        os.close(descriptor)
    result = ccal("import", "ccfddl", str(folder), "-o", str(tmp_path / "out.toml"))
    assert result.exit_code == 1, result.stderr
    assert result.stderr.startswith(f"ccal: {folder}: cannot read the directory: ")
    assert result.stderr.count("\n") == 1 and "internal error" not in result.stderr


def test_an_imported_files_header_is_stamped_with_the_pinned_clock(ccal, tmp_path):
    """``ccal sync`` stamped its files with ``CCAL_NOW`` and ``ccal import`` with the real
    clock: an import under a pinned clock wrote a different file every minute."""
    out = tmp_path / "out.toml"
    done = ccal(
        "import", "ccfddl", str(TREE), "-o", str(out), env={"CCAL_NOW": "2026-12-01T08:00:00Z"}
    )
    assert done.exit_code == 0, done.stderr
    assert out.read_text().splitlines()[0].endswith("on 2026-12-01 08:00 UTC:")
