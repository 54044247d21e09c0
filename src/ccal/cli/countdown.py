"""Counting down and reminding: countdown (live on a terminal) and remind (one line each)."""

import sys
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

import typer

from ccal.cli.options import (
    AsOfOpt,
    ClosedOpt,
    DataOpt,
    EstimatedOpt,
    ExitStatusOpt,
    KindOpt,
    LimitOpt,
    MineOpt,
    OrganiserOpt,
    SearchOpt,
    SeriesOpt,
    Session,
    StatusOpt,
    TagOpt,
    TzOpt,
    UntilOpt,
    check_kinds,
    check_series,
    complete_ids,
    filters_from,
    print_json,
    selection_from,
    session_from,
    window_from,
)
from ccal.cli.root import app
from ccal.errors import LookupFailed, UsageProblem
from ccal.rules import REMIND_WITHIN, remind_within

# countdown and remind print lines, not a table: the shared --json help would say otherwise.
LinesJsonOpt = Annotated[
    bool, typer.Option("--json", help="Print JSON (the listing contract, see README) instead.")
]


def ticker(start: datetime) -> tuple[Callable[[], datetime], Callable[[float], None]]:
    """The live view's clock and sleeper: ``start`` (``--as-of`` or now) moving at real speed.

    A monotonic clock, so a changed system clock does not make the countdown jump. Tests
    replace this function with a fake clock that never sleeps.
    """
    import time
    from datetime import timedelta

    origin = time.monotonic()

    def clock() -> datetime:
        return start + timedelta(seconds=time.monotonic() - origin)

    return clock, time.sleep


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


@app.command()
def countdown(
    opportunity_id: Annotated[
        str | None,
        typer.Argument(
            metavar="ID",
            help="Count down to this opportunity's next date (default: anything matching).",
            autocompletion=complete_ids,
            show_default=False,
        ),
    ] = None,
    kind: KindOpt = None,
    tag: TagOpt = None,
    organiser: OrganiserOpt = None,
    series: SeriesOpt = None,
    search: SearchOpt = None,
    mine: MineOpt = False,
    marked: StatusOpt = None,
    closed: ClosedOpt = False,
    once: Annotated[
        bool, typer.Option("--once", help="Print one line and exit (also when not a terminal).")
    ] = False,
    estimated: EstimatedOpt = False,
    json_output: LinesJsonOpt = False,
    as_of: AsOfOpt = None,
    tz: TzOpt = None,
    data: DataOpt = None,
) -> None:
    """The next deadline and the time left, on the entry's clock and yours.

    On a terminal it counts down live, moving on to the next deadline when one passes, until
    nothing is ahead or Ctrl-C. With ID, that opportunity's next date (the filters choose among
    all opportunities, so they do not go with an ID). --json prints the listing contract: an
    array holding the entry counted down to. Example: ccal countdown clusters-meet-regions
    """
    from ccal.query import Filters, countdown_candidates, next_deadline

    filters = filters_from(kind, tag, organiser, search, series=series)
    selection = selection_from(mine, marked, closed)
    if opportunity_id and (filters != Filters() or mine or marked):
        raise UsageProblem(
            "give an ID or filters (--kind, --tag, --organiser, --search, --mine, --status), "
            "not both: the filters choose among all opportunities"
        )
    session = session_from(as_of, tz, data)
    catalog = session.catalog()
    check_kinds(filters, catalog)
    check_series(filters, catalog)
    item = catalog.find(opportunity_id) if opportunity_id else None
    if item is None:
        catalog = session.mine(catalog, selection)
    candidates = countdown_candidates(catalog, filters, item)
    target = next_deadline(candidates, session.now)
    if estimated and _estimate_first(target, item, filters, session, json_output):
        return
    if json_output:
        _print_target(target, catalog, session.now, session.marks)
    if target is None and item is not None and not item.entries:
        raise LookupFailed(
            f"'{opportunity_id}' has no dates, so there is nothing to count down to "
            f"(see 'ccal show {opportunity_id}')"
        )
    if target is None:
        raise LookupFailed(_nothing_ahead(opportunity_id, filters, session))
    if json_output:
        return
    from ccal.render.countdown import countdown_line, frames

    if once or not stdout_is_terminal():
        print(countdown_line(target, session.now, session.zone))
        return
    from ccal.render import table
    from ccal.render.live import show_live

    clock, sleep = ticker(session.now)
    ticks = frames(lambda now: next_deadline(candidates, now), clock, sleep)
    show_live(table.make_console(), ticks, session.zone)


def _estimate_first(target: Any, item: Any, filters: Any, session: Any, json_output: bool) -> bool:
    """--estimated: when an estimated date (of ID's series, or of any series matching the
    filters) comes before the next real deadline, or there is none, print it once, marked, and
    say so (an estimate is not counted down live: it is no fact to count to)."""
    from ccal.forecast import pending

    guesses = pending(session.catalog(), session.now, filters)
    if item is not None:
        guesses = [g for g in guesses if g.series == item.opportunity.series]
    ahead = [g for g in guesses if target is None or g.date.at < target.at]
    if not ahead:
        return False
    if json_output:
        from ccal.render.json import estimate_record

        print_json([estimate_record(ahead[0], session.now)])
    else:
        from ccal.render.estimates import line

        print(line(ahead[0], session.now))
    return True


def _print_target(target: Any, catalog: Any, now: datetime, marks: dict[str, Any]) -> None:
    """The listing contract for what countdown counts down to: ``[record]``, or ``[]``."""
    from ccal.query import statuses
    from ccal.render.json import entry_record

    if target is None:
        print_json([])
        return
    status = statuses(catalog.entries(), now)[(target.opportunity.id, target.position)]
    print_json([entry_record(target, now, status, marks.get(target.opportunity.id))])


def _nothing_ahead(opportunity_id: str | None, filters: Any, session: Session) -> str:
    from ccal.query import Filters
    from ccal.render.timefmt import moment_text

    if opportunity_id:
        what = f"no date of '{opportunity_id}' is ahead"
    elif filters != Filters():
        what = "no deadline ahead matches these filters"
    else:
        what = "no deadline is ahead"
    when = moment_text(session.now, session.zone)
    return f"{what} as of {when} (try another --as-of, or 'ccal list --all' to see them all)"


@app.command()
def remind(
    kind: KindOpt = None,
    tag: TagOpt = None,
    organiser: OrganiserOpt = None,
    series: SeriesOpt = None,
    search: SearchOpt = None,
    mine: MineOpt = False,
    marked: StatusOpt = None,
    closed: ClosedOpt = False,
    within: Annotated[
        str | None,
        typer.Option(
            "--within",
            metavar="DURATION",
            show_default=False,
            help=f"Only the next DURATION (30d, 2w, 12h; default {REMIND_WITHIN}).",
        ),
    ] = None,
    until: UntilOpt = None,
    limit: LimitOpt = None,
    exit_status: ExitStatusOpt = False,
    estimated: EstimatedOpt = False,
    json_output: LinesJsonOpt = False,
    as_of: AsOfOpt = None,
    tz: TzOpt = None,
    data: DataOpt = None,
) -> None:
    """One short line per entry due soon (default: the next 7 days), nothing when none is.

    For shell prompts, status bars and cron e-mails (cron sends no mail when nothing is due).
    Example: ccal remind --within 3d
    """

    session = session_from(as_of, tz, data)
    window = window_from(session, within=remind_within(within, until), until=until, ahead=True)
    typed = (kind, tag, organiser, search, series)
    loaded, _catalog, filters, listing = session.select(
        window, typed, selection_from(mine, marked, closed), "upcoming", limit
    )
    entries = listing.entries
    from ccal.cli.output import estimates_for

    guesses = estimates_for(
        estimated, loaded, session.now, filters, window, limit=limit, shown=len(entries)
    )
    if json_output:  # the listing contract, as 'ccal upcoming --json' prints it
        from ccal.cli.output import emit_listing
        from ccal.render.formats import RenderOptions

        emit_listing(listing, "json", options=RenderOptions(estimates=guesses))
    else:
        from ccal.render.remind import remind_lines

        for line in remind_lines(entries, session.now, session.zone):
            print(line)
        if guesses:
            from ccal.render.estimates import line as estimate_line

            for guess in guesses:
                print(estimate_line(guess, session.now))
    if exit_status and not entries:
        raise typer.Exit(1)
