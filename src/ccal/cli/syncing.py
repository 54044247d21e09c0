"""Sources you subscribe to: ``ccal source add/list/remove``, ``ccal sync``, ``ccal changes``."""

import sys
from collections.abc import Callable
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ccal.cli.options import AsOfOpt, print_json, tz_param
from ccal.cli.root import CcalGroup, CcalTyper, app
from ccal.errors import UsageProblem
from ccal.importers.registry import FORMATS  # standard library only: the help names them

source_app = CcalTyper(
    name="source",
    cls=CcalGroup,
    help="The sources 'ccal sync' fetches (kept in the configuration file).",
    no_args_is_help=True,
)
app.add_typer(source_app, name="source")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (see docs/sync.md).")]


@source_app.command("add")
def source_add(
    name: Annotated[
        str,
        typer.Argument(
            metavar="NAME",
            help="A name for it (a-z, 0-9, '-'); its data goes to sources/NAME.toml.",
            show_default=False,
        ),
    ],
    location: Annotated[
        str | None,
        typer.Argument(
            metavar="LOCATION",
            help="An https:// or http:// URL, a file:// URL or a path (default: the format's "
            "published address, where it has one).",
            show_default=False,
        ),
    ] = None,
    format_name: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            show_default=False,
            help=f"What the source holds: {', '.join(FORMATS)} (default: NAME, when it names "
            "a format).",
        ),
    ] = None,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            metavar="LIST",
            show_default=False,
            help="eu-portal: only topics with these statuses (open, forthcoming, closed).",
        ),
    ] = None,
    programme: Annotated[
        list[str] | None,
        typer.Option(
            "--programme",
            metavar="ABBR",
            show_default=False,
            help="eu-portal: only topics of this programme (repeatable).",
        ),
    ] = None,
    search: Annotated[
        str | None,
        typer.Option(
            "--search",
            "-s",
            metavar="TEXT",
            show_default=False,
            help="eu-portal: only topics with TEXT in identifier, title, call or keywords.",
        ),
    ] = None,
) -> None:
    """Subscribe to a source: 'ccal sync' then fetches it, converts it and keeps it current.

    Example: ccal source add eu-portal --status open,forthcoming
    """
    from ccal import config
    from ccal.importers.registry import FORMATS, get

    fmt = get(format_name) if format_name else FORMATS.get(name)
    if fmt is None:
        raise UsageProblem(
            f"say which format '{name}' holds with '--format' (known: {', '.join(FORMATS)})"
        )
    location = location or fmt.location
    if not location:
        raise UsageProblem(f"format '{fmt.name}' has no published address: give a LOCATION")
    location = _absolute(location)
    given: dict[str, Any] = {"programme": programme or None, "search": search}
    if status:
        from ccal.cli.importing import _statuses

        given["status"] = sorted(_statuses(status))
    options = config.options_for(given)
    unknown = [key for key in options if key not in fmt.options]
    if unknown:
        flags = ", ".join(f"--{key}" for key in unknown)
        raise UsageProblem(f"format '{fmt.name}' takes no {flags}")
    path = _local_path(location)
    if path is not None and path.is_dir():  # there, and never a source: refused, not kept
        from ccal.fetch import DIRECTORY_SOURCE

        raise UsageProblem(f"{path} {DIRECTORY_SOURCE}; no source added")
    entry = _source(name=name, location=location, format=fmt.name, options=options)
    config.add_source(entry)
    print(f"Added source '{name}' ({config.describe(entry)}); fetch it with 'ccal sync {name}'.")
    if path is not None:
        _warn_if_missing(name, path)


def _local_path(location: str) -> Path | None:
    """The file a local source names (None: a URL, or another host's file:// URL, which the
    sync words)."""
    from ccal.probe import is_url, local_path

    if is_url(location):
        return None
    try:
        return local_path(location)
    except ValueError:
        return None


def _warn_if_missing(name: str, path: Path) -> None:
    """A local source that is not there (a typo, a drive not mounted) is kept, as written, but
    said at once: else the first word of it is the first sync's failure, from cron."""
    if not path.is_file():
        what = "is not a file" if path.exists() else "does not exist"
        print(
            f"ccal: warning: {path} {what} (yet): 'ccal sync {name}' fails until it is one",
            file=sys.stderr,
        )


def _absolute(location: str) -> str:
    """A path as an absolute one: ``sync`` runs from cron, in another directory."""
    import re
    from pathlib import Path

    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", location) or not location.strip():
        return location
    return str(Path(location).expanduser().absolute())


def _source(**values: Any) -> Any:
    """The entry as the configuration's model, its problems as usage errors."""
    from pydantic import ValidationError

    from ccal.config import SourceConfig

    try:
        return SourceConfig(**values)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        key = error["loc"][0] if error["loc"] else "source"
        message = str(error["msg"]).removeprefix("Value error, ")
        raise UsageProblem(f"invalid {key}: {message}") from None


@source_app.command("list")
def source_list(json_output: JsonOpt = False) -> None:
    """List the configured sources and where their synced data is."""
    from ccal import config
    from ccal.probe import shown_location
    from ccal.sources import synced_file

    rows: list[dict[str, Any]] = []
    for source in config.load().source:
        path = synced_file(source.name)
        rows.append(
            {
                "name": source.name,
                "format": source.format,
                "location": shown_location(source.location),
                "options": source.options,
                "file": str(path),
                "synced": path.is_file(),
            }
        )
    if json_output:
        print_json(rows)
        return
    if not rows:
        print("No sources. Add one with 'ccal source add' (e.g. ccal source add eu-portal).")
        return
    from ccal.controlchars import printable

    # Names and formats padded to one width, so the locations line up under each other.
    names = max(len(printable(row["name"])) for row in rows)
    formats = max(len(printable(row["format"])) for row in rows)
    for row in rows:
        options = " ".join(
            f"--{k} {','.join(v) if isinstance(v, list) else v}" for k, v in row["options"].items()
        )
        synced = "synced" if row["synced"] else "not synced yet"
        name, fmt = printable(row["name"]).ljust(names), printable(row["format"]).ljust(formats)
        rest = [printable(f) for f in (row["location"], options, f"({synced})") if f]
        print("  ".join([name, fmt, *rest]))


@source_app.command("remove")
def source_remove(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The source's name.")],
) -> None:
    """Unsubscribe: remove the source and its synced data (the change log keeps its history)."""
    from ccal.sync import remove_source

    removed = remove_source(name)
    gone = f"; deleted {removed[0]}" if removed else ""
    print(f"Removed source '{name}'{gone}.")


# --- sync ----------------------------------------------------------------------------------------


@app.command()
def sync(
    names: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="NAME", help="Sources to sync (default: all of them).", show_default=False
        ),
    ] = None,
    json_output: JsonOpt = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only failures (for cron).")
    ] = False,
) -> None:
    """Fetch every source, convert it and replace its data if it changed; log what changed.

    One line per source. A failed source keeps its last good copy; exit 1 if any failed.
    Example: ccal sync --quiet (in a crontab; see docs/sync.md)
    """
    from ccal import config
    from ccal.sync import digest
    from ccal.sync import sync as run

    settings, raw = config.loaded()
    known = [s.name for s in settings.source]
    if not known:
        raise UsageProblem("no sources to sync: add one with 'ccal source add'")
    for name in names or ():
        if name not in known:
            raise UsageProblem(config.unknown_source_message(name, settings))
    from ccal.cli.options import pinned_now

    now = pinned_now()
    show = not quiet and not json_output and sys.stderr.isatty()
    with _download_bar(show) as progress_for:
        outcomes = run(
            settings,
            list(dict.fromkeys(names or ())),
            now=now,
            progress_for=progress_for,
            config_digest=digest(raw),
        )
    if json_output:
        print_json([outcome.record() for outcome in outcomes])
    else:
        from ccal.controlchars import printable

        for outcome in outcomes:
            if outcome.status == "failed":
                print(f"ccal: {printable(outcome.line())}", file=sys.stderr)
            elif not quiet:
                print(printable(outcome.line()))
                for warning in outcome.warnings():
                    print(f"ccal: warning: {printable(warning)}", file=sys.stderr)
    if any(outcome.status == "failed" for outcome in outcomes):
        raise typer.Exit(1)


@contextmanager
def _download_bar(enabled: bool) -> Any:
    """``progress_for(name)`` for ``sync``: a Rich bar with bytes and rate on a terminal."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TransferSpeedColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:

        def progress_for(name: str) -> Callable[[int | None], Callable[[int], None]]:
            def start(total: int | None) -> Callable[[int], None]:
                task = bar.add_task(name, total=total)
                return lambda n: bar.advance(task, n)

            return start

        yield progress_for


# --- changes -------------------------------------------------------------------------------------


class ChangeKind(StrEnum):
    added = "added"
    removed = "removed"
    moved = "moved"
    retitled = "retitled"
    status = "status"


ChangesTzOpt = Annotated[
    str | None, tz_param("The zone the table shows sync times in (default: the display zone).")
]


@app.command()
def changes(
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="WHEN",
            show_default=False,
            help="Only changes synced since WHEN: a duration back from now (1d, 12h, 2w) or a "
            "moment (2026-11-30, yesterday).",
        ),
    ] = None,
    source: Annotated[
        list[str] | None,
        typer.Option("--source", metavar="NAME", show_default=False, help="Only this source."),
    ] = None,
    kind: Annotated[
        list[ChangeKind] | None,
        typer.Option("--kind", "-k", show_default=False, help="Only this kind of change."),
    ] = None,
    json_output: JsonOpt = False,
    as_of: AsOfOpt = None,
    tz: ChangesTzOpt = None,
) -> None:
    """What 'ccal sync' changed, newest first: added, removed, moved, retitled, status.

    Example: ccal changes --since 1d (in a morning cron mail: what moved overnight)
    """
    from ccal import changes as log
    from ccal.cli.options import session_from

    session = session_from(as_of, tz, [])
    start = _since(since, session) if since is not None else None
    chosen = log.select(
        log.read(),
        since=start,
        sources=tuple(source or ()),
        kinds=tuple(k.value for k in kind or ()),
    )
    if json_output:
        print_json(chosen)
        return
    from ccal.render import table
    from ccal.render.changes import changes_table

    console = table.make_console()
    if not chosen:
        if source or kind:  # the log may hold changes, just none of these
            console.print("No changes match these filters.")
        else:
            console.print(
                "No changes logged yet: 'ccal sync' logs what changes in your sources (add one "
                "with 'ccal source add')."
                if start is None
                else "No changes since then."
            )
        return
    console.print(changes_table(chosen, session.zone))


def _since(text: str, session: Any) -> Any:
    """A duration back from now, or a moment (the display zone's, for naive ones)."""
    from ccal.clock import TimeInputError, parse_duration, parse_when

    try:
        return parse_duration(text).before(session.now)
    except TimeInputError:
        pass
    try:
        return parse_when(text, session.zone, now=session.now)
    except TimeInputError as exc:
        raise UsageProblem(f"invalid value for '--since': {exc}") from None
