"""Reading commands: upcoming, list, deadlines, show."""

from typing import Annotated, Any

import typer

from ccal import paging
from ccal.cli.options import (
    AllOpt,
    AsOfOpt,
    ClosedOpt,
    DataOpt,
    EstimatedOpt,
    ExitStatusOpt,
    FormatOpt,
    FromOpt,
    IdArg,
    JsonOpt,
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
    complete_ids,
    filters_from,
    selection_from,
    session_from,
    window_from,
)
from ccal.cli.output import (
    chosen_format,
    emit_items,
    emit_listing,
    estimates_for,
    is_json,
    item_options,
    item_records,
    render_options,
)
from ccal.cli.root import app
from ccal.errors import UsageProblem

# --- commands ---------------------------------------------------------------------------------


@app.command()
def upcoming(
    kind: KindOpt = None,
    tag: TagOpt = None,
    organiser: OrganiserOpt = None,
    series: SeriesOpt = None,
    search: SearchOpt = None,
    mine: MineOpt = False,
    marked: StatusOpt = None,
    closed: ClosedOpt = False,
    within: WithinOpt = None,
    until: UntilOpt = None,
    limit: LimitOpt = None,
    exit_status: ExitStatusOpt = False,
    estimated: EstimatedOpt = False,
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
    from ccal.query import nearby

    fmt = chosen_format(json_output, output_format)
    session = session_from(as_of, tz, data)
    window = window_from(session, within=within, until=until, ahead=True)
    typed = (kind, tag, organiser, search, series)
    loaded, catalog, filters, listing = session.select(
        window, typed, selection_from(mine, marked, closed), "upcoming", limit
    )
    entries = listing.entries
    guesses = estimates_for(
        estimated, loaded, session.now, filters, window, limit=limit, shown=len(entries)
    )
    if fmt:  # the same selection, and the same occurrences of a series, as ``ccal export``
        chosen = window.chooses(limit)
        options = render_options(catalog, filters, "upcoming", chosen=chosen, estimates=guesses)
        emit_listing(listing, fmt, options=options)
        return _exit_status(exit_status, entries)
    from ccal.render import table

    console = paging.console()  # long tables go through a pager on a terminal
    if entries:
        paging.show(
            console,
            table.upcoming_table(
                listing,
                table.heading("Upcoming", session.now, session.zone, zone_from=session.zone_from),
            ),
        )
    else:  # said also above estimates: they are no fact, and the reader needs "as of" once
        from ccal.sources import shipped_dataset

        shipped = any(p.resolve() == shipped_dataset().resolve() for p in session.paths)
        console.print(
            table.nothing_upcoming(
                nearby(catalog, session.now, filters, window, loaded if mine or marked else None),
                session.now,
                session.zone,
                filters=_typed_filters(kind, tag, organiser, search, series, mine, marked),
                window=f"--within {within}" if within else f"--until {until}",
                window_end=window.end,
                data=session.paths if data else None,  # --data/CCAL_DATA: not the user's file
                shipped=shipped,
            )
        )
    if guesses:
        from ccal.render.estimates import guesses_table

        console.print(guesses_table(guesses, session.now))
    paging.done(console)
    return _exit_status(exit_status, entries)


def _typed_filters(
    kind: list[Any] | None,
    tag: list[str] | None,
    organiser: str | None,
    search: str | None,
    series: str | None = None,
    mine: bool = False,
    marked: list[Any] | None = None,  # StatusChoice members
) -> str:
    """The filters as typed (``--kind call --search Lisboa``, ``--series aaai``, ``--mine``,
    ``--status done``), to name what emptied a listing."""
    import shlex

    parts = [f"--kind {','.join(kind)}"] if kind else []
    parts += [f"--tag {shlex.quote(t)}" for t in tag or ()]
    parts += [f"--organiser {shlex.quote(organiser)}"] if organiser else []
    parts += [f"--search {shlex.quote(search)}"] if search else []
    parts += [f"--series {shlex.quote(series)}"] if series is not None else []
    parts += ["--mine"] if mine else []
    parts += [f"--status {s.value}" for s in marked or ()]
    return " ".join(parts)


def _exit_status(wanted: bool, entries: list[Any]) -> None:
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
    mine: MineOpt = False,
    marked: StatusOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    past: PastOpt = False,
    all_: AllOpt = False,
    dates: Annotated[
        bool, typer.Option("--dates", help="One row per dated entry instead of per opportunity.")
    ] = False,
    limit: LimitOpt = None,
    estimated: EstimatedOpt = False,
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
    from ccal.query import Scope, select_items, select_listing, statuses

    if past and all_:
        raise UsageProblem("use either '--past' or '--all', not both")
    scope: Scope = "all" if all_ else "past" if past else "upcoming"
    fmt = chosen_format(json_output, output_format)
    dates = dates or estimated or (fmt is not None and not is_json(fmt))  # csv/ics/md: by date
    session = session_from(as_of, tz, data)
    window = window_from(session, start=start, end=end)
    if not (dates or fmt or start or end or mine or marked):  # a trusted index draws it
        from ccal.render import table

        title = table.heading(
            "Opportunities", session.now, session.zone, zone_from=session.zone_from
        )
        typed = (kind, tag, organiser, search, series)
        shown = session.streamed_items(typed, scope, limit, title)
        if shown is not None:
            console = paging.console()
            paging.show(console, shown)
            paging.done(console)
            return
    if fmt and not (dates or start or end or mine or marked):  # ``--json``: the same, as records
        typed = (kind, tag, organiser, search, series)
        records = session.streamed_items(typed, scope, limit, None)
        if records is not None:
            emit_items(records, fmt)
            return
    loaded = session.catalog(window)
    filters = filters_from(kind, tag, organiser, search, loaded, series)
    catalog = session.mine(loaded, selection_from(mine, marked, all_))
    if dates:
        listing = select_listing(
            catalog, session.now, session.zone, filters, window, scope, limit, session.marks
        )
        entries = listing.entries
        guesses = estimates_for(
            estimated, loaded, session.now, filters, window, scope, limit=limit, shown=len(entries)
        )
        if fmt:  # as ``ccal export`` writes the same selection
            chosen = window.chooses(limit, scope)
            options = render_options(catalog, filters, scope, chosen=chosen, estimates=guesses)
            emit_listing(listing, fmt, options=options)
            return
        from ccal.render import table

        title = table.heading("Dates", session.now, session.zone, zone_from=session.zone_from)
        console = paging.console()
        paging.show(  # "nothing listed" above estimates too: they are no fact
            console,
            table.upcoming_table(listing, title) if entries else table.nothing_listed(scope),
        )
        if guesses:
            from ccal.render.estimates import guesses_table

            console.print(guesses_table(guesses, session.now))
        paging.done(console)
        return
    items = select_items(catalog, session.now, filters, window, scope)[:limit]
    if fmt:  # (a trusted index answered above, unless a window or the pipeline is asked)
        status = statuses(catalog.entries(), session.now)
        emit_items(item_records(items, session.now, status, session.marks), fmt)
        return
    from ccal.render import table

    title = table.heading("Opportunities", session.now, session.zone, zone_from=session.zone_from)
    console = paging.console()
    if items:
        rows = table.item_rows(items, session.now, session.zone, session.marks)
        paging.show(console, table.items_table(rows, title))
    else:
        console.print(table.nothing_listed(scope, empty=not loaded.items))
    paging.done(console)


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
    from ccal.catalog import Catalog
    from ccal.query import select_listing

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
    listing = select_listing(
        Catalog((item,)), session.now, session.zone, scope="all", marks=session.marks
    )
    entries = listing.entries
    if fmt:
        emit_listing(listing, fmt, options=item_options(item))
        return
    from ccal.render import table

    console = paging.console()
    if not entries:  # an undated opportunity (a survey): its heading and one sentence
        console.print(table.title_of(item), style="table.title")
    else:
        console.print(table.dates_table(listing, table.title_of(item)))
    console.print(table.dates_summary(listing))
    paging.done(console)


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
        emit_items(item_records([item], session.now, status, session.marks)[0], fmt)
        return
    listing = Listing(entries, status, session.now, session.zone, session.marks)
    if fmt:
        emit_listing(listing, fmt, options=item_options(item))
        return
    from ccal.render import table

    console = paging.console()
    for part in table.item_view(item, listing):
        console.print(part)
    paging.done(console)
