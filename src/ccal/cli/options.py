"""Options shared by several commands (declared once) and their conversion to core values."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple, TypeVar

import typer

from ccal.errors import UsageProblem
from ccal.rules import KINDS

if TYPE_CHECKING:
    from ccal.catalog import Catalog
    from ccal.cli.clickapi import Context
    from ccal.pipeline.select import Selection
    from ccal.query import Filters, Listing, Scope, StreamedListing, Window

T = TypeVar("T")


# --- options shared by several commands, declared once ----------------------------------------


# The --kind choices: ``rules.KINDS``, as an enum for Typer.
KindChoice = StrEnum("KindChoice", [(kind, kind) for kind in KINDS])  # type: ignore[misc]  # members from KINDS: mypy reads only literals


class StatusChoice(StrEnum):
    """Values of ``--status`` and ``ccal mark``: ``pipeline.state.STATUSES`` (a test keeps them
    equal), spelt out so type checkers see the members."""

    watching = "watching"
    preparing = "preparing"
    submitted = "submitted"
    done = "done"
    dropped = "dropped"


class FormatChoice(StrEnum):
    """Values of ``--format``; ``ccal.render.formats.RENDERERS`` maps each to its renderer."""

    json = "json"
    ndjson = "ndjson"
    csv = "csv"
    ics = "ics"
    md = "md"


def complete_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """Ids for shell completion, from the files the command would read: ``--data`` typed so
    far, else ``CCAL_DATA`` (both already in ``ctx.params``), else the default files."""
    try:
        from ccal.loader import load_catalog
        from ccal.sources import active_sources

        paths = active_sources(ctx.params.get("data") or None)
        return [i for i in load_catalog(paths).ids() if i.startswith(incomplete)]
    except Exception:  # completion must never print a traceback into the shell
        return []


def from_environment(ctx: Context, name: str) -> bool:
    """Whether parameter ``name`` took its value from its environment variable (click's
    ``ParameterSource.ENVIRONMENT``, compared by name: the enum is not public in Typer)."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name == "ENVIRONMENT"


def _data_files(ctx: typer.Context, value: list[Path] | None) -> list[Path] | None:
    """``CCAL_DATA`` without its empty entries (``a.toml::b.toml``, a trailing ``:``), which
    the option parser would otherwise read as ``.``, the current directory."""
    if not from_environment(ctx, "data"):
        return value
    entries = [Path(e) for e in os.environ.get("CCAL_DATA", "").split(os.pathsep) if e]
    return entries or None


def data_param(help_text: str) -> Any:
    """``--data`` (also ``CCAL_DATA``) with its own help: the reading commands read the files,
    ``add`` and ``extend`` write one. The ``typer.Option``, for ``Annotated[list[Path] | None,
    data_param(...)]`` (an alias mypy can read, unlike one returned by a call)."""
    return typer.Option(
        "--data",
        envvar="CCAL_DATA",
        callback=_data_files,
        readable=False,  # the loader says "cannot read the file" (click blamed CCAL_DATA)
        metavar="FILE",
        show_default=False,
        help=help_text,
    )


# Typer adds "[env var: …]" itself: the help says only what that does not.
DataOpt = Annotated[
    list[Path] | None,
    data_param(
        "Data file to read (repeatable); replaces the shipped dataset and your own file. "
        "In CCAL_DATA, separate paths with ':' (';' on Windows)."
    ),
]
AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        envvar="CCAL_NOW",
        metavar="WHEN",
        show_default=False,
        help="Pretend it is WHEN (2022-06-01, '2022-07-29 17:59', +3d); naive times are in the "
        "display zone.",
    ),
]


def tz_param(help_text: str) -> Any:
    """``--tz`` (also ``CCAL_TZ``): the display zone, said in each command's own terms; for
    ``Annotated[str | None, tz_param(...)]``."""
    return typer.Option(
        "--tz", envvar="CCAL_TZ", metavar="ZONE", show_default=False, help=help_text
    )


TzOpt = Annotated[str | None, tz_param("Show times in this IANA zone (default: the system zone).")]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print JSON (see README) instead of a table.")
]
EstimatedOpt = Annotated[
    bool,
    typer.Option(
        "--estimated",
        help="Add the estimated next dates of series whose next edition is not yet known, "
        "marked as estimates in every format (docs/estimates.md).",
    ),
]
FormatOpt = Annotated[
    FormatChoice | None,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        show_default=False,
        help="Print json, ndjson, csv, ics (iCalendar) or md (Markdown) instead of a table "
        "(see docs/export.md); --json is short for --format json.",
    ),
]


def _kinds(ctx: typer.Context, param: Any, value: list[str] | None) -> list[str] | None:
    """``--kind``: any case, repeatable or comma-separated (``rules.chosen``). Which kinds exist
    is known once the data is loaded (a file may declare its own): ``check_kinds``."""
    from ccal.rules import chosen

    if value is None:
        return None
    picked, other = chosen(value, KINDS)
    kinds = [*picked, *(word.casefold() for word in other)]
    if not kinds:
        raise typer.BadParameter(f"'{','.join(value)}' names no kind.", ctx=ctx, param=param)
    return kinds


def complete_kinds(incomplete: str) -> list[str]:
    """The kinds ``--kind`` takes here: the built-in ones and those the data files declare;
    after a comma, the next one of the list."""
    done, _, last = incomplete.rpartition(",")
    prefix = f"{done}," if done else ""
    chosen = {word.strip().casefold() for word in done.split(",")}
    try:
        from ccal.sources import active_sources, declared_kinds

        given = [Path(e) for e in os.environ.get("CCAL_DATA", "").split(os.pathsep) if e]
        kinds: tuple[str, ...] = (*KINDS, *declared_kinds(active_sources(given or None)))
    except Exception:  # completion must never print a traceback into the shell
        kinds = KINDS
    return [
        prefix + kind
        for kind in dict.fromkeys(kinds)
        if kind.startswith(last.casefold()) and kind not in chosen
    ]


KindOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--kind",
        "-k",
        metavar="KIND",
        callback=_kinds,
        autocompletion=complete_kinds,
        show_default=False,
        help="Only this kind (repeatable, or comma-separated: -k call,event; any case): talk, "
        "call, event, survey or one the data declares.",
    ),
]
TagOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--tag", "-t", show_default=False, help="Only entries with this tag (repeatable: all)."
    ),
]


def complete_series(incomplete: str) -> list[str]:
    """The series of the active data (``ccal series`` lists them)."""
    try:
        from ccal.loader import load_catalog
        from ccal.series import summaries
        from ccal.sources import active_sources

        given = [Path(e) for e in os.environ.get("CCAL_DATA", "").split(os.pathsep) if e]
        found = summaries(load_catalog(active_sources(given or None)))
        return [s.slug for s in found if s.slug.startswith(incomplete.lower())]
    except Exception:  # completion must never print a traceback into the shell
        return []


def series_slug(value: Any) -> Any:
    """``--series AAAI`` and ``ccal series AAAI`` mean ``aaai``: a series slug is lower-case
    (``models.Slug``) and people type the acronym, so it is taken in any case, as ``--kind``."""
    if isinstance(value, list):
        return [name.lower() for name in value]
    return value.lower() if isinstance(value, str) else value


SeriesOpt = Annotated[
    str | None,
    typer.Option(
        "--series",
        metavar="SLUG",
        show_default=False,
        callback=series_slug,
        autocompletion=complete_series,
        help="Only the editions of this series (see 'ccal series').",
    ),
]
OrganiserOpt = Annotated[
    str | None,
    typer.Option("--organiser", show_default=False, help="Organiser contains TEXT."),
]
SearchOpt = Annotated[
    str | None,
    typer.Option(
        "--search",
        "-s",
        show_default=False,
        help="Text in id, title, summary, label, location or tags; ignores case and accents.",
    ),
]
WithinOpt = Annotated[
    str | None,
    typer.Option(
        "--within",
        metavar="DURATION",
        help="Only the next DURATION (30d, 2w, 12h).",
        show_default=False,
    ),
]
UntilOpt = Annotated[
    str | None,
    typer.Option(
        "--until",
        metavar="WHEN",
        help="Only up to WHEN (a date includes that day).",
        show_default=False,
    ),
]
FromOpt = Annotated[
    str | None,
    typer.Option("--from", metavar="WHEN", help="Only from WHEN on.", show_default=False),
]
ToOpt = Annotated[
    str | None,
    typer.Option(
        "--to",
        metavar="WHEN",
        help="Only up to WHEN (a date includes that day).",
        show_default=False,
    ),
]
LimitOpt = Annotated[
    int | None,
    typer.Option("--limit", "-n", min=1, metavar="N", help="At most N rows.", show_default=False),
]
PastOpt = Annotated[bool, typer.Option("--past", help="Only what has passed.")]
AllOpt = Annotated[
    bool,
    typer.Option("--all", "-a", help="Past and upcoming, and what you marked done or dropped."),
]
MineOpt = Annotated[
    bool,
    typer.Option("--mine", help="Only what you marked with 'ccal mark' (any status but dropped)."),
]
StatusOpt = Annotated[
    list[StatusChoice] | None,
    typer.Option(
        "--status",
        show_default=False,
        help="Only what you marked with this status (repeatable: any of them).",
    ),
]
ClosedOpt = Annotated[
    bool, typer.Option("--all", "-a", help="Also what you marked done or dropped.")
]
ExitStatusOpt = Annotated[
    bool,
    typer.Option(
        "--exit-status",
        help="Exit 1 when nothing is due (like grep), 0 otherwise: for cron and scripts.",
    ),
]


# --- turning option values into core values ---------------------------------------------------


def selection_from(
    mine: bool = False, status: Sequence[StatusChoice] | None = None, everything: bool = False
) -> Selection:
    """``--mine``, ``--status`` and ``--all`` as a ``pipeline.select.Selection``."""
    from ccal.pipeline.select import Selection

    return Selection(
        mine=mine, statuses=tuple(s.value for s in status or ()), everything=everything
    )


@dataclass(frozen=True)
class Session:
    """What every command needs: the moment asked about, the display zone, the data files."""

    now: datetime
    zone: tzinfo
    paths: list[Path]
    zone_from: str | None = None  # "--tz", "CCAL_TZ", or None (the system zone)

    def catalog(self, window: Window | None = None, *, models: bool = True) -> Catalog:
        """The loaded data, repeating dates expanded around now (or over ``window``);
        ``models=False``: for reading only (``index.load_catalog``)."""
        from ccal.index import load_catalog  # the index when trusted, else the files
        from ccal.recurrence import span

        start, end = (window.start, window.end) if window is not None else (None, None)
        loaded = load_catalog(self.paths, now=self.now, zone=self.zone, models=models)
        return loaded.expanded(*span(self.now, start, end))

    @cached_property
    def marks(self) -> dict[str, Any]:
        """The user's pipeline (``ccal mark``): marks by id, from the state file."""
        from ccal.pipeline.state import load_state

        return dict(load_state().marks)

    def mine(self, catalog: Catalog, selection: Selection) -> Catalog:
        """``catalog`` narrowed to what ``selection`` keeps of the user's pipeline."""
        from ccal.pipeline.select import narrow

        return narrow(catalog, self.marks, selection)

    def select(
        self,
        window: Window,
        typed: tuple[Any, Any, Any, Any, Any],
        selection: Selection,
        scope: Scope = "upcoming",
        limit: int | None = None,
    ) -> Selected:
        """The listing commands' one pipeline: load over ``window``, the typed filters
        (``(kind, tag, organiser, search, series)``, kinds checked against what loaded), the
        user's pipeline ``selection``, then ``query.select_listing``."""
        from ccal.query import select_listing

        loaded = self.catalog(window)
        kind, tag, organiser, search, series = typed
        filters = filters_from(kind, tag, organiser, search, loaded, series)
        catalog = self.mine(loaded, selection)
        listing = select_listing(
            catalog, self.now, self.zone, filters, window, scope, limit, self.marks
        )
        return Selected(loaded, catalog, filters, listing)

    def streamed(
        self,
        window: Window,
        typed: tuple[Any, Any, Any, Any, Any],
        selection: Selection,
        scope: Scope = "upcoming",
        limit: int | None = None,
    ) -> Streamed | None:
        """``select`` for an export of any size: the listing streamed from a trusted index
        (``index.streamed``: no catalog is loaded), or None, and then ``select``."""
        from ccal.index.policy import disabled

        if disabled():
            return None
        from ccal.index.streamed import streamed_listing

        kind, tag, organiser, search, series = typed
        if series is not None:
            return None  # the series is checked against the loaded catalog (``check_series``)
        filters = filters_from(kind, tag, organiser, search, None, series)
        found = streamed_listing(
            self.paths, self.now, self.zone, filters, window, scope, limit, self.marks, selection
        )
        return None if found is None else Streamed(filters, *found)

    def streamed_items(
        self,
        typed: tuple[Any, Any, Any, Any, Any],
        scope: Scope,
        limit: int | None,
        title: str | None,
    ) -> Any:
        """``list``'s table of opportunities (no window, ``--mine`` or ``--status``) from a
        trusted index, drawn a chunk at a time (``index.items``: no catalog is loaded), or
        None, and then the catalog is loaded. ``title`` None: ``list --json``'s records of the
        same opportunities instead, an iterator (``index.items.item_records``)."""
        from ccal.index.policy import disabled

        if disabled():
            return None
        import sqlite3

        from ccal.index.items import item_records, items_table
        from ccal.index.policy import Corrupt
        from ccal.index.reader import Index
        from ccal.query import Filters
        from ccal.rules import KINDS

        kind, tag, organiser, search, series = typed
        filters = filters_from(kind, tag, organiser, search, None, series)
        if series is not None or any(wanted not in KINDS for wanted in filters.kinds):
            return None  # the files' own kinds are checked against the loaded catalog
        index = Index.open(self.paths)
        if index is None:
            return None
        chosen = None if filters == Filters() else filters
        try:
            if title is None:
                return item_records(index, self.now, scope, chosen, self.marks, limit)
            return items_table(index, self.now, self.zone, scope, chosen, self.marks, limit, title)
        except (sqlite3.Error, Corrupt, ValueError, KeyError, TypeError):
            return None


class Streamed(NamedTuple):
    """What ``Session.streamed`` chose: the filters, the listing, and each opportunity's
    LAST-MODIFIED (``render.ics.modified_times``)."""

    filters: Filters
    listing: StreamedListing
    modified: dict[str, datetime]


class Selected(NamedTuple):
    """What ``Session.select`` chose: the catalog as loaded (estimates look at all of it), as
    narrowed to the user's pipeline, the filters, and the listing."""

    loaded: Catalog
    catalog: Catalog
    filters: Filters
    listing: Listing


def parsed(option: str, parse: Callable[[str], T], value: str) -> T:
    from ccal.clock import TimeInputError

    try:
        return parse(value)
    except TimeInputError as exc:
        raise UsageProblem(f"invalid value for {_source_of(option)}: {exc}") from None


def _source_of(option: str) -> str:
    """``'--as-of'``, or ``CCAL_NOW`` when the bad value came from that variable: the user typed
    no ``--as-of``, so the message must point at what they can fix."""
    from ccal.cli.clickapi import get_current_context

    ctx = get_current_context(silent=True)
    if ctx is None:
        return f"'{option}'"
    for param in ctx.command.params:
        named = option in param.opts and isinstance(param.envvar, str) and param.name
        if named and from_environment(ctx, param.name):
            return f"{param.envvar} (environment variable)"
    return f"'{option}'"


def pinned_now() -> datetime:
    """When a writer without ``--as-of`` (``sync``, ``import``) ran, as its files and logs record
    it: the real clock, or ``CCAL_NOW`` (tests pin it, as everywhere)."""
    import os

    return session_from(os.environ.get("CCAL_NOW") or None, None, []).now


def session_from(as_of: str | None, tz: str | None, data: list[Path] | None) -> Session:
    from ccal.clock import parse_when, zone_named
    from ccal.sources import active_sources, default_zone

    # ``is not None``: an empty value typed on the command line (``--as-of ""``) is an error, not
    # the default (Click already reads an empty CCAL_NOW or CCAL_TZ as unset).
    zone = parsed("--tz", zone_named, tz) if tz is not None else default_zone()
    real_now = datetime.now(UTC).astimezone(zone)
    now = real_now
    if as_of is not None:
        now = parsed("--as-of", lambda text: parse_when(text, zone, now=real_now), as_of)
    # In the display zone whatever the input carried (UTC for the real clock, a typed offset):
    # day-based spans (``--within 1d``, ``+1d``) keep the wall clock of the zone the user reads.
    zone_from = None if tz is None else "CCAL_TZ" if _from_environment("tz") else "--tz"
    paths = active_sources(data)
    if data:
        require_files(paths)
    return Session(now=now.astimezone(zone), zone=zone, paths=paths, zone_from=zone_from)


def require_files(paths: list[Path]) -> None:
    """Files named with ``--data`` or ``CCAL_DATA`` must exist: said once, with the ``ccal:``
    prefix and where the name came from (a variable set long ago is easy to forget)."""
    missing = [path for path in paths if _missing(path)]
    if missing:
        from ccal.errors import CcalError

        named = (
            "in the CCAL_DATA environment variable" if _from_environment("data") else "with --data"
        )
        names = ", ".join(str(path) for path in missing)
        many = len(missing) > 1
        raise CcalError(f"{names}: no such data file{'s' if many else ''} (named {named})")


def _missing(path: Path) -> bool:
    """Not there at all; a file that is there but cannot be reached (a symlink loop, a folder
    without search permission) is the loader's to report, with its reason."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


def require_data(data: list[Path] | None) -> None:
    """``require_files`` for the files ``--data`` names, before a command looks an id up in them
    (``authoring.file_with``)."""
    from ccal.sources import active_sources

    if data:
        require_files(active_sources(data))


def _from_environment(name: str) -> bool:
    """Whether the current command's parameter ``name`` came from its environment variable."""
    from ccal.cli.clickapi import get_current_context

    ctx = get_current_context(silent=True)
    return ctx is not None and from_environment(ctx, name)


def filters_from(
    kind: Sequence[Any] | None,
    tag: Sequence[str] | None,
    organiser: str | None,
    search: str | None,
    catalog: Catalog | None = None,
    series: str | None = None,
) -> Filters:
    """The filters typed; with ``catalog``, a ``--kind`` it has no such kind of is refused."""
    from ccal.query import Filters

    filters = Filters(
        kinds=tuple(getattr(k, "value", k) for k in kind or ()),
        tags=tuple(tag or ()),
        organiser=organiser,
        search=search,
        series=series,
    )
    if catalog is not None:
        check_kinds(filters, catalog)
        check_series(filters, catalog)
    return filters


def check_series(filters: Filters, catalog: Catalog) -> None:
    """``--series`` names a series of the data (a typo listed nothing, silently, and the
    listing said "Without : …"), as ``ccal series SLUG`` asks, with "did you mean"."""
    if filters.series is None:
        return
    known = sorted({i.opportunity.series for i in catalog.items if i.opportunity.series})
    if filters.series not in known:
        from ccal.errors import LookupFailed
        from ccal.series import unknown_series_message

        raise LookupFailed(unknown_series_message(filters.series, known))


def check_kinds(filters: Filters, catalog: Catalog) -> None:
    """``--kind`` names a built-in kind or one the loaded files declare (``Catalog.kinds``), with
    the data file's own wording and "did you mean" for anything else."""
    known = catalog.kinds()
    for wanted in filters.kinds:
        if wanted not in known:
            from ccal.models import unknown_kind_message
            from ccal.sources import declared_kinds

            # Declared but not used yet: rare, so only this path reads the files' tops.
            known = tuple(dict.fromkeys((*known, *declared_kinds({i.path for i in catalog.items}))))
            if wanted in known:
                continue

            raise UsageProblem(f"invalid value for '--kind': {unknown_kind_message(wanted, known)}")


def window_from(
    session: Session,
    *,
    start: str | None = None,
    end: str | None = None,
    within: str | None = None,
    until: str | None = None,
    ahead: bool = False,
) -> Window:
    """The window from --from/--to/--within/--until (``rules.window_bounds``, the one rule the
    fast path uses too); its errors are usage errors. ``ahead``: the command lists only what
    has not passed, so an end before now is an error."""
    from ccal.clock import TimeInputError
    from ccal.query import Window
    from ccal.rules import window_bounds

    try:
        start_at, end_at = window_bounds(
            session.zone,
            session.now,
            start=start,
            end=end,
            within=within,
            until=until,
            ahead=ahead,
        )
    except TimeInputError as exc:
        raise UsageProblem(str(exc)) from None
    return Window(start=start_at, end=end_at)


def print_json(data: Any) -> None:
    from ccal.render.json import dumps

    print(dumps(data))


IdArg = Annotated[
    str, typer.Argument(metavar="ID", help="The opportunity's id.", autocompletion=complete_ids)
]
