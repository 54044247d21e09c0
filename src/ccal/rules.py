"""Facts several layers share, defined once: the kinds (the ``--kind`` choices).

Imported by the models, the Typer options and the start-up fast path alike, so it imports
nothing at import time. The rules that depend on "now" (statuses, windows, remind's window, the
sort key) live in ``ccal.timeline``; the three names below are re-exported from there for the
modules that read them here.
"""

from __future__ import annotations

from ccal.timeline import REMIND_WITHIN as REMIND_WITHIN
from ccal.timeline import remind_within as remind_within
from ccal.timeline import window_bounds as window_bounds

KINDS = ("talk", "call", "event", "survey")  # what an opportunity is: the --kind choices


def chosen(
    values: list[str] | tuple[str, ...] | None, allowed: tuple[str, ...]
) -> tuple[list[str], list[str]]:
    """What repeatable choice options (``--kind``) were given, as ``(chosen, unknown)``.

    Each value may be a comma list (``-k call,event``) and any case (``--kind Call``), as
    ``--tag`` ignores case and ``import --status`` takes commas. The fast path reads ``--kind``
    with this too, so both accept exactly the same values.
    """
    picked: list[str] = []
    unknown: list[str] = []
    for value in values or ():
        for part in value.split(","):
            word = part.strip().casefold()
            if not word:
                continue
            target = picked if word in allowed else unknown
            if word not in target:
                target.append(word if word in allowed else part.strip())
    return picked, unknown
