"""``ccal publish``: the upcoming dates as a static site (page, calendar feeds, JSON) for a team."""

from pathlib import Path
from typing import Annotated

import typer

from ccal.cli.options import (
    AsOfOpt,
    DataOpt,
    KindOpt,
    LimitOpt,
    OrganiserOpt,
    SearchOpt,
    TagOpt,
    TzOpt,
    UntilOpt,
    WithinOpt,
    filters_from,
    session_from,
    window_from,
)
from ccal.cli.root import app
from ccal.errors import UsageProblem


@app.command()
def publish(
    directory: Annotated[
        Path,
        typer.Argument(
            metavar="DIR", help="Where the site goes (created; replaced whole).", show_default=False
        ),
    ],
    kind: KindOpt = None,
    tag: TagOpt = None,
    organiser: OrganiserOpt = None,
    search: SearchOpt = None,
    within: WithinOpt = None,
    until: UntilOpt = None,
    limit: LimitOpt = None,
    title: Annotated[
        str, typer.Option("--title", metavar="TEXT", help="The site's heading and feed names.")
    ] = "Deadlines",
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            metavar="URL",
            show_default=False,
            help="Where the site will be served (https://…/): the page then links webcal:// "
            "subscriptions and addresses to copy.",
        ),
    ] = None,
    past: Annotated[bool, typer.Option("--past", help="Add a page of the past dates.")] = False,
    changes: Annotated[
        Path | None,
        typer.Option(
            "--changes",
            metavar="FILE",
            show_default=False,
            help="A change log (JSON Lines, as 'ccal sync' keeps): published as changes.atom.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace DIR even if ccal did not write it.")
    ] = False,
    as_of: AsOfOpt = None,
    tz: TzOpt = None,
    data: DataOpt = None,
) -> None:
    """Write the upcoming dates as a static web site with calendar feeds, into DIR.

    The page lists what 'ccal upcoming' lists with the same filters; feeds/all.ics (and one per
    kind, tag and series) carry every date of that selection, for calendar apps to subscribe
    to. Example: ccal publish site --title 'Our calls' --base-url https://example.org/calls/
    """
    from ccal.index import Bulk
    from ccal.publish import kept
    from ccal.publish.output import check_target, write_site
    from ccal.publish.site import Request, build

    if not title.strip():
        raise UsageProblem("invalid value for '--title': an empty title")
    site_url = _base_url(base_url) if base_url is not None else None
    check_target(directory, force=force)  # before any work: refusing is instant
    session = session_from(as_of, tz, data)
    window = window_from(session, within=within, until=until)
    made_from = kept.data_key(session.paths)  # before loading: what the events will be made from
    catalog = session.catalog(window, models=False)  # publish only reads it
    log = None
    if changes is not None:
        from ccal.publish.atom import read_change_log

        log = read_change_log(changes)
    request = Request(
        title=title,
        base_url=site_url,
        past=past,
        filters=filters_from(kind, tag, organiser, search),
        window=window,
        limit=limit,
        changes=log,
    )
    with Bulk():  # a site of 11,000 calls is millions of objects and no cycles
        site = build(catalog, session.now, session.zone, request, kept.read(directory, made_from))
        write_site(directory, site.files, force=force)
        # The places are those of ``made_from`` unless the data changed meanwhile.
        same = kept.data_key(session.paths) == made_from
        kept.write(directory, made_from if same else None, site.kept)
    dates = f"{site.dates} upcoming date{'' if site.dates == 1 else 's'}"
    typer.echo(f"Published {directory}: {dates}, {site.feeds} calendar feeds.")


def _base_url(text: str) -> str:
    """``--base-url`` as an http(s) URL ending in '/', or a usage error."""
    from ccal.publish.page import http_url

    if http_url(text) is None or any(c.isspace() for c in text):
        raise UsageProblem(
            f"invalid value for '--base-url': '{text}' is not an http(s) URL "
            "(e.g. https://example.org/deadlines/)"
        )
    return text if text.endswith("/") else text + "/"
