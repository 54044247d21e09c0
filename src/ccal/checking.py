"""What ``ccal validate`` checks, in one place: ``validate`` reports it, and ``add``/``extend``
refuse a change on its errors and print its warnings for the entry they wrote.

The checks: each file's own (TOML, schema, times, rrules), duplicate ids within and across the
files read together, and control characters in text (warnings).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ccal.controlchars import controls_in
from ccal.errors import Problem

if TYPE_CHECKING:
    from pathlib import Path

    from ccal.loader import FileResult

_FIELDS = ("title", "organiser", "location", "summary")  # ids and URLs cannot hold them


def results_problems(results: Sequence[FileResult], *, only: str | None = None) -> list[Problem]:
    """Every problem of files loaded together, in file order (the given order, then line);
    with ``only``, just those of the file of that name (the others are read for duplicates)."""
    from ccal.loader import duplicate_id_problems

    mine = [r for r in results if only is None or str(r.path) == only]
    problems = [p for result in mine for p in result.problems]
    problems += duplicate_id_problems(list(results))
    problems += control_problems(mine)  # text that would act on a terminal
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
            values: list[tuple[tuple, str, Any]] = [
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
