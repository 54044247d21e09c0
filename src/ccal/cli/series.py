"""ccal series: the editions of recurring opportunities, year by year."""

from typing import Annotated

import typer

from ccal.cli.app import app
from ccal.cli.options import AsOfOpt, DataOpt, JsonOpt, complete_series, print_json, session_from
from ccal.errors import LookupFailed


@app.command()
def series(
    slug: Annotated[
        str | None,
        typer.Argument(
            metavar="[SLUG]",
            show_default=False,
            autocompletion=complete_series,
            help="One series: its editions year by year.",
        ),
    ] = None,
    json_output: JsonOpt = False,
    as_of: AsOfOpt = None,
    data: DataOpt = None,
) -> None:
    """The series of the data (editions, first and latest year), or one series year by year.

    An opportunity joins a series with series = "SLUG". With SLUG, every edition's dates side by
    side with the shift from the year before (Paper: 15 May 2025 -> 6 May 2026, -9 d).
    Example: ccal series clusters-meet-regions
    """
    from ccal import series as core
    from ccal.render import series as view

    session = session_from(as_of, None, data)
    catalog = session.catalog()
    if slug is None:
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
    editions = core.editions(catalog, slug)
    if not editions:
        known = [s.slug for s in core.summaries(catalog)]
        raise LookupFailed(_unknown(slug, known))
    if json_output:
        return print_json(view.editions_records(slug, editions))
    from ccal.render import table

    console = table.make_console()
    console.print(view.editions_table(slug, editions))
    note = view.editions_note(editions)
    if note:
        console.print(note)
    return None


def _unknown(slug: str, known: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(slug, known, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return f"unknown series '{slug}'{hint} ('ccal series' lists them)"
