"""``ccal export``: the selection ``upcoming``/``list --dates`` would show, as a file for others."""

from collections.abc import Callable
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from ccal.cli.options import (
    AllOpt,
    AsOfOpt,
    DataOpt,
    EstimatedOpt,
    FormatChoice,
    FromOpt,
    KindOpt,
    LimitOpt,
    MineOpt,
    OrganiserOpt,
    PastOpt,
    SearchOpt,
    SeriesOpt,
    StatusOpt,
    TagOpt,
    ToOpt,
    TzOpt,
    UntilOpt,
    WithinOpt,
    parsed,
    selection_from,
    session_from,
    window_from,
)
from ccal.cli.root import app
from ccal.errors import UsageProblem

if TYPE_CHECKING:
    from ccal.catalog import Catalog
    from ccal.query import AnyListing

T = TypeVar("T")

# A reminder earlier than a year ahead is a typo, and a huge one overflows ``timedelta``.
MAX_ALARM_DAYS = 366


class GroupChoice(StrEnum):
    month = "month"
    kind = "kind"


@app.command()
def export(
    output_format: Annotated[
        FormatChoice,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="json, ndjson, csv, ics (iCalendar) or md (Markdown).",
        ),
    ] = FormatChoice.json,
    output: Annotated[
        str | None,  # a str: Path("") would be "." (the current directory)
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            show_default=False,
            help="Write to FILE (atomically: the old file or the new one, never half) instead "
            "of stdout; '-' is stdout.",
        ),
    ] = None,
    kind: KindOpt = None,
    tag: TagOpt = None,
    organiser: OrganiserOpt = None,
    series: SeriesOpt = None,
    search: SearchOpt = None,
    mine: MineOpt = False,
    marked: StatusOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    within: WithinOpt = None,
    until: UntilOpt = None,
    past: PastOpt = False,
    all_: AllOpt = False,
    limit: LimitOpt = None,
    estimated: EstimatedOpt = False,
    alarm: Annotated[
        list[str] | None,
        typer.Option(
            "--alarm",
            metavar="DURATION",
            show_default=False,
            help="ics: a reminder this long before each date (1d, 2h, 1w; repeatable).",
        ),
    ] = None,
    group: Annotated[
        GroupChoice,
        typer.Option("--group", case_sensitive=False, help="md: headings by month or by kind."),
    ] = GroupChoice.month,
    calendar_name: Annotated[
        str | None,
        typer.Option(
            "--calendar-name",
            metavar="NAME",
            show_default=False,
            help="ics: the calendar's name in calendar apps (default: what was selected, "
            "e.g. 'ccal: upcoming calls').",
        ),
    ] = None,
    refresh: Annotated[
        str | None,
        typer.Option(
            "--refresh",
            metavar="DURATION",
            show_default=False,
            help="ics: how often a subscribed calendar is fetched again (default 1d; 12h, 1w).",
        ),
    ] = None,
    as_of: AsOfOpt = None,
    tz: TzOpt = None,
    data: DataOpt = None,
) -> None:
    """Write the dates you filtered as JSON, NDJSON, CSV, iCalendar or Markdown.

    Same selection and filters as 'ccal upcoming' / 'ccal list --dates': by default the dates
    still ahead; --past or --all for more. Example: ccal export --format ics --all -o eccp.ics
    """
    from ccal.cli.output import emit_listing, estimates_for, render_options
    from ccal.query import Scope

    if past and all_:
        raise UsageProblem("use either '--past' or '--all', not both")
    if output == "":
        raise UsageProblem("invalid value for '--output': an empty file name (use '-' for stdout)")
    for given, name in (
        (alarm, "--alarm"),
        (calendar_name, "--calendar-name"),
        (refresh, "--refresh"),
    ):
        if given is not None and output_format is not FormatChoice.ics:
            raise UsageProblem(f"'{name}' only applies to '--format ics'")
    if calendar_name is not None and not calendar_name.strip():
        raise UsageProblem("invalid value for '--calendar-name': an empty name")
    alarms = tuple(alarm_before(text) for text in alarm or ())
    every = refresh_every(refresh) if refresh is not None else None
    scope: Scope = "all" if all_ else "past" if past else "upcoming"
    session = session_from(as_of, tz, data)
    window = window_from(session, start=start, end=end, within=within, until=until)
    typed = (kind, tag, organiser, search, series)
    selection = selection_from(mine, marked, all_)
    # Without --estimated (it looks at the whole catalog) from the index as it is written;
    # else, or when the index cannot say, from the loaded catalog.
    streamed = None if estimated else session.streamed(window, typed, selection, scope, limit)
    listing: AnyListing
    catalog: Catalog | None = None
    modified, guesses = None, ()
    if streamed is not None:
        filters, listing, modified = streamed
    else:
        loaded, catalog, filters, selected = session.select(window, typed, selection, scope, limit)
        listing, shown = selected, len(selected.entries)
        guesses = estimates_for(
            estimated, loaded, session.now, filters, window, scope, limit=limit, shown=shown
        )
    options = render_options(
        catalog,
        filters,
        scope,
        chosen=window.chooses(limit, scope),
        alarms=alarms,
        group=group.value,
        calendar_name=calendar_name.strip() if calendar_name else None,
        refresh=every,
        estimates=guesses,
        modified=modified,
    )
    emit_listing(listing, output_format.value, Path(output) if output else None, options)


def alarm_before(text: str) -> timedelta:
    """``--alarm`` as a fixed span: iCalendar durations have weeks, days and time, no months."""

    from ccal.clock import parse_duration

    if text.strip().startswith("-"):
        raise UsageProblem(
            f"invalid value for '--alarm': it says how long before each date, so write "
            f"'{text.strip()[1:]}', not '{text}'"
        )
    span = parsed("--alarm", _alarm_duration(parse_duration), text)
    if span.years or span.months:
        raise UsageProblem(f"invalid value for '--alarm': use days, weeks or hours, not '{text}'")
    if not span.days and not span.seconds:
        raise UsageProblem(f"invalid value for '--alarm': '{text}' is no time at all")
    if span.days * 86400 + span.seconds > MAX_ALARM_DAYS * 86400:
        raise UsageProblem(
            f"invalid value for '--alarm': '{text}' is more than {MAX_ALARM_DAYS} days ahead"
        )
    return timedelta(days=span.days, seconds=span.seconds)


def refresh_every(text: str) -> timedelta:
    """``--refresh`` as a fixed span of at least a minute (REFRESH-INTERVAL has no months)."""

    from ccal.clock import parse_duration

    span = parsed("--refresh", parse_duration, text)
    if span.years or span.months:
        raise UsageProblem(f"invalid value for '--refresh': use days, weeks or hours, not '{text}'")
    every = timedelta(days=span.days, seconds=span.seconds)
    if every < timedelta(minutes=1):
        raise UsageProblem(f"invalid value for '--refresh': '{text}' is less than a minute")
    if every > timedelta(days=MAX_ALARM_DAYS):
        raise UsageProblem(
            f"invalid value for '--refresh': '{text}' is more than {MAX_ALARM_DAYS} days"
        )
    return every


def _alarm_duration(parse: Callable[[str], T]) -> Callable[[str], T]:
    """``parse_duration``, whose error suggests spans ``--alarm`` refuses (``1mo``), with an
    example of the spans it takes."""
    from ccal.clock import TimeInputError

    def read(text: str) -> T:
        try:
            return parse(text)
        except TimeInputError:
            raise TimeInputError(
                f"'{text}' is not a duration: use e.g. 1d, 2h, 30m, 1w or '1 day 4 hours'"
            ) from None

    return read
