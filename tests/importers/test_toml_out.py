"""The import files' TOML writer reads back to exactly what it was given."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccal.importers.toml_out import dumps

TEXT = st.text(max_size=30)
SCALAR = st.one_of(
    TEXT,
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.dates(date(1000, 1, 1), date(9000, 1, 1)),
    st.datetimes(datetime(1000, 1, 2), datetime(9000, 1, 1)),
    st.datetimes(datetime(1000, 1, 2), datetime(9000, 1, 1), timezones=st.just(UTC)),
)
RECORD = st.dictionaries(
    st.text(min_size=1, max_size=10),
    st.one_of(
        SCALAR,
        st.lists(TEXT, max_size=3),
        st.lists(
            st.dictionaries(st.text(min_size=1, max_size=8), SCALAR, max_size=3),
            min_size=1,
            max_size=3,
        ),
    ),
    max_size=6,
)


@settings(max_examples=80, deadline=None)
@given(
    st.dictionaries(st.sampled_from(["version", "timezone", "kinds"]), SCALAR),
    st.lists(RECORD, max_size=4),
)
def test_what_is_written_reads_back(top, records):
    document = {**top, "opportunity": records}
    assert tomllib.loads(dumps(document)) == (document if records else top)


def test_offsets_and_control_characters():
    moment = datetime(2026, 5, 15, 23, 59, tzinfo=timezone(-timedelta(hours=12)))
    document = {"opportunity": [{"at": moment, "title": "tab\tdel\x7fnul\x00 “quote” \\"}]}
    assert tomllib.loads(dumps(document)) == document


def test_anything_else_is_refused():
    with pytest.raises(TypeError):
        dumps({"opportunity": [{"x": 1.5}]})
