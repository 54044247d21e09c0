"""Reading commands: upcoming, list, deadlines, show."""

from __future__ import annotations

from typing import Annotated

import typer

from ccal.cli.app import app
from ccal.cli.options import (
    AllOpt,
    AsOfOpt,
    DataOpt,
    FromOpt,
    IdArg,
    JsonOpt,
    KindOpt,
    LimitOpt,
    OrganiserOpt,
    PastOpt,
    SearchOpt,
    TagOpt,
    ToOpt,
    TzOpt,
    UntilOpt,
    WithinOpt,
    complete_ids,
    filters_from,
    print_json,
    session_from,
    window_from,
)
from ccal.errors import UsageProblem

# --- commands ---------------------------------------------------------------------------------


@app.command()
def upcoming(
    kind: KindOpt = None,
    tag: TagOpt = None,
    organiser: OrganiserOpt = None,
    search: SearchOpt = None,
    within: WithinOpt = None,
    until: UntilOpt = None,
    limit: LimitOpt = None,
    json_output: JsonOpt = False,
    as_of: AsOfOpt = None,
    tz: TzOpt = None,
    data: DataOpt = None,
) -> None:
    """What is coming next, soonest first, with a countdown.

    Example: ccal upcoming --as-of 2022-06-01 --within 90d
    """
    from ccal.query import latest_passed, select_entries, statuses
    from ccal.render import Listing

    session = session_from(as_of, tz, data)
    window = window_from(session, within=within, until=until)
    catalog = session.catalog(window)
    filters = filters_from(kind, tag, organiser, search)
    entries = select_entries(catalog, session.now, filters, window, "upcoming", limit)
    listing = Listing(entries, statuses(catalog.entries(), session.now), session.now, session.zone)
    if json_output:
        from ccal.render.json import entry_record

        print_json([entry_record(e, session.now, listing.status_of(e)) for e in entries])
        return
    from ccal.render import table

    console = table.make_console()
    if entries:
        console.print(
            table.upcoming_table(listing, table.heading("Upcoming", session.now, session.zone))
        )
    else:
        latest = latest_passed(catalog, session.now, filters)
        console.print(
            table.nothing_upcoming(latest, session.now, session.zone, window.end is not None)
        )


@app.command("list")
def list_(
    kind: KindOpt = None,
    tag: TagOpt = None,
    organiser: OrganiserOpt = None,
    search: SearchOpt = None,
    start: FromOpt = None,
    end: ToOpt = None,
    past: PastOpt = False,
    all_: AllOpt = False,
    dates: Annotated[
        bool, typer.Option("--dates", help="One row per dated entry instead of per opportunity.")
    ] = False,
    json_output: JsonOpt = False,
    as_of: AsOfOpt = None,
    tz: TzOpt = None,
    data: DataOpt = None,
) -> None:
    """Opportunities (or with --dates, their dates) matching the filters.

    By default only what still has a date ahead (or no date at all); --past for what is over,
    --all for everything. Example: ccal list --all --kind event --search kosice
    """
    from ccal.query import select_entries, select_items, statuses
    from ccal.render import Listing

    if past and all_:
        raise UsageProblem("use either '--past' or '--all', not both")
    scope = "all" if all_ else "past" if past else "upcoming"
    session = session_from(as_of, tz, data)
    window = window_from(session, start=start, end=end)
    catalog = session.catalog(window)
    filters = filters_from(kind, tag, organiser, search)
    status = statuses(catalog.entries(), session.now)
    if dates:
        entries = select_entries(catalog, session.now, filters, window, scope)
        if scope == "past":
            entries.reverse()
        listing = Listing(entries, status, session.now, session.zone)
        if json_output:
            from ccal.render.json import entry_record

            print_json([entry_record(e, session.now, listing.status_of(e)) for e in entries])
            return
        from ccal.render import table

        title = table.heading("Dates", session.now, session.zone)
        table.make_console().print(
            table.upcoming_table(listing, title) if entries else table.nothing_listed(scope)
        )
        return
    items = select_items(catalog, session.now, filters, window, scope)
    if json_output:
        from ccal.render.json import item_record

        print_json([item_record(item, session.now, status) for item in items])
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
            metavar="[ID]",
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
    session = session_from(as_of, tz, data)
    item = session.catalog().find(wanted)
    entries = sorted(item.entries, key=Entry.sort_key)
    listing = Listing(entries, statuses(entries, session.now), session.now, session.zone)
    if json_output:
        from ccal.render.json import entry_record

        print_json([entry_record(e, session.now, listing.status_of(e)) for e in entries])
        return
    from ccal.render import table

    console = table.make_console()
    console.print(table.dates_table(listing, f"{item.opportunity.title} ({item.id})"))
    console.print(table.dates_summary(listing))


@app.command()
def show(
    opportunity_id: IdArg,
    json_output: JsonOpt = False,
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

    session = session_from(as_of, tz, data)
    item = session.catalog().find(opportunity_id)
    entries = sorted(item.entries, key=Entry.sort_key)
    status = statuses(entries, session.now)
    if json_output:
        from ccal.render.json import item_record

        print_json(item_record(item, session.now, status))
        return
    from ccal.render import table

    console = table.make_console()
    for part in table.item_view(item, Listing(entries, status, session.now, session.zone)):
        console.print(part)
