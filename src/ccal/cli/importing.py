"""Import commands: other sources turned into a ccal data file (``ccal import eu-portal``,
``ccfddl``, ``ai-deadlines``, ``ics``)."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from ccal.cli.options import pinned_now, print_json
from ccal.cli.root import CcalGroup, CcalTyper, app
from ccal.errors import CcalError, DataError, UsageProblem

import_app = CcalTyper(
    name="import",
    cls=CcalGroup,
    help="Bring opportunities in from other sources (writes a ccal data file).",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")


@import_app.command("eu-portal")
def eu_portal(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            readable=False,  # ``_read`` says why it cannot read it
            help=(
                "The portal's bulk JSON, grantsTenders.json "
                "(see 'ccal import eu-portal' in the README)."
            ),
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            show_default=False,
            help="Write here instead of eu-portal.toml in your data directory (which is then "
            "part of the default data).",
        ),
    ] = None,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            metavar="LIST",
            show_default=False,
            help="Only topics with these statuses: open, forthcoming, closed (comma-separated or "
            "repeated).",
        ),
    ] = None,
    programme: Annotated[
        list[str] | None,
        typer.Option(
            "--programme",
            metavar="ABBR",
            show_default=False,
            help="Only topics of this programme, e.g. HORIZON (repeatable: any of them).",
        ),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option(
            "--search",
            "-s",
            metavar="TEXT",
            show_default=False,
            help="Only topics with TEXT in identifier, title, call, programme or keywords.",
        ),
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON (see README).")
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace the output file even if it was not written by this importer.",
        ),
    ] = False,
) -> None:
    """Import every call and cut-off of the EU Funding & Tenders portal's bulk JSON file.

    Each topic becomes a call with the portal's exact cut-off instants and a stable id (eu- and
    the topic identifier): a re-import replaces the previous one.

    Example: ccal import eu-portal grantsTenders.json --status open,forthcoming
    """
    from ccal.importers import eu_portal as portal
    from ccal.sources import eu_portal_file
    from ccal.text import fold

    target = output or eu_portal_file()
    _check_target(target, default=output is None, force=force)
    filters = portal.ImportFilters(
        statuses=_statuses(status),
        programmes=frozenset(fold(p.strip()) for p in programme or () if p.strip()),
        search=search,
    )
    with _progress(enabled=not json_output and sys.stderr.isatty()) as phase:
        data = _read(file, phase)
        phase("Parsing JSON", None)
        raw_topics = portal.read_topics(data, str(file))
        del data
        advance = phase("Converting topics", len(raw_topics))
        result = portal.build(raw_topics, filters, advance)
        del raw_topics
        imported_at = pinned_now()
        _write_import(
            "eu-portal",
            result,
            lambda done: portal.render_toml(done, file.name, imported_at),
            target,
            force=force,
            create_parents=output is None,
            phase=phase,
        )
    _report(result, file, target, json_output)


def _not_ours(target: Path, name: str) -> CcalError:
    return CcalError(
        f"{target}: exists and was not written by 'ccal import {name}'; nothing "
        "written (choose another --output, or add --force to replace it)"
    )


def _replaceable(text: str, header: str) -> bool:
    """Whether the importer whose files start with ``header`` may replace a file beginning with
    ``text`` without ``--force``: its own earlier import, an empty file, or a new one."""
    from ccal.store import NEW_FILE_TEXT

    head = text.removeprefix("\ufeff")
    return text == NEW_FILE_TEXT or not head.strip() or head.startswith(header)


def _write_import(
    name: str,
    result: Any,
    render: Callable[[Any], str],
    target: Path,
    *,
    force: bool,
    create_parents: bool,
    phase: Callable[..., Callable[[float], None]],
    noun: str = "topic",
) -> None:
    """Write an import's result: every format's one way (``store.update``: the writers' lock,
    the whole text validated, an atomic replace; the previous file survives any failure)."""
    from ccal.importers.registry import get
    from ccal.importers.taken import ids_taken, other_files
    from ccal.store import update

    header = get(name).header
    others = other_files(target)

    def change(old: str) -> str:
        # Under the writers' lock: no other writer changes the target or the other files
        # between this check and the rename (a lost update, or a duplicate id, otherwise).
        if not force and not _replaceable(old, header):
            raise _not_ours(target, name)
        phase("Checking the result", None)
        result.drop(ids_taken(others, {r["id"] for r in result.records}), noun)
        return render(result)

    phase("Writing", None)
    for attempt in range(3):
        # The whole text is validated once, by ``update``; a record the loader refuses is
        # skipped with the loader's reason and the rest written: one odd record never aborts
        # the import. A problem no record can be blamed for is an importer bug (nothing is
        # written).
        try:
            update(target, change, others=others, create_parents=create_parents)
            return
        except DataError as exc:
            if attempt == 2 or any(p.entry is None for p in exc.problems):
                raise DataError(exc.problems[:5]) from None
            result.drop({p.entry: p.message for p in exc.problems if p.entry}, noun)


def _check_target(target: Path, *, default: bool, force: bool, name: str = "eu-portal") -> None:
    """Refuse, before the long import, to replace what the importer did not write.

    A re-import replaces its own previous file; a hand-written data file given to ``-o`` by
    mistake would be lost, so replacing one needs ``--force``. Odd targets (a directory, a
    device, a read-only file, a missing directory) are refused by ``writable_target``.
    """
    from ccal.importers.registry import get
    from ccal.store import writable_target

    header = get(name).header
    real = writable_target(target, create_parents=default)
    if force:
        return
    try:
        with real.open("rb") as handle:
            head = handle.read(256).decode("utf-8", errors="replace")
    except FileNotFoundError:
        return
    except OSError as exc:
        raise CcalError(f"{target}: cannot read the file: {exc.strerror or exc}") from None
    if not _replaceable(head, header):
        raise _not_ours(target, name)


def _statuses(values: list[str] | None) -> frozenset[str]:
    from ccal.importers.eu_portal import STATUSES

    wanted = {v.strip().lower() for value in values or () for v in value.split(",") if v.strip()}
    unknown = sorted(wanted - set(STATUSES))
    if unknown:
        raise UsageProblem(
            f"invalid value for '--status': {', '.join(unknown)} (use {', '.join(STATUSES)})"
        )
    return frozenset(wanted)


def _read(file: Path, phase: Callable[..., Callable[[float], None]]) -> bytes:
    from ccal.sources import read_input

    try:
        phase(f"Reading {file.name}", None)
        return read_input(file)[0]  # bounded: a device or a huge file is refused before reading
    except FileNotFoundError:
        raise CcalError(f"{file}: no such file") from None
    except IsADirectoryError:
        raise CcalError(f"{file}: is a directory, not the portal's JSON file") from None
    except OSError as exc:
        raise CcalError(f"{file}: cannot read the file: {exc.strerror or exc}") from None


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[..., Callable[[float], None]]]:
    """A Rich progress bar on a terminal (one line per phase); nothing at all when piped.

    Yields ``phase(description, total)``, which starts a phase and returns its ``advance(n)``;
    ``total=None`` is a phase whose size is unknown.
    """

    def silent(description: str, total: int | None) -> Callable[[float], None]:
        return lambda n: None

    if not enabled:
        yield silent
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True)) as bar:
        current: list[Any] = []

        def finish() -> None:
            for task in current:  # an unknown-size phase shows as done once the next starts
                total = bar.tasks[task].total or 1
                bar.update(task, total=total, completed=total)

        def phase(description: str, total: int | None) -> Callable[[float], None]:
            finish()
            task = bar.add_task(description, total=total)
            current[:] = [task]
            return lambda n: bar.advance(task, n)

        yield phase
        finish()


def _report(result: Any, file: Path, target: Path, json_output: bool) -> None:
    """The summary on stdout; the first few skip reasons on stderr as warnings."""
    if json_output:
        print_json(
            {
                "file": str(file),
                "output": str(target),
                "topics": result.total,
                "imported": result.imported,
                "cutoffs": result.cutoffs,
                "filtered": result.filtered,
                "skipped": result.skipped,
                "skip_reasons": result.reasons,
            }
        )
        return
    from ccal.controlchars import printable  # skip reasons quote the portal's text

    print(
        printable(
            f"Imported {result.imported:,} of {result.total:,} topics "
            f"({_counted(result.cutoffs, 'cut-off')}) into {target}; {result.filtered:,} "
            f"filtered out, {result.skipped:,} skipped."
        )
    )
    for reason in result.reasons:
        print(printable(f"ccal: warning: skipped {reason}"), file=sys.stderr)
    if result.skipped > len(result.reasons):
        more = result.skipped - len(result.reasons)
        print(f"ccal: warning: … and {more:,} more skipped", file=sys.stderr)


# --- conference YAML and iCalendar: one command shape, one function ----------------------------

_SUFFIXES = {"ccfddl": (".yml", ".yaml"), "ai-deadlines": (".yml", ".yaml"), "ics": (".ics",)}
_NOUNS = {"ccfddl": "editions", "ai-deadlines": "editions", "ics": "calendar items"}

PathArg = Annotated[
    Path,
    typer.Argument(
        metavar="PATH",
        help="A file, or a directory read recursively (see 'ccal import' in the README).",
        show_default=False,
    ),
]


OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        show_default=False,
        help="Write here instead of <format>.toml (ccfddl.toml, ...) in your data directory "
        "(which is then part of the default data).",
    ),
]


ImportJsonOpt = Annotated[
    bool, typer.Option("--json", help="Print the summary as JSON (see README).")
]
ForceOpt = Annotated[
    bool,
    typer.Option("--force", help="Replace the output file even if this importer did not write it."),
]


@import_app.command("ccfddl")
def ccfddl(
    path: PathArg,
    output: OutputOpt = None,
    json_output: ImportJsonOpt = False,
    force: ForceOpt = False,
) -> None:
    """Import ccfddl/ccf-deadlines files (one YAML, a directory of them, or allconf.yml).

    Each edition becomes a conference (ccfddl-nips26, "NeurIPS 2026") in the series of its
    conference, with its deadlines in their own zone (AoE, UTC-8, PT, ...).
    Example: ccal import ccfddl ccf-deadlines/conference
    """
    _import("ccfddl", path, output, json_output, force)


@import_app.command("ai-deadlines")
def ai_deadlines(
    path: PathArg,
    output: OutputOpt = None,
    json_output: ImportJsonOpt = False,
    force: ForceOpt = False,
) -> None:
    """Import Hugging Face ai-deadlines files (one YAML or a directory of them).

    Every typed deadline keeps its label and zone; the conference dates, place, tags and era
    rating come along. Example: ccal import ai-deadlines ai-deadlines/src/data/conferences
    """
    _import("ai-deadlines", path, output, json_output, force)


@import_app.command("ics")
def ics(
    path: PathArg,
    output: OutputOpt = None,
    json_output: ImportJsonOpt = False,
    force: ForceOpt = False,
) -> None:
    """Import an iCalendar file (RFC 5545): its events and its to-dos with a due date.

    Events become dated entries, to-dos with a due date deadlines; UIDs keep them stable across
    re-imports. Example: ccal import ics team.ics -o team.toml
    """
    _import("ics", path, output, json_output, force)


def _import(name: str, path: Path, output: Path | None, json_output: bool, force: bool) -> None:
    """Read, convert, check and write one format's import; the previous output survives any
    failure (nothing is written before the whole result has loaded cleanly)."""
    from ccal.importers.registry import get
    from ccal.sources import user_data_file

    fmt = get(name)
    target = output or user_data_file().with_name(fmt.default_file)
    _check_target(target, default=output is None, force=force, name=name)
    with _progress(enabled=not json_output and sys.stderr.isatty()) as phase:
        files = _files(path, _SUFFIXES[name], phase)
        phase("Converting", None)
        module = fmt.load()
        if path.is_dir():
            result = module.convert_files(files, {})
        else:
            result = fmt.convert(files[0][0], files[0][1], {})
        imported_at = pinned_now()
        _write_import(
            name,
            result,
            lambda done: fmt.render_toml(done, path.name, imported_at),
            target,
            force=force,
            create_parents=output is None,
            phase=phase,
            noun="item",
        )
    _report_items(result, path, target, json_output, _NOUNS[name])


def _files(
    path: Path, suffixes: tuple[str, ...], phase: Callable[..., Callable[[float], None]]
) -> list[tuple[bytes, str]]:
    """The file, or every file under the directory with one of ``suffixes`` (sorted, so an
    import is the same on every machine), as (bytes, name for messages)."""
    from ccal.sources import read_input

    if not path.is_dir():
        return [(_read(path, phase), str(path))]
    try:
        found = sorted(p for p in path.rglob("*") if p.suffix.lower() in suffixes and p.is_file())
    except OSError as exc:  # a subdirectory gone meanwhile, unreadable, or a path too long
        raise CcalError(f"{path}: cannot read the directory: {exc.strerror or exc}") from None
    if not found:
        raise CcalError(f"{path}: no {' or '.join(suffixes)} file in this directory")
    advance = phase(f"Reading {len(found)} files", len(found))
    files = []
    for file in found:
        try:
            files.append((read_input(file)[0], str(file)))  # bounded, as a single file is
        except OSError as exc:
            raise CcalError(f"{file}: cannot read the file: {exc.strerror or exc}") from None
        advance(1)
    return files


def _counted(count: int, one: str, many: str | None = None) -> str:
    """``1 date``, ``2 dates``: the summary line reads as English for any count."""
    return f"{count:,} {one if count == 1 else many or one + 's'}"


def _report_items(result: Any, path: Path, target: Path, json_output: bool, noun: str) -> None:
    """The summary on stdout; the first skip reasons on stderr, as ``_report`` does."""
    if json_output:
        print_json(
            {
                "file": str(path),
                "output": str(target),
                "items": result.total,
                "imported": result.imported,
                "dates": result.cutoffs,
                "skipped": result.skipped,
                "skip_reasons": result.reasons,
            }
        )
        return
    if noun == "calendar items":  # several events can be one opportunity's dates
        many = _counted(result.imported, "opportunity", "opportunities")
        done = f"{result.cutoffs:,} of {result.total:,} {noun} as {many}"
    else:
        done = (
            f"{result.imported:,} of {result.total:,} {noun} ({_counted(result.cutoffs, 'date')})"
        )
    print(f"Imported {done} into {target}; {result.skipped:,} skipped.")
    for reason in result.reasons:
        print(f"ccal: warning: skipped {reason}", file=sys.stderr)
    if result.skipped > len(result.reasons):
        more = result.skipped - len(result.reasons)
        print(f"ccal: warning: … and {more:,} more skipped", file=sys.stderr)
