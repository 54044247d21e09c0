"""``--estimated`` on upcoming, list, remind, countdown and export: estimated next dates of
series whose next edition is unknown, marked in every format; without the flag nothing changes."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest
from icalendar import Calendar

from tests.conftest import DATA

REPO = Path(__file__).resolve().parents[1]
LISTING = json.loads((REPO / "schema" / "listing.schema.json").read_text(encoding="utf-8"))
FIXTURE = DATA / "estimates.toml"
D = ["--data", str(FIXTURE), "--as-of", "2026-06-01"]
NEXT_CONF = """
version = 1
timezone = "AoE"

[[opportunity]]
id = "conf-2027"
kind = "call"
title = "Conf 2027"
series = "conf"

[[opportunity.dates]]
label = "Paper"
at = 2027-03-10T23:59:00
"""

COMMANDS = [
    ["upcoming"],
    ["upcoming", "--json"],
    ["upcoming", "--format", "ndjson"],
    ["list", "--dates", "--json"],
    ["list", "--format", "csv"],
    ["remind", "--within", "400d"],
    ["remind", "--within", "400d", "--json"],
    ["countdown", "--once"],
    ["export", "--format", "json"],
    ["export", "--format", "csv"],
    ["export", "--format", "ics"],
    ["export", "--format", "md"],
]


def _out(ccal, *args: str) -> str:
    result = ccal(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _strip(command: list[str], text: str) -> str:
    """The output of ``command --estimated`` with everything the flag added taken out again."""
    if "--json" in command or command[-1] == "json":
        records = [r for r in json.loads(text) if not r.get("estimated")]
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    if command[-1] == "ndjson":
        return "".join(ln + "\n" for ln in text.splitlines() if '"estimated": true' not in ln)
    if command[-1] == "csv":
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
        keep = rows[0].index("series")
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n" if "\r\n" in text else "\n")
        for row in rows:
            if row[keep + 2] != "true":
                writer.writerow(row[:keep])
        return "\ufeff" + out.getvalue()
    if command[-1] == "ics":
        eol = "\r\n" if "\r\n" in text else "\n"
        blocks = text.split("BEGIN:VEVENT" + eol)
        kept = [b for b in blocks[1:] if "SUMMARY:Estimated" not in b]
        last = blocks[-1] if "SUMMARY:Estimated" in blocks[-1] else ""
        tail = last[last.index("END:VCALENDAR") :] if last else ""
        return ("BEGIN:VEVENT" + eol).join([blocks[0], *kept]) + tail
    if command[-1] == "md":
        return text[: text.index("\n## Estimated")] if "## Estimated" in text else text
    if command[0] in ("remind", "countdown"):
        return "".join(ln + "\n" for ln in text.splitlines() if not ln.startswith("≈"))
    return text[: text.index("Estimated (not yet announced)")]  # the table: its own section


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_without_the_flag_no_output_changes(ccal, command):
    """The flag only adds: the output with it, less what it added, is the output without it
    byte for byte (and the output without it mentions no estimate)."""
    plain = _out(ccal, *command, *D)
    assert "estimated" not in plain.lower() and "≈" not in plain
    more = _out(ccal, *command, "--estimated", *D)
    assert _strip(command, more) == plain
    assert (more == plain) == (command[0] == "countdown")  # a real date comes first there


def _real(records: list[dict]) -> list[dict]:
    return [r for r in records if not r.get("estimated")]


def test_json_adds_estimated_records_after_the_real_ones_and_validates(ccal):
    plain = _out(ccal, "upcoming", "--json", *D)
    records = json.loads(_out(ccal, "upcoming", "--json", "--estimated", *D))
    jsonschema.Draft202012Validator(LISTING).validate(records)
    assert json.dumps(_real(records), ensure_ascii=False, indent=2) + "\n" == plain
    (guess,) = [r for r in records if r.get("estimated")]
    assert records[-1] is guess or records[-1] == guess
    assert guess["id"] == "conf-2027-estimated" and guess["series"] == "conf"
    assert guess["basis"] == [2024, 2025, 2026]
    assert guess["tentative"] is True and guess["label"] == "Paper"
    start, at, end = (datetime.fromisoformat(guess[k]) for k in ("range_start", "at", "range_end"))
    assert start <= at <= end and at.year == 2027 and at.month == 3
    assert at.weekday() == 2  # the series keeps its Wednesday
    # meet has its 2026 edition ahead: known, so never estimated
    assert all(r["id"] != "meet-2027-estimated" for r in records)


def test_ndjson_lines_are_schema_items(ccal):
    lines = _out(ccal, "export", "--format", "ndjson", "--estimated", *D).splitlines()
    records = [json.loads(line) for line in lines]
    jsonschema.Draft202012Validator(LISTING).validate(records)
    assert [r.get("estimated", False) for r in records] == [False, False, True]


def test_an_estimate_disappears_once_the_edition_is_in_any_active_file(ccal, tmp_path):
    more = tmp_path / "more.toml"
    more.write_text(NEXT_CONF, encoding="utf-8")
    records = json.loads(_out(ccal, "upcoming", "--json", "--estimated", *D, "--data", str(more)))
    assert not [r for r in records if r.get("estimated")]
    assert "conf-2027" in {r["id"] for r in records}


def test_an_old_series_is_rolled_forward_to_the_first_edition_still_ahead(ccal):
    records = json.loads(
        _out(
            ccal,
            "upcoming",
            "--json",
            "--estimated",
            "--data",
            str(FIXTURE),
            "--as-of",
            "2027-06-01",
        )
    )
    years = {r["id"]: datetime.fromisoformat(r["at"]).year for r in records if r.get("estimated")}
    assert years == {"conf-2028-estimated": 2028, "meet-2027-estimated": 2027}


def test_the_table_marks_estimates_in_their_own_section(ccal):
    out = _out(ccal, "upcoming", "--estimated", *D)
    assert "Estimated (not yet announced)" in out
    assert "≈ 24 Feb – 24 Mar 2027 · estimated from 2024–2026" in out
    assert out.index("A call ahead") < out.index("Estimated (not yet announced)")


def test_list_estimated_lists_dates(ccal):
    out = _out(ccal, "list", "--estimated", *D)
    assert "estimated from 2024–2026" in out


def test_csv_has_the_estimate_columns_only_with_the_flag(ccal):
    plain = list(
        csv.reader(io.StringIO(_out(ccal, "export", "--format", "csv", *D).lstrip("\ufeff")))
    )
    rows = list(
        csv.reader(
            io.StringIO(_out(ccal, "export", "--format", "csv", "--estimated", *D).lstrip("\ufeff"))
        )
    )
    assert "estimated" not in plain[0]
    header = rows[0]
    assert header[: len(plain[0])] == plain[0]
    assert header[len(plain[0]) :] == ["series", "basis", "estimated", "range_start", "range_end"]
    by = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert [r["estimated"] for r in by] == ["false", "false", "true"]
    assert by[-1]["basis"] == "2024;2025;2026" and by[-1]["range_start"].startswith("2027-02-24")


def test_ics_writes_estimates_as_tentative_all_day_spans(ccal):
    plain = Calendar.from_ical(_out(ccal, "export", "--format", "ics", *D))
    cal = Calendar.from_ical(_out(ccal, "export", "--format", "ics", "--estimated", *D))
    events = cal.walk("VEVENT")
    assert len(events) == len(plain.walk("VEVENT")) + 1
    (guess,) = [e for e in events if "Estimated" in str(e["SUMMARY"])]
    assert str(guess["STATUS"]) == "TENTATIVE"
    assert guess["DTSTART"].dt.isoformat() == "2027-02-24"
    assert guess["DTEND"].dt.isoformat() == "2027-03-25"  # exclusive: through 24 March
    assert str(guess["UID"]) == "conf-2027-estimated-paper@ccal"


def test_markdown_marks_estimates(ccal):
    out = _out(ccal, "export", "--format", "md", "--estimated", *D)
    assert "## Estimated (not yet announced)" in out
    assert "*≈ 24 Feb – 24 Mar 2027 · estimated from 2024–2026*" in out and "**estimated**" in out


def test_remind_shows_an_estimate_whose_range_reaches_into_the_window(ccal):
    args = ["--data", str(FIXTURE), "--as-of", "2027-02-20"]
    assert _out(ccal, "remind", "--within", "7d", *args) == ""
    out = _out(ccal, "remind", "--within", "14d", "--estimated", *args)
    assert out.startswith("≈ in ") and "estimated from 2024–2026" in out


def test_countdown_prints_an_estimate_that_comes_first_and_the_real_one_otherwise(ccal):
    first = _out(
        ccal, "countdown", "--once", "--estimated", "--data", str(FIXTURE), "--as-of", "2026-10-01"
    )
    assert first.startswith("≈ in ") and "Conf 2026 → next edition 2027" in first
    real = _out(ccal, "countdown", "--once", "--estimated", *D)
    assert "A call ahead" in real and "≈" not in real
    data = json.loads(_out(ccal, "countdown", "--estimated", "conf-2026", "--json", *D))
    jsonschema.Draft202012Validator(LISTING).validate(data)
    assert data[0]["estimated"] is True


def test_past_scope_has_no_estimates(ccal):
    out = _out(ccal, "export", "--format", "json", "--past", "--estimated", *D)
    assert not [r for r in json.loads(out) if r.get("estimated")]


def test_shipped_series_at_a_pinned_date(ccal):
    """Shipped data as of 2025-10-01: the Clusters meet Regions cut-offs have passed, so the
    next is estimated (several a year: median-gap); c2lab's editions disagree: no estimate."""
    records = json.loads(_out(ccal, "upcoming", "--json", "--estimated", "--as-of", "2025-10-01"))
    jsonschema.Draft202012Validator(LISTING).validate(records)
    series = {r["series"] for r in records if r.get("estimated")}
    assert "clusters-meet-regions" in series
    assert "c2lab" not in series and "european-cluster-conference" not in series


@pytest.mark.parametrize("command", [["upcoming", "--json"], ["list", "--json"], ["remind"]])
def test_limit_counts_the_estimates_too(ccal, command):
    """``--limit N`` is at most N rows: estimates fill what the real dates leave, after them
    (``--limit 1`` printed the real date and every estimate)."""
    extra = ["--within", "400d"] if command == ["remind"] else []
    two = _out(ccal, *command, "--estimated", "--limit", "2", *extra, *D)
    three = _out(ccal, *command, "--estimated", "--limit", "3", *extra, *D)
    if command == ["remind"]:
        assert len(two.splitlines()) == 2 and not two.startswith("\u2248")
        assert three.splitlines()[-1].startswith("\u2248")
        return
    assert [r.get("estimated", False) for r in json.loads(two)] == [False, False]
    assert [r.get("estimated", False) for r in json.loads(three)] == [False, False, True]
