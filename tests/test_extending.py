"""``extend`` scans only from the entry it moves: the same edit as a scan from the top, and a
header-like line inside a string never misleads it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ccal.extending import extend_text

NOW = datetime(2026, 12, 1, 10, tzinfo=UTC)


def entry(n: int, summary: str = "") -> str:
    extra = f'summary = """{summary}"""\n' if summary else ""
    return (
        f'[[opportunity]]\nid = "e-{n}"\nkind = "call"\ntitle = "E {n}"\n{extra}\n'
        f'[[opportunity.dates]]\nlabel = "Open"\nat = 2027-01-0{n}\n\n'
        f'[[opportunity.dates]]\nlabel = "Deadline"\nat = 2027-02-0{n} 17:00:00\n\n'
    )


@pytest.mark.parametrize(
    "text",
    [
        "version = 1\n\n" + "".join(entry(n) for n in range(1, 6)),
        # A line inside a string that looks like a header: the search finds one too many.
        "version = 1\n\n"
        + entry(1, "see\n[[opportunity]]\nbelow")
        + "".join(entry(n) for n in range(2, 6)),
    ],
    ids=["plain", "header-in-a-string"],
)
@pytest.mark.parametrize("wanted", ["e-1", "e-3", "e-5"])
def test_the_moved_date_is_the_one_asked_for(text, wanted):
    new, moved = extend_text(text, wanted, "Deadline", "+1d", "Europe/Brussels", NOW)
    n = int(wanted[-1])
    old_line = f"at = 2027-02-0{n} 17:00:00"
    assert new == text.replace(
        f'label = "Deadline"\n{old_line}\n',
        f'label = "Deadline"\nat = 2027-02-0{n + 1} 17:00:00\nprevious = 2027-02-0{n} 17:00:00\n',
    )
    assert moved.text() == f"Deadline: 2027-02-0{n} 17:00 → 2027-02-0{n + 1} 17:00 (+1 d)"
