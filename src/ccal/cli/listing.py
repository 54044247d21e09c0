"""Reading commands: upcoming, list, deadlines, show."""

from typing import Annotated

import typer

from ccal.cli.app import app
from ccal.cli.options import (
    AllOpt,
    AsOfOpt,
    DataOpt,
    ExitStatusOpt,
    FormatOpt,
    FromOpt,
    IdArg,
    JsonOpt,
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
    complete_ids,
    filters_from,
    session_from,
    window_from,
)
from ccal.cli.output import chosen_format, emit_items, emit_listing, is_json, item_records
from ccal.errors import UsageProblem

# --- commands ---------------------------------------------------------------------------------


@app.command()
def upcoming(
    kind: KindOpt = None,
    tag: TagOpt = None,
    organiser: OrganiserOpt = None,
    series: SeriesOpt = None,
    search: SearchOpt = None,
    within: WithinOpt = None,
    until: UntilOpt = None,
    limit: LimitOpt = None,
    exit_status: ExitStatusOpt = False,
    json_output: JsonOpt = False,
    output_format: FormatOpt = None,
    as_of: AsOfOpt = None,
    tz: TzOpt = None,
    data: DataOpt = None,
) -> None:
    """What is coming next, soonest first, with a countdown.

    Example: ccal upcoming --as-of 2022-06-01 --within 90d
    (ccal upcoming --within 2d --exit-status >/dev/null && notify-send ... in cron)
    """
    from ccal.query import latest_passed, select_entries, statuses
    from ccal.render import Listing
    from ccal.render.formats import RenderOptions

    fmt = chosen_format(json_output, output_format)
    session = session_from(as_of, tz, data)
    window = window_from(session, within=within, until=until)
    catalog = session.catalog(window)
    filters = filters_from(kind, tag, organiser, search, catalog, series)
    entries = select_entries(catalog, session.now, filters, window, "upcoming", limit)
    listing = Listing(entries, statuses(catalog.entries(), session.now), session.now, session.zone)
    if fmt:  # the same selection, and the same occurrences of a series, as ``ccal export``
        emit_listing(listing, fmt, options=RenderOptions(chosen_occurrences=window.chooses(limit)))
        return _exit_status(exit_status, entries)
    from ccal.render import table

    console = table.make_console()
    if entries:
        console.print(
            table.upcoming_table(listing, table.heading("Upcoming", session.now, session.zone))
        )
    else:
        latest = latest_passed(catalog, session.now, filters)
        replaced = session.paths if data else None  # --data/CCAL_DATA: not the user's file
        console.print(
            table.nothing_upcoming(
                latest, session.now, session.zone, window.end is not None, replaced
            )
        )
    return _exit_status(exit_status, entries)


def _exit_status(wanted: bool, entries: list) -> None:
    """With --exit-status, nothing found is exit 1, as grep does, so cron can chain on it."""
    if wanted and not entries:
        raise typer.Exit(1)


@app.command("list")
def list_(
    kind: KindOpt = None,
    tag: TagOpt = None,
    organiser: OrganiserOpt = None,
    series: SeriesOpt = None,
    search: SearchOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    past: PastOpt = False,
    all_: AllOpt = False,
    dates: Annotated[
        bool, typer.Option("--dates", help="One row per dated entry instead of per opportunity.")
    ] = False,
    limit: LimitOpt = None,
    json_output: JsonOpt = False,
    output_format: FormatOpt = None,
    as_of: AsOfOpt = None,
    tz: TzOpt = None,
    data: DataOpt = None,
) -> None:
    """Opportunities (or with --dates, their dates) matching the filters.

    By default only what still has a date ahead (or no date at all); --past for what is over,
    --all for everything. Example: ccal list --all --kind event --search kosice
    """
    from ccal.query import select_dates, select_items, statuses
    from ccal.render import Listing
    from ccal.render.formats import RenderOptions

    if past and all_:
        raise UsageProblem("use either '--past' or '--all', not both")
    scope = "all" if all_ else "past" if past else "upcoming"
    fmt = chosen_format(json_output, output_format)
    dates = dates or (fmt is not None and not is_json(fmt))  # csv/ics/md: one row a date
    session = session_from(as_of, tz, data)
    window = window_from(session, start=start, end=end)
    catalog = session.catalog(window)
    filters = filters_from(kind, tag, organiser, search, catalog, series)
    status = statuses(catalog.entries(), session.now)
    if dates:
        entries = select_dates(catalog, session.now, filters, window, scope, limit)
        listing = Listing(entries, status, session.now, session.zone)
        if fmt:  # as ``ccal export`` writes the same selection
            chosen = RenderOptions(chosen_occurrences=window.chooses(limit, scope))
            emit_listing(listing, fmt, options=chosen)
            return
        from ccal.render import table

        title = table.heading("Dates", session.now, session.zone)
        table.make_console().print(
            table.upcoming_table(listing, title) if entries else table.nothing_listed(scope)
        )
        return
    items = select_items(catalog, session.now, filters, window, scope)[:limit]
    if fmt:
        emit_items(item_records(items, session.now, status), fmt)
        return
    from ccal.render import table

    title = table.heading("Opportunities", session.now, session.zone)
    console = table.make_console()
    console.print(
        table.items_table(items, session.now, session.zone, title)
        if items
        else table.nothing_listed(scope)
    )


@app.command()
def deadlines(
    opportunity_id: Annotated[
        str | None,
        typer.Argument(
            metavar="ID",
            help="The opportunity's id (or use --call).",
            autocompletion=complete_ids,
            show_default=False,
        ),
    ] = None,
    call: Annotated[
        str | None,
        typer.Option(
            "--call",
            "-c",
            metavar="ID",
            help="The opportunity's id.",
            autocompletion=complete_ids,
            show_default=False,
        ),
    ] = None,
    json_output: JsonOpt = False,
    output_format: FormatOpt = None,
    as_of: AsOfOpt = None,
    tz: TzOpt = None,
    data: DataOpt = None,
) -> None:
    """Every date of one call (or any opportunity): passed, next, upcoming.

    Example: ccal deadlines --call clusters-meet-regions
    """
    from ccal.catalog import Entry
    from ccal.query import statuses
    from ccal.render import Listing

    wanted = call or opportunity_id
    if not wanted:
        raise UsageProblem(
            "which opportunity? give its id, e.g. 'ccal deadlines --call clusters-meet-regions'"
        )
    if call and opportunity_id and call != opportunity_id:
        raise UsageProblem("give the id once: either as an argument or with '--call'")
    fmt = chosen_format(json_output, output_format)
    session = session_from(as_of, tz, data)
    item = session.catalog().find(wanted)
    entries = sorted(item.entries, key=Entry.sort_key)
    listing = Listing(entries, statuses(entries, session.now), session.now, session.zone)
    if fmt:
        emit_listing(listing, fmt)
        return
    from ccal.render import table

    console = table.make_console()
    if not entries:  # an undated opportunity (a survey): its heading and one sentence
        console.print(table.title_of(item), style="table.title")
    else:
        console.print(table.dates_table(listing, table.title_of(item)))
    console.print(table.dates_summary(listing))


@app.command()
def show(
    opportunity_id: IdArg,
    json_output: JsonOpt = False,
    output_format: FormatOpt = None,
    as_of: AsOfOpt = None,
    tz: TzOpt = None,
    data: DataOpt = None,
) -> None:
    """Everything about one opportunity.

    Example: ccal show c2lab-2022-cluj-napoca
    """
    from ccal.catalog import Entry
    from ccal.query import statuses
    from ccal.render import Listing

    fmt = chosen_format(json_output, output_format)
    session = session_from(as_of, tz, data)
    item = session.catalog().find(opportunity_id)
    entries = sorted(item.entries, key=Entry.sort_key)
    status = statuses(entries, session.now)
    if fmt and is_json(fmt):
        emit_items(item_records([item], session.now, status)[0], fmt)
        return
    if fmt:
        emit_listing(Listing(entries, status, session.now, session.zone), fmt)
        return
    from ccal.render import table

    console = table.make_console()
    for part in table.item_view(item, Listing(entries, status, session.now, session.zone)):
        console.print(part)
