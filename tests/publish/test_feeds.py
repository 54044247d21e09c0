"""The feeds' helpers: quick folding gives icalendar's bytes; tag feeds select as --tag does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser.string import _foldline

from ccal.publish.feeds import _slugs, fold_ascii

LINES = st.text(alphabet=st.sampled_from('ab ;:,\\^"xyz0123456789é'), max_size=400)


@settings(max_examples=200)
@given(LINES)
def test_quick_folding_folds_as_icalendar_does(line):
    assert fold_ascii(line, _foldline) == _foldline(line)


def test_two_tags_of_one_slug_get_distinct_file_names():
    names = _slugs(["a b", "a-b", "solo"])
    assert names["solo"] == "solo"
    assert names["a b"] != names["a-b"]
    assert names["a b"].startswith("a-b-") and names["a-b"].startswith("a-b-")
