"""``ccal export``: the selection ``upcoming``/``list --dates`` would show, as a file for others."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ccal.cli.app import app
from ccal.cli.options import (
    AllOpt,
    AsOfOpt,
    DataOpt,
    FormatChoice,
    FromOpt,
    KindOpt,
    LimitOpt,
    OrganiserOpt,
    PastOpt,
    SearchOpt,
    SeriesOpt,
    TagOpt,
    ToOpt,
    TzOpt,
    UntilOpt,
    WithinOpt,
    filters_from,
    parsed,
    session_from,
    window_from,
)
from ccal.errors import UsageProblem

# A reminder earlier than a year ahead is a typo, and a huge one overflows ``timedelta``.
MAX_ALARM_DAYS = 366


class GroupChoice(StrEnum):
    month = "month"
    kind = "kind"


@app.command()
def export(
    output_format: Annotated[
        FormatChoice,
        typer.Option("--format", "-f", help="json, ndjson, csv, ics (iCalendar) or md (Markdown)."),
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
    start: FromOpt = None,
    end: ToOpt = None,
    within: WithinOpt = None,
    until: UntilOpt = None,
    past: PastOpt = False,
    all_: AllOpt = False,
    limit: LimitOpt = None,
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
        GroupChoice, typer.Option("--group", help="md: headings by month or by kind.")
    ] = GroupChoice.month,
    as_of: AsOfOpt = None,
    tz: TzOpt = None,
    data: DataOpt = None,
) -> None:
    """Write the dates you filtered as JSON, NDJSON, CSV, iCalendar or Markdown.

    Same selection and filters as 'ccal upcoming' / 'ccal list --dates': by default the dates
    still ahead; --past or --all for more. Example: ccal export --format ics --all -o eccp.ics
    """
    from ccal.cli.output import emit_listing
    from ccal.query import select_dates, statuses
    from ccal.render import Listing
    from ccal.render.formats import RenderOptions

    if past and all_:
        raise UsageProblem("use either '--past' or '--all', not both")
    if output == "":
        raise UsageProblem("invalid value for '--output': an empty file name (use '-' for stdout)")
    if alarm and output_format is not FormatChoice.ics:
        raise UsageProblem("'--alarm' only applies to '--format ics'")
    alarms = tuple(alarm_before(text) for text in alarm or ())
    scope = "all" if all_ else "past" if past else "upcoming"
    session = session_from(as_of, tz, data)
    window = window_from(session, start=start, end=end, within=within, until=until)
    catalog = session.catalog(window)
    filters = filters_from(kind, tag, organiser, search, catalog, series)
    entries = select_dates(catalog, session.now, filters, window, scope, limit)
    listing = Listing(entries, statuses(catalog.entries(), session.now), session.now, session.zone)
    chosen = window.chooses(limit, scope)
    options = RenderOptions(alarms=alarms, group=group.value, chosen_occurrences=chosen)
    emit_listing(listing, output_format.value, Path(output) if output else None, options)


def alarm_before(text: str):
    """``--alarm`` as a fixed span: iCalendar durations have weeks, days and time, no months."""
    from datetime import timedelta

    from ccal.clock import parse_duration

    span = parsed("--alarm", parse_duration, text)
    if span.years or span.months:
        raise UsageProblem(f"invalid value for '--alarm': use days, weeks or hours, not '{text}'")
    if not span.days and not span.seconds:
        raise UsageProblem(f"invalid value for '--alarm': '{text}' is no time at all")
    if span.days * 86400 + span.seconds > MAX_ALARM_DAYS * 86400:
        raise UsageProblem(
            f"invalid value for '--alarm': '{text}' is more than {MAX_ALARM_DAYS} days ahead"
        )
    return timedelta(days=span.days, seconds=span.seconds)
