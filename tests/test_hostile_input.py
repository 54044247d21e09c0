"""Hostile data files: nesting deeper than the parser allows and huge lines give one located
error, quickly (issue 20, items 8 and 9)."""

from __future__ import annotations

import json

import pytest

from ccal.loader import parse_text
from ccal.locator import TomlLocator

BASE = 'version = 1\n[[opportunity]]\nid = "a"\nkind = "talk"\ntitle = "A"\n'


@pytest.mark.parametrize(
    ("body", "line", "column", "words"),
    [
        ("tags = " + "[" * 450 + "]" * 450, 6, 408, "nested more than the allowed 400 levels"),
        ("x = " + "{a=" * 450 + "1" + "}" * 450, 6, 1205, "nested more than the allowed 400"),
        (".".join(["k"] * 1001) + " = 1", 6, 1, "key has more than the allowed 1000 parts"),
        ("[" + ".".join(["k"] * 1001) + "]", 6, 1, "key has more than the allowed 1000 parts"),
    ],
    ids=["arrays", "inline-tables", "dotted-key", "dotted-header"],
)
def test_too_deep_toml_is_one_located_data_error(ccal, tmp_path, body, line, column, words):
    data = tmp_path / "deep.toml"
    data.write_text(f"{BASE}{body}\n", encoding="utf-8")
    for args in (("validate", str(data)), ("list", "--all", "--data", str(data))):
        result = ccal(*args)
        assert result.exit_code == 1, result.output
        first = result.output.splitlines()[0]
        assert first.startswith(f"{data}:{line}:{column}: too deeply nested (")
        assert words in first


def test_a_string_holding_brackets_does_not_count(tmp_path):
    text = f'{BASE}summary = "{"[" * 500}"\ntags = {"[" * 450}{"]" * 450}\n'
    problem = parse_text(text, tmp_path / "x.toml").errors[0]
    assert (problem.line, problem.column) == (7, 408)


def test_too_deep_portal_json_is_one_located_error(ccal, tmp_path):
    source = tmp_path / "deep.json"
    source.write_text('{"fundingData": ' + "[" * 100_000 + "]" * 100_000 + "}")
    result = ccal("import", "eu-portal", str(source), "-o", str(tmp_path / "out.toml"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"ccal: {source}: not the EU Funding & Tenders portal")
    assert "too deeply nested, at line 1 column " in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_a_huge_line_is_located_without_recording_every_value(tmp_path):
    text = f"{BASE}x = [{'1,' * 200_000}]\n"
    result = parse_text(text, tmp_path / "wide.toml")
    [problem] = result.errors
    assert (problem.line, problem.column, problem.message) == (6, 1, "unknown key 'x'")
    scanned = result.locator._locator  # the lazy locator stopped at the key it was asked for
    assert len(scanned.places) < 10


def test_a_lazy_locator_agrees_with_a_full_scan():
    text = (
        BASE + 'tags = ["a", "b"]\n[[opportunity.dates]]\nlabel = "D"\nat = 2027-01-01\n'
        '[[opportunity]]\nid = "b"\nkind = "talk"\ntitle = "B"\n'
        "[[opportunity.dates]]\nlabel = 'E'\nat = { a = 1 }\n"
    )
    full = TomlLocator(text)
    for loc in [*full.places, ("opportunity", 1, "nope"), ("opportunity", 5)]:
        assert TomlLocator(text, lazy=True).locate(loc) == full.locate(loc), loc
    lazy = TomlLocator(text, lazy=True)  # one locator asked many times, in any order
    for loc in reversed(list(full.places)):
        assert lazy.locate(loc) == full.locate(loc), loc


def test_a_huge_value_is_quoted_short(tmp_path):
    text = f"{BASE}[[opportunity.dates]]\nlabel = 'D'\nat = [{', '.join(['1'] * 10_000)}]\n"
    [problem] = parse_text(text, tmp_path / "x.toml").errors
    assert len(problem.message) < 200
    assert json.dumps(problem.message)


def test_a_huge_title_is_cut_in_tables_and_whole_in_json(ccal, tmp_path):
    """A 2 MB title took Rich seconds to wrap into 50,000 lines (a 20 MB one, minutes), in
    every table. A table shows the first ``TABLE_TEXT_LIMIT`` characters and "…"; JSON (and
    every export) keeps the whole text."""
    from ccal.controlchars import TABLE_TEXT_LIMIT

    title = "word " * 100_000
    data = tmp_path / "huge.toml"
    data.write_text(
        f'version = 1\n[[opportunity]]\nid = "x"\nkind = "call"\ntitle = "{title}"\n'
        '[[opportunity.dates]]\nlabel = "a"\nat = 2027-01-01\n',
        encoding="utf-8",
    )
    args = ("--data", str(data), "--as-of", "2026-12-01")
    for command in (("upcoming",), ("list",), ("deadlines", "x"), ("show", "x")):
        shown = ccal(*command, *args, env={"COLUMNS": "200"})
        assert shown.exit_code == 0, shown.stderr
        assert "…" in shown.stdout, command
        words = shown.stdout.count("word")
        assert TABLE_TEXT_LIMIT // 5 - 2 <= words <= TABLE_TEXT_LIMIT // 5 + 2, (command, words)
    assert ccal.json("upcoming", *args)[0]["title"] == title.strip()
