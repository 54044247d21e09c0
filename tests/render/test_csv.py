"""csv export: RFC 4180, the JSON fields, accents intact, formulas neutralised (OWASP)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccal.render.csv import BOM, FORMULA_STARTS, neutralise


def rows(text: str) -> list[dict[str, str]]:
    assert text.startswith(BOM)
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def test_golden_fixture(export, golden):
    golden("fixture.csv", export("--format", "csv", "--all"))


def test_golden_hostile(export, golden):
    golden("hostile.csv", export("--format", "csv", "--all", data="hostile.toml"))


def test_rfc_4180_crlf_records_and_a_header_of_the_json_keys(export):
    text = export("--format", "csv", "--all")
    records = json.loads(export("--format", "json", "--all"))
    from ccal.render.csv import NOT_IN_CSV  # "mine" is an object: no cell for it

    columns = [key for key in records[0] if key not in NOT_IN_CSV]
    assert text[1:].split("\r\n")[0].split(",") == columns
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # no bare line feed in this dataset


def test_same_values_as_json(export):
    records = json.loads(export("--format", "json", "--all"))
    table = rows(export("--format", "csv", "--all"))
    assert len(table) == len(records)
    for row, record in zip(table, records, strict=True):
        for key, value in record.items():
            if key == "mine":  # render.csv.NOT_IN_CSV
                continue
            if value is None:
                expected = ""
            elif isinstance(value, bool):
                expected = str(value).lower()
            elif isinstance(value, list):
                expected = ";".join(value)
            else:
                expected = str(value)
            assert row[key] == expected, key


def test_dst_pair_accents_all_day_and_range(export):
    table = {row["label"]: row for row in rows(export("--format", "csv", "--all"))}
    assert table["Cut-off 1"]["at"] == "2022-07-29T18:00:00+02:00"
    assert table["Cut-off 2"]["at"] == "2022-12-02T18:00:00+01:00"
    assert table["Workshop"]["title"] == "Workshop in Košice"
    assert table["Workshop"]["end"] == "2022-06-23T23:59:59+02:00"
    assert table["Expression of interest"]["all_day"] == "true"
    assert table["Cut-off 3"]["tentative"] == "true"
    assert table["Cut-off 1"]["tags"] == "clusters;regions"


def test_formulas_are_neutralised_and_text_survives(export):
    text = export("--format", "csv", "--all", data="hostile.toml")
    table = {row["id"]: row for row in rows(text)}
    formula = table["formula-call"]
    assert formula["title"] == '\'=HYPERLINK("http://x","y")'
    assert formula["organiser"] == "'+cmd|' /C calc'!A0"
    assert formula["label"] == "'-1+1, then; more"
    assert formula["tags"] == "'-2+3;ok\\;tag"  # "ok;tag" is one tag: its ";" escaped
    markup = table["markup-event"]
    assert markup["label"] == "Day one, two; three \\ four\nfive"
    assert markup["location"] == "Line one\nline two, with; punctuation \\ and a backslash"
    for row in table.values():
        for value in row.values():
            assert not value.startswith(FORMULA_STARTS)


def test_negative_countdowns_stay_numbers(export):
    table = rows(export("--format", "csv", "--all", "--as-of", "2023-01-01"))
    assert int(table[0]["seconds_left"]) < 0


@given(st.text())
def test_neutralised_cells_never_start_a_formula_and_lose_nothing(text):
    safe = neutralise(text)
    assert not safe.lstrip(" ").startswith(FORMULA_STARTS)
    assert safe in (text, "'" + text)


def _split_tags(text: str) -> list[str]:
    """What a consumer does: a backslash takes the next character as it is; ';' splits."""
    tags, current = [], ""
    for match in re.finditer(r"\\(.)|([^\\])", text):
        escaped, char = match.group(1) is not None, match.group(1) or match.group(2)
        if char == ";" and not escaped:
            tags, current = [*tags, current], ""
        else:
            current += char
    return [*tags, current] if text else []


@pytest.mark.parametrize(
    "tags", [["a;b", "c"], ["back\\slash", "x"], ["end\\", "y"], ["plain", "tags"]]
)
def test_tags_split_back_into_the_same_tags(ccal, tmp_path, tags):
    data = tmp_path / "tags.toml"
    data.write_text(
        'version = 1\n[[opportunity]]\nid = "t"\nkind = "call"\ntitle = "T"\n'
        f"tags = {json.dumps(tags)}\n"
        '[[opportunity.dates]]\nlabel = "Cut-off"\nat = 2022-07-29\n',
        encoding="utf-8",
    )
    out = ccal("export", "--format", "csv", "--data", str(data), "--as-of", "2022-06-01").stdout
    (row,) = csv.DictReader(io.StringIO(out.lstrip("\ufeff")))
    assert _split_tags(row["tags"]) == tags
