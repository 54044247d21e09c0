"""`ccal import eu-portal`, black-box: the file it writes, what it says, and what reads it after."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ccal.sources import active_sources, eu_portal_file, shipped_dataset

DATA = Path(__file__).parents[1] / "data"
REPO = Path(__file__).resolve().parents[2]
PORTAL = DATA / "eu-portal.json"
GOOD_IDS = {
    "eu-horizon-tst-2022-01-01",
    "eu-digital-tst-2022-02-01",
    "eu-smp-cosme-tst-2022-03",
    "eu-eu4h-tst-2022-04",
    "eu-life-tst-2022-05",
    "eu-erasmus-tst-2022-11",
    "eu-crea-tst-2021-12",
    # LIFE-2022-SAP_ENV and LIFE-2022-SAP-ENV: one slug, so both carry a hash of their identifier
    # (pinned here: a re-import must keep them).
    "eu-life-2022-sap-env-328a7641",
    "eu-life-2022-sap-env-425ef5ba",
}


def imported_ids(ccal, *data: str) -> set[str]:
    args = [arg for path in data for arg in ("--data", path)]
    items = ccal.json("list", "--all", "--tag", "eu-portal", *args, "--as-of", "2022-06-01")
    return {item["id"] for item in items}


def test_import_writes_the_default_file_which_joins_the_default_data(ccal):
    result = ccal("import", "eu-portal", str(PORTAL))
    assert result.exit_code == 0, result.stderr
    target = eu_portal_file()
    assert result.stdout == (
        f"Imported 9 of 15 topics (11 cut-offs) into {target}; 0 filtered out, 6 skipped.\n"
    )
    assert active_sources() == [shipped_dataset(), target]
    assert imported_ids(ccal) == GOOD_IDS
    shipped = ccal.json("show", "clusters-meet-regions", "--as-of", "2022-06-01")
    assert shipped["file"] == str(shipped_dataset())


def test_skipped_topics_are_counted_with_the_first_reasons_on_stderr(ccal, tmp_path):
    result = ccal("import", "eu-portal", str(PORTAL), "-o", str(tmp_path / "out.toml"))
    lines = result.stderr.splitlines()
    assert result.exit_code == 0
    assert lines[0] == (
        "ccal: warning: skipped topic #6 (CEF-TST-2022-06): deadlineDatesLong is not a list "
        "(got str)"
    )
    assert len(lines) == 6
    assert lines[-1] == "ccal: warning: … and 1 more skipped"
    assert "Converting" not in result.stderr  # no progress bar when not on a terminal


def test_json_summary(ccal, tmp_path):
    out = tmp_path / "out.toml"
    summary = ccal.json("import", "eu-portal", str(PORTAL), "--output", str(out))
    assert summary == {
        "file": str(PORTAL),
        "output": str(out),
        "topics": 15,
        "imported": 9,
        "cutoffs": 11,
        "filtered": 0,
        "skipped": 6,
        "skip_reasons": summary["skip_reasons"],
    }
    assert len(summary["skip_reasons"]) == 5
    assert not eu_portal_file().exists()


def test_exact_cutoff_instants_reach_deadlines_json(ccal, tmp_path):
    out = tmp_path / "out.toml"
    assert ccal("import", "eu-portal", str(PORTAL), "-o", str(out)).exit_code == 0
    rows = ccal.json(
        "deadlines",
        "--call",
        "eu-smp-cosme-tst-2022-03",
        "--data",
        str(out),
        "--as-of",
        "2022-10-30T02:00:00+02:00",
    )
    assert [(r["label"], r["at"], r["status"]) for r in rows] == [
        ("Cut-off 1", "2022-07-29T18:00:00+02:00", "passed"),
        ("Cut-off 2", "2022-10-30T02:30:00+02:00", "next"),
        ("Cut-off 3", "2022-10-30T02:30:00+01:00", "upcoming"),
        ("Cut-off 4", "2023-01-31T17:00:00+01:00", "upcoming"),
    ]
    assert [r["seconds_left"] for r in rows[1:3]] == [1800, 5400]
    two_stage = ccal.json("deadlines", "eu-digital-tst-2022-02-01", "--data", str(out))
    assert [(r["label"], r["at"]) for r in two_stage] == [
        ("Stage 1 deadline", "2022-11-15T17:00:00+01:00"),
        ("Stage 2 deadline", "2023-04-20T17:00:00+02:00"),
    ]


def test_upcoming_sees_imported_calls(ccal, tmp_path):
    out = tmp_path / "out.toml"
    ccal("import", "eu-portal", str(PORTAL), "-o", str(out))
    rows = ccal.json("upcoming", "--within", "30d", "--data", str(out), "--as-of", "2022-06-01")
    assert [(r["id"], r["at"]) for r in rows] == [
        ("eu-erasmus-tst-2022-11", "2022-06-15T12:00:00+02:00")
    ]
    assert rows[0]["kind"] == "call"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            ["--status", "open,forthcoming"],
            GOOD_IDS - {"eu-crea-tst-2021-12", "eu-life-tst-2022-05"},
        ),
        (
            ["--status", "closed", "--status", "forthcoming"],
            {"eu-crea-tst-2021-12", "eu-digital-tst-2022-02-01", "eu-eu4h-tst-2022-04"},
        ),
        (
            ["--programme", "HORIZON", "--programme", "digital"],
            {"eu-horizon-tst-2022-01-01", "eu-digital-tst-2022-02-01"},
        ),
        (["--search", "unknown status"], {"eu-life-tst-2022-05"}),
    ],
)
def test_filters(ccal, tmp_path, options, expected):
    out = tmp_path / "out.toml"
    result = ccal("import", "eu-portal", str(PORTAL), "-o", str(out), *options)
    assert result.exit_code == 0, result.stderr
    assert imported_ids(ccal, str(out)) == expected
    assert f"Imported {len(expected)} of 15 topics" in result.stdout
    assert f"{9 - len(expected)} filtered out, 6 skipped." in result.stdout


def test_a_bad_status_is_a_usage_error(ccal):
    result = ccal("import", "eu-portal", str(PORTAL), "--status", "open,pending")
    assert result.exit_code == 2
    assert result.stderr == (
        "ccal: invalid value for '--status': pending (use open, forthcoming, closed)\n"
    )
    assert not eu_portal_file().exists()


def test_reimport_replaces_the_previous_import(ccal):
    assert ccal("import", "eu-portal", str(PORTAL)).exit_code == 0
    assert imported_ids(ccal) == GOOD_IDS
    assert ccal("import", "eu-portal", str(PORTAL), "--status", "closed").exit_code == 0
    assert imported_ids(ccal) == {"eu-crea-tst-2021-12"}
    assert not list(eu_portal_file().parent.glob(".*.tmp"))


@pytest.mark.parametrize("name", ["eu-portal-wrong-shape.json", "eu-portal-truncated.json"])
def test_not_the_portal_format_is_one_line_and_keeps_the_previous_import(ccal, name):
    ccal("import", "eu-portal", str(PORTAL))
    before = eu_portal_file().read_bytes()
    result = ccal("import", "eu-portal", str(DATA / name))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(
        f"ccal: {DATA / name}: not the EU Funding & Tenders portal bulk JSON ("
    )
    assert result.stderr.count("\n") == 1
    assert eu_portal_file().read_bytes() == before


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{"fundingData": {"GrantTenderObj": [\n  {"identifier": "X",\n', "stops in the middle"),
        ('{"fundingData": {"GrantTenderObj": [{"identifier": "HORIZON-', "never ends"),
    ],
)
def test_a_truncated_portal_file_says_it_was_cut_short(ccal, tmp_path, text, says):
    path = tmp_path / "cut.json"
    path.write_text(text, encoding="utf-8")
    result = ccal("import", "eu-portal", str(path))
    assert result.exit_code == 1
    assert says in result.stderr and "a cut-off download?" in result.stderr
    assert "at at" not in result.stderr


@pytest.mark.parametrize(
    ("text", "says"),
    [("", "the file is empty"), ("\ufeff \n\t\n", "the file holds only white space")],
)
def test_an_empty_portal_file_says_it_is_empty_not_cut_short(ccal, tmp_path, text, says):
    """An empty file read "it stops in the middle, at line 1, column 1: a cut-off download?"."""
    path = tmp_path / "empty.json"
    path.write_text(text, encoding="utf-8")
    result = ccal("import", "eu-portal", str(path))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"ccal: {path}: not the EU Funding & Tenders portal bulk JSON (not valid JSON: {says})\n"
    )


def test_a_ccal_file_is_not_the_portal_format(ccal, fixture_file):
    result = ccal("import", "eu-portal", str(fixture_file))
    assert result.exit_code == 1
    assert "not valid JSON" in result.stderr


def test_a_missing_file_is_a_clear_error(ccal, tmp_path):
    result = ccal("import", "eu-portal", str(tmp_path / "nope.json"))
    assert (result.exit_code, result.stderr) == (
        1,
        f"ccal: {tmp_path / 'nope.json'}: no such file\n",
    )


def test_generated_file_end_to_end(ccal, tmp_path):
    source = tmp_path / "grantsTenders.json"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "gen_eu_portal.py"),
            "-n",
            "400",
            "-o",
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    summary = ccal.json("import", "eu-portal", str(source))
    assert summary["topics"] == 401 and summary["imported"] + summary["skipped"] == 401
    rows = ccal.json("upcoming", "--within", "30d", "--as-of", "2026-01-01", "--tag", "eu-portal")
    assert rows and all(r["id"].startswith("eu-") for r in rows)
    first = rows[0]
    detail = ccal.json("deadlines", "--call", first["id"], "--as-of", "2026-01-01")
    assert first["at"] in [d["at"] for d in detail]


def test_a_progress_bar_on_a_terminal_only(tmp_path):
    """stderr on a pseudo-terminal gets the bar; stdout (a pipe) gets only the summary."""
    import os
    import pty  # POSIX; the CliRunner tests above cover the piped case everywhere

    master, slave = pty.openpty()
    command = [sys.executable, "-m", "ccal", "import", "eu-portal", str(PORTAL)]
    with subprocess.Popen(
        [*command, "-o", str(tmp_path / "out.toml")], stdout=subprocess.PIPE, stderr=slave
    ) as process:
        os.close(slave)
        seen = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the terminal closed: the process is done
                break
            if not chunk:
                break
            seen += chunk
        stdout = process.stdout.read().decode()
    os.close(master)
    assert process.returncode == 0
    assert stdout.startswith("Imported 9 of 15 topics")
    terminal = seen.decode(errors="replace")
    assert "Converting topics" in terminal
    assert "skipped topic #6" in terminal


# --- issue 20: an import never breaks the data, and one odd topic never aborts it ----------------

ODD = DATA / "eu-portal-odd.json"


def test_an_id_another_file_uses_is_skipped_and_every_command_still_reads(ccal):
    added = ccal(
        "add", "eu-odd-mine-05", "--kind", "call", "--title", "Mine", "--deadline", "2027-05-01",
        "--as-of", "2026-12-01",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    summary = ccal.json("import", "eu-portal", str(ODD))
    assert any(
        reason.startswith("topic eu-odd-mine-05: its id is already used in ")
        for reason in summary["skip_reasons"]
    )
    listing = ccal.json("list", "--all", "--as-of", "2026-12-01")
    mine = [item for item in listing if item["id"] == "eu-odd-mine-05"]
    assert [item["title"] for item in mine] == ["Mine"]  # the user's own entry is kept
    assert ccal("upcoming", "--as-of", "2026-12-01").exit_code == 0


def test_odd_topics_are_skipped_with_their_reasons(ccal, tmp_path):
    out = tmp_path / "odd.toml"
    summary = ccal.json("import", "eu-portal", str(ODD), "-o", str(out))
    assert summary["imported"] == 2 and summary["skipped"] == 3
    reasons = "\n".join(summary["skip_reasons"])
    assert "topic #2 (ODD-OLD-02): deadlineDatesLong[0] (1880-01-01) falls before" in reasons
    assert "topic #3 (ODD-FAR-03): deadlineDatesLong[0] is out of range (9500-01-01" in reasons
    assert "topic #4 (ODD-SURR-04): text holding a lone surrogate (\\ud800)" in reasons
    assert imported_ids(ccal, str(out)) == {"eu-odd-good-01", "eu-odd-mine-05"}


def test_a_record_the_loader_refuses_is_skipped_not_fatal(ccal, tmp_path, monkeypatch):
    """The safety net behind the importer's own checks: a record the loader refuses (here a
    date end that is no date, from a patched importer) is dropped with the loader's reason."""
    from ccal.importers import eu_portal

    real_record = eu_portal.record

    def odd_record(topic, ident):
        made = real_record(topic, ident)
        if ident == "eu-odd-good-01":
            made["dates"][0]["end"] = "not a date"
        return made

    monkeypatch.setattr(eu_portal, "record", odd_record)
    out = tmp_path / "odd.toml"
    summary = ccal.json("import", "eu-portal", str(ODD), "-o", str(out))
    assert summary["imported"] == 1
    assert any(r.startswith("topic eu-odd-good-01: ") for r in summary["skip_reasons"])
    assert imported_ids(ccal, str(out)) == {"eu-odd-mine-05"}


# --- an imported file is the importer's: add and extend leave it alone -------------------------


def test_extend_refuses_an_imported_entry_and_says_where_to_correct_it(ccal):
    """The next import would silently undo an edit of its file: exit 2, file unchanged."""
    from ccal.sources import user_data_file

    ccal("import", "eu-portal", str(PORTAL))
    target = eu_portal_file()
    before = target.read_bytes()
    labels = ccal.json("deadlines", "eu-horizon-tst-2022-01-01", "--as-of", "2022-06-01")
    result = ccal("extend", "eu-horizon-tst-2022-01-01", labels[0]["label"], "--to", "+14d")
    assert result.exit_code == 2
    assert result.stdout == ""
    flat = " ".join(result.stderr.split())
    assert flat.startswith(f"ccal: 'eu-horizon-tst-2022-01-01' comes from {target}, which "
                           "'ccal import eu-portal' writes")  # fmt: skip
    assert str(user_data_file()) in flat
    assert target.read_bytes() == before
    again = ccal("extend", "eu-horizon-tst-2022-01-01", labels[0]["label"], "--to", "+14d",
                 "--data", str(target))  # fmt: skip
    assert again.exit_code == 2 and target.read_bytes() == before


def test_add_refuses_an_imported_file(ccal, tmp_path):
    out = tmp_path / "imported.toml"
    ccal("import", "eu-portal", str(PORTAL), "-o", str(out))
    before = out.read_bytes()
    result = ccal("add", "mine", "--kind", "call", "--title", "Mine", "--data", str(out))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"ccal: {out} is written by 'ccal import eu-portal'")
    assert out.read_bytes() == before


def test_the_importers_header_is_the_one_add_and_extend_recognise():
    from ccal.importers.eu_portal import HEADER
    from ccal.importers.owned import OWNED_PREFIX, owner_of_text

    assert HEADER.startswith(OWNED_PREFIX)
    assert owner_of_text(f"\ufeff{HEADER} from x.json on …\n") == "ccal import eu-portal"
    assert owner_of_text("# my own notes\nversion = 1\n") is None


def test_a_library_warning_is_one_ccal_line(ccal, tmp_path):
    """icalendar warns when it guesses a vendor-prefixed TZID: the warning reads as one
    ``ccal: warning:`` line, not Python's file name and source line beneath it."""
    calendar = tmp_path / "moz.ics"
    calendar.write_bytes(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a@x\r\n"
        b"DTSTART;TZID=/mozilla.org/20050126_1/Europe/Brussels:20270601T100000\r\n"
        b"SUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    result = ccal("import", "ics", str(calendar), "-o", str(tmp_path / "out.toml"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Imported 1 of 1 calendar items as 1 opportunity into ")
    assert result.stderr.startswith("ccal: warning: ") and "Europe/Brussels" in result.stderr
    assert all(line.startswith("ccal: ") for line in result.stderr.splitlines())
