"""What ``ccal validate`` checks, in one place: ``validate`` reports it, and ``add``/``extend``
refuse a change on its errors and print its warnings for the entry they wrote.

The checks: each file's own (TOML, schema, times, rrules), duplicate ids within and across the
files read together, control characters in text, and fixed offsets written for a place that
observes summer time (warnings).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ccal.controlchars import controls_in
from ccal.errors import Problem

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime, timedelta
    from pathlib import Path
    from zoneinfo import ZoneInfo

    from ccal.catalog import Entry, Item
    from ccal.loader import FileResult

_FIELDS = ("title", "organiser", "location", "summary")  # ids and URLs cannot hold them


def results_problems(
    results: Sequence[FileResult],
    *,
    only: str | None = None,
    zones: Mapping[str, Sequence[str]] | None = None,
) -> list[Problem]:
    """Every problem of files loaded together, in file order (the given order, then line);
    with ``only``, just those of the file of that name (the others are read for duplicates).
    ``zones`` is for a result that holds one entry of a bigger file (``incremental``): by file
    name, the zones the file's other entries name, in file order (``fixed_offset_problems``)."""
    from ccal.loader import duplicate_id_problems

    mine = [r for r in results if only is None or str(r.path) == only]
    problems = [p for result in mine for p in result.problems]
    problems += duplicate_id_problems(list(results))
    problems += control_problems(mine)  # text that would act on a terminal
    problems += fixed_offset_problems(mine, zones or {})
    if only is not None:
        problems = [p for p in problems if p.file == only]
    order = {str(result.path): number for number, result in enumerate(results)}
    problems.sort(key=lambda p: (order.get(p.file, 0), p.line or 0, p.column or 0))
    return problems


def check_files(paths: Sequence[Path]) -> list[Problem]:
    """``results_problems`` of the files at ``paths``, read from disk."""
    from ccal.loader import load_file

    return results_problems([load_file(path) for path in paths])


def check_text(text: str, path: Path, others: Sequence[Path] = ()) -> list[Problem]:
    """The problems ``text`` would have once written to ``path``, read with ``others`` (the
    other files read alongside it, for duplicate ids); problems of the others are not its own."""
    import os

    from ccal.loader import load_file, parse_text

    itself = os.path.realpath(path)
    results = [load_file(other) for other in others if os.path.realpath(other) != itself]
    results.append(parse_text(text, path))
    return results_problems(results, only=str(path))


def control_problems(results: Iterable[Any]) -> list[Any]:
    """A warning for each text value (title, label, …) holding a control character.

    Line breaks and tabs are fine in a summary or location; anything else is almost always
    pasted by accident (or planted), and ccal shows it escaped.
    """
    problems = []
    for result in results:
        locator = getattr(result, "locator", None)
        for index, item in enumerate(result.items):
            opportunity = item.opportunity
            values: list[tuple[tuple[Any, ...], str, Any]] = [
                (("opportunity", index, name), name, getattr(opportunity, name, None))
                for name in _FIELDS
            ]
            values += [
                (("opportunity", index, "tags", n), f"tags[{n}]", tag)
                for n, tag in enumerate(opportunity.tags)
            ]
            values += [
                (("opportunity", index, "dates", n, "label"), f"dates[{n}].label", dated.label)
                for n, dated in enumerate(opportunity.dates)
            ]
            for loc, field, value in values:
                found = controls_in(value) if isinstance(value, str) else []
                if not found:
                    continue
                line, column = locator.locate(loc) if locator else (None, None)
                named = ", ".join(found)
                problems.append(
                    Problem(
                        str(result.path),
                        f"control character{'s' if len(found) > 1 else ''} {named} in the text "
                        "(it would act on a terminal); ccal shows it escaped",
                        line,
                        column,
                        opportunity.id,
                        field,
                        severity="warning",
                    )
                )
    return problems


def fixed_offset_problems(
    results: Sequence[FileResult], zones: Mapping[str, Sequence[str]] | None = None
) -> list[Problem]:
    """A warning where an opportunity's zone is a fixed offset (``UTC+1``) that is the offset of
    a zone the same file names elsewhere (``Europe/Brussels``) only part of the year, and one of
    its dates falls in the other part: it is probably that place's time, an hour off in summer.
    No guessing: only zones the file itself uses are compared (``AoE`` is always meant fixed);
    ``zones`` adds, by file name, those of entries not in a result (see ``results_problems``).
    """
    from ccal.clock import AOE, fixed_label, summer_time_gap, zone_city, zone_named
    from ccal.errors import Problem

    problems = []
    for result in results:
        fixed = [i for i in result.items if fixed_label(i.zone.key) is not None]
        if all(i.zone.key == AOE for i in fixed):
            continue  # nothing to warn about (and ``zones`` may cost a read to give)
        keys = [*(zones or {}).get(str(result.path), ()), *(i.zone.key for i in result.items)]
        named = {key: zone_named(key) for key in keys if fixed_label(key) is None}
        named.pop("UTC", None)
        for index, item in enumerate(result.items):
            key = item.zone.key
            if fixed_label(key) is None or key == AOE or not named:
                continue
            found = _first_gap(item, named.values(), summer_time_gap)
            if found is None:
                continue
            entry, zone, there = found
            hours = there.total_seconds() / 3600
            offset = f"UTC{'+' if hours >= 0 else '-'}{abs(hours):g}"
            day = entry.at.astimezone(zone).date()
            message = (
                f"{key} is the offset of {zone.key} only part of the year: on {day} "
                f"({entry.label}) {zone_city(zone)} is {offset}. If this is {zone_city(zone)} "
                f'time, write timezone = "{zone.key}" (a fixed offset has no summer time)'
            )
            locator = result.locator
            line, column = (
                locator.locate(("opportunity", index, "timezone")) if locator else (None, None)
            )
            where = (str(result.path), message, line, column, item.id, "timezone")
            problems.append(Problem(*where, severity="warning"))
    return problems


def _first_gap(
    item: Item,
    zones: Iterable[ZoneInfo],
    gap: Callable[[ZoneInfo, ZoneInfo, datetime], timedelta | None],
) -> tuple[Entry, ZoneInfo, timedelta] | None:
    for entry in item.entries:
        for zone in zones:
            there = gap(item.zone, zone, entry.at)
            if there is not None:
                return entry, zone, there
    return None
