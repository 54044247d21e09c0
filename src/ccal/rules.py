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
