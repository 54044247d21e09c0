"""The references in docs/ stay true: every JSON and CSV example parses and has the keys real
output has, and every ``module.function`` they name exists in ccal."""

from __future__ import annotations

import csv
import importlib
import io
import json
import re
import shlex
from datetime import UTC, datetime

import pytest
from conftest import DATA, REPO

from ccal.render.contract import ESTIMATE_KEYS, EntryRecord

DOCS = sorted((REPO / "docs").glob("*.md"))
LISTING_KEYS = [k for k in EntryRecord.model_fields if k not in ESTIMATE_KEYS]  # --estimated's
ELLIPSIS = re.compile(r"^\s*(…|\.\.\.)\s*$", re.M)


def examples() -> list[tuple[str, str, str]]:
    """(file, command, output) of every ``$ ccal …`` shown with its output in a fence."""
    found = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for block in re.findall(r"^```[a-z]*\n(.*?)^```", text, re.S | re.M):
            for part in re.split(r"^\$ ", block, flags=re.M)[1:]:
                command, _, shown = part.partition("\n")
                words = split(command.split("|")[0].split(";")[0])
                if "ccal" in words and shown.strip():
                    found.append((path.name, command, shown))
    return found


def split(command: str) -> list[str]:
    try:
        return shlex.split(command)
    except ValueError:  # a line continued with a backslash
        return command.split()


def fenced(language: str) -> list[tuple[str, str]]:
    return [
        (path.name, block)
        for path in DOCS
        for block in re.findall(
            rf"^```{language}\n(.*?)^```", path.read_text(encoding="utf-8"), re.S | re.M
        )
    ]


def output_format(command: str) -> str | None:
    words = split(command)
    if "|" in command or ">" in command:
        return None  # piped or redirected: what is shown is not ccal's output
    for flag in ("--format", "-f"):
        if flag in words:
            return words[words.index(flag) + 1]
    if "--json" in words or (words[1:2] == ["export"]):
        return "json"
    return None


def without_ellipsis(text: str) -> str:
    """An abridged array (`…` for the rest) as the JSON it abridges."""
    return re.sub(r",\s*\n(\s*\])", r"\n\1", ELLIPSIS.sub("", text))


JSON_EXAMPLES = [e for e in examples() if output_format(e[1]) == "json"]
CSV_EXAMPLES = [e for e in examples() if output_format(e[1]) == "csv"]


def real_problem_keys(ccal) -> list[str]:
    result = ccal("validate", str(DATA / "schema-errors.toml"), "--json")
    return list(json.loads(result.stdout)[0])


def test_the_docs_have_json_and_csv_examples():
    assert len(JSON_EXAMPLES) >= 3
    assert CSV_EXAMPLES


@pytest.mark.parametrize(("name", "command", "shown"), JSON_EXAMPLES, ids=lambda x: str(x)[:50])
def test_every_json_example_parses_with_the_keys_of_real_output(ccal, name, command, shown):
    data = json.loads(without_ellipsis(shown))
    records = data if isinstance(data, list) else [data]
    assert records, f"{name}: {command}"
    words = split(command)
    if words[1] == "validate":
        expected = real_problem_keys(ccal)
    elif words[1] == "show" or (words[1] == "list" and "--dates" not in words):
        expected = list(ccal.json("show", "clusters-meet-regions"))
    else:
        expected = LISTING_KEYS
    for record in records:
        assert list(record) == expected, f"{name}: {command}"


@pytest.mark.parametrize(("name", "command", "shown"), CSV_EXAMPLES, ids=lambda x: str(x)[:50])
def test_every_csv_example_parses_with_the_header_of_real_output(ccal, name, command, shown):
    rows = list(csv.reader(io.StringIO(shown.lstrip("\ufeff"))))
    real = ccal("export", "-f", "csv", "--all", "--limit", "1").stdout_bytes.decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(real)))
    assert rows[0] == header, f"{name}: {command}"
    assert all(len(row) == len(header) for row in rows[1:]), f"{name}: {command}"


def test_every_json_fence_parses():
    for name, block in fenced("json"):
        try:
            json.loads(without_ellipsis(block))
        except ValueError as exc:
            pytest.fail(f"{name}: a json fence that does not parse ({exc})")


# --- names of ccal's code ---------------------------------------------------------------------

NAME = re.compile(r"`((?:ccal\.)?[a-z_][a-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+)(?:\(\))?`")
FILE_ENDINGS = (
    ".py",
    ".toml",
    ".md",
    ".json",
    ".jsonl",
    ".sqlite",
    ".csv",
    ".ics",
    ".txt",
    ".html",
    ".atom",
)


def ccal_modules() -> set[str]:
    source = REPO / "src" / "ccal"
    return {p.stem for p in source.glob("*.py")} | {p.name for p in source.iterdir() if p.is_dir()}


def named_in_docs() -> list[tuple[str, str]]:
    """(file, dotted name) for every backticked name of ccal's code in docs/ (``query.fold``,
    ``render.json.entry_record``, ``ccal.clock``); other dotted words (JSON paths, SQL columns,
    other libraries) are not ccal's and are left alone."""
    modules = ccal_modules()
    found = []
    for path in DOCS:
        for dotted in NAME.findall(path.read_text(encoding="utf-8")):
            if dotted.endswith(FILE_ENDINGS):
                continue
            first = dotted.removeprefix("ccal.").split(".")[0]
            if dotted.startswith("ccal.") or first in modules:
                found.append((path.name, dotted.removeprefix("ccal.")))
    return sorted(set(found))


def resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module(".".join(["ccal", *parts[:cut]]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(target, attribute):
                return False
            target = getattr(target, attribute)
        return True
    return False


def test_the_docs_name_code():
    assert len(named_in_docs()) >= 10


@pytest.mark.parametrize(("name", "dotted"), named_in_docs(), ids=lambda x: str(x))
def test_every_function_named_in_the_docs_exists(name, dotted):
    assert resolves(dotted), f"{name} names `{dotted}`, which ccal does not have"


# --- words that went stale ----------------------------------------------------------------------


def test_no_doc_calls_the_index_planned():
    for path in DOCS:
        text = " ".join(path.read_text(encoding="utf-8").split())
        assert "planned index" not in text, path.name


def test_the_portal_generator_cites_files_that_exist_and_counts_what_it_writes(tmp_path):
    import subprocess
    import sys

    script = REPO / "benchmarks" / "gen_eu_portal.py"
    head = script.read_text(encoding="utf-8").split('"""')[1]
    for cited in re.findall(r"\b[\w/.-]+\.(?:md|py|json|toml)\b", head):
        if "/" in cited or cited.endswith(".md"):  # a repository file, not an output name
            assert (REPO / cited).exists(), f"gen_eu_portal.py cites {cited}, which is not there"
    target = tmp_path / "portal.json"
    done = subprocess.run(
        [sys.executable, str(script), "-n", "2000", "-o", str(target)],
        capture_output=True,
        text=True,
        check=True,
    )
    written = len(json.loads(target.read_text(encoding="utf-8"))["fundingData"]["GrantTenderObj"])
    assert written == 2001  # the last entry repeats the first, on purpose
    assert f"{written:,} topics" in done.stdout


def test_the_readme_json_key_table_is_one_table_with_every_key():
    """Markdown ends a table at its first non-table line: a paragraph inside it turned the
    second half into text."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    tables = re.findall(r"(?:^\|.*\|\n)+", text, re.M)
    keyed = [t for t in tables if t.startswith("| key | type | meaning |")]
    assert len(keyed) == 1
    rows = re.findall(r"^\| `(\w+)` \|", keyed[0], re.M)
    assert rows == LISTING_KEYS


# --- CSV in the programs the docs name ------------------------------------------------------------


def test_the_documented_duckdb_query_runs_and_needs_its_quotes(ccal, tmp_path):
    """docs/export.md's SQL runs as written on a real export; without the quotes around `at`
    and `end` DuckDB refuses it, which is why the docs say to quote them."""
    import duckdb

    (query,) = [block for _, block in fenced("sql")]
    data = tmp_path / "dates.csv"
    exported = ccal("export", "-f", "csv", "--as-of", "2024-06-01", "-o", str(data))
    assert exported.exit_code == 0, exported.stderr
    with duckdb.connect() as db:
        rows = db.sql(query.replace("'dates.csv'", f"'{data}'")).fetchall()
        assert rows[0][:2] == ("cmr-2024-graz", "Clusters meet Regions")
        assert rows[0][2].astimezone(UTC) == datetime(2024, 6, 18, 21, 59, 59, tzinfo=UTC)
        with pytest.raises(duckdb.ParserException):
            db.sql(
                query.replace('"at"', "at")
                .replace('"end"', "end")
                .replace("'dates.csv'", f"'{data}'")
            )


def test_the_libreoffice_filter_reads_the_export_as_utf8_csv():
    """The documented filter options say what ccal writes: comma, double quote, UTF-8 (76)."""
    text = (REPO / "docs" / "export.md").read_text(encoding="utf-8")
    options = re.findall(r'--infilter="Text - txt - csv \(StarCalc\):([^"]+)"', text)
    assert options and set(options) == {"44,34,76,1"}
    from ccal.render import csv as csv_format

    assert csv_format.BOM == "\ufeff"  # UTF-8 with its mark: token 76 is LibreOffice's UTF-8
