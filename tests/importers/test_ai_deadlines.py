"""ccal import ai-deadlines: Hugging Face's conference YAML, typed deadlines in their own zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from ccal.importers import ai_deadlines
from tests.conftest import DATA

TREE = DATA / "ai-deadlines"


def _records(name: str):
    path = TREE / name
    result = ai_deadlines.convert(path.read_bytes(), str(path), {})
    return result, {r["id"]: r for r in result.records}


def test_typed_deadlines_keep_their_label_and_zone():
    _result, records = _records("neurips.yml")
    neurips = records["ai-deadlines-neurips25"]
    assert neurips["title"] == "NeurIPS 2025" and neurips["series"] == "neurips"
    assert neurips["timezone"] == "AoE" and neurips["location"] == "San Diego, USA"
    labels = [d["label"] for d in neurips["dates"]]
    assert labels == [
        "Abstract submission deadline", "Paper submission deadline", "Camera ready", "Conference",
    ]  # fmt: skip
    assert neurips["dates"][1]["at"] == datetime(2025, 5, 15, 23, 59, 59)
    ready = neurips["dates"][2]["at"]  # UTC-8, another zone than the edition's: its instant
    assert ready.utcoffset() == -timedelta(hours=8)
    assert ready == datetime(2025, 10, 24, 1, 0, tzinfo=UTC)
    assert neurips["dates"][3] == {
        "label": "Conference",
        "at": date(2025, 11, 30),
        "end": date(2025, 12, 7),
    }
    assert "Author notification: TBD" in neurips["summary"]
    assert "<a" not in neurips["summary"]
    assert neurips["tags"] == [
        "ai-deadlines", "machine-learning", "CCF-A", "CORE-A*", "THCPL-A", "ERA-A",
    ]  # fmt: skip


def test_an_edition_without_deadlines_keeps_its_conference_dates():
    _result, records = _records("neurips.yml")
    later = records["ai-deadlines-neurips27"]
    assert later["dates"] == [
        {"label": "Conference", "at": date(2027, 12, 5), "end": date(2027, 12, 11)}
    ]


def test_older_flat_fields_and_an_unknown_zone():
    result, records = _records("cvpr.yml")
    cvpr = records["ai-deadlines-cvpr25"]
    assert cvpr["timezone"] == "UTC-8"
    assert [d["label"] for d in cvpr["dates"]] == [
        "Abstract",
        "Paper",
        "Final decision",
        "Conference",
    ]
    assert cvpr["dates"][3]["at"] == date(2025, 6, 10)  # from the free-text date
    assert result.skipped == 1 and "unknown time zone 'Mars/Olympus'" in result.reasons[0]


def test_import_a_directory(ccal, tmp_path):
    out = tmp_path / "ai.toml"
    done = ccal("import", "ai-deadlines", str(TREE), "-o", str(out))
    assert done.exit_code == 0, done.stderr
    assert "Imported 3 of 4 editions" in done.stdout
    assert "skipped ai-deadlines-cvpr26" in done.stderr
    rows = ccal.json(
        "upcoming", "--data", str(out), "--kind", "conference", "--as-of", "2025-05-13"
    )
    assert rows[0]["label"] == "Paper submission deadline"
    assert rows[0]["at"] == "2025-05-15T23:59:59-12:00" and rows[0]["timezone"] == "AoE"
