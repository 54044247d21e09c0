"""Text rules shared by the models, the queries and the renderers: folding and label keys.

Standard library only, and below every other module of ccal: ``models`` checks labels with it,
``query`` matches filters with it, ``render.ics`` builds UIDs with it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache


def fold(text: str) -> str:
    """Case- and accent-insensitive form: ``Košice`` and ``KOSICE`` both give ``kosice``."""
    if text.isascii():
        return text.lower()  # the same, without decomposing (every label of a file at load)
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def distinct(words: Iterable[str | None]) -> list[str]:
    """Each word once, the first spelling kept, ignoring case and accents (``fold``); empty ones
    dropped: the tags an importer writes (``Clusters`` and ``clusters`` are one tag to
    ``--tag``)."""
    kept: dict[str, str] = {}
    for word in words:
        if word:
            kept.setdefault(fold(word), word)
    return list(kept.values())


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@lru_cache(
    maxsize=4096
)  # a big file repeats its labels ("Deadline", "Cut-off 2") thousands of times
def label_key(label: str) -> str:
    """``cut-off-2`` for "Cut-off 2": the form in which two labels of one opportunity must
    differ (``models``), and the one calendar exports build UIDs from (``render.ics``)."""
    return _NOT_SLUG.sub("-", fold(label)).strip("-") or "date"
