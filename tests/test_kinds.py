"""Own kinds: declared at a file's top, used, filtered and completed; typos still refused."""

from __future__ import annotations

import json

from ccal.cli.options import complete_kinds
from ccal.loader import load_file
from ccal.models import DataFile
from ccal.schema import data_file_schema
from tests.conftest import DATA

KINDS_FILE = DATA / "own-kinds.toml"
AS_OF = ["--as-of", "2026-05-01"]


def test_a_declared_kind_loads_and_an_undeclared_one_is_an_error(tmp_path):
    assert not load_file(KINDS_FILE).errors
    other = tmp_path / "other.toml"
    other.write_text(KINDS_FILE.read_text().replace('kinds = ["conference", "grant"]\n', ""))
    errors = load_file(other).errors
    assert len(errors) == 1
    assert "(got 'conference'); declare a kind of your own" in errors[0].message
    assert 'kinds = ["conference"]' in errors[0].message


def test_kind_filters_declared_kinds(ccal):
    rows = ccal.json("upcoming", "--data", str(KINDS_FILE), "--kind", "conference", *AS_OF)
    assert [(r["id"], r["kind"]) for r in rows] == [("nips-2026", "conference")]
    both = ccal.json("list", "--data", str(KINDS_FILE), "-k", "conference", "-k", "call", *AS_OF)
    assert {r["id"] for r in both} == {"nips-2026", "a-call"}


def test_a_declared_but_unused_kind_filters_to_nothing(ccal):
    result = ccal("upcoming", "--data", str(KINDS_FILE), "--kind", "grant", *AS_OF)
    assert result.exit_code == 0, result.stderr


def test_an_unknown_kind_is_a_usage_error_with_did_you_mean(ccal):
    result = ccal("upcoming", "--data", str(KINDS_FILE), "--kind", "grnt", *AS_OF)
    assert result.exit_code == 2
    assert result.stderr.startswith("ccal: invalid value for '--kind'")
    assert "did you mean 'grant'?" in result.stderr
    assert result.stderr.count("'conference'") == 1


def test_kinds_complete_from_the_active_data(monkeypatch):
    monkeypatch.setenv("CCAL_DATA", str(KINDS_FILE))
    assert complete_kinds("c") == ["call", "conference"]


def test_the_digest_groups_own_kinds_after_the_built_in_ones(ccal):
    result = ccal("export", "--format", "md", "--group", "kind", "--data", str(KINDS_FILE), *AS_OF)
    headings = [line for line in result.stdout.splitlines() if line.startswith("## ")]
    assert headings == ["## Calls", "## Conferences"]


def test_schemas_say_how_kinds_are_extended(ccal):
    schema = data_file_schema()
    assert schema["properties"]["kinds"]["type"] == "array"
    kind = schema["definitions"]["Opportunity"]["properties"]["kind"]
    assert "declares at its top" in kind["description"]
    listing = json.loads((DATA.parents[1] / "schema" / "listing.schema.json").read_text())
    assert (
        "declares at its top"
        in listing["$defs"]["EntryRecord"]["properties"]["kind"]["description"]
    )
    assert DataFile.model_validate({"kinds": ["grant"]}).kinds == ["grant"]


def test_add_takes_a_kind_its_file_declares(ccal, tmp_path):
    target = tmp_path / "mine.toml"
    target.write_text(KINDS_FILE.read_text())
    added = ccal("add", "g", "--kind", "grant", "--title", "G", "--deadline", "2026-09-01",
                 "--data", str(target))  # fmt: skip
    assert added.exit_code == 0, added.stderr
    typo = ccal("add", "h", "--kind", "grnt", "--title", "H", "--data", str(target))
    assert typo.exit_code == 2 and "did you mean 'grant'?" in typo.stderr
