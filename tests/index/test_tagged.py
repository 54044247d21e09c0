"""An opportunity stored in the index comes back as it was validated: every value, with the
type it had (a date stays a date, a datetime keeps its offset as ``datetime.timezone``)."""

from __future__ import annotations

import typing
from datetime import UTC, date, datetime, timedelta, timezone
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from ccal.index.tagged import WHEN, decode, encode
from ccal.models import ANY_KIND, KINDS_CONTEXT, DateEntry, Opportunity


def test_when_names_every_moment_of_a_date_entry():
    moments = [
        name
        for name, field in DateEntry.model_fields.items()
        if date in typing.get_args(field.annotation)
        or any(date in typing.get_args(arg) for arg in typing.get_args(field.annotation))
    ]
    assert tuple(moments) == WHEN


def _typed(value):
    """A value with the exact types inside it (``==`` alone lets a datetime equal a date's
    neighbour and an offset datetime another zone's)."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v) for v in value]
    if isinstance(value, datetime):
        return ("datetime", value.isoformat(), type(value.tzinfo).__name__, repr(value.tzinfo))
    return (type(value).__name__, value)


zones = st.one_of(
    st.none(),
    st.just(UTC),
    st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m))),
)
moments = st.one_of(
    st.dates(min_value=date(1000, 1, 1), max_value=date(9000, 12, 31)),
    st.datetimes(min_value=datetime(1000, 1, 2), max_value=datetime(9000, 12, 30), timezones=zones),
)
texts = st.text(min_size=1, max_size=8).filter(lambda t: t.strip() == t)
dated = st.fixed_dictionaries(
    {"label": texts, "at": moments},
    optional={
        "end": moments,
        "previous": moments,
        "source": st.just("https://example.org/x"),
        "tentative": st.booleans(),
        "rrule": st.just("FREQ=WEEKLY"),
        "until": moments,
        "count": st.integers(1, 10),
    },
)
opportunities = st.fixed_dictionaries(
    {"id": st.just("an-id"), "kind": st.just("call"), "title": texts},
    optional={
        "organiser": texts,
        "summary": st.text(max_size=8),
        "tags": st.lists(texts, max_size=3),
        "timezone": st.just("Asia/Tokyo"),
        "dates": st.lists(dated, max_size=3).map(
            lambda ds: [{**d, "label": f"{d['label']} {n}"} for n, d in enumerate(ds)]
        ),
    },
)


@settings(max_examples=200, deadline=None)
@given(opportunities)
def test_an_opportunity_comes_back_as_it_was(table):
    context = {KINDS_CONTEXT: ANY_KIND}
    model = Opportunity.model_validate(table, context=context)
    text = encode(model)
    back = decode(text)
    assert _typed(back) == _typed(model.model_dump())
    assert Opportunity.model_validate(back, context=context) == model
    spaced = decode(text, SimpleNamespace)
    assert _typed(vars(spaced) | {"dates": [vars(d) for d in spaced.dates]}) == _typed(back)
