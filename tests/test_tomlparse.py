"""The fast TOML parser (``toml-rs``) never has a meaning of its own: whatever it accepts,
``tomllib`` and ``tomli`` accept with the same values, types and key order; everything else is
decided (and worded) by them. Checked on generated documents, valid and not, TOML 1.1 included.
"""

from __future__ import annotations

import json
import tomllib
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta, timezone
from unittest import mock

import pytest
import tomli
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccal import tomlparse
from ccal.tomlparse import parse_toml, shallow

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def shape(value):
    """Everything that makes two parsed values the same: types, order, float bits, zones."""
    kind = type(value)
    if kind is dict:
        return ("dict", [(type(k).__name__, k, shape(v)) for k, v in value.items()])
    if kind is list:
        return ("list", [shape(v) for v in value])
    if kind is float:
        return ("float", repr(value))  # nan, -0.0, inf
    if kind in (datetime, time):
        zone = value.tzinfo
        return (kind.__name__, value.isoformat(), type(zone).__name__, repr(zone), value.fold)
    return (kind.__name__, value)


def outcome(parse, text):
    try:
        return ("ok", shape(parse(text)))
    except tomllib.TOMLDecodeError as exc:  # tomli's is the same class in wording only
        return ("error", str(exc))
    except tomli.TOMLDecodeError as exc:
        return ("error", str(exc))
    except RecursionError as exc:
        return ("too deep", str(exc))


def check(text: str) -> None:
    fast = tomlparse._fast(text)
    expected = outcome(tomllib.loads, text)
    if fast is not None:  # accepted: exactly what both exact parsers say
        assert expected == ("ok", shape(fast)), text
        assert outcome(tomli.loads, text) == expected, text
    # The public function: tomli's values, tomllib's wording, whichever parser answered.
    with mock.patch.object(tomlparse, "FAST_FROM", 0):  # toml-rs asked whatever the size
        assert outcome(parse_toml, text) == outcome(tomlparse.exact, text)


# --- documents: every kind of value, rendered by tomli-w (valid TOML 1.0) ----------------------

zones = st.one_of(
    st.none(),
    st.just(UTC),
    st.integers(-24 * 60 + 1, 24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m))),
)
scalars = st.one_of(
    st.text(max_size=10),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.times(),
    st.datetimes(timezones=zones),
)
keys = st.text(max_size=6)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=12,
)
documents = st.dictionaries(keys, values, max_size=6)


@settings(SETTINGS, max_examples=120)
@given(documents)
def test_rendered_documents_read_alike(document):
    check(tomli_w.dumps(document))


# --- TOML-ish text: valid and invalid forms of every token, TOML 1.1's included ------------------

# fmt: off
VALUES = [
    # integers
    "0", "+1", "-1", "1_000", "01", "1__0", "_1", "1_", "0x1F", "0xdead_BEEF", "0o17", "0b101",
    "-0x1", "0x", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "-9223372036854775809",
    # floats
    "1.0", "1e5", "1E+5", "1e-05", "1.5e3", ".5", "5.", "1.e5", "nan", "+nan", "-nan", "inf",
    "-inf", "+inf", "Inf", "NaN", "1e400", "0.1e400", "-0.0", "1_0.0_1", "1.0_", "1e0_1", "00.1",
    "3.141592653589793238462643",
    # booleans
    "true", "false", "True",
    # strings (TOML 1.1 only: \\e, \\x)
    '"a"', '""', '"\\e"', '"\\x41"', '"\\u00e9"', '"\\U0001F600"', '"\\uD800"', '"\\U00110000"',
    '"\\q"', '"a\\"b"', '"\\\\"', "'lit'", "''", "'a\"b'", '"""ml\nx"""', "'''ml\n'''",
    '"""a\\\n   b"""', '"""a\\  \n b"""', '""""a""""', '"""a"""""', '"""a""""""', "'''a''''",
    '"\t"', '"\x01"', '"\x7f"', "'\x7f'", '"é"', '"\\ "', '"a\nb"', "'a\nb'", '"""\r\n"""',
    # dates and times (TOML 1.1 only: without seconds)
    "2020-01-01", "2020-02-30", "2020-02-29", "2021-02-29", "0000-01-01", "9999-12-31",
    "2020-01-01T10:00:00", "2020-01-01 10:00:00", "2020-01-01t10:00:00z", "2020-01-01T10:00",
    "10:00", "10:00:00", "10:00:00.123456789", "10:00:00.", "2020-01-01T10:00:00.1+01:30",
    "2020-01-01T10:00:00-00:00", "2020-01-01T23:59:60", "24:00:00", "2020-01-01T10:00:00+24:00",
    "2020-01-01T10:00:00+0100", "1979-05-27T07:32:00Z", "2020-1-01", "2020-01-01+01:00",
    "10:00:00Z", "2020-01-01T10:00:00.999999999Z",
    # arrays and inline tables (TOML 1.1 only: line breaks and a trailing comma in braces)
    "[]", "[1,2,]", "[1,[2,[3]]]", "[\n1,\n# c\n2\n]", "[1 2]", "[,]", "{}", "{a=1}", "{a=1,}",
    "{a=1,\nb=2}", "{a.b=1, a.c=2}", "{a=1, a=2}", "[{a=1},{b=2}]", "{a={b={c=1}}}", "[[[]]]",
    "{ }", "[ ]", "[\n]",
]
KEYS = [
    "a", "b", "opportunity", "dates", '"a"', "'b'", "a.b", "a . b", '"a.b"', "1", "true", "",
    '""', "''", "é", "a-b_c", "a.b.c", '"\\u00e9"', "a..b", " a", "a b",
]
# fmt: on


def _line(kind: str, key: str, value: str, comment: str) -> str:
    return {
        "pair": f"{key} = {value}",
        "tight": f"{key}={value}",
        "table": f"[{key}]",
        "array": f"[[{key}]]",
        "comment": f"# {comment}",
        "trailing": f"{key} = {value} # {comment}",
        "blank": "",
    }[kind]


lines = st.builds(
    _line,
    st.sampled_from(["pair", "pair", "tight", "table", "array", "comment", "trailing", "blank"]),
    st.sampled_from(KEYS),
    st.one_of(st.sampled_from(VALUES), st.text(max_size=8).map(json.dumps)),
    st.sampled_from(["", "x", "#", '"""', "'''", "[", "\x01", "\x7f", "é"]),
)
texts = st.lists(lines, max_size=8).map("\n".join)
MUTATIONS = list("[]{}=\"'#.,:-+_ \n\t\r\\aeflnrstuxz019TZ\ufeff\x00\x7f")


@st.composite
def mutated(draw):
    text = draw(texts)
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()) and at < len(text):
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + draw(st.sampled_from(MUTATIONS)) + text[at:]
    return text


@SETTINGS
@given(texts)
def test_toml_ish_lines_read_alike(text):
    check(text)


@SETTINGS
@given(mutated())
def test_mutated_lines_read_alike(text):
    check(text)


@pytest.mark.parametrize(
    "text",
    [
        "a = {x = 1,}",  # TOML 1.1: a trailing comma in an inline table
        "a = {x = 1,\n y = 2}",  # TOML 1.1: line breaks in an inline table
        'a = "\\e"',  # TOML 1.1: escape
        'a = "\\x41"',  # TOML 1.1: escape
        "a = 2020-01-01T10:00",  # TOML 1.1: no seconds
        "a = 10:00",
        "\ufeffa = 1",  # tomllib rejects a BOM (the loader drops one before parsing)
        "a = 0000-01-01",  # toml-rs: a ValueError, not its TOMLDecodeError
        "a = 2020-01-01T23:59:60",
        "a = 1\r\nb = 2",
        "a = 0.1e400",
    ],
)
def test_known_differences_are_the_exact_parsers_to_decide(text):
    check(text)


# --- nesting: never deeper than tomli allows, never deep enough to crash toml-rs -----------------


def depth(value) -> int:
    if isinstance(value, dict | list):
        inner = value.values() if isinstance(value, dict) else value
        return 1 + max((depth(v) for v in inner), default=0)
    return 0


@pytest.mark.parametrize("levels", [257, 401, 450, 5000, 100_000])
@pytest.mark.parametrize("opening", ["[", "{a="])
def test_deep_nesting_goes_to_the_exact_parser(levels, opening):
    closing = "]" if opening == "[" else "}"
    text = "x = " + opening * levels + ("" if opening == "[" else "1") + closing * levels
    assert not shallow(text)
    assert tomlparse._fast(text) is None  # toml-rs would crash the process past ~4,000
    check(text)  # tomli's answer: values up to 400 levels, its RecursionError past them
    if levels > 450:
        with pytest.raises(RecursionError):
            parse_toml(text)


def test_a_key_of_a_thousand_parts_goes_to_the_exact_parser():
    for text in (".".join(["k"] * 1001) + " = 1", "[" + ".".join(["k"] * 1001) + "]"):
        assert tomlparse._fast(f"a = 1\n{text}\n") is None
        assert tomlparse._fast(text) is None
        with pytest.raises(RecursionError):
            parse_toml(text)


# Brackets hidden in strings and comments, meant to make a deep document look shallow.
DISGUISES = ['"]"', "'}'", '"["', "# ]]]", '"""]\n]"""', "''']'''", '"\\"]"', "[]", '""', "''"]


@SETTINGS
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["[", "{a=", "]", "}", ",", "1", "\n", " ", "x = ", "[[opportunity]]"]),
            st.sampled_from(DISGUISES),
        ),
        max_size=40,
    ).map("".join),
    st.integers(0, 4),
)
def test_shallow_is_never_fooled(body, repeat):
    # Raised to just over the limit: whatever shallow says is checked against a real parse.
    text = "x = " + "[" * (tomlparse.NESTING - 20) + body * repeat
    if shallow(text):
        try:
            found = tomli.loads(text)
        except tomli.TOMLDecodeError:
            return
        assert depth(found) <= tomlparse.NESTING
    check(text)


# --- big files: parsed in pieces, joined only where that keeps the meaning ----------------------


@contextmanager
def small_pieces():
    with mock.patch.object(tomlparse, "CHUNK", 8):
        yield


PIECES = [
    "[[opportunity]]\nid = 1\n",
    "[[opportunity]]\nid = 2\n[[opportunity.dates]]\nat = 2020-01-01\n",
    "[[opportunity.dates]]\nat = 1\n",
    "[opportunity.x]\ny = 1\n",
    "[opportunity]\nz = 1\n",
    "[other]\nk = 1\n",
    "[other.sub]\nk = 2\n",
    'summary = """\n[[opportunity]]\n"""\n',
    "summary = '''\n[[opportunity]]\n'''\n",
    "tags = [\n[[opportunity]]\n]\n",
    "k = 1\n",
    "# [[opportunity]]\n",
    "[[ opportunity ]]\n",
    '[["opportunity"]]\n',
]
TOPS = ["", "version = 1\n", "opportunity = []\n", "opportunity = [{id = 0}]\n", "[other]\n"]


@SETTINGS
@given(st.sampled_from(TOPS), st.lists(st.sampled_from(PIECES), max_size=12))
def test_pieces_join_as_the_whole_reads(top, pieces):
    text = top + "".join(pieces)
    with small_pieces():
        check(text)


@settings(SETTINGS, max_examples=25)
@given(st.lists(documents, min_size=1, max_size=12))
def test_a_file_of_many_opportunities_reads_alike_in_pieces(tables):
    text = tomli_w.dumps({"version": 1, "opportunity": tables})
    with small_pieces():
        check(text)


def test_a_generated_file_reads_alike_whole_and_in_pieces():
    table = {
        "id": "call-1",
        "kind": "call",
        "title": 'Call \' [with] "brackets" # and more',
        "tags": ["a", "b"],
        "dates": [
            {"label": "Step 1", "at": date(2021, 4, 27)},
            {"label": "Step 2", "at": datetime(2021, 8, 25, 12), "source": "https://x.org/#a"},
        ],
    }
    text = tomli_w.dumps({"version": 1, "opportunity": [table] * 400})
    whole = tomlparse._fast(text)
    with mock.patch.object(tomlparse, "CHUNK", 4096):
        assert len(text) > 2 * tomlparse.CHUNK  # in pieces
        pieces = tomlparse._fast(text)
    assert pieces is not None and whole is not None
    assert shape(pieces) == shape(whole) == shape(tomllib.loads(text))
