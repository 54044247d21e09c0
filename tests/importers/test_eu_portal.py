"""The portal importer's pure parts: reading, checking topics, ids, labels, the TOML it writes."""

from __future__ import annotations

import importlib.util
import json
import re
import tomllib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ccal.importers import eu_portal as portal
from ccal.loader import parse_text
from ccal.models import SLUG_PATTERN

DATA = Path(__file__).parents[1] / "data"
REPO = Path(__file__).resolve().parents[2]
IMPORTED_AT = datetime(2022, 6, 1, 12, tzinfo=UTC)


def fixture_topics() -> list:
    return portal.read_topics((DATA / "eu-portal.json").read_bytes(), "eu-portal.json")


def load_generator():
    spec = importlib.util.spec_from_file_location(
        "gen_eu_portal", REPO / "benchmarks" / "gen_eu_portal.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"not json at all", "not valid JSON"),
        ((DATA / "eu-portal-truncated.json").read_bytes(), "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        (b"[]", "no 'fundingData.GrantTenderObj' list"),
        (b'{"fundingData": []}', "no 'fundingData.GrantTenderObj' list"),
        ((DATA / "eu-portal-wrong-shape.json").read_bytes(), "no 'fundingData.GrantTenderObj'"),
    ],
)
def test_a_file_of_another_format_is_one_clear_error(data, why):
    with pytest.raises(portal.NotPortalFormat) as caught:
        portal.read_topics(data, "x.json")
    message = caught.value.message
    assert message.startswith("x.json: not the EU Funding & Tenders portal bulk JSON")
    assert why in message
    assert "\n" not in message
    assert caught.value.exit_code == 1


# --- odd entries ------------------------------------------------------------------------------


def test_the_fixture_imports_the_good_topics_and_counts_the_bad_ones():
    result = portal.build(fixture_topics())
    assert (result.total, result.imported, result.skipped, result.filtered) == (15, 9, 6, 0)
    assert len(result.reasons) == portal.MAX_REASONS
    assert result.reasons[0] == (
        "topic #6 (CEF-TST-2022-06): deadlineDatesLong is not a list (got str)"
    )
    assert "topic #7: no identifier" in result.reasons
    assert "topic #9: not an object (got str)" in result.reasons
    assert any("duplicate identifier (first at topic #1)" in r for r in result.reasons)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ({"identifier": "A-1", "title": "T", "deadlineDatesLong": [1, None]}, "[1] is not epoch"),
        ({"identifier": "A-1", "title": "T", "deadlineDatesLong": [True]}, "[0] is not epoch"),
        ({"identifier": "A-1", "title": "T", "deadlineDatesLong": ["1"]}, "[0] is not epoch"),
        ({"identifier": "A-1", "title": "T", "deadlineDatesLong": [10**20]}, "out of range"),
        ({"identifier": "A-1", "title": "T", "deadlineDatesLong": {}}, "not a list (got dict)"),
        ({"identifier": "  ", "title": "T"}, "no identifier"),
        ({"identifier": 7, "title": "T"}, "no identifier"),
        ({"identifier": "A-1", "title": None}, "no title"),
        (None, "not an object (got NoneType)"),
    ],
)
def test_a_malformed_topic_is_skipped_with_its_reason(raw, reason):
    with pytest.raises(portal.Skipped, match=re.escape(reason)):
        portal.parse_topic(raw)


def test_missing_or_null_fields_leave_a_usable_topic():
    topic = portal.parse_topic(
        {
            "identifier": " X-1 ",
            "title": " Title ",
            "status": None,
            "frameworkProgramme": "HORIZON",
            "keywords": "not a list",
            "deadlineDatesLong": None,
        }
    )
    assert (topic.identifier, topic.title, topic.status) == ("X-1", "Title", "unknown")
    assert (topic.programme, topic.keywords, topic.deadlines) == (None, (), ())


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ({"abbreviation": "Open"}, "open"),
        ({"abbreviation": "FORTHCOMING", "id": 31094502}, "forthcoming"),
        ({"id": 31094503}, "closed"),
        ({"abbreviation": "Cancelled", "id": 1}, "unknown"),
        ("Open", "unknown"),
    ],
)
def test_status_from_abbreviation_then_id(status, expected):
    assert (
        portal.parse_topic({"identifier": "A", "title": "T", "status": status}).status == expected
    )


def test_cutoffs_are_sorted_and_deduplicated_by_instant_across_the_dst_fall_back():
    fall_back = [1667093400000, 1667089800000, 1667093400000]  # 02:30 CET, 02:30 CEST, again
    topic = portal.parse_topic({"identifier": "A", "title": "T", "deadlineDatesLong": fall_back})
    assert [d.isoformat() for d in topic.deadlines] == [
        "2022-10-30T02:30:00+02:00",
        "2022-10-30T02:30:00+01:00",
    ]


# --- ids, labels, tags ------------------------------------------------------------------------


def test_ids_are_slugs_from_the_identifier_and_twins_get_a_stable_suffix():
    result = portal.build(fixture_topics())
    ids = [r["id"] for r in result.records]
    assert "eu-horizon-tst-2022-01-01" in ids
    twins = [i for i in ids if i.startswith("eu-life-2022-sap-env")]
    assert len(twins) == 2 and all(
        re.fullmatch(r"eu-life-2022-sap-env-[0-9a-f]{8}", t) for t in twins
    )
    reordered = portal.build(list(reversed(fixture_topics())))
    assert sorted(r["id"] for r in reordered.records if r["id"] in twins) == sorted(twins)


@given(st.lists(st.text(min_size=1, max_size=30), min_size=1, max_size=20, unique=True))
def test_every_id_is_a_valid_unique_slug(identifiers):
    topics = [
        portal.parse_topic({"identifier": ident, "title": "T"})
        for ident in identifiers
        if ident.strip() and portal._slug(ident.strip())
    ]
    topics = list({t.identifier: t for t in topics}.values())
    ids = portal.ids_for(topics)
    assert all(re.fullmatch(SLUG_PATTERN, i) and i.startswith("eu-") for i in ids)
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    ("model", "count", "labels"),
    [
        ("single-stage", 1, ["Deadline"]),
        ("two-stage", 2, ["Stage 1 deadline", "Stage 2 deadline"]),
        ("multiple cut-off", 3, ["Cut-off 1", "Cut-off 2", "Cut-off 3"]),
        ("Multiple Cut-Off", 1, ["Cut-off 1"]),
        (None, 2, ["Deadline 1", "Deadline 2"]),
        ("something new", 1, ["Deadline"]),
    ],
)
def test_labels_follow_the_deadline_model(model, count, labels):
    assert portal.cutoff_labels(model, count) == labels


def test_a_record_carries_url_tags_organiser_and_summary():
    record = portal.build(fixture_topics()).records[0]
    assert record["url"] == portal.TOPIC_PAGE + "HORIZON-TST-2022-01-01"
    assert record["tags"] == ["eu-portal", "horizon", "Clusters", "SMEs"]
    assert record["organiser"] == "Horizon Europe"
    assert "Call HORIZON-TST-2022-01: Test call one." in record["summary"]


# --- filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filters", "ids"),
    [
        (
            portal.ImportFilters(statuses=frozenset({"forthcoming"})),
            ["eu-digital-tst-2022-02-01", "eu-eu4h-tst-2022-04"],
        ),
        (portal.ImportFilters(programmes=frozenset({"smp"})), ["eu-smp-cosme-tst-2022-03"]),
        (portal.ImportFilters(search="artificial INTELLIGENCE"), ["eu-digital-tst-2022-02-01"]),
        (
            portal.ImportFilters(statuses=frozenset({"open"}), search="clusters"),
            ["eu-horizon-tst-2022-01-01", "eu-smp-cosme-tst-2022-03"],
        ),
    ],
)
def test_filters_keep_only_matching_topics(filters, ids):
    result = portal.build(fixture_topics(), filters)
    assert [r["id"] for r in result.records] == ids
    assert result.filtered == 9 - len(ids)
    assert result.skipped == 6


# --- the TOML written -------------------------------------------------------------------------


def test_the_toml_loads_through_the_normal_loader_with_exact_instants(tmp_path):
    result = portal.build(fixture_topics())
    text = portal.render_toml(result, "eu-portal.json", IMPORTED_AT)
    loaded = parse_text(text, tmp_path / "eu-portal.toml")
    assert loaded.errors == []
    # Only the topics the portal lists without a deadline get a warning (a call with no date).
    assert {p.severity for p in loaded.problems} <= {"warning"}
    assert [item.id for item in loaded.items] == [r["id"] for r in result.records]
    raw = json.loads((DATA / "eu-portal.json").read_text())["fundingData"]["GrantTenderObj"][2]
    smp = next(item for item in loaded.items if item.id == "eu-smp-cosme-tst-2022-03")
    got = sorted(round(entry.at.timestamp() * 1000) for entry in smp.entries)
    assert got == sorted(set(raw["deadlineDatesLong"]))


@given(st.integers(min_value=-(10**12), max_value=10**13))
def test_any_epoch_millisecond_survives_the_round_trip_exactly(ms):
    topic = portal.parse_topic({"identifier": "A", "title": "T", "deadlineDatesLong": [ms]})
    result = portal.ImportResult(records=[portal.record(topic, "eu-a")], total=1)
    document = tomllib.loads(portal.render_toml(result, "f.json", IMPORTED_AT))
    at = document["opportunity"][0]["dates"][0]["at"]
    assert at.utcoffset() is not None
    delta = at - datetime(1970, 1, 1, tzinfo=UTC)
    assert delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000 == ms


def test_a_generated_file_imports_and_loads_cleanly(tmp_path):
    generator = load_generator()
    document = generator.generate(300, date(2026, 1, 1))
    raw = json.dumps(document).encode()
    result = portal.build(portal.read_topics(raw, "gen.json"))
    assert result.total == 301 and result.imported + result.skipped == 301
    assert result.skipped >= 1  # the duplicate the generator adds
    loaded = parse_text(portal.render_toml(result, "gen.json", IMPORTED_AT), tmp_path / "g.toml")
    assert loaded.errors == []
    assert len(loaded.items) == result.imported


def test_an_id_that_a_hash_suffix_already_took_is_skipped_not_duplicated():
    twin_id = portal.ids_for(
        [portal.parse_topic({"identifier": i, "title": "T"}) for i in ("A_1", "A-1")]
    )[0]
    raw = [{"identifier": i, "title": "T"} for i in ("A_1", "A-1", twin_id.removeprefix("eu-"))]
    result = portal.build(raw)
    ids = [r["id"] for r in result.records]
    assert len(ids) == len(set(ids)) == 2
    assert result.skipped == 1 and "is already used" in result.reasons[0]
