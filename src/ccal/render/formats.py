"""The export formats: one renderer module per format, all behind one small interface.

A renderer is a function ``render(listing, options) -> str`` in its own module, with
``chunks(listing, options)``, the same text in pieces as it is made (what the CLI writes: an
export of every date of a big file is never held whole); this registry maps each ``--format``
value to that module so the CLI never imports a format it does not use.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from ccal.forecast import Guess
    from ccal.query import AnyListing
    from ccal.render import Listing

Group = Literal["month", "kind"]


@dataclass(frozen=True)
class RenderOptions:
    """Choices that only some formats use; the others ignore them."""

    alarms: tuple[timedelta, ...] = ()  # ics: one VALARM this long before each date
    group: Group = "month"  # md: headings by month or by kind
    # ics: a window or a limit chose some occurrences of a repeating date: export only those
    # (the series from its first chosen occurrence, COUNT=n), not the whole series.
    chosen_occurrences: bool = False
    # ics: the calendar's name (NAME, X-WR-CALNAME; None: "ccal") and how often a subscriber
    # fetches it again (None: a day); when each opportunity's data last changed (LAST-MODIFIED).
    calendar_name: str | None = None
    refresh: timedelta | None = None
    modified: Mapping[str, datetime] = field(default_factory=dict)
    # --estimated: estimated next dates (``forecast.Guess``) written after the real ones, marked
    estimates: tuple[Guess, ...] = ()


Renderer = Callable[["Listing", RenderOptions], str]
Streamer = Callable[["AnyListing", RenderOptions], Iterator[str]]

# --format value -> module that defines ``render``; tests check this covers every choice.
RENDERERS: dict[str, str] = {
    "json": "ccal.render.json",
    "ndjson": "ccal.render.ndjson",
    "csv": "ccal.render.csv",
    "ics": "ccal.render.ics",
    "md": "ccal.render.markdown",
}

# Formats whose records are the JSON contract (they can also carry whole opportunities).
JSON_FORMATS = frozenset({"json", "ndjson"})


def renderer(name: str) -> Renderer:
    """The ``render`` function of format ``name`` (imported only now: formats load lazily)."""
    return importlib.import_module(RENDERERS[name]).render


def streamer(name: str) -> Streamer:
    """The ``chunks`` function of format ``name``: ``render``'s text, piece by piece."""
    return importlib.import_module(RENDERERS[name]).chunks
