"""One exception hierarchy: each error carries its exit code and a message a user can act on."""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_DATA = 1  # bad data file, unknown id, nothing found where something was required
EXIT_USAGE = 2  # bad option value or command line
EXIT_INTERNAL = 70  # a bug in ccal (BSD's EX_SOFTWARE), reported in one line


@dataclass(frozen=True)
class Problem:
    """One located problem in a data file, printed as ``FILE:LINE:COL: message``."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    entry: str | None = None  # the opportunity id, where known
    field: str | None = None  # dotted path inside the entry, e.g. ``dates[1].at``
    severity: str = "error"  # "error" | "warning"

    def location(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        where = []
        if self.entry:
            where.append(f"opportunity '{self.entry}'")
        if self.field:
            where.append(f"field '{self.field}'")
        context = f"{', '.join(where)}: " if where else ""
        prefix = "warning: " if self.severity == "warning" else ""
        from ccal.controlchars import printable  # messages quote data: keep it off the terminal

        return printable(f"{self.location()}: {prefix}{context}{self.message}")

    def as_error(self) -> str:
        """The line on stderr when the problem stops a command. A located one reads as compilers
        print theirs (``FILE:LINE:COL: …``, which editors jump to); one with the whole file (a
        directory, not UTF-8, no permission: no line) reads as every other error, ``ccal: …``."""
        return str(self) if self.line is not None else f"ccal: {self}"


class CcalError(Exception):
    """Base class: anything a user can cause and fix. Never shown with a traceback."""

    exit_code = EXIT_DATA

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DataError(CcalError):
    """One or more problems in the data files; every one of them is reported."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(str(problems[0]) if problems else "invalid data")


class ConfigValueWrong(CcalError):
    """A key of the configuration file every command reads (``shipped``, ``timezone``) holds a
    value its reader refuses: ``cli.root`` prints the line ``validate`` lists for it
    (``config.key_problem``; ``ccal.config`` is above ``ccal.sources``, which raises this)."""

    def __init__(self, file: str, key: str) -> None:
        super().__init__(f"{file}: {key}: not a valid value (see 'ccal validate')")
        self.file, self.key = file, key


class LookupFailed(CcalError):
    """An id (or other name) that the data does not contain."""


class UsageProblem(CcalError):
    """A bad option value found after parsing (most are caught by the option parsers)."""

    exit_code = EXIT_USAGE
