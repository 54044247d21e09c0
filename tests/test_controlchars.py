"""Control characters in data never reach a terminal raw; validate warns about them."""

from __future__ import annotations

import unicodedata

import pytest
from conftest import DATA
from hypothesis import given
from hypothesis import strategies as st

from ccal.controlchars import controls_in, file_text, printable

FILE = DATA / "control-chars.toml"
RAW = ("\x1b", "\x07", "\r", "\u202e")

HUMAN = [
    ("upcoming",),
    ("list",),
    ("list", "--dates"),
    ("show", "escape-call"),
    ("deadlines", "escape-call"),
    ("remind", "--within", "100d"),
    ("countdown", "--once"),
    ("countdown", "escape-call", "--once"),
    ("export", "--format", "md"),
    ("upcoming", "--as-of", "2023-01-01"),  # "nothing upcoming; the latest passed …"
]


@pytest.mark.parametrize("args", HUMAN, ids=" ".join)
def test_human_outputs_show_control_characters_escaped(ccal, args):
    result = ccal(
        *args, "--data", str(FILE), *(() if "--as-of" in args else ("--as-of", "2022-06-01"))
    )
    assert result.exit_code == 0, result.stderr
    for char in RAW:
        assert char not in result.stdout, (char, result.stdout)
    assert "\\x1b" in result.stdout or "\\x07" in result.stdout


@pytest.mark.parametrize("fmt", ["csv", "ics"])
def test_files_carry_no_control_characters_their_formats_forbid(ccal, fmt):
    result = ccal("export", "--format", fmt, "--data", str(FILE), "--as-of", "2022-06-01")
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\\x1b[2J" in result.stdout.replace("\\\\", "\\")
    assert "\u202e" not in result.stdout  # the bidi override in the label
    assert "\\u202e" in result.stdout.replace("\\\\", "\\")


@pytest.mark.parametrize("fmt", ["csv", "ics"])
def test_a_bidi_override_in_a_summary_is_escaped_in_files(ccal, tmp_path, fmt):
    """The README promises visible escapes in CSV and iCalendar: the ICS DESCRIPTION too."""
    data = tmp_path / "bidi.toml"
    data.write_text(
        'version = 1\n[[opportunity]]\nid = "b"\nkind = "call"\ntitle = "B"\n'
        'summary = "Pay \\u202eeulav\\u2066 now"\ntags = ["x\\u200fy"]\n'
        '[[opportunity.dates]]\nlabel = "Cut-off"\nat = 2022-07-29\n',
        encoding="utf-8",
    )
    out = ccal("export", "--format", fmt, "--data", str(data), "--as-of", "2022-06-01").stdout
    assert not set(out) & {"\u202e", "\u2066", "\u200f"}, out
    out = out.replace("\\\\", "\\")
    assert "x\\u200fy" in out  # the tag (CSV has no summary column)
    assert fmt == "csv" or "\\u202eeulav" in out


def test_json_keeps_the_text_exactly(ccal):
    rows = ccal.json("upcoming", "--data", str(FILE), "--as-of", "2022-06-01")
    assert rows[0]["title"] == "Clear\x1b[2J screen\rfake"


def test_titles_are_not_rich_markup(ccal, tmp_path):
    data = tmp_path / "markup.toml"
    data.write_text(
        'version = 1\n[[opportunity]]\nid = "m"\nkind = "call"\n'
        'title = "[bold red]Loud[/] [link=https://evil.example]x[/link]"\n'
        '[[opportunity.dates]]\nlabel = "Cut-off"\nat = 2022-07-29\n',
        encoding="utf-8",
    )
    for args in (("list",), ("deadlines", "m"), ("show", "m")):
        result = ccal(*args, "--data", str(data), "--as-of", "2022-06-01")
        assert "[bold red]Loud[/]" in result.stdout, result.stdout


def test_validate_warns_about_control_characters(ccal):
    result = ccal("validate", str(FILE))
    assert result.exit_code == 0, result.stdout  # warnings alone exit 0
    lines = [line for line in result.stdout.splitlines() if "warning:" in line]
    assert f"{FILE}:9:1: warning: opportunity 'escape-call', field 'title': " in lines[0]
    assert "\\x1b, \\x0d" in lines[0]
    assert any("field 'dates[0].label'" in line and "\\u202e" in line for line in lines)
    assert "\x1b" not in result.stdout
    assert "5 warnings" in result.stdout


def test_validate_is_quiet_about_line_breaks_and_tabs(ccal):
    assert "control character" not in ccal("validate", str(DATA / "hostile.toml")).stdout


def test_printable_examples():
    assert printable("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert printable("one\r\ntwo\tthree") == "one  two three"
    assert printable("one\r\ntwo", lines=True) == "one\ntwo"
    assert printable("\u202eabc") == "\\u202eabc"
    assert printable("Košice – ok") == "Košice – ok"
    assert controls_in("a\r\nb\tc\rd\x07") == ["\\x0d", "\\x07"]


def test_error_messages_quote_typed_text_escaped(ccal, fixture_file):
    result = ccal("show", "x\x1b[2J", "--data", str(fixture_file))
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "unknown id 'x\\x1b[2J'" in result.stderr


@given(st.text())
def test_printable_never_lets_a_control_character_through(text):
    bidi = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    shown = printable(text)
    assert not any(unicodedata.category(ch) == "Cc" or ch in bidi for ch in shown)
    lines = printable(text, lines=True)
    assert all(ch == "\n" for ch in lines if unicodedata.category(ch) == "Cc" or ch in bidi)
    # Each control character validate flags is shown escaped, but a carriage return, which
    # validate flags when alone, is a line break to printable: a space.
    assert controls_in(text.replace("\r", "")) == [] or "\\" in shown


@given(st.text())
def test_file_text_keeps_tabs_and_line_breaks_only(text):
    kept = file_text(text)
    assert all(ch in "\t\n\r" for ch in kept if unicodedata.category(ch) == "Cc")
    assert file_text(kept) == kept


# --- issue 20: every format character (Cf), audited against Unicode; messages escaped too ------


def test_the_format_set_is_unicodes_cf_set():
    """FORMAT_RANGES holds every Cf character of the running Python's Unicode data (but the two
    joiners), and nothing that is another category there (newer Cf may be unassigned)."""
    from ccal.controlchars import FORMAT_RANGES, JOINERS, generated_format_ranges

    ours = {code for low, high in FORMAT_RANGES for code in range(low, high + 1)}
    generated = {code for low, high in generated_format_ranges() for code in range(low, high + 1)}
    assert generated <= ours, sorted(hex(c) for c in generated - ours)
    for code in ours - generated:
        assert unicodedata.category(chr(code)) == "Cn", hex(code)  # assigned later than here
    assert all(unicodedata.category(ch) == "Cf" for ch in JOINERS)


def test_text_python_calls_printable_has_nothing_to_escape():
    """``printable`` returns text ``str.isprintable`` passes without reading it: exact while
    every character the pattern escapes is one ``isprintable`` refuses (Cc, Cf, unassigned)."""
    import re
    import sys

    from ccal.controlchars import _CONTROL

    escaped = re.compile(_CONTROL)
    wrong = [
        hex(code)
        for code in range(sys.maxunicode + 1)
        if chr(code).isprintable() and escaped.match(chr(code))
    ]
    assert wrong == []


@given(st.text(alphabet=st.characters(categories=["Cf", "Cc", "Ll"])))
def test_no_format_character_gets_through(text):
    from ccal.controlchars import JOINERS

    shown = printable(text)
    assert all(ch in JOINERS for ch in shown if unicodedata.category(ch) in ("Cf", "Cc"))
    assert all(ch in JOINERS or ch in "\t\n\r" for ch in file_text(text)
               if unicodedata.category(ch) in ("Cf", "Cc"))  # fmt: skip


def test_the_arabic_letter_mark_is_escaped_everywhere(ccal, tmp_path):
    data = tmp_path / "alm.toml"
    data.write_text(
        'version = 1\n[[opportunity]]\nid = "alm"\nkind = "call"\ntitle = "Call \u061c1"\n'
        '[[opportunity.dates]]\nlabel = "Deadline"\nat = 2027-01-01\n',
        encoding="utf-8",
    )
    for args in (
        ("list",),
        ("show", "alm"),
        ("remind", "--within", "100d"),
        ("export", "-f", "md"),
    ):
        result = ccal(*args, "--data", str(data), "--as-of", "2026-12-01")
        assert result.exit_code == 0, result.output
        assert "\u061c" not in result.stdout and "\\u061c" in result.stdout, args
    warned = ccal("validate", str(data))
    assert "\\u061c" in warned.stdout and "\u061c" not in warned.stdout


def test_import_warnings_never_carry_terminal_escapes(ccal, tmp_path):
    import json

    hostile = "\u001b]0;pwned\u0007\u001b[2J"
    topics = [{"identifier": hostile, "title": "No deadlines list", "deadlineDatesLong": "x"}]
    source = tmp_path / "hostile.json"
    source.write_text(json.dumps({"fundingData": {"GrantTenderObj": topics}}), encoding="utf-8")
    result = ccal("import", "eu-portal", str(source), "-o", str(tmp_path / "out.toml"))
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "\\x1b]0;pwned\\x07\\x1b[2J" in result.stderr
