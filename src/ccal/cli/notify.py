"""``ccal notify``: reminders that fire once, for cron or a systemd user timer."""

import sys
from typing import Annotated

import typer

from ccal.cli.options import AsOfOpt, DataOpt, TzOpt, session_from
from ccal.cli.root import app


@app.command()
def notify(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be sent; send and record nothing.")
    ] = False,
    test: Annotated[
        str | None,
        typer.Option(
            "--test",
            metavar="CHANNEL",
            show_default=False,
            help="Send one test message through CHANNEL (a name in \\[notify.channels]).",
        ),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="Say what was sent (quiet by default, for cron)."),
    ] = False,
    as_of: AsOfOpt = None,
    tz: TzOpt = None,
    data: DataOpt = None,
) -> None:
    """Send each reminder once: 7d, 1d and 2h before your dates (see docs/notify.md).

    Run it every few minutes (cron, a systemd timer); the \\[notify] table of the config file says
    what and where. A failing channel is retried next run; exit 1 with a line per failure.
    Example: ccal notify --dry-run
    """
    from ccal.config import load_notify
    from ccal.pipeline import notify as use

    settings = load_notify()
    session = session_from(as_of, tz, data)
    if test is not None:
        use.test(settings, test, session.now)
        print(f"Sent a test message through '{test}'.")
        return
    report = use.run(session, settings, dry_run=dry_run)
    if dry_run or verbose:
        verb = "would send" if dry_run else "sent"
        for channel, message in report.sent:
            print(f"{verb} to {channel}: {message.subject}")
        if dry_run and not report.sent:
            print("Nothing to send.")
    for failure in report.failures:
        print(f"ccal: {failure}", file=sys.stderr)
    if report.failures:
        raise typer.Exit(1)
