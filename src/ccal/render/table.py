"""Rich tables for people at a terminal. Only this module (and other human formats) load Rich."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, tzinfo
from itertools import pairwise
from typing import Any, NamedTuple

from rich import box
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from ccal.catalog import Entry, Item
from ccal.clock import system_zone, zone_label
from ccal.controlchars import table_text
from ccal.query import Nearby, countdown_moment, latest_entry, next_entry, under_way
from ccal.render import Listing
from ccal.render.timefmt import extension_text as extension_text  # re-exported
from ccal.render.timefmt import moment_text, moved_note, says_tentative, time_left, when_both
from ccal.spans import countdown_text
from ccal.timeline import seconds_between

_SOON = 3 * 86400
_FORTNIGHT = 14 * 86400


class PipeConsole(Console):
    """A Rich console that reports a closed stdout (``ccal show ID | head -1``) as the
    ``BrokenPipeError`` it is. Rich's own answer is ``SystemExit(1)``; ccal's rule is exit 0
    without a word, kept by whoever catches the error (``cli.root``, the fast path's print)."""

    def on_broken_pipe(self) -> None:
        import errno

        self.quiet = True  # nothing more is written
        raise BrokenPipeError(errno.EPIPE, "the reader closed the pipe")


def make_console() -> Console:
    """Styling only on a terminal, and none at all with NO_COLOR (not even bold or italic)."""
    plain = bool(os.environ.get("NO_COLOR"))
    return PipeConsole(highlight=False, color_system=None if plain else "auto")


def _countdown(entry: Entry, now: datetime, text: str | None = None) -> Text:
    """``time_left`` (``text``, when already worded), styled by how soon it is."""
    text = time_left(entry, now) if text is None else text
    if entry.is_passed(now):
        return Text(text, style="dim")
    if under_way(entry, now):
        return Text(text, style="bold green")
    seconds = seconds_between(now, countdown_moment(entry, now))
    style = "bold red" if seconds < _SOON else "yellow" if seconds < _FORTNIGHT else ""
    return Text(text, style=style)


def _label(entry: Entry) -> Text:
    text = Text(table_text(entry.label))
    if entry.tentative and not says_tentative(entry.label):
        text.append(" (tbc)", style="italic dim")
    if entry.previous is not None:
        text.append(f" ({moved_note(entry)})", style="italic")
    return text


def heading(
    what: str,
    now: datetime,
    zone: tzinfo,
    system: tzinfo | None = None,
    zone_from: str | None = None,
) -> str:
    """The table title: the moment asked about and the display zone ("times in …"), flagged
    "(not this computer's zone, …)" only where that can surprise (``zone_may_surprise``;
    ``zone_from``: ``"--tz"``, ``"CCAL_TZ"`` or None for the system zone)."""
    shown = zone_label(zone)
    title = f"{what} as of {moment_text(now, zone)} · times in {shown}"
    here_zone = system if system is not None else system_zone()
    if not zone_may_surprise(zone, here_zone, now, zone_from):
        return title
    return f"{title} (not this computer's zone, {zone_label(here_zone)})"


def zone_may_surprise(zone: tzinfo, here: tzinfo, now: datetime, zone_from: str | None) -> bool:
    """Whether times in ``zone`` may be misread as this computer's own.

    Not when the zone was typed (``--tz``: the user just asked for it) or is the computer's
    own; not when the computer runs on UTC (a server or container: nobody's wall clock, which
    is why CCAL_TZ is set there); not when both read the same wall clock now. What is left is
    a CCAL_TZ set on a computer that keeps local time elsewhere (a profile from another place).
    """
    if zone_from != "CCAL_TZ":
        return False
    shown, mine = zone_label(zone), zone_label(here)
    if _same_zone_name(mine, shown) or _same_zone_name(mine, "UTC"):
        return False
    return now.astimezone(zone).utcoffset() != now.astimezone(here).utcoffset()


_UTC_NAMES = {"UTC", "UCT", "GMT", "Universal", "Zulu", "Greenwich"}


def _same_zone_name(one: str, other: str) -> bool:
    """``UTC`` and ``Etc/UTC`` are one zone under two names; other aliases are rare enough."""
    names = [name.removeprefix("Etc/") for name in (one, other)]
    names = ["UTC" if name in _UTC_NAMES else name for name in names]
    return names[0] == names[1]


def title_of(item: Item) -> Text:
    """``Title (id)`` as a table title: as Text, so "[...]" in a title is not Rich markup."""
    return Text(f"{table_text(item.opportunity.title)} ({table_text(item.id)})")


def _table(title: str | Text | None = None) -> Table:
    """The one table style: light rules, so narrow terminals keep room for the text."""
    return Table(title=title, title_justify="left", expand=True, box=box.SIMPLE_HEAD)


def _what(entry: Entry, mark: Any = None) -> Text:
    """Title · label, with id and kind underneath: all that is needed to ask ``ccal show ID``;
    then the user's own status (``ccal mark``), when there is one."""
    text = Text(table_text(entry.opportunity.title))
    text.append(" · ", style="dim")
    text.append_text(_label(entry))
    text.append(f"\n{table_text(entry.opportunity.id)}", style="cyan")
    text.append(f" · {entry.opportunity.kind}", style="dim")
    _append_mark(text, mark)
    return text


_MARK_STYLE = {"preparing": "bold magenta", "submitted": "bold green", "dropped": "dim"}


def _append_mark(text: Text, mark: Any) -> None:
    """`` · [preparing]``: the user's pipeline status beside the id."""
    if mark is not None and mark.status is not None:
        text.append(" · ", style="dim")
        text.append(f"[{mark.status}]", style=_MARK_STYLE.get(mark.status, "magenta"))


CHUNK = 100  # rows per Rich table when a long listing is printed while it is rendered
FIRST = 25  # rows of its first chunk: a screen's worth, out before the next rows are drawn


class Fitted:
    """A heading and a table laid out for the width they are printed at.

    Rich shares a narrow terminal out by ratios and folds whatever does not fit, mid-word; here
    each table decides its own column widths from ``options.max_width`` so ids (what people copy
    into ``ccal show ID``) stay whole, long text wraps at word boundaries, and the heading wraps
    instead of being cropped.

    ``build(width, rows)`` makes the table of those rows (a ``slice``) with the column widths of
    the whole listing; a listing longer than ``CHUNK`` rows is printed in ``parts``, so its first
    screen is out while the rest is rendered.
    """

    def __init__(
        self, title: str | Text | None, build: Callable[[int, slice], Table], rows: int = 0
    ) -> None:
        self.title = title
        self.build = build
        self.rows = rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self._heading()
        yield self.build(options.max_width, slice(None))

    def _heading(self) -> RenderResult:
        if self.title is not None:
            title = Text(self.title) if isinstance(self.title, str) else self.title.copy()
            title.stylize("table.title")
            yield title

    def parts(self) -> list[Any]:
        """What to print one after another (``paging.show``): the whole table, or, for a long
        listing, chunks of ``CHUNK`` rows that print as that one table would."""
        if self.rows <= CHUNK:
            return [self]
        cuts = [0, *range(min(FIRST, CHUNK), self.rows, CHUNK), self.rows]
        return [_Chunk(self, slice(low, high)) for low, high in pairwise(cuts)]


class _Chunk:
    """Some rows of a ``Fitted`` table, drawn as they are in the whole table: the heading, the
    column headers and the top edge with the first rows only, the bottom edge after the last.
    Each chunk is a Rich table of its own; the widths are the whole listing's (``build``)."""

    def __init__(self, whole: Fitted, rows: slice) -> None:
        self.whole, self.rows = whole, rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        first, last = self.rows.start == 0, self.rows.stop >= self.whole.rows
        if first:
            yield from self.whole._heading()
        table = self.whole.build(options.max_width, self.rows)
        table.show_header = first
        lines = console.render_lines(table, options, pad=False)
        lines = lines[(0 if first else 1) : (None if last else -1)]
        newline = Segment.line()
        for line in lines:
            yield from line
            yield newline


def _room(width: int, columns: int) -> int:
    """Cells left for text: each column is padded by one on each side, and the box draws an
    edge on each side of the table and a (blank) rule between columns."""
    return width - 3 * columns - 1


def _longest_line(texts: list[str]) -> int:
    return max((len(line) for text in texts for line in text.splitlines()), default=0)


def _ids_width(ids: Iterable[str]) -> int:
    """Room for the longest id shown (at least a readable column)."""
    return max([24, *(len(table_text(name)) for name in ids)])


def _break_before_zone(when: str, width: int) -> str:
    """``Mon 13 Jun 2022 (all day) in Brussels`` too long for its column: break before ``in
    Brussels`` (or before ``(all day)``) rather than inside ``(all day)``."""
    lines = []
    for line in when.split("\n"):
        if len(line) > width:
            cuts = [line.find(mark) for mark in (" (all day)", " in ")]
            cut = max((at for at in cuts if 0 < at <= width), default=0)
            line = f"{line[:cut]}\n{line[cut + 1 :]}" if cut else line
        lines.append(line)
    return "\n".join(lines)


class Shown:
    """What a listing table's column widths need of every row: its id and its countdown (short
    strings), and its When text only as far as a width needs it (``longest_when``).

    ``of`` words them from a listing's entries; the fast path words them from index rows, so a
    table of every row makes and words the entries of a chunk only when it draws that chunk.
    """

    def __init__(self, ids: Iterable[str], lefts: list[str], whens: Iterator[str]) -> None:
        self.ids_width = _ids_width(set(ids))
        self.lefts = lefts  # ``time_left`` of each row, in order
        self._whens = whens  # ``when_both(…, "\n")`` of each row, in order, made as read
        self._longest = _Longest(whens)

    @classmethod
    def of(cls, listing: Listing) -> Shown:
        entries, zone, now = listing.entries, listing.display_zone, listing.now
        return cls(
            (entry.opportunity.id for entry in entries),
            [time_left(entry, now) for entry in entries],
            (when_both(entry, zone, "\n") for entry in entries),
        )

    def longest_when(self, enough: int) -> int:
        """The longest line of every When text, or, once a line of ``enough`` cells is read,
        that length: the When column is never wider than ``enough``, so no later row changes
        it (and its first screen does not wait for the words of every row)."""
        return self._longest.upto(enough)


class _Longest:
    """The longest line of texts made as they are read, read only as far as a width needs."""

    def __init__(self, texts: Iterator[str]) -> None:
        self._texts = texts
        self.longest = 0  # the longest line of the texts read so far

    def upto(self, enough: int) -> int:
        """The longest line of every text, or, once a line of ``enough`` cells is read, that
        length: a column capped at ``enough`` is the same whatever the texts not read say."""
        while self.longest < enough:
            text = next(self._texts, None)
            if text is None:
                break
            self.longest = max(self.longest, _longest_line([text]))
        return self.longest


def upcoming_table(listing: Listing, title: str, shown: Shown | None = None) -> Fitted:
    """When, countdown and what; on a narrow terminal the countdown goes under the date.

    Every column's width is set here, from every row (``Shown``: the listing's own, unless the
    caller words them from elsewhere), so Rich measures no cell (the costly part of a table) and
    each chunk of a long listing has the same columns; ``listing.entries`` is read a chunk at a
    time (``entries[rows]``).
    """
    entries, zone, now = listing.entries, listing.display_zone, listing.now
    shown = Shown.of(listing) if shown is None else shown
    lefts = shown.lefts  # styled row by row, below
    what_min = shown.ids_width
    counted = max((len(text) for text in lefts), default=9)
    # What Rich would measure for the Countdown column: its longest cell, or its header.
    longest_left = _longest_line(lefts)
    count_width = max(len("Countdown"), longest_left)
    layouts: dict[int, tuple[bool, int, int]] = {}

    def layout(width: int) -> tuple[bool, int, int]:
        """(stacked, When's width, What's width) at ``width``: decided once, for every chunk."""
        if width in layouts:
            return layouts[width]
        room = _room(width, 3) - counted
        stacked = room - what_min < 16  # no room for a readable When column: fold it in two
        if stacked:
            room = _room(width, 2)
        # When takes under half: the title and label (What) are what people read.
        most = min(max(room * 9 // 20, 25), room - what_min)
        natural = max(shown.longest_when(most), longest_left if stacked else 0)
        when_width = max(min(natural, most), 12)
        # What takes the rest: the width Rich's ratio would give it, unless nothing is left.
        rest = _room(width, 2 if stacked else 3) - when_width - (0 if stacked else count_width)
        layouts[width] = stacked, when_width, rest
        return layouts[width]

    def build(width: int, rows: slice) -> Table:
        stacked, when_width, rest = layout(width)
        table = _table()
        table.add_column(Text("When"), width=when_width)
        if not stacked:
            table.add_column(Text("Countdown"), no_wrap=True, width=count_width)
        if rest >= 1:
            table.add_column(Text("What"), width=rest, overflow="fold")
        else:
            table.add_column(Text("What"), ratio=1, overflow="fold")
        for entry, left in zip(entries[rows], lefts[rows], strict=True):
            mark = listing.mark_of(entry)
            count = _countdown(entry, now, left)
            when = _break_before_zone(when_both(entry, zone, "\n"), when_width)
            if stacked:
                table.add_row(Text(when + "\n").append_text(count), _what(entry, mark))
            else:
                table.add_row(Text(when), count, _what(entry, mark))
        return table

    return Fitted(title, build, len(entries))


_STATUS_STYLE = {"passed": "dim", "next": "bold green", "under way": "bold green", "upcoming": ""}


def dates_table(listing: Listing, title: str | Text | None = None) -> Fitted:
    """Every date of one opportunity with its status: the body of ``deadlines`` and ``show``.
    The heading is printed on its own, so a long title wraps instead of being cut."""
    return Fitted(title, lambda width, rows: _dates(listing, width))


_STATUS_WIDTH, _WHEN_WIDTH, _COUNTDOWN_WIDTH, _LABEL_WIDTH = 9, 15, 12, 12  # the least each needs


def _dates(listing: Listing, width: int) -> Table:
    """Status, when, countdown, label; where the four do not fit (under 61 columns), the
    countdown goes under the date, so no column is dropped (Rich drops what has no room)."""
    least = _STATUS_WIDTH + _WHEN_WIDTH + _COUNTDOWN_WIDTH + _LABEL_WIDTH
    stacked = _room(width, 4) < least
    table = _table()
    table.add_column(Text("Status"), no_wrap=True, min_width=_STATUS_WIDTH)  # "under way" whole
    # Natural widths, wrapped when the terminal is narrow ("under way, ends in …" is long).
    table.expand = False
    table.add_column(Text("When"), min_width=12 if stacked else _WHEN_WIDTH)
    if not stacked:
        table.add_column(Text("Countdown"), min_width=_COUNTDOWN_WIDTH)
    table.add_column(Text("Label"), min_width=9 if stacked else _LABEL_WIDTH, overflow="fold")
    for entry in listing.entries:
        status = listing.status_of(entry)
        # The JSON status stays "next"/"upcoming" for a range under way; people read the truth.
        shown = "under way" if under_way(entry, listing.now) else status
        when = Text(when_both(entry, listing.display_zone, "\n"))
        count = _countdown(entry, listing.now)
        cells = [when.append("\n").append_text(count)] if stacked else [when, count]
        table.add_row(Text(shown, style=_STATUS_STYLE[shown]), *cells, _label(entry))
    return table


class ItemRow(NamedTuple):
    """What ``items_table`` shows of one opportunity."""

    opportunity: Any  # its id, title and kind are read
    dates: int  # how many dates it has
    upcoming: Text  # its next date, or its latest (``next_or_latest``)
    mark: Any = None  # the user's pipeline mark (``ccal mark``), or None


def item_rows(
    items: Iterable[Item], now: datetime, zone: tzinfo, marks: Any = None
) -> list[ItemRow]:
    """The rows of ``items_table`` of loaded opportunities (``index.items`` makes them from
    index rows, a chunk at a time)."""
    marks = marks or {}
    return [
        ItemRow(
            item.opportunity,
            len(item.entries),
            next_or_latest(next_entry(item, now), latest_entry(item), now, zone),
            marks.get(item.id),
        )
        for item in items
    ]


def next_or_latest(
    upcoming: Entry | None, latest: Entry | None, now: datetime, zone: tzinfo
) -> Text:
    """The Next (or latest) cell: the next date and its countdown, else the one that passed
    last (``latest``), else that there are none."""
    if upcoming is not None:
        return Text(f"{when_both(upcoming, zone)} · {time_left(upcoming, now)}")
    if latest is None:
        return Text("no dates", style="dim")
    return Text(f"passed {when_both(latest, zone)}", style="dim")


class ItemsShown:
    """What ``items_table``'s column widths need of every row: its id, kind and number of
    dates (short strings), and its Next text only as far as a width needs it (``longest_next``,
    capped as ``Shown.longest_when`` is). ``of`` reads them from rows at hand; the fast path
    from index rows, so a table of every opportunity decodes them a chunk at a time."""

    def __init__(
        self, ids: Iterable[str], kinds: Iterable[str], counts: Iterable[int], nexts: Iterator[str]
    ) -> None:
        from rich.cells import cell_len

        self.ids_width = _ids_width(set(ids))
        self.kinds = self.kind_cells = len("Kind")  # the room left, and Rich's measure of it
        for kind in set(kinds):
            self.kinds = max(self.kinds, len(kind))
            self.kind_cells = max(self.kind_cells, cell_len(kind))
        self.dates_width = max([len("Dates"), *(len(str(count)) for count in set(counts))])
        self._nexts = _Longest(nexts)

    @classmethod
    def of(cls, rows: list[ItemRow]) -> ItemsShown:
        return cls(
            (row.opportunity.id for row in rows),
            (row.opportunity.kind for row in rows),
            (row.dates for row in rows),
            (str(row.upcoming) for row in rows),
        )

    def longest_next(self, enough: int) -> int:
        return self._nexts.upto(enough)


def items_table(rows: Any, title: str, shown: ItemsShown | None = None) -> Fitted:
    """One row per opportunity (``rows``: ``ItemRow``s, read a chunk at a time,
    ``rows[low:high]``): its title with the id underneath (whole, never folded), how many dates
    it has and the next one; on a narrow terminal the next date goes under the id.

    Every column's width is given from every row (``ItemsShown``), as ``upcoming_table`` does,
    so each chunk of a long table has the columns of the whole: Rich shares out only the
    Opportunity column's, and that from the widths alone (a ratio column).
    """
    shown = ItemsShown.of(rows) if shown is None else shown
    title_min = shown.ids_width
    layouts: dict[int, tuple[bool, int]] = {}

    def layout(width: int) -> tuple[bool, int]:
        """(stacked, the Next column's width) at ``width``: decided once, for every chunk."""
        if width not in layouts:
            room = _room(width, 4) - shown.kinds - len("Dates")
            stacked = room - title_min < 20
            cap = min(room // 2, room - title_min)
            shared = 0 if stacked else min(shown.longest_next(cap), cap)
            layouts[width] = stacked, max(shared, 20)
        return layouts[width]

    def build(width: int, chunk: slice) -> Table:
        stacked, next_width = layout(width)
        table = _table()
        table.add_column(Text("Opportunity"), ratio=1, min_width=title_min, overflow="fold")
        table.add_column(Text("Kind"), no_wrap=True, width=shown.kind_cells)
        table.add_column(Text("Dates"), justify="right", no_wrap=True, width=shown.dates_width)
        if not stacked:
            table.add_column(Text("Next (or latest)"), width=next_width)
        for row in rows[chunk]:
            # Text, not str: Rich would read "[...]" in a title as markup
            cell = Text(table_text(row.opportunity.title))
            cell.append(f"\n{table_text(row.opportunity.id)}", style="cyan")
            _append_mark(cell, row.mark)
            if stacked:
                cell.append("\n").append_text(row.upcoming)
            cells: list[RenderableType] = [cell, Text(row.opportunity.kind), Text(str(row.dates))]
            table.add_row(*cells, *([] if stacked else [row.upcoming]))
        return table

    return Fitted(title, build, len(rows))


def item_view(item: Item, listing: Listing) -> list[Any]:
    """Everything about one opportunity: its fields, then its dates with their statuses."""
    opportunity = item.opportunity
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="bold")
    fields.add_column(overflow="fold")
    rows = [
        ("ID", opportunity.id),
        ("Kind", opportunity.kind),
        ("Series", opportunity.series),
        ("Organiser", opportunity.organiser),
        ("Location", opportunity.location),
        ("Tags", ", ".join(opportunity.tags) or None),
        ("URL", opportunity.url),
        ("Time zone", item.zone.key),
        ("File", str(item.path)),
        ("Summary", opportunity.summary),
    ]
    mark = listing.marks.get(opportunity.id)
    if mark is not None:
        rows.append(("Mine", _mine_text(mark, listing.display_zone)))
    for name, value in rows:
        if value:
            fields.add_row(Text(name), Text(table_text(value, lines=name in ("Summary", "Mine"))))
    parts: list[Any] = [Text(table_text(opportunity.title), style="bold"), fields]
    if listing.entries:
        parts.append(dates_table(listing))
        sources = list(dict.fromkeys(e.source for e in listing.entries if e.source))
        if sources:
            shown = "\n".join(table_text(source) for source in sources)
            parts.append(Text(f"Sources:\n{shown}", style="dim"))
    else:
        parts.append(Text("No dates known.", style="dim"))
    return parts


def _mine_text(mark: Any, zone: tzinfo) -> str:
    """``preparing since Tue 1 Dec 2026 09:00 UTC`` and the notes, one a line."""
    lines = []
    if mark.status is not None:
        since = f" since {moment_text(mark.since, zone)}" if mark.since is not None else ""
        lines.append(f"{mark.status}{since}")
    lines += [f"{n.at.astimezone(zone):%Y-%m-%d}: {n.text}" for n in mark.notes]
    return "\n".join(lines)


def nothing_upcoming(
    nearby: Nearby,
    now: datetime,
    zone: tzinfo,
    *,
    filters: str = "",
    window: str = "",
    window_end: datetime | None = None,
    data: list[Any] | None = None,
    shipped: bool = True,
) -> Text:
    """Say honestly that nothing is ahead, why (the filters and window typed, named as typed),
    what lies just outside them, what passed last, and how to see more.

    ``data``: the files read when ``--data``/``CCAL_DATA`` replaced the default ones (then a new
    entry goes where ``--data`` says, not to the user's own file); ``shipped``: whether the
    shipped dataset is read (only then is a date of it a useful ``--as-of`` example).
    """
    why = f" matches {filters}" if filters else ""
    if window_end is not None:
        why += f" before {moment_text(window_end, zone)} ({window})"
    text = Text(f"Nothing upcoming{why} as of {moment_text(now, zone)}.")
    if nearby.beyond is not None:
        text.append(
            f"\nJust after the window: {_mention(nearby.beyond, now, zone)}; a longer "
            "--within or a later --until shows it."
        )
    if nearby.unfiltered is not None:
        count = nearby.unfiltered_count
        dates = f"{count} date{'' if count == 1 else 's'}"
        inside = " in the window" if window_end is not None else ""
        text.append(
            f"\nWithout {filters}: {dates} ahead{inside}, the next "
            f"{_mention(nearby.unfiltered, now, zone)}."
        )
    if nearby.latest is not None:
        latest = nearby.latest
        ago = countdown_text(seconds_between(now, latest.due))
        text.append(
            f"\nThe latest entry passed {ago}: {table_text(latest.opportunity.title)} — "
            f"{table_text(latest.label)} "
            f"({when_both(latest, zone)}).",
        )
    elif not nearby.dated:
        files = ", ".join(str(path) for path in data) if data else "the files read"
        text.append(f"\n{files} hold{'s' if data and len(data) == 1 else ''} no dates.")
    if nearby.beyond is not None or nearby.unfiltered is not None:
        text.append("\nSee everything with 'ccal list --all'.", style="dim")
        return text
    another = (
        "Look at another date with --as-of (e.g. ccal upcoming --as-of 2022-06-01)"
        if shipped
        else "Look at another moment with --as-of WHEN"
    )
    text.append(
        f"\n{another}, see everything with 'ccal list --all', or {_add_hint(data)}.",
        style="dim",
    )
    return text


def _mention(entry: Entry, now: datetime, zone: tzinfo) -> str:
    """``Summer Call — Cut-off 1 (Fri 29 Jul 2022 18:00 CEST, in 1 h)``"""
    title, label = table_text(entry.opportunity.title), table_text(entry.label)
    return f"{title} — {label} ({when_both(entry, zone)}, {time_left(entry, now)})"


def _add_hint(data: list[Any] | None) -> str:
    example = "ccal add my-call --kind call --title 'My call' --deadline +14d"
    if not data:
        from ccal.sources import user_data_file

        return f"add your own with 'ccal add' (e.g. {example}); they go to {user_data_file()}"
    if len(data) == 1 and _plain_file_or_new(data[0]):
        import shlex

        return (
            f"add your own to the file you read (e.g. {example} --data {shlex.quote(str(data[0]))})"
        )
    if len(data) == 1:  # /dev/null, a pipe: nothing ccal can add to
        return f"add your own to a data file of yours with 'ccal add … --data FILE' ({example})"
    return "add your own to one of the files you read with 'ccal add … --data FILE'"


def _plain_file_or_new(path: object) -> bool:
    """Whether ``ccal add --data`` could write there: a regular file (or none yet)."""
    import stat

    try:
        return stat.S_ISREG(os.stat(str(path)).st_mode)
    except OSError:
        return True


def nothing_listed(scope: str, *, empty: bool = False) -> Text:
    """The line for an empty listing; ``empty``: the data read holds no opportunity at all,
    which no filter or scope explains (it read "Nothing matches these filters." with none)."""
    if empty:
        return Text(
            "No opportunities in the data read: add one with 'ccal add' "
            "('ccal add --help' shows how)."
        )
    hint = {
        "upcoming": "Nothing with a date ahead matches; try --all or --past.",
        "past": "Nothing that has passed matches; try --all.",
        "all": "Nothing matches these filters.",
    }[scope]
    return Text(hint)


def dates_summary(listing: Listing) -> Text:
    """One line under ``deadlines``: how many passed, and what is next (or that none is)."""
    total = len(listing.entries)
    passed = [e for e in listing.entries if listing.status_of(e) == "passed"]
    ahead = [e for e in listing.entries if listing.status_of(e) == "next"]
    if not total:
        return Text("No dates known.", style="dim")
    if ahead:
        nxt, done = ahead[0], f"{len(passed)} of {total} passed"
        left = time_left(nxt, listing.now)
        if under_way(nxt, listing.now):  # "Workshop under way, ends in 3 h"
            return Text(f"{done}; {table_text(nxt.label)} {left}.")
        return Text(f"{done}; next: {table_text(nxt.label)}, {left}.")
    latest = max(passed, key=lambda e: e.due.timestamp())
    ago = countdown_text(seconds_between(listing.now, latest.due))
    label = table_text(latest.label)
    return Text(f"All {total} dates have passed; the latest, {label}, passed {ago}.")
