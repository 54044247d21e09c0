"""Control characters in text from data files: shown harmlessly, and flagged by ``ccal validate``.

Titles and labels come from files other people wrote. An escape sequence (``\\x1b[2J`` clears the
screen), a bell or a carriage return printed raw would act on the reader's terminal, so every
human-readable output shows them as visible escapes (``\\x1b``) instead. JSON escapes them itself.
Standard library only: the fast path's ``remind`` uses it.
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls, and the bidirectional overrides and isolates that can make
# text read differently from what it is ("Trojan source").
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# In files (CSV, iCalendar) tabs and line breaks are data their libraries quote or escape; the
# bidi controls are escaped there too (a calendar or spreadsheet shows them to people).
_CONTROL_IN_FILES = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_SPACES = {"\t": " ", "\n": " ", "\r": " "}


def _visible(match: re.Match) -> str:
    char = match.group(0)
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, *, lines: bool = False) -> str:
    """``text`` safe for a terminal: tabs and line breaks become spaces (kept as line breaks
    with ``lines``), other control characters become visible escapes such as ``\\x1b``."""
    if not _CONTROL.search(text):
        return text  # the usual case, and the fast one
    if lines:
        text = text.replace("\r\n", "\n")

    def replace(match: re.Match) -> str:
        char = match.group(0)
        if char == "\n" and lines:
            return char
        return _SPACES.get(char) or _visible(match)

    return _CONTROL.sub(replace, text)


def file_text(text: str) -> str:
    """``text`` for a CSV or iCalendar file: control characters other than tab and line breaks
    (which those formats forbid and their libraries write raw) and bidi overrides become
    visible escapes."""
    return _CONTROL_IN_FILES.sub(_visible, text)


def controls_in(text: str) -> list[str]:
    """The control characters in ``text`` other than tabs and line breaks (``\\r\\n`` included),
    as escapes: ``["\\x1b", "\\x07"]``. A lone carriage return counts: it rewrites the line."""
    found = _CONTROL.finditer(text.replace("\r\n", "\n"))
    return list(dict.fromkeys(_visible(m) for m in found if m.group(0) not in "\t\n"))
