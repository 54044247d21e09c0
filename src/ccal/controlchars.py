"""Control characters in text from data files: shown harmlessly, and flagged by ``ccal validate``.

Titles and labels come from files other people wrote. An escape sequence (``\\x1b[2J`` clears the
screen), a bell or a carriage return printed raw would act on the reader's terminal, so every
human-readable output shows them as visible escapes (``\\x1b``) instead. JSON escapes them itself.
Standard library only: the fast path's ``remind`` uses it.
"""

from __future__ import annotations

import re
from functools import cache

# Unicode's format characters (general category Cf: bidi marks, overrides and isolates, the
# Arabic letter mark, invisible operators, tag characters, …) make text read differently from
# what it is ("Trojan source") or hide text. Generated from ``unicodedata`` by
# ``python -m ccal.controlchars`` (Unicode 14.0, plus U+13439–1343F, new Cf in Unicode 15.0),
# and checked against the running Python's Unicode data by tests/test_controlchars.py.
# Kept out: U+200C/U+200D (zero-width non-joiner and joiner), which spell words in Persian and
# Indic scripts and join emoji (👩‍💻); they cannot reorder text.
FORMAT_RANGES = (
    (0x00AD, 0x00AD), (0x0600, 0x0605), (0x061C, 0x061C), (0x06DD, 0x06DD), (0x070F, 0x070F),
    (0x0890, 0x0891), (0x08E2, 0x08E2), (0x180E, 0x180E), (0x200B, 0x200B), (0x200E, 0x200F),
    (0x202A, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F),
)  # fmt: skip
JOINERS = frozenset("\u200c\u200d")
_FORMAT = "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in FORMAT_RANGES)
# The patterns are compiled on first use (``_compiled``): a character class spread over the
# whole of Unicode takes ~3.5 M instructions to compile, which every table paid at import
# although its text is almost always printable (``printable``'s first test).
# C0 controls, DEL, C1 controls, and the format characters.
_CONTROL = f"[\x00-\x1f\x7f-\x9f{_FORMAT}]"
# In files (CSV, iCalendar) tabs and line breaks are data their libraries quote or escape; the
# format characters are escaped there too (a calendar or spreadsheet shows them to people).
_CONTROL_IN_FILES = f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_FORMAT}]"
_SPACES = {"\t": " ", "\n": " ", "\r": " "}


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled once, when first needed (``re.sub`` of the text itself would look
    it up in ``re``'s cache on every call: an export calls ``file_text`` for every field)."""
    return re.compile(pattern)


def _visible(match: re.Match[str]) -> str:
    char = match.group(0)
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str, *, lines: bool = False) -> str:
    """``text`` safe for a terminal: tabs and line breaks become spaces (kept as line breaks
    with ``lines``), other control characters become visible escapes such as ``\\x1b``.

    The one escaping of everything shown to people: table cells, and every message that may
    quote data (errors, warnings, import skip reasons, "Added …" lines)."""
    # The usual case, and the fast one. ``str.isprintable`` is false for every character of
    # ``_CONTROL`` (each is Cc, Cf or not yet assigned: a test checks it), so printable text has
    # nothing to escape; it is also false for a few characters that need no escape (spaces
    # other than " ", line and paragraph separators), which the pattern then lets through.
    if text.isprintable() or not _compiled(_CONTROL).search(text):
        return text
    if lines:
        text = text.replace("\r\n", "\n")

    def replace(match: re.Match[str]) -> str:
        char = match.group(0)
        if char == "\n" and lines:
            return char
        return _SPACES.get(char) or _visible(match)

    return _compiled(_CONTROL).sub(replace, text)


# Characters of one text (a title, a label, a summary) that a table shows: Rich wraps a cell in
# time that grows with its length (a 2 MB title took seconds in every table, a 20 MB one
# minutes) and nobody reads 50,000 wrapped lines. JSON and every export keep the whole text.
TABLE_TEXT_LIMIT = 2_000


def table_text(text: str, *, lines: bool = False) -> str:
    """``printable`` for a table or a text Rich wraps: its first ``TABLE_TEXT_LIMIT``
    characters, then "…" where it was cut."""
    if len(text) > TABLE_TEXT_LIMIT:
        text = text[:TABLE_TEXT_LIMIT] + "…"
    return printable(text, lines=lines)


def file_text(text: str) -> str:
    """``text`` for a CSV or iCalendar file: control characters other than tab and line breaks
    (which those formats forbid and their libraries write raw) and bidi overrides become
    visible escapes."""
    return _compiled(_CONTROL_IN_FILES).sub(_visible, text)


def controls_in(text: str) -> list[str]:
    """The control characters in ``text`` other than tabs and line breaks (``\\r\\n`` included),
    as escapes: ``["\\x1b", "\\x07"]``. A lone carriage return counts: it rewrites the line."""
    found = _compiled(_CONTROL).finditer(text.replace("\r\n", "\n"))
    return list(dict.fromkeys(_visible(m) for m in found if m.group(0) not in "\t\n"))


def generated_format_ranges() -> list[tuple[int, int]]:
    """The Cf ranges of the running Python's ``unicodedata``, without ``JOINERS``: what
    ``FORMAT_RANGES`` is generated from."""
    import sys
    import unicodedata

    ranges: list[list[int]] = []
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if unicodedata.category(char) != "Cf" or char in JOINERS:
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return [(a, b) for a, b in ranges]


if __name__ == "__main__":  # python -m ccal.controlchars: the table to paste above
    import unicodedata

    print(f"# Unicode {unicodedata.unidata_version}")
    print(", ".join(f"(0x{a:04X}, 0x{b:04X})" for a, b in generated_format_ranges()))
