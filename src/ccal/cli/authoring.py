"""Keeping the data: validate, schema, add, extend."""

from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from ccal.cli.options import (
    AsOfOpt,
    DataOpt,
    complete_ids,
    complete_kinds,
    data_param,
    parsed,
    print_json,
    require_data,
    tz_param,
)
from ccal.cli.root import app
from ccal.errors import DataError, Problem, UsageProblem

AddDataOpt = Annotated[
    list[Path] | None,
    data_param("The data file to write (one; default: your own file, created if missing)."),
]
ExtendDataOpt = Annotated[
    list[Path] | None,
    data_param("The data file to edit (one; default: whichever of your files holds ID)."),
]
ExtendTzOpt = Annotated[
    str | None, tz_param("The display zone, for a naive --as-of (default: the system zone).")
]


@app.command()
def validate(
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="FILE",
            show_default=False,
            readable=False,  # the loader says why it cannot read one
            help="Files to check (default: the active data files, as with --data).",
        ),
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the problems as a JSON list.")
    ] = False,
    data: DataOpt = None,
) -> None:
    """Check data files and report every problem as FILE:LINE:COL: message.

    Exit 1 if any error (warnings alone exit 0). Example: ccal validate ~/my-deadlines.toml
    """
    from ccal.checking import check_files
    from ccal.config import check as check_config
    from ccal.sources import active_sources, config_file

    configured = not files and config_file().exists()  # in use unless FILEs are named
    problems = check_config() if configured else []
    broken = any(p.severity == "error" for p in problems)  # then its data list is not trusted
    paths = [] if broken else active_sources(files or data)
    problems += check_files(paths)
    if not files and not broken:  # the active data: the pipeline state file is checked against it
        from ccal.pipeline.checks import state_problems

        problems += state_problems(paths)  # ``[notify]`` is checked with the configuration
    errors = sum(p.severity == "error" for p in problems)
    if json_output:
        print_json([_problem_record(p) for p in problems])
    else:
        for problem in problems:
            print(problem)
        print(_summary(len(paths) + configured, errors, len(problems) - errors))
    if errors:
        raise typer.Exit(1)


def _problem_record(problem: Problem) -> dict[str, Any]:
    return {
        "file": problem.file,
        "line": problem.line,
        "column": problem.column,
        "severity": problem.severity,
        "id": problem.entry,
        "field": problem.field,
        "message": problem.message,
    }


def _summary(files: int, errors: int, warnings: int) -> str:
    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    checked = count(files, "file")
    if not errors and not warnings:
        return f"{checked} checked: no problems."
    return f"{checked} checked: {count(errors, 'error')}, {count(warnings, 'warning')}."


@app.command()
def schema(
    config: Annotated[
        bool,
        typer.Option("--config", help="The configuration file's schema (config.toml) instead."),
    ] = False,
) -> None:
    """Print the JSON Schema of the data file, for editors (taplo / Even Better TOML).

    Example: ccal schema > ccal.schema.json, then put '#:schema ./ccal.schema.json' on the
    first line of your data file.
    """
    if config:
        from ccal.config import config_schema

        print_json(config_schema())
        return
    from ccal.schema import data_file_schema

    print_json(data_file_schema())


@app.command()
def add(
    opportunity_id: Annotated[
        str, typer.Argument(metavar="ID", help="A new id: a-z, 0-9 and '-' (e.g. clusters-2027).")
    ],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            "-k",
            metavar="KIND",
            autocompletion=complete_kinds,
            help="What it is: talk, call, event, survey, or a kind the file declares (any case).",
        ),
    ],
    title: Annotated[str, typer.Option("--title", help="Its title.")],
    deadline: Annotated[
        list[str] | None,
        typer.Option(
            "--deadline",
            "-d",
            metavar="[LABEL=]WHEN",
            show_default=False,
            help="A deadline (repeatable): 2027-01-31 (all day), '2027-01-31 17:00' (in the "
            "opportunity's zone), +14d, 'in 2 weeks', or 'Cut-off 2=2027-04-30'. Stored as an "
            "absolute value.",
        ),
    ] = None,
    event: Annotated[
        list[str] | None,
        typer.Option(
            "--event",
            "-e",
            metavar="[LABEL=]START[..END]",
            show_default=False,
            help="An event date or range (repeatable), e.g. '2027-03-10..2027-03-12'.",
        ),
    ] = None,
    zone_name: Annotated[
        str | None,
        typer.Option(
            "--zone",
            metavar="ZONE",
            show_default=False,
            help="The opportunity's IANA zone, for its local times (default: the file's).",
        ),
    ] = None,
    # Not an option: every other command's --tz is the display zone, and --tz was once the
    # entry's zone here. Kept (hidden) only to say so.
    wrong_tz: Annotated[str | None, typer.Option("--tz", hidden=True)] = None,
    url: Annotated[str | None, typer.Option("--url", show_default=False, help="Its web page.")] = (
        None
    ),
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", "-t", show_default=False, help="A tag (repeatable)."),
    ] = None,
    organiser: Annotated[
        str | None, typer.Option("--organiser", show_default=False, help="Who runs it.")
    ] = None,
    location: Annotated[
        str | None, typer.Option("--location", show_default=False, help="Where it happens.")
    ] = None,
    summary: Annotated[
        str | None, typer.Option("--summary", show_default=False, help="A line or two about it.")
    ] = None,
    as_of: AsOfOpt = None,
    data: AddDataOpt = None,
) -> None:
    """Add an opportunity to your data file (or --data FILE), keeping the rest byte for byte.

    The result is validated before it is replaced atomically; a duplicate id is refused.
    Example: ccal add clusters-2027 --kind call --title "Clusters 2027" --deadline 2027-01-31
    """
    from ccal import authoring, incremental, store
    from ccal.clock import zone_named
    from ccal.sources import active_sources

    if wrong_tz is not None:
        raise UsageProblem(
            "'add' has no '--tz': give the new entry's zone with '--zone ZONE' (the display "
            "zone for a naive --as-of is CCAL_TZ)"
        )
    target, others = _target(data)
    store.writable_target(target, create_parents=not data)  # before reading it (a FIFO blocks)
    _refuse_owned(target, None)
    now = _now(as_of, _display_zone())
    chosen = parsed("--zone", zone_named, zone_name) if zone_name else None
    typed = [("--deadline", text) for text in deadline or []]
    typed += [("--event", text) for text in event or []]

    sources = active_sources(data)  # as reading commands read them: whose index vouches

    def change(text: str) -> str | store.Vouched:
        # Under the lock: the zone is the one of the very text the entry joins.
        fast = incremental.layout(text, target, sources, others)
        top = text if fast is None else fast.top  # every top-level key is before the first table
        zone = chosen or authoring.file_zone(top)
        new = authoring.NewOpportunity(
            id=opportunity_id,
            kind=kind.strip().casefold(),  # any case, as every --kind
            title=title,
            dates=authoring.date_tables(deadline or [], event or [], zone, now),
            timezone=zone_name,
            url=url,
            organiser=organiser,
            location=location,
            summary=summary,
            tags=tuple(tag or ()),
        )
        authoring.check_new(new, zone.key, typed, authoring.file_kinds(top))
        return authoring.appended(text, new, target, others, fast)

    updated = store.update(target, change, others=others, create_parents=not data)
    dates = len(typed)
    from ccal.controlchars import printable  # the file name was typed; keep it off the terminal

    print(
        printable(
            f"Added '{opportunity_id}' ({dates} date{'' if dates == 1 else 's'}) to {target}."
        )
    )
    _warn_about(opportunity_id, updated.warnings)


@app.command()
def extend(
    opportunity_id: Annotated[
        str, typer.Argument(metavar="ID", help="The opportunity's id.", autocompletion=complete_ids)
    ],
    label: Annotated[str, typer.Argument(metavar="LABEL", help="The label of the date to move.")],
    to: Annotated[
        str,
        typer.Option(
            "--to",
            metavar="WHEN",
            help="The new date: 2027-02-07, '2027-02-07 17:00' (in the entry's zone), or "
            "relative to the old date (+7d, 'in 2 weeks').",
        ),
    ],
    as_of: AsOfOpt = None,
    tz: ExtendTzOpt = None,
    data: ExtendDataOpt = None,
) -> None:
    """Move a date and keep where it was (previous = …), editing nothing else in the file.

    Example: ccal extend my-call Deadline --to +7d
    """
    from ccal import extending, incremental, store
    from ccal.authoring import file_with
    from ccal.clock import DEFAULT_ZONE
    from ccal.sources import active_sources

    if data and len(data) == 1:
        store.writable_target(data[0])  # refused before it is read (a FIFO would block)
    require_data(data)  # named files exist, said with where they were named
    path, others = file_with(opportunity_id, data)
    _refuse_owned(path, opportunity_id)
    now = _now(as_of, tz)
    found: list[extending.Extension] = []
    sources = active_sources(data)  # as reading commands read them: whose index vouches

    def change(text: str) -> str | store.Vouched:
        fast = incremental.layout(text, path, sources, others)
        moved = fast and extending.extend_indexed(fast, text, opportunity_id, label, to, now)
        if moved:
            found.append(moved[1])
            return moved[0]
        try:
            new_text, extension = extending.extend_text(
                text, opportunity_id, label, to, DEFAULT_ZONE, now
            )
        except (ValueError, RecursionError):  # not TOML: the errors validate would give
            from ccal.loader import parse_text

            raise DataError(parse_text(text, path).errors) from None
        found.append(extension)
        return new_text

    updated = store.update(path, change, others=others)
    from ccal.controlchars import printable  # the label comes from the file

    print(printable(f"{found[-1].verb()} '{opportunity_id}' {found[-1].text()} in {path}."))
    _warn_about(opportunity_id, updated.warnings)


# --- helpers ----------------------------------------------------------------------------------


def _warn_about(opportunity_id: str, warnings: list[Any]) -> None:
    """The warnings ``ccal validate`` would print for the entry just written, on stderr."""
    import sys

    for problem in warnings:
        if problem.entry == opportunity_id:
            print(problem, file=sys.stderr)


def _refuse_owned(path: Path, opportunity_id: str | None) -> None:
    """A file an importer or ``ccal sync`` owns (``importers.owned``) is read-only here, like
    the shipped dataset: its next run replaces it whole and would silently undo the change."""
    from ccal.importers.owned import owner_of
    from ccal.sources import user_data_file

    command = owner_of(path)
    if command is None:
        return
    mine = user_data_file()
    if opportunity_id is None:
        raise UsageProblem(
            f"{path} is written by '{command}', and its next run replaces it whole: add "
            f"your entry to your own data file instead ({mine}, the default without --data)"
        )
    raise UsageProblem(
        f"'{opportunity_id}' comes from {path}, which '{command}' writes and replaces whole at "
        f"its next run (it would undo this): put your own correction in your own data file "
        f"({mine}), e.g. 'ccal add' a copy under another id"
    )


def _target(data: list[Path] | None) -> tuple[Path, list[Path]]:
    """The file to write, and the other files read alongside it (for duplicate ids).

    Without ``--data`` the user's file is read with every other active source (the shipped
    dataset, the ``ccal import`` file): an id taken in any of them would make every reading
    command fail afterwards.
    """
    import os

    from ccal.sources import active_sources, user_data_file

    if data:
        data = active_sources(data)  # the same file named twice is still one file
        if len(data) > 1:
            from ccal.cli.options import _from_environment

            if _from_environment("data"):
                raise UsageProblem(
                    f"CCAL_DATA names {len(data)} files and 'ccal add' writes to one: choose it "
                    "with '--data FILE'"
                )
            raise UsageProblem("give one '--data FILE' to write to")
        return data[0], []
    target = user_data_file()
    itself = os.path.realpath(target)
    return target, [p for p in active_sources() if os.path.realpath(p) != itself]


def _now(as_of: str | None, tz: str | None) -> datetime:
    """The moment taken as now; a naive ``--as-of`` is in the display zone, as everywhere."""
    from ccal.cli.options import session_from

    return session_from(as_of, tz, None).now


def _display_zone() -> str | None:
    """``CCAL_TZ`` for ``add``, which takes no ``--tz`` (it would read as the entry's zone)."""
    import os

    return os.environ.get("CCAL_TZ") or None
