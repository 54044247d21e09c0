"""The feeds' helpers: quick folding gives icalendar's bytes; tag feeds select as --tag does."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar.parser.string import _foldline

from ccal.publish.feeds import _slugs, fold_ascii

DATA = Path(__file__).resolve().parents[1] / "data"

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


def test_a_series_gets_its_feed_once_the_data_model_has_one():
    """``series`` is being added to the model elsewhere: an opportunity carrying one (here a
    stand-in with the model's fields) gets ``feeds/series/<slug>.ics``; without it, none."""
    from dataclasses import replace
    from types import SimpleNamespace

    from ccal.loader import load_catalog
    from ccal.publish.feeds import plan

    entries = load_catalog([DATA / "publish.toml"]).entries()
    assert [f for f in plan(entries, "T") if f.group == "series"] == []

    def with_series(entry, name):
        fields = {k: getattr(entry.opportunity, k) for k in type(entry.opportunity).model_fields}
        return replace(entry, opportunity=SimpleNamespace(**fields, series=name))

    named = [with_series(e, "Horizon Europe" if e.opportunity.id == "horizon-call" else None)
             for e in entries]  # fmt: skip
    (series,) = [f for f in plan(named, "T") if f.group == "series"]
    assert series.path == "feeds/series/horizon-europe.ics"
    assert series.name == "T: Horizon Europe"
    assert series.uids == ("horizon-call.cut-off-1@ccal", "horizon-call.cut-off-2@ccal")
