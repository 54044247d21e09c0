"""Your own pipeline: mark, note, remove, edit."""

from pathlib import Path
from typing import Annotated, Any

import typer

from ccal.cli.options import (
    AsOfOpt,
    DataOpt,
    StatusChoice,
    TzOpt,
    complete_ids,
    data_param,
    require_data,
    session_from,
)
from ccal.cli.root import app
from ccal.errors import UsageProblem

PipelineIdArg = Annotated[
    str,
    typer.Argument(metavar="ID", help="The opportunity's id.", autocompletion=complete_ids),
]
OwnDataOpt = Annotated[
    list[Path] | None,
    data_param("The data file to change (one; default: whichever of yours holds ID)."),
]


@app.command()
def mark(
    opportunity_id: PipelineIdArg,
    status: Annotated[
        StatusChoice | None,
        typer.Argument(
            metavar="STATUS",
            help="watching, preparing, submitted, done or dropped.",
            show_default=False,
        ),
    ] = None,
    note: Annotated[
        str | None,
        typer.Option("--note", metavar="TEXT", show_default=False, help="Add a dated note too."),
    ] = None,
    clear: Annotated[
        bool, typer.Option("--clear", help="Forget the status (the notes stay).")
    ] = False,
    as_of: AsOfOpt = None,
    tz: TzOpt = None,
    data: DataOpt = None,
) -> None:
    """Say where you stand with any entry (shipped, imported or yours): kept in your state file.

    done and dropped leave the default listings (--all shows them); --mine lists the rest.
    Example: ccal mark clusters-meet-regions preparing --note "budget from Anna"
    """
    from ccal.pipeline import use

    if clear == (status is not None):
        raise UsageProblem("give a STATUS, or '--clear' to forget it (not both)")
    if clear and note is not None:
        raise UsageProblem("'--note' goes with a STATUS; use 'ccal note ID TEXT' to add a note")
    session = session_from(as_of, tz, data)
    if clear:
        print(use.clear(session, opportunity_id))
        return
    assert status is not None
    print(use.mark(session, opportunity_id, status.value, note))


@app.command()
def note(
    opportunity_id: PipelineIdArg,
    text: Annotated[str, typer.Argument(metavar="TEXT", help="The note.")],
    as_of: AsOfOpt = None,
    tz: TzOpt = None,
    data: DataOpt = None,
) -> None:
    """Add a dated note to any entry, in your state file (shown by 'show' and in JSON's "mine").

    Example: ccal note clusters-meet-regions "asked the partners for letters"
    """
    from ccal.pipeline import use

    if not text.strip():
        raise UsageProblem("an empty note: give the text to keep")
    print(use.note(session_from(as_of, tz, data), opportunity_id, text))


@app.command()
def remove(
    opportunity_id: PipelineIdArg,
    data: OwnDataOpt = None,
) -> None:
    """Remove one of your own opportunities from its file, keeping every other byte.

    Shipped and imported entries are not yours to remove: 'ccal mark ID dropped' hides them.
    Example: ccal remove my-old-call
    """
    from ccal.pipeline import files

    require_data(data)
    path = files.remove(opportunity_id, data)
    print(f"Removed '{opportunity_id}' from {path}.")


@app.command()
def edit(
    opportunity_id: PipelineIdArg,
    data: OwnDataOpt = None,
) -> None:
    """Open $VISUAL or $EDITOR on the file holding one of your opportunities, at its line.

    When the editor exits the file is validated; on an error you may edit again or keep the
    old file: it is never left invalid. Example: ccal edit my-call
    """
    from ccal.pipeline import files

    require_data(data)
    result = files.edit(opportunity_id, data, ask=_ask)
    print(result)


def _ask(problems: list[Any]) -> bool:
    """Show the located problems; True to edit again, False to keep the old file.

    The question and its answer stay on stderr and stdin: Typer's prompt writes its last
    character to stdout, which is the command's result. No answer (stdin at its end, Ctrl-C)
    keeps the old file, which is never left invalid."""
    import contextlib
    import sys

    for problem in problems:
        print(problem.as_error(), file=sys.stderr)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            return typer.confirm("Edit again? (no keeps the old file)", default=True, err=True)
    except typer.Abort:
        print(file=sys.stderr)  # end the prompt's line
        return False
