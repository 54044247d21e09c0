"""The loader never crashes: any text gives items or located problems, never a traceback."""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccal.loader import duplicate_id_problems, parse_text
from ccal.locator import TomlLocator

PATH = Path("prop.toml")
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(text: str) -> None:
    result = parse_text(text, PATH)
    duplicate_id_problems([result, result])
    for problem in result.problems:
        assert problem.file == str(PATH)
        assert problem.message
        assert problem.severity in ("error", "warning")
        if problem.line is not None:
            assert 1 <= problem.line <= max(text.count("\n") + 1, 1)
        str(problem)  # renders
    if not result.errors:
        assert len(result.items) == len(tomllib.loads(text).get("opportunity", []))


TOML_ISH = st.text(
    alphabet=st.sampled_from(list("[]{}=\"'#.,:-+ \n\t\\abcdeiklmnoprtuvy0123456789TZ_")),
    max_size=200,
)


@SETTINGS
@given(TOML_ISH)
def test_arbitrary_tomlish_text(text):
    _check(text)


@SETTINGS
@given(st.text(max_size=120))
def test_arbitrary_unicode_text(text):
    _check(text)


scalars = st.one_of(
    st.text(max_size=12),
    st.integers(-5, 5),
    st.booleans(),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)).map(
        lambda d: d.replace(microsecond=0)
    ),
    st.sampled_from(["Europe/Brussels", "Europe/Brusels", "call", "talk", "FREQ=WEEKLY", "x"]),
)
date_keys = st.sampled_from(
    ["label", "at", "end", "source", "tentative", "previous", "rrule", "until", "count", "atx"]
)
opportunity_keys = st.sampled_from(
    ["id", "kind", "title", "url", "tags", "timezone", "organiser", "summary", "titel"]
)
dates = st.dictionaries(date_keys, scalars, max_size=6)
opportunities = st.dictionaries(opportunity_keys, scalars, max_size=7).flatmap(
    lambda table: st.lists(dates, max_size=3).map(lambda ds: {**table, "dates": ds})
)
documents = st.fixed_dictionaries(
    {"opportunity": st.lists(opportunities, max_size=3)},
    optional={"version": st.sampled_from([1, 2]), "timezone": scalars, "extra": scalars},
)


@SETTINGS
@given(documents)
def test_valid_looking_documents(document):
    _check(tomli_w.dumps(document))


# --- the locator ------------------------------------------------------------------------------


def test_locator_finds_keys_in_tables_inline_tables_and_after_multiline_strings():
    text = (
        "version = 1\n"
        "[[opportunity]]\n"
        'id = "a"\n'
        'summary = """\n[[opportunity]]\nid = "fake"\n"""\n'
        "dates = [\n"
        '  { label = "A", at = 2022-01-01 },\n'
        '  {label="B", "end" = 2022-02-03},\n'
        "]\n"
        "[[opportunity]]\n"
        "id = 'b'\n"
        'a.b."c d" = 1\n'
        "[[opportunity.dates]]\n"
        "at = 2022-01-01  # comment\n"
    )
    locator = TomlLocator(text)
    assert locator.locate(("opportunity", 0, "id")) == (3, 1)
    assert locator.locate(("opportunity", 0, "dates", 0, "at")) == (9, 18)
    assert locator.locate(("opportunity", 0, "dates", 1, "end")) == (10, 15)
    assert locator.locate(("opportunity", 1, "id")) == (13, 1)
    assert locator.locate(("opportunity", 1, "a", "b", "c d")) == (14, 1)
    assert locator.locate(("opportunity", 1, "dates", 0, "at")) == (16, 1)
    assert locator.locate(("opportunity", 1, "dates", 0, "label")) == (15, 1)  # the table
    assert locator.locate(("version",)) == (1, 1)
    assert locator.locate(()) == (None, None)
    start, end = locator.spans[("opportunity", 1, "dates", 0, "at")]
    assert text[start:end] == "2022-01-01"


@SETTINGS
@given(documents)
def test_locator_places_every_top_level_key_of_rendered_documents(document):
    text = tomli_w.dumps(document)
    locator = TomlLocator(text)
    lines = text.split("\n")
    for index, table in enumerate(document["opportunity"]):
        for key in table:
            if key == "dates" and table["dates"]:
                continue
            line, column = locator.locate(("opportunity", index, key))
            assert lines[line - 1][column - 1 :].startswith(key)


BAD = """[[opportunity]]
id = "a-call"
kind = "call"
title = "A call"

[[opportunity]]
id = "b-call"
kind = "party"
title = "B call"
"""


def test_a_loaded_file_is_located_from_the_file_without_keeping_its_text(tmp_path):
    from ccal.loader import load_file
    from ccal.locator import FileLocator

    path = tmp_path / "data.toml"
    path.write_text(BAD, encoding="utf-8")
    result = load_file(path)
    assert isinstance(result.locator, FileLocator)
    assert [(p.line, p.entry, p.field) for p in result.errors] == [(8, "b-call", "kind")]
    assert [str(p) for p in result.errors] == [str(p) for p in parse_text(BAD, path).errors]


def test_a_file_changed_since_it_was_parsed_is_not_located_at_all(tmp_path):
    from ccal.locator import FileLocator, checksum

    path = tmp_path / "data.toml"
    path.write_text(BAD, encoding="utf-8")
    stale = FileLocator(path, checksum(BAD))
    path.write_text("\n\n" + BAD, encoding="utf-8")  # every line moved: no line is right
    assert stale.locate(("opportunity", 1, "kind")) == (None, None)
    assert FileLocator(path, checksum("\n\n" + BAD)).locate(("opportunity", 1, "kind"))[0] == 10


# --- a big file, validated piece by piece as toml-rs reads it -----------------------------------


def _big_file(last: str) -> str:
    tables = [
        f'[[opportunity]]\nid = "o-{n}"\nkind = "{"call" if n % 7 else "talk"}"\n'
        f'title = "Opportunity {n}"\ntags = ["a", "b"]\n'
        + (
            f'\n[[opportunity.dates]]\nlabel = "Deadline"\nat = 2022-10-30T02:{n % 60:02}:00\n'
            if n % 5
            else ""
        )
        for n in range(80)
    ]
    return 'version = 1\ntimezone = "Europe/Brussels"\n\n' + "\n".join(tables) + last


@pytest.mark.parametrize(
    "last",
    [
        "",  # clean (repeated hours and calls without a date: warnings only)
        '\n[[opportunity]]\nid = "late"\nkind = "talk"\ntitle = "L"\ntitel = "typo"\n',
        '\n[[opportunity]]\nid = "o-3"\nkind = "talk"\ntitle = "Twice"\n',
        '\n[[opportunity]]\nid = "x"\nkind = "talk"\ntitle = "X"\nbad = 1979-05-27T07:32\n',
        "\n[other]\nk = 1\n",
        '\n[[opportunity]]\nid = "end"\nkind = "call"\ntitle = "E"\n[[opportunity.dates]]\n'
        'label = "D"\nat = 2022-03-27T02:30:00\n',
    ],
    ids=["clean", "schema-error", "duplicate-id", "toml-1.1", "other-table", "dst-gap"],
)
@pytest.mark.parametrize("reread", [True, False])
def test_a_big_file_loads_alike_piece_by_piece_and_whole(tmp_path, last, reread):
    from unittest import mock

    from ccal import loader, tomlparse

    text = _big_file(last)
    data = tmp_path / "big.toml"
    data.write_text(text, encoding="utf-8")

    def load():
        if reread:
            return loader.load_file(data)
        return parse_text(text, data)

    def seen(result):
        entries = [(i.id, [(e.label, e.at, e.all_day) for e in i.entries]) for i in result.items]
        return [str(p) for p in result.problems], entries, result.ids

    with mock.patch.object(tomlparse, "CHUNK", 200):
        assert tomlparse.stream(text) is not None
        pieces = seen(load())
        with mock.patch.object(tomlparse, "stream", lambda text: None):
            whole = seen(load())
    assert pieces == whole
    assert seen(load()) == whole  # not in pieces at all
