"""The Typer app and the one place where failures become a message and an exit code."""

import os
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from ccal import __version__
from ccal.errors import EXIT_INTERNAL, EXIT_OK, CcalError, ConfigValueWrong, DataError

T = TypeVar("T")
CommandFunction = TypeVar("CommandFunction", bound=Callable[..., Any])

# Every command: the module of ``ccal.cli`` that registers it, and the line ``ccal --help`` shows
# for it, in the order people need them (reading, then writing). The root help is printed from
# this table alone (``summary_app``), without importing the modules: a test holds it, byte for
# byte, to the help of the fully registered app, so a summary here is its docstring's first line.
COMMANDS = {
    "upcoming": ("listing", "What is coming next, soonest first, with a countdown."),
    "list": ("listing", "Opportunities (or with --dates, their dates) matching the filters."),
    "deadlines": (
        "listing",
        "Every date of one call (or any opportunity): passed, next, upcoming.",
    ),
    "show": ("listing", "Everything about one opportunity."),
    "countdown": (
        "countdown",
        "The next deadline and the time left, on the entry's clock and yours.",
    ),
    "remind": (
        "countdown",
        "One short line per entry due soon (default: the next 7 days), nothing when none is.",
    ),
    "export": (
        "export",
        "Write the dates you filtered as JSON, NDJSON, CSV, iCalendar or Markdown.",
    ),
    "publish": (
        "publish",
        "Write the upcoming dates as a static web site with calendar feeds, into DIR.",
    ),
    "series": (
        "series",
        "The series of the data (editions, first and latest year), or one series year by year.",
    ),
    "validate": (
        "authoring",
        "Check data files and report every problem as FILE:LINE:COL: message.",
    ),
    "schema": (
        "authoring",
        "Print the JSON Schema of the data file, for editors (taplo / Even Better TOML).",
    ),
    "add": (
        "authoring",
        "Add an opportunity to your data file (or --data FILE), keeping the rest byte for byte.",
    ),
    "extend": (
        "authoring",
        "Move a date and keep where it was (previous = …), editing nothing else in the file.",
    ),
    "edit": (
        "pipeline",
        "Open $VISUAL or $EDITOR on the file holding one of your opportunities, at its line.",
    ),
    "remove": (
        "pipeline",
        "Remove one of your own opportunities from its file, keeping every other byte.",
    ),
    "mark": (
        "pipeline",
        "Say where you stand with any entry (shipped, imported or yours): kept in your state file.",
    ),
    "note": (
        "pipeline",
        "Add a dated note to any entry, in your state file (shown by 'show' and in JSON's "
        '"mine").',
    ),
    "notify": (
        "notify",
        "Send each reminder once: 7d, 1d and 2h before your dates (see docs/notify.md).",
    ),
    "import": ("importing", "Bring opportunities in from other sources (writes a ccal data file)."),
    "source": ("syncing", "The sources 'ccal sync' fetches (kept in the configuration file)."),
    "sync": (
        "syncing",
        "Fetch every source, convert it and replace its data if it changed; log what changed.",
    ),
    "changes": (
        "syncing",
        "What 'ccal sync' changed, newest first: added, removed, moved, retitled, status.",
    ),
}
GROUPS = ("import", "source")  # commands with subcommands of their own


# --- one place that turns every failure into one line and an exit code ------------------------


class _PipeClosed(Exception):
    """The reader of stdout went away; carried past Typer, which would turn it into exit 1."""


class CcalGroup(TyperGroup):
    """Runs a command and maps what went wrong to a short message on stderr and an exit code."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        plain_help(self, ctx)
        super().format_help(ctx, formatter)

    def list_commands(self, ctx: Any) -> list[str]:
        order = list(COMMANDS)
        return sorted(self.commands, key=lambda n: order.index(n) if n in order else len(order))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            raise _PipeClosed from None

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = False,  # always False: the failures are mapped to exit codes here
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        extra["standalone_mode"] = False
        extra["windows_expand_args"] = windows_expand_args
        import warnings  # already loaded with the app (typer, click): no start-up cost

        warnings.showwarning = _warning_line
        try:
            result = super().main(args, prog_name or "ccal", complete_var, **extra)
        except typer.Abort:
            _exit(130)
        except ConfigValueWrong as exc:  # worded here: ``ccal.config`` is above ``ccal.sources``
            from pathlib import Path

            from ccal.config import key_problem

            print(key_problem(exc.key, Path(exc.file)).as_error(), file=sys.stderr)
            _exit(exc.exit_code)
        except DataError as exc:
            for problem in exc.problems:  # FILE:LINE:COL: message, or ccal: FILE: message
                print(problem.as_error(), file=sys.stderr)
            _exit(exc.exit_code)
        except CcalError as exc:
            _error(exc.message)
            _exit(exc.exit_code)
        except (BrokenPipeError, _PipeClosed):
            _quiet_broken_pipe()
        except SystemExit as exc:
            # Rich (tables, help) and Typer (--version, help without Rich) handle a closed pipe
            # themselves with exit 1. A reader that stopped early is no error here: exit 0.
            if exc.code == 1 and _pipe_was_closed():
                _quiet_broken_pipe()
            raise
        except Exception as exc:
            from ccal.cli.clickapi import ClickException, NoArgsIsHelpError, UsageError

            if isinstance(exc, NoArgsIsHelpError):
                typer.echo(exc.format_message())
                _exit(EXIT_OK)
            if isinstance(exc, UsageError):
                command = exc.ctx.command_path if exc.ctx else "ccal"
                message = _plain(exc.format_message())
                _error(f"{_sentence(message).removesuffix('.')} (see '{command} --help')")
                _exit(exc.exit_code)
            if isinstance(exc, ClickException):
                _error(exc.format_message())
                _exit(exc.exit_code)
            if os.environ.get("CCAL_DEBUG"):
                raise
            # A bug, not the user's doing: one line, never a traceback (CCAL_DEBUG=1 shows it).
            _error(f"internal error ({type(exc).__name__}: {exc}); please report it")
            _exit(EXIT_INTERNAL)
        _exit(result if isinstance(result, int) else EXIT_OK)


# pydantic's and Typer's wording for a bad option value, as people say it.
_PLAIN = (
    ("Value error, ", ""),
    ("Input should be greater than or equal to ", "must be at least "),
    ("Input should be less than or equal to ", "must be at most "),
    ("Input should be a valid integer, unable to parse string as an integer", "not a whole number"),
    ("Input should be ", "must be "),
)


def _plain(message: str) -> str:
    for theirs, ours in _PLAIN:
        message = message.replace(theirs, ours)
    return message


def _sentence(message: str) -> str:
    return message[:1].lower() + message[1:] if message[:2] != message[:2].upper() else message


def _error(message: str) -> None:
    from ccal.controlchars import printable  # messages may quote data or what was typed

    print(f"ccal: {printable(message)}", file=sys.stderr)


def _warning_line(message: Warning | str, *_where: Any, **_how: Any) -> None:
    """A library's warning (icalendar guessing a vendor-prefixed TZID) as one ``ccal: warning:``
    line, like ccal's own, never with Python's file name and source line beneath it."""
    _error(f"warning: {message}")


def _exit(code: int) -> NoReturn:
    try:
        if sys.stdout is not None:  # None: started with stdout closed (``>&-``)
            sys.stdout.flush()
    except BrokenPipeError:
        _quiet_broken_pipe()
    except OSError:  # a full disk: what could be said was said on stderr
        pass
    sys.exit(code)


def _pipe_was_closed() -> bool:
    """Whether Rich or Typer met a closed stdout: Rich points it at /dev/null, Typer wraps it in
    Click's ``PacifyFlushWrapper`` (their only ways of saying so before exiting 1)."""
    if type(sys.stdout).__name__ == "PacifyFlushWrapper":
        return True
    try:
        return os.path.samestat(os.fstat(sys.stdout.fileno()), os.stat(os.devnull))
    except (OSError, ValueError, AttributeError):  # no file descriptor (a test harness)
        return False


def _quiet_broken_pipe() -> NoReturn:
    """A reader that stopped early (``| head``) is not an error: exit 0 without a word."""
    from ccal.streams import silence_stdout

    silence_stdout()
    sys.exit(EXIT_OK)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ccal {__version__}")
        raise typer.Exit()


# --- help that reads plainly ---------------------------------------------------------------------

# Typer writes the Python type where a value goes (``--json <bool>``, ``--search <str>``,
# ``--data <list[Path]>``); people expect a word for what to type, and nothing after a flag.
_VALUE_WORDS = {"str": "TEXT", "int": "N", "float": "NUMBER", "path": "FILE", "Path": "FILE"}


def _value_word(param: Any, ctx: Any) -> str | None:
    """What goes after an option in help: its metavar, a plain word, the choices, or nothing."""
    if param.metavar is not None:
        return param.metavar
    if param.is_flag or param.count:
        return None
    label = param.display_type(ctx).strip("<>")
    if label.startswith("list[") and label.endswith("]"):
        label = label[5:-1]
    return _VALUE_WORDS.get(label, label if "|" in label else label.upper())


def plain_help(command: Any, ctx: Any) -> None:
    """Give ``command``'s options plain value words and its arguments none (their name, shown
    beside, says it all), before Typer renders its help; with ``NO_COLOR``, help has no styling
    at all (Rich alone would drop colours but keep bold and dim), as every other output."""
    from typer import rich_utils
    from typer.core import TyperArgument, TyperOption

    rich_utils.COLOR_SYSTEM = None if os.environ.get("NO_COLOR") else "auto"
    if command.help and not getattr(command, "_unwrapped", False):
        command.help = unwrapped(command.help)
        command._unwrapped = True  # our marker, as ``_plain`` below

    for param in command.get_params(ctx):
        if isinstance(param, TyperOption) and not hasattr(param, "_plain"):
            word = _value_word(param, ctx)
            # Typer's own method replaced on this one parameter (no hook for the value word)
            param.display_type_rich = lambda ctx, word=word: word  # type: ignore[method-assign,misc]
            param._plain = True  # type: ignore[attr-defined]  # our marker: made plain once
        elif isinstance(param, TyperArgument):
            param.display_type_rich = lambda ctx: None  # type: ignore[method-assign]


def unwrapped(docstring: str) -> str:
    """A command's docstring as paragraphs of one line each, for the terminal to wrap.

    Typer 0.29 keeps the single line breaks of every paragraph after the first, so a docstring
    wrapped at 100 columns for the source came out ragged on an 80-column terminal (a long line,
    then a two-word one). A paragraph starting with ``\\b`` keeps its lines, as in Click; an
    ``Example: ccal …`` starts a paragraph of its own, wherever the docstring put it, so the
    command to copy is never wrapped into the prose before it.
    """
    import inspect

    paragraphs = []
    for paragraph in inspect.cleandoc(docstring).split("\n\n"):
        if paragraph.startswith("\b"):
            paragraphs.append(paragraph)
            continue
        prose, *examples = " ".join(paragraph.split("\n")).split(" Example: ")
        paragraphs += [prose, *(f"Example: {example}" for example in examples)]
    return "\n\n".join(paragraphs)


class CcalCommand(TyperCommand):
    """A command whose usage line reads ``ccal show [OPTIONS] ID``: Typer writes a required
    argument as ``{ID}``, which reads like a literal brace or a choice."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)
        return [p[1:-1] if p[:1] == "{" and p[-1:] == "}" else p for p in pieces]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        plain_help(self, ctx)
        super().format_help(ctx, formatter)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Click raises "option requires an argument" without its context, so the hint would
        point at 'ccal --help'; attach this command's."""
        from ccal.cli.clickapi import UsageError

        try:
            return super().parse_args(ctx, args)
        except UsageError as exc:
            if exc.ctx is None:
                exc.ctx = ctx
            raise


class CcalTyper(typer.Typer):
    """The app: every command registered on it is a ``CcalCommand`` unless told otherwise."""

    def command(
        self, *args: Any, cls: Any = None, **kwargs: Any
    ) -> Callable[[CommandFunction], CommandFunction]:
        return super().command(*args, cls=cls or CcalCommand, **kwargs)


def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Read the data files, not the index in the cache directory. Env: CCAL_NO_CACHE=1.",
        ),
    ] = False,
    no_pager: Annotated[
        bool,
        typer.Option(
            "--no-pager",
            help="Print long tables straight to the terminal, not through $CCAL_PAGER, $PAGER "
            "or less.",
        ),
    ] = False,
) -> None:
    """Deadlines of calls, cut-offs and events, from one TOML file."""
    from ccal import paging

    paging.enabled = not no_pager  # set on every run: tests invoke in-process
    if no_cache or "ccal.index.policy" in sys.modules:  # set on every run: tests run in-process
        from ccal.index import policy

        policy.bypass = no_cache


def _root_app() -> CcalTyper:
    """A new root app with its options and no command: the one the command modules register
    on (``app``), and the one the root help is printed from (``summary_app``)."""
    new = CcalTyper(
        name="ccal",
        cls=CcalGroup,
        help=(
            "Deadlines of calls, cut-offs and events, from one TOML file.\n\n"
            "Examples:\n\n"
            "  ccal upcoming --as-of 2022-06-01\n\n"
            "  ccal deadlines --call clusters-meet-regions\n\n"
            "  ccal list --all --search kosice\n\n"
            "  ccal upcoming --json | jq '.[0].title'"
        ),
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    new.callback()(_root)
    return new


app = _root_app()  # registered by ``ccal.cli``'s modules; ``from ccal.cli import app`` has them all


def summary_app() -> CcalTyper:
    """The root app with each command as a name and a line (``COMMANDS``): all ``ccal --help``
    prints, built without importing the ten command modules (a sixth of its start-up)."""

    def summary_only() -> None:  # never run: a command of the root help has no options
        raise AssertionError("a command of the root help was invoked")

    new = _root_app()
    for name, (_module, summary) in COMMANDS.items():
        if name in GROUPS:
            new.add_typer(CcalTyper(help=summary), name=name)
        else:
            new.command(name, help=summary)(summary_only)
    return new
