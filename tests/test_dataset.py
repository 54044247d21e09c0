"""The shipped ECCP dataset: loads cleanly, every date is sourced, the done-means rows appear."""

from __future__ import annotations

import tomllib
from urllib.parse import urlsplit

from conftest import REPO

SHIPPED = REPO / "data" / "opportunities.toml"


def shipped_raw() -> dict:
    return tomllib.loads(SHIPPED.read_text(encoding="utf-8"))


def test_every_date_has_a_source_that_is_an_http_url():
    dates = [d for o in shipped_raw()["opportunity"] for d in o.get("dates", [])]
    assert len(dates) > 40
    for dated in dates:
        parts = urlsplit(dated["source"])
        assert parts.scheme in ("http", "https") and parts.netloc, dated


def test_the_shipped_data_validates(ccal):
    result = ccal("list", "--all", "--json")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""


def test_clusters_meet_regions_lists_every_known_cut_off_2022_to_2025(ccal):
    rows = ccal.json("deadlines", "--call", "clusters-meet-regions", "--as-of", "2022-06-01")
    assert [r["at"] for r in rows] == [
        "2022-07-29T18:00:00+02:00",
        "2022-12-02T18:00:00+01:00",
        "2023-04-01T18:00:00+02:00",
        "2023-12-22T18:00:00+01:00",
        "2024-05-31T18:00:00+02:00",
        "2024-09-30T18:00:00+02:00",
        "2024-12-20T18:00:00+01:00",
        "2025-01-31T18:00:00+01:00",
    ]
    assert [r["status"] for r in rows] == ["next"] + ["upcoming"] * 7
    assert [r["tentative"] for r in rows] == [False] * 7 + [True]


def test_upcoming_on_1_june_2022_starts_with_c2lab_then_the_first_cut_off_then_the_talks(ccal):
    rows = ccal.json("upcoming", "--as-of", "2022-06-01", "--tz", "Europe/Brussels", "--limit", "5")
    assert [(r["id"], r["at"][:10]) for r in rows[:3]] == [
        ("c2lab-2022-cluj-napoca", "2022-06-13"),
        ("c2lab-2022-cluj-napoca", "2022-06-22"),
        ("clusters-meet-regions", "2022-07-29"),
    ]
    assert rows[1]["end"].startswith("2022-06-23")
    assert rows[2]["at"] == "2022-07-29T18:00:00+02:00"
    assert rows[3]["id"] == "eu-clusters-talks-2022-09-07"
    assert rows[3]["at"] == "2022-09-07T08:30:00+02:00"


def test_accented_places_are_found_without_accents(ccal):
    for query, expected in (("kosice", "Košice"), ("iasi", "Iași"), ("chisinau", "Chișinău")):
        rows = ccal.json("list", "--all", "--search", query)
        assert any(expected in r["title"] or expected == r["location"] for r in rows), query
