"""json and ndjson exports: the listing contract, compared as parsed data."""

from __future__ import annotations

import json


def test_export_json_is_what_upcoming_json_prints(export, ccal, fixture_file):
    exported = json.loads(export("--format", "json"))
    upcoming = ccal.json(
        "upcoming", "--data", str(fixture_file), "--as-of", "2022-06-01", "--tz", "Europe/Brussels"
    )
    assert exported == upcoming
    assert [r["label"] for r in exported] == [
        "Expression of interest",
        "Workshop",
        "Cut-off 1",
        "Talk",
        "Cut-off 2",
        "Cut-off 3",
    ]


def test_json_is_the_default_format(export):
    assert json.loads(export()) == json.loads(export("--format", "json"))


def test_ndjson_lines_are_the_json_array_items(export):
    lines = export("--format", "ndjson", "--all").splitlines()
    assert [json.loads(line) for line in lines] == json.loads(export("--format", "json", "--all"))


def test_dst_pair_keeps_18_00_brussels_with_summer_and_winter_offsets(export):
    records = {r["label"]: r for r in json.loads(export("--all"))}
    assert records["Cut-off 1"]["at"] == "2022-07-29T18:00:00+02:00"
    assert records["Cut-off 2"]["at"] == "2022-12-02T18:00:00+01:00"
    assert {records[k]["timezone"] for k in ("Cut-off 1", "Cut-off 2")} == {"Europe/Brussels"}


def test_all_day_range_tentative_and_accents(export):
    records = {r["id"]: r for r in json.loads(export("--all"))}
    assert records["eoi-deadline"]["all_day"] is True
    assert records["eoi-deadline"]["at"] == "2022-06-13T23:59:59+02:00"
    assert records["kosice-workshop"]["end"] == "2022-06-23T23:59:59+02:00"
    assert records["kosice-workshop"]["title"] == "Workshop in Košice"
    tentative = [r["label"] for r in json.loads(export("--all")) if r["tentative"]]
    assert tentative == ["Cut-off 3"]


def test_filters_narrow_the_export_like_upcoming(export):
    calls = json.loads(export("--kind", "call", "--within", "90d"))
    assert [(r["id"], r["label"]) for r in calls] == [("summer-call", "Cut-off 1")]
    assert json.loads(export("--search", "kosice", "--all"))[0]["id"] == "kosice-workshop"
    past = json.loads(export("--past", "--as-of", "2022-12-31"))
    assert [r["label"] for r in past][:2] == ["Cut-off 2", "Talk"]  # most recent first


def test_hostile_text_survives_json_exactly(export):
    records = {r["id"]: r for r in json.loads(export("--all", data="hostile.toml"))}
    assert records["formula-call"]["title"] == '=HYPERLINK("http://x","y")'
    assert records["markup-event"]["label"] == "Day one, two; three \\ four\nfive"
