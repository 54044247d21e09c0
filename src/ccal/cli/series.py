"""ccal series: the editions of recurring opportunities, year by year, and their next one."""

from typing import Annotated

import typer

from ccal.cli.options import (
    AsOfOpt,
    DataOpt,
    JsonOpt,
    complete_series,
    print_json,
    series_slug,
    session_from,
)
from ccal.cli.root import app
from ccal.errors import LookupFailed, UsageProblem


@app.command()
def series(
    slugs: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="SLUG",
            show_default=False,
            callback=series_slug,
            autocompletion=complete_series,
            help="One series: its editions year by year (with --next: one or more series).",
        ),
    ] = None,
    next_edition: Annotated[
        bool,
        typer.Option(
            "--next",
            help="The estimated next edition of each series (all, or the SLUGs) after its "
            "latest known one: its year, each label's date and range, and the editions used.",
        ),
    ] = False,
    json_output: JsonOpt = False,
    as_of: AsOfOpt = None,
    data: DataOpt = None,
) -> None:
    """The series of the data (editions, first and latest year), or one series year by year.

    An opportunity joins a series with series = "SLUG". With SLUG, every edition's dates side by
    side with the shift from the year before (Paper: 15 May 2025 -> 6 May 2026, -9 d), and the
    estimated next edition as the last row. --next estimates each series' next edition; an
    estimate is computed from the editions, never stored (docs/estimates.md).
    Example: ccal series clusters-meet-regions
    """
    from ccal import series as core
    from ccal.render import series as view

    session = session_from(as_of, None, data)
    catalog = session.catalog(models=False)  # read only: stand-ins from the index
    if next_edition:
        grouped = core.every_series(catalog)
        known = list(grouped)
        from ccal.render.estimates import next_record

        for slug in slugs or []:
            if slug not in known:
                raise LookupFailed(core.unknown_series_message(slug, known))
        results = [core.next_edition(slug, grouped[slug]) for slug in (slugs or known)]
        if json_output:
            return print_json([next_record(r) for r in results])
        from ccal.render import table

        console = table.make_console()
        if not results:
            console.print('No series in the data: link editions with series = "SLUG".')
            return None
        from ccal.estimate import Estimate

        if any(isinstance(r, Estimate) for r in results):
            console.print(view.next_table(results))
        for why in view.next_notes(results):
            console.print(why, highlight=False)
        return None
    known = [s.slug for s in core.summaries(catalog)]
    if not slugs:
        found = core.summaries(catalog)
        if json_output:
            return print_json(view.summaries_records(found))
        from ccal.render import table

        console = table.make_console()
        if not found:
            console.print('No series in the data: link editions with series = "SLUG".')
            return None
        console.print(view.summaries_table(found))
        return None
    if len(slugs) > 1:
        raise UsageProblem("one SLUG at a time, or several with --next")
    (slug,) = slugs
    editions = core.editions(catalog, slug)
    if not editions:
        raise LookupFailed(core.unknown_series_message(slug, known))
    if json_output:
        return print_json(view.editions_records(slug, editions))
    from ccal.render import table

    estimate = core.next_edition(slug, editions)
    console = table.make_console()
    console.print(view.editions_table(slug, editions, estimate))
    note = view.editions_note(editions, estimate)
    if note:
        console.print(note)
    return None
