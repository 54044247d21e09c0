"""A ccal data file fetched by ``ccal sync`` (``--format ccal``): taken as it is, checked whole.

``convert`` reads the TOML and keeps its opportunities as records, each carrying the file's
default zone where it had none, so the rendered file (a fresh header, then the same tables)
means exactly what the fetched one meant. Validation is ``ccal sync``'s, as for every format.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from ccal.clock import DEFAULT_ZONE
from ccal.errors import CcalError
from ccal.importers.registry import FORMATS
from ccal.importers.result import ImportResult

HEADER = FORMATS["ccal"].header


def convert(data: bytes, origin: str, options: Mapping[str, Any]) -> ImportResult:
    """The opportunities of a ccal data file; a file that is not one is a one-line error."""
    import tomllib

    from ccal.loader import parse_toml

    try:
        raw = parse_toml(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise CcalError(f"{origin}: not a ccal data file (not UTF-8 text: {exc.reason})") from None
    except tomllib.TOMLDecodeError as exc:
        raise CcalError(f"{origin}: not a ccal data file (invalid TOML: {exc})") from None
    opportunities = raw.get("opportunity", [])
    if not isinstance(opportunities, list) or not all(isinstance(t, dict) for t in opportunities):
        raise CcalError(f"{origin}: not a ccal data file ('opportunity' is not a list of tables)")
    zone = raw.get("timezone", DEFAULT_ZONE)
    records = []
    for table in opportunities:
        if "timezone" not in table and zone != DEFAULT_ZONE:
            table = {**table, "timezone": zone}
        records.append(table)
    return ImportResult(records=records, total=len(records))


def render_toml(result: ImportResult, source_name: str, imported_at: datetime) -> str:
    """The header, then the fetched file's opportunities (its comments are not kept)."""
    import tomli_w

    header = (
        f"{HEADER} from {source_name} on {imported_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC:\n"
        f"# {result.imported} opportunities, as the source published them.\n"
        "# The next sync replaces this whole file: keep your own entries in your own data file.\n"
        "\n"
    )
    document: dict[str, Any] = {"version": 1, "timezone": DEFAULT_ZONE}
    if result.own_kinds:  # the kinds the fetched file declared (and its records use)
        document["kinds"] = result.own_kinds
    document["opportunity"] = result.records
    return header + tomli_w.dumps(document)
