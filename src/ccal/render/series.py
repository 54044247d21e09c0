"""``ccal series``: the series of the data, and one series' editions year by year.

Built on ``ccal.series`` (which returns data); each date is shown on its own clock (a deadline
at 23:59 AoE reads 23:59 AoE in every year), next to its shift from the year before.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, ConsoleOptions, JustifyMethod, RenderResult
from rich.table import Table
from rich.text import Text

from ccal.controlchars import table_text
from ccal.estimate import Estimate, NoEstimate
from ccal.render.estimates import STYLE, estimate_text
from ccal.render.timefmt import when_text
from ccal.series import Edition, Shift, Summary, labels, series_label, shifts, yearly

MINUS = "\u2212"


def shift_text(days: int | None) -> str:
    """``−9 d``, ``+3 d``, ``same day``; empty when there is nothing to compare with."""
    if days is None:
        return ""
    if days == 0:
        return "same day"
    return f"{MINUS if days < 0 else '+'}{abs(days)} d"


def summaries_table(found: list[Summary]) -> Table:
    table = Table(box=None, header_style="bold", pad_edge=True)
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("Series", "left"),
        ("Editions", "right"),
        ("First", "right"),
    )
    for name, justify in columns:
        table.add_column(name, justify=justify)
    table.add_column("Latest", justify="right")
    for summary in found:
        first = str(summary.first_year) if summary.first_year else "–"
        latest = str(summary.latest_year) if summary.latest_year else "–"
        table.add_row(summary.slug, str(summary.count), first, latest)
    return table


def summaries_records(found: list[Summary]) -> list[dict[str, Any]]:
    return [
        {
            "series": s.slug,
            "editions": s.count,
            "first_year": s.first_year or None,
            "latest_year": s.latest_year or None,
        }
        for s in found
    ]


WIDE = 4  # labels side by side up to this many; more (VLDB's twelve rounds) go one per row


WHEN_MIN = 16  # a date column's narrowest readable width: "Thu 14 Nov 2024" and its time beneath


def editions_table(
    slug: str, found: list[Edition], estimate: Estimate | NoEstimate | None = None
) -> Editions:
    """``_table`` where it fits the terminal with every id whole; else ``Editions`` stacks it."""
    return Editions(slug, found, estimate)


class Editions:
    """One series' editions, laid out for the width they are printed at: the table
    (``_table``) where it fits with every id whole (ids are typed back into ``ccal show``);
    narrower, each edition gets a line of its own ("2025 · ai-deadlines-cvpr25") above its
    labels, dates and shifts, so nothing is folded mid-word at 40 columns (as ``NextTable``)."""

    def __init__(
        self, slug: str, found: list[Edition], estimate: Estimate | NoEstimate | None
    ) -> None:
        self.slug, self.found, self.estimate = slug, found, estimate

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        ids = max([len(e.id) for e in self.found] + [len("estimated next edition")])
        count = len(labels(self.found))
        if count > WIDE:  # Year, Edition, Label, When, Shift
            needed = 5 + ids + LABEL_MIN + WHEN_MIN + 8 + 5 * PAD
        else:  # Year, Edition, one column per label
            needed = 5 + ids + count * WHEN_MIN + (2 + count) * PAD
        if options.max_width >= needed:
            yield _table(self.slug, self.found, self.estimate)
            return
        yield Text(f"Series {self.slug}", style="table.title")
        room = options.max_width - 3 * PAD
        names = [table_text(s.label) for row in shifts(self.found) for s in row]
        if isinstance(self.estimate, Estimate):
            names += [table_text(d.label) for d in self.estimate.dates]
        label = min(max((len(n) for n in names), default=5), max(LABEL_MIN, room * 2 // 5))
        for edition, row in zip(self.found, shifts(self.found), strict=True):
            yield Text(f"{edition.year} \u00b7 {edition.id}", style="bold")
            table = _stacked(label)
            if not row:
                table.add_row("–", "no dates", "")
            for shift in row:
                when = when_text(shift.entry, shift.entry.zone)
                table.add_row(table_text(shift.label), when, shift_text(shift.days))
            yield table
        if isinstance(self.estimate, Estimate):
            heading = f"\u2248{self.estimate.year} \u00b7 estimated next edition"
            yield Text(f"{heading} \u00b7 {self.estimate.cadence}", style=STYLE)
            table = _stacked(label)
            for guess in self.estimate.dates:
                text = estimate_text(guess, self.estimate.basis)
                table.add_row(Text(table_text(guess.label), style=STYLE), Text(text, style=STYLE))
            yield table


def _stacked(label: int) -> Table:
    """Label, when (or estimate) and shift of one edition, under its own line."""
    table = Table(box=None, show_header=False, pad_edge=True)
    table.add_column("Label", width=label)
    table.add_column("When", ratio=1)
    table.add_column("Shift", justify="right", no_wrap=True)
    return table


def _table(slug: str, found: list[Edition], estimate: Estimate | NoEstimate | None = None) -> Table:
    """One row per edition, one column per label: its date, and beneath, its shift; with more
    than ``WIDE`` labels, one row per edition and label instead. An ``Estimate`` of the next
    edition is the last row, in the estimates' style ("≈ 12–26 May 2027 · estimated from …")."""
    columns = labels(found)
    if len(columns) > WIDE:
        return _long_table(slug, found, estimate)
    table = Table(title=f"Series {slug}", box=None, header_style="bold", title_justify="left")
    table.add_column("Year", justify="right")
    table.add_column("Edition", overflow="fold")  # the id is typed back: never cut with "…"
    for label in columns:
        table.add_column(table_text(label))
    for edition, row in zip(found, shifts(found), strict=True):
        by_key = {series_label(s.label): s for s in row}
        cells: list[Text | str] = [str(edition.year)]
        cells.append(Text(f"{table_text(edition.title)}\n{edition.id}"))
        for label in columns:
            shift = by_key.get(series_label(label))
            cells.append(_cell(shift) if shift is not None else Text("–", style="dim"))
        table.add_row(*cells)
    if isinstance(estimate, Estimate):
        by_label = {series_label(d.label): d for d in estimate.dates}
        last: list[Text | str] = [Text(f"\u2248{estimate.year}", style=STYLE)]
        last.append(Text(f"estimated next edition\n{estimate.cadence}", style=STYLE))
        for label in columns:
            guess = by_label.get(series_label(label))
            text = estimate_text(guess, estimate.basis) if guess is not None else "–"
            last.append(Text(text, style=STYLE))
        table.add_row(*last)
    return table


def _long_table(
    slug: str, found: list[Edition], estimate: Estimate | NoEstimate | None = None
) -> Table:
    table = Table(title=f"Series {slug}", box=None, header_style="bold", title_justify="left")
    for name in ("Year", "Edition", "Label", "When", "Shift"):
        right = name in ("Year", "Shift")
        table.add_column(name, justify="right" if right else "left", overflow="fold")
    for edition, row in zip(found, shifts(found), strict=True):
        if not row:
            table.add_row(str(edition.year), edition.id, "–", "no dates", "")
        for number, shift in enumerate(row):
            year, name = (str(edition.year), edition.id) if number == 0 else ("", "")
            when = when_text(shift.entry, shift.entry.zone)
            table.add_row(year, name, table_text(shift.label), when, shift_text(shift.days))
    if isinstance(estimate, Estimate):
        for number, guess in enumerate(estimate.dates):
            first = number == 0
            table.add_row(
                Text(f"\u2248{estimate.year}" if first else "", style=STYLE),
                Text("estimated next edition" if first else "", style=STYLE),
                Text(table_text(guess.label), style=STYLE),
                Text(estimate_text(guess, estimate.basis), style=STYLE),
                "",
            )
    return table


def _cell(shift: Shift) -> Text:
    text = Text(when_text(shift.entry, shift.entry.zone))
    moved = shift_text(shift.days)
    if moved:
        text.append(f"\n{moved}", style="dim")
    return text


def editions_note(
    found: list[Edition], estimate: Estimate | NoEstimate | None = None
) -> str | None:
    """What to say under the table when it shows no shifts or no estimate, and why."""
    if len(found) == 1:
        return "One edition only: no shift to show, and no estimate of the next one is possible."
    notes = []
    if not yearly(found):
        notes.append("Several editions in one year: no shift from the year before to show.")
    if isinstance(estimate, NoEstimate):
        notes.append(f"No estimate of the next edition: {table_text(estimate.reason)}.")
    return "\n".join(notes) or None


def next_table(results: list[Estimate | NoEstimate]) -> NextTable:
    """``ccal series --next``: per series its estimated next edition, one row per label (the
    series without one are ``next_notes``), laid out for the width it is printed at."""
    return NextTable([r for r in results if isinstance(r, Estimate)])


PAD = 2  # cells a column of a box-less table adds around its text (one each side)
LABEL_MIN = 12  # the Label column's width when it has to share: "notification" fits whole
ESTIMATE_MIN = 24  # the Estimate column's narrowest readable width: "≈ 17 Sep – 28 Nov 2025 ·"


class NextTable:
    """The estimates of ``series --next``, in columns when they fit the width: Series, Year,
    Label, Estimate, Cadence. Rich shares a narrow terminal out by ratios, cropping the
    columns on the right (the Cadence cut to "every", dropped below 60 columns) and folding
    labels mid-word; so, when the series, year and cadence leave too little room for a label
    and its estimate, each series gets a line of its own ("acl ≈2027 · yearly") above its
    labels and estimates in two columns, which keeps everything at 40 columns. Slugs (what
    ``ccal series SLUG`` is typed with) are never folded."""

    def __init__(self, results: list[Estimate]) -> None:
        self.results = results

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        rows = [(r, d) for r in self.results for d in r.dates]
        labels = [table_text(d.label) for _, d in rows]
        label_width = max((len(label) for label in labels), default=5)
        texts = [estimate_text(d, r.basis) for r, d in rows]
        estimate_width = max((len(text) for text in texts), default=8)
        fixed = sum(  # the columns kept whole: their longest cell or their header
            max(len(header), *(len(cell(r)) for r in self.results)) + PAD
            for header, cell in (
                ("Series", lambda r: table_text(r.series)),
                ("Year", _year),
                ("Cadence", lambda r: r.cadence),
            )
        )
        room = options.max_width - fixed - 2 * PAD
        if room >= min(label_width, LABEL_MIN) + ESTIMATE_MIN:
            yield self._columns(*_split(room, label_width, estimate_width))
            return
        label, estimate = _split(options.max_width - 2 * PAD, label_width, estimate_width)
        for result in self.results:
            heading = Text(table_text(result.series), style="bold")
            heading.append(f" {_year(result)} \u00b7 {result.cadence}", style=STYLE)
            yield heading
            yield self._labels(result, label, estimate)

    def _columns(self, label: int, estimate: int) -> Table:
        table = Table(box=None, header_style="bold", pad_edge=True)
        table.add_column("Series", no_wrap=True)
        table.add_column("Year", justify="right", no_wrap=True)
        table.add_column("Label", width=label)
        table.add_column("Estimate", style=STYLE, width=estimate)
        table.add_column("Cadence", no_wrap=True)
        for result in self.results:
            for number, guess in enumerate(result.dates):
                first = number == 0
                table.add_row(
                    table_text(result.series) if first else "",
                    _year(result) if first else "",
                    table_text(guess.label),
                    estimate_text(guess, result.basis),
                    result.cadence if first else "",
                )
        return table

    def _labels(self, result: Estimate, label: int, estimate: int) -> Table:
        table = Table(box=None, show_header=False, pad_edge=True)
        table.add_column("Label", width=label)
        table.add_column("Estimate", style=STYLE, width=estimate)
        for guess in result.dates:
            table.add_row(table_text(guess.label), estimate_text(guess, result.basis))
        return table


def _split(room: int, label: int, estimate: int) -> tuple[int, int]:
    """The Label and Estimate columns' widths in ``room`` cells: each its longest text when
    both fit; else the label at least ``LABEL_MIN`` and two fifths of the room (a label is a
    few words; the estimate wraps after its range)."""
    label = min(label, max(LABEL_MIN, room - estimate, room * 2 // 5))
    return label, max(1, min(estimate, room - label))


def _year(result: Estimate) -> str:
    return f"\u2248{result.year}"


def next_notes(results: list[Estimate | NoEstimate]) -> list[str]:
    """One line per series without an estimate, saying why."""
    return [
        f"{r.series}: no estimate, {table_text(r.reason)}."
        for r in results
        if isinstance(r, NoEstimate)
    ]


def editions_records(slug: str, found: list[Edition]) -> dict[str, Any]:
    """The JSON of ``ccal series SLUG --json``: editions oldest first, each date with the same
    label's date of the edition before and the shift in days between them."""
    return {
        "series": slug,
        "editions": [
            {
                "year": edition.year,
                "id": edition.id,
                "title": edition.title,
                "dates": [
                    {
                        "label": s.label,
                        "at": s.entry.at.isoformat(),
                        "end": s.entry.end.isoformat() if s.entry.end else None,
                        "all_day": s.entry.all_day,
                        "timezone": s.entry.zone.key,
                        "before": s.before.at.isoformat() if s.before else None,
                        "shift_days": s.days,
                    }
                    for s in row
                ],
            }
            for edition, row in zip(found, shifts(found), strict=True)
        ],
    }
