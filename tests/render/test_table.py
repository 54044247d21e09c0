"""Tables on narrow terminals: words wrap whole, ids are never folded, the heading is not cut."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st


def _tokens(text: str) -> set[str]:
    return set(text.split())


@pytest.mark.parametrize("columns", ["60", "80", "100"])
@pytest.mark.parametrize(("command", "as_of"), [("list", "2024-06-01"), ("upcoming", "2022-06-01")])
def test_no_word_of_a_title_label_or_id_is_split(ccal, command, as_of, columns):
    """On the shipped data (the longest titles and ids there are): every word of every title
    and label, and every id, appears whole in the table, and so does the heading."""
    rows = ccal.json(command, "--as-of", as_of)
    result = ccal(command, "--as-of", as_of, env={"COLUMNS": columns})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= int(columns)
    shown = _tokens(result.stdout)
    words = _tokens(ccal(command, "--as-of", as_of).stdout.splitlines()[0])  # the heading
    for row in rows:
        words |= _tokens(row["title"]) | {row["id"]}
        words |= _tokens(row.get("label", ""))
    missing = sorted(word for word in words if word not in shown)
    assert not missing, result.stdout


def test_when_breaks_before_the_zone_not_inside_all_day(ccal):
    out = ccal("upcoming", "--as-of", "2022-06-01", env={"COLUMNS": "80"}).stdout
    assert "(all day)" in out
    assert "08:30–09…" not in out and "…" not in out


def test_list_at_80_columns_gives_titles_room(ccal):
    """The id goes under the title, so a title is not squeezed into a dozen columns."""
    out = ccal("list", "--as-of", "2024-06-01", env={"COLUMNS": "80"}).stdout
    assert "Cluster Collaboration Lab" in out
    assert "Call for Expression of Interest" in out


def test_a_long_deadlines_heading_wraps_instead_of_being_cut(ccal):
    title = "Call for Expression of Interest – Clusters meet Regions (clusters-meet-regions)"
    args = ("deadlines", "clusters-meet-regions", "--as-of", "2024-06-01")
    out = ccal(*args, env={"COLUMNS": "50"}).stdout
    assert set(title.split()) <= set(out.split()), out


@pytest.mark.parametrize("colour", [False, True])
@pytest.mark.parametrize("width", [18, 40, 80, 130])
def test_a_long_listing_printed_in_chunks_is_the_one_table(monkeypatch, width, colour):
    """Chunk by chunk (``Fitted.parts``, as ``paging.show`` prints a long listing) the bytes
    are those of the whole table at once: the same column widths, one heading, one header, one
    top and bottom edge; stacked and narrow layouts too."""
    import io
    from datetime import UTC, datetime

    from rich.console import Console

    from ccal import paging
    from ccal.loader import load_catalog
    from ccal.query import select_listing
    from ccal.render import table
    from ccal.sources import shipped_dataset

    now = datetime(2022, 1, 1, tzinfo=UTC)
    listing = select_listing(load_catalog([shipped_dataset()]), now, UTC)
    assert len(listing.entries) > 7

    def printed(chunk: int) -> str:
        monkeypatch.setattr(table, "CHUNK", chunk)
        out = io.StringIO()
        console = Console(file=out, width=width, force_terminal=colour, color_system="standard")
        paging.show(console, table.upcoming_table(listing, table.heading("Upcoming", now, UTC)))
        return out.getvalue()

    whole = printed(len(listing.entries))
    for chunk in (1, 3, 7):
        assert printed(chunk) == whole


@pytest.mark.parametrize("colour", [False, True])
@pytest.mark.parametrize("width", [18, 30, 40, 80, 130])
@pytest.mark.parametrize("scope", ["all", "past", "upcoming"])
def test_a_long_table_of_opportunities_printed_in_chunks_is_the_one_table(
    monkeypatch, width, colour, scope
):
    """``items_table`` (``ccal list``) chunk by chunk is the bytes of the whole table: every
    column's width is given from every row (``ItemsShown``), so no chunk measures its own;
    stacked (the next date under the id) and cramped layouts too."""
    import io
    from datetime import UTC, datetime

    from rich.console import Console

    from ccal import paging
    from ccal.loader import load_catalog
    from ccal.query import select_items
    from ccal.render import table
    from ccal.sources import shipped_dataset

    now = datetime(2024, 6, 1, tzinfo=UTC)
    rows = table.item_rows(
        select_items(load_catalog([shipped_dataset()]), now, scope=scope), now, UTC
    )
    assert len(rows) > 7

    def printed(chunk: int) -> str:
        monkeypatch.setattr(table, "CHUNK", chunk)
        monkeypatch.setattr(table, "FIRST", chunk)
        out = io.StringIO()
        console = Console(file=out, width=width, force_terminal=colour, color_system="standard")
        title = table.heading("Opportunities", now, UTC)
        paging.show(console, table.items_table(rows, title))
        return out.getvalue()

    whole = printed(len(rows))
    for chunk in (1, 3, 7):
        assert printed(chunk) == whole


@pytest.mark.parametrize("command", ["deadlines", "show"])
@pytest.mark.parametrize("columns", ["40", "50", "60"])
def test_every_date_keeps_its_label_and_countdown_on_a_narrow_terminal(ccal, command, columns):
    """``deadlines ID`` and ``show ID`` at 40–60 columns: each date's label and countdown are
    still there, whole words (the Label column was dropped, the countdown cut: "in 68 da")."""
    args = (command, "clusters-meet-regions", "--as-of", "2024-06-01")
    result = ccal(*args, env={"COLUMNS": columns})
    assert result.exit_code == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= int(columns)
    shown = _tokens(result.stdout)
    for row in ccal.json("deadlines", "clusters-meet-regions", "--as-of", "2024-06-01"):
        assert _tokens(row["label"]) <= shown, (row["label"], result.stdout)
    for countdown in ("passed 672 days ago", "in 121 days", "in 244 days"):
        assert _tokens(countdown) <= shown, result.stdout
    assert "…" not in result.stdout


@given(
    whens=st.lists(st.text(alphabet="ab \n", max_size=12), max_size=8),
    caps=st.lists(st.integers(min_value=-3, max_value=14), min_size=1, max_size=4),
)
def test_the_when_width_read_only_as_far_as_a_width_needs_is_that_of_every_row(whens, caps):
    """``Shown.longest_when`` stops reading When texts once one reaches the widest the column
    may be; capped there, it is what the longest line of all of them gives, at any sequence of
    widths asked (a table may be drawn at several)."""
    from ccal.render.table import Shown, _longest_line

    shown = Shown([], [], iter(whens))
    every = _longest_line(whens)
    for cap in caps:
        assert min(shown.longest_when(cap), cap) == min(every, cap)


def test_a_long_table_words_the_when_of_only_the_rows_its_widths_need():
    """The widths of a long listing need every row's id and countdown, but its When texts only
    until one reaches the widest the When column may be: the rest are worded as their chunks
    are drawn. The table printed is the same."""
    import io
    from datetime import UTC, datetime

    from rich.console import Console

    from ccal import paging
    from ccal.loader import load_catalog
    from ccal.query import select_listing
    from ccal.render import table
    from ccal.sources import shipped_dataset

    now = datetime(2022, 1, 1, tzinfo=UTC)
    listing = select_listing(load_catalog([shipped_dataset()]), now, UTC)
    every = table.Shown.of(listing)
    read: list[str] = []

    def reading() -> Iterator[str]:
        for when in every._whens:
            read.append(when)
            yield when

    ids = [entry.opportunity.id for entry in listing.entries]
    shown = table.Shown(ids, every.lefts, reading())

    def printed(fitted: table.Fitted) -> str:
        out = io.StringIO()
        paging.show(Console(file=out, width=80), fitted)
        return out.getvalue()

    assert printed(table.upcoming_table(listing, "Upcoming", shown)) == printed(
        table.upcoming_table(listing, "Upcoming")
    )
    assert 0 < len(read) < len(listing.entries) // 2
