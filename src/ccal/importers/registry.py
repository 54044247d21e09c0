"""Every import format ccal reads, by name: one registry for ``ccal import``, ``ccal source add``
and ``ccal sync``.

Standard library only, and no importer module is imported here: the start-up fast path asks it
for the default data's file names. A format plugs in once, with one :class:`Format` line below,
and its module provides the importer interface:

- ``convert(data: bytes, origin: str, options: Mapping[str, Any]) -> ImportResult`` — pure:
  the source's bytes (``origin`` names them in messages) → records and skip reasons, raising a
  :class:`ccal.errors.CcalError` for a file that is not of its format;
- ``render_toml(result: ImportResult, source_name: str, imported_at: datetime) -> str`` — the
  whole output file, starting with the format's :attr:`Format.header`;
- optionally ``record_status(record) -> str | None`` — the source's own status of a record
  (the portal's forthcoming / open / closed), which ``ccal sync`` logs when it changes.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime
    from types import ModuleType
    from typing import Any

    from ccal.importers.result import ImportResult

# Every file an importer (or ``ccal sync``) writes starts with this: such a file is owned by it,
# replaced whole by the next import and read-only to ``add``/``extend``.
OWNED_PREFIX = "# Imported by `ccal "


class Format:
    """One import format: its command-line name, where its code lives, what it accepts.

    A plain class, not a dataclass: ``dataclasses`` imports ``inspect`` (~9 ms of start-up).
    """

    __slots__ = ("imports", "location", "module", "name", "options", "summary")

    def __init__(
        self,
        name: str,
        module: str,
        summary: str,
        options: tuple[str, ...] = (),
        *,
        imports: bool = True,
        location: str | None = None,
    ):
        self.name = name  # ``ccal import NAME``, ``ccal source add … --format NAME``
        self.module = module  # the module with convert() and render_toml(), loaded when used
        self.summary = summary  # one line for help texts and ``ccal source list``
        self.options = options  # the format options a source may store (``--status`` …)
        # Whether ``ccal import NAME`` writes ``default_file`` (part of the default data); a
        # format only ``ccal sync`` reads (``ccal``: a data file as it is) has neither.
        self.imports = imports
        # Where the format's publisher serves it: ``ccal source add NAME`` without a location.
        self.location = location

    def __repr__(self) -> str:
        return f"Format({self.name!r})"

    @property
    def default_file(self) -> str:
        """The file ``ccal import NAME`` writes in the user data dir (part of the default data)."""
        return f"{self.name}.toml"

    @property
    def header(self) -> str:
        """The first words of every file this format's importer writes: ``ccal import NAME``,
        or ``ccal sync`` for a format only ``sync`` reads (there is no ``ccal import ccal``)."""
        command = f"import {self.name}" if self.imports else "sync"
        return f"{OWNED_PREFIX}{command}`"

    def load(self) -> ModuleType:
        import importlib

        return importlib.import_module(self.module)

    def convert(self, data: bytes, origin: str, options: Mapping[str, Any]) -> ImportResult:
        result: ImportResult = self.load().convert(data, origin, options)
        return result

    def render_toml(self, result: ImportResult, source_name: str, imported_at: datetime) -> str:
        text: str = self.load().render_toml(result, source_name, imported_at)
        return text

    def status_of(self, record: Mapping[str, Any]) -> str | None:
        """The record's status in its source, for formats that have one (else None)."""
        reader = getattr(self.load(), "record_status", None)
        return reader(record) if reader is not None else None


FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        Format(
            "eu-portal",
            "ccal.importers.eu_portal",
            "the EU Funding & Tenders portal's bulk JSON (grantsTenders.json)",
            ("status", "programme", "search"),
            location="https://ec.europa.eu/info/funding-tenders/opportunities/data/referenceData/"
            "grantsTenders.json",
        ),
        Format(
            "ccal",
            "ccal.importers.ccal_file",
            "a ccal data file (TOML), fetched as it is and validated",
            imports=False,
        ),
        Format(
            "ccfddl",
            "ccal.importers.ccfddl",
            "ccfddl/ccf-deadlines conference YAML (a file, a directory, or allconf.yml)",
        ),
        Format(
            "ai-deadlines",
            "ccal.importers.ai_deadlines",
            "Hugging Face ai-deadlines conference YAML (a file or a directory)",
        ),
        Format("ics", "ccal.importers.ics", "any iCalendar (RFC 5545) file"),
    )
}


def get(name: str) -> Format:
    """The format called ``name``; an unknown name is a usage error with a suggestion."""
    try:
        return FORMATS[name.strip().lower()]
    except KeyError:
        import difflib

        from ccal.errors import UsageProblem

        close = difflib.get_close_matches(name, FORMATS, n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        known = ", ".join(FORMATS)
        raise UsageProblem(f"unknown format '{name}'{hint} (known: {known})") from None


def default_files() -> list[str]:
    """The importers' default output files, in registry order (names in the user data dir)."""
    return [fmt.default_file for fmt in FORMATS.values() if fmt.imports]
