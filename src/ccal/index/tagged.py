"""Opportunities as JSON in the index: ``encode`` (the writer), ``decode`` (the reader, and the
fast path's filters and tables), the dates of ``dates`` back as the dates and datetimes they were.

The JSON is pydantic's own of the validated model (``model_dump_json``, written in Rust: a
third of what dumping the model and encoding it in Python cost, the largest part of indexing an
opportunity). It carries no types: which values are moments is the schema's, ``WHEN`` (the
``When`` fields of ``models.DateEntry``; a test keeps the two alike), and a moment's text tells
a date (``2022-06-13``, always ten characters in the years ccal accepts) from a datetime
(naive, or with the offset the file gave, kept exactly: ``datetime.fromisoformat`` gives back
the same ``datetime.timezone``).

Standard library only; ``datetime`` is loaded by ``sqlite3`` anyway.
"""

from __future__ import annotations

from datetime import date, datetime

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: the fast path decodes for its filters
if TYPE_CHECKING:
    from typing import Any

WHEN = ("at", "end", "previous", "until")  # the moments of a date entry (``models.When``)


def encode(opportunity: Any) -> str:
    """The validated opportunity (a pydantic model) as compact JSON, every field present."""
    text: str = opportunity.model_dump_json()
    return text


def decode(text: str, mapping_type: Any = None) -> Any:
    """An encoded opportunity back as a dict (what ``Opportunity.model_validate`` takes), or with
    ``mapping_type`` (e.g. ``SimpleNamespace``) as that, its dates too."""
    import json

    value = json.loads(text)
    dates = value.get("dates") or []
    for dated in dates:
        for key in WHEN:
            moment = dated[key]
            if moment is not None:
                dated[key] = (
                    date.fromisoformat(moment)
                    if len(moment) == 10
                    else datetime.fromisoformat(moment)
                )
    if mapping_type is None:
        return value
    value["dates"] = [mapping_type(**dated) for dated in dates]
    return mapping_type(**value)
