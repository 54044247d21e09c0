"""Counting down and reminding: countdown (live on a terminal) and remind (one line each)."""

import sys
from datetime import datetime
from typing import Annotated

import typer

from ccal.cli.app import app
from ccal.cli.options import (
    AsOfOpt,
    DataOpt,
    ExitStatusOpt,
    JsonOpt,
    KindOpt,
    OrganiserOpt,
    SearchOpt,
    TagOpt,
    TzOpt,
    UntilOpt,
    complete_ids,
    filters_from,
    print_json,
    session_from,
    window_from,
)
from ccal.errors import LookupFailed


def ticker(start: datetime):
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
            metavar="[ID]",
            help="Count down to this opportunity's next date (default: anything matching).",
            autocompletion=complete_ids,
            show_default=False,
        ),
    ] = None,
    kind: KindOpt = None,
    tag: TagOpt = None,
    organiser: OrganiserOpt = None,
    search: SearchOpt = None,
    once: Annotated[
        bool, typer.Option("--once", help="Print one line and exit (also when not a terminal).")
    ] = False,
    as_of: AsOfOpt = None,
    tz: TzOpt = None,
    data: DataOpt = None,
) -> None:
    """The next deadline and the time left, on the entry's clock and yours.

    On a terminal it counts down live, moving on to the next deadline when one passes, until
    nothing is ahead or Ctrl-C. Example: ccal countdown clusters-meet-regions
    """
    from ccal.query import next_deadline
    from ccal.render.countdown import countdown_line, frames

    session = session_from(as_of, tz, data)
    catalog = session.catalog()
    filters = filters_from(kind, tag, organiser, search)
    if opportunity_id:
        candidates = list(catalog.find(opportunity_id).entries)
    else:
        candidates = [e for e in catalog.entries() if filters.matches(e.opportunity, (e.label,))]
    target = next_deadline(candidates, session.now)
    if target is None:
        from ccal.render.timefmt import day_text

        # No clock time in this message: the error printer takes "HH:MM" for a file location.
        whose = f"for '{opportunity_id}'" if opportunity_id else "matching"
        raise LookupFailed(
            f"no deadline {whose} is ahead as of {day_text(session.now.astimezone(session.zone))}"
            " (try --as-of or 'ccal list --all')"
        )
    if once or not stdout_is_terminal():
        print(countdown_line(target, session.now, session.zone))
        return
    from ccal.render import table
    from ccal.render.live import show_live

    clock, sleep = ticker(session.now)
    ticks = frames(lambda now: next_deadline(candidates, now), clock, sleep)
    show_live(table.make_console(), ticks, session.zone)


@app.command()
def remind(
    kind: KindOpt = None,
    tag: TagOpt = None,
    organiser: OrganiserOpt = None,
    search: SearchOpt = None,
    within: Annotated[
        str,
        typer.Option("--within", metavar="DURATION", help="Only the next DURATION (30d, 2w, 12h)."),
    ] = "7d",
    until: UntilOpt = None,
    exit_status: ExitStatusOpt = False,
    json_output: JsonOpt = False,
    as_of: AsOfOpt = None,
    tz: TzOpt = None,
    data: DataOpt = None,
) -> None:
    """One short line per entry due soon (default: the next 7 days), nothing when none is.

    For shell prompts, status bars and cron e-mails (cron sends no mail when nothing is due).
    Example: ccal remind --within 3d
    """
    from ccal.query import select_entries, statuses

    session = session_from(as_of, tz, data)
    window = window_from(session, within=None if until else within, until=until)
    catalog = session.catalog()
    filters = filters_from(kind, tag, organiser, search)
    entries = select_entries(catalog, session.now, filters, window, "upcoming")
    if json_output:
        from ccal.render.json import entry_record

        status = statuses(catalog.entries(), session.now)
        print_json(
            [entry_record(e, session.now, status[(e.opportunity.id, e.position)]) for e in entries]
        )
    else:
        from ccal.render.remind import remind_lines

        for line in remind_lines(entries, session.now, session.zone):
            print(line)
    if exit_status and not entries:
        raise typer.Exit(1)
