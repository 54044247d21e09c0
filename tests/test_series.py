"""Series: editions of one recurring thing, year by year, with the shift of each label."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ccal.loader import load_catalog
from ccal.series import editions, series_label, shift_days, shifts, summaries
from ccal.sources import shipped_dataset
from tests.conftest import DATA

SERIES = DATA / "series.toml"
D = ["--data", str(SERIES), "--as-of", "2026-04-01"]


def test_editions_year_by_year_with_each_labels_shift():
    found = editions(load_catalog([SERIES]), "nips")
    assert [(e.year, e.id) for e in found] == [
        (2024, "nips-2024"), (2025, "nips-2025"), (2026, "nips-2026"),
    ]  # fmt: skip
    assert list(found[2].dates_by_label) == ["Abstract", "Paper (tbc)"]
    rows = shifts(found)
    assert [(s.label, s.days) for s in rows[0]] == [("Paper", None)]
    assert [(s.label, s.days) for s in rows[1]] == [("Abstract", None), ("Paper", -7)]
    # 15 May 2025 -> 6 May 2026: nine days earlier in its year; "(tbc)" is the same label.
    assert [(s.label, s.days) for s in rows[2]] == [("Abstract", -10), ("Paper (tbc)", -9)]
    assert rows[2][1].before is not None and rows[2][1].before.opportunity.id == "nips-2025"


def test_summaries_count_and_years():
    found = summaries(load_catalog([SERIES]))
    assert [(s.slug, s.count, s.first_year, s.latest_year) for s in found] == [
        ("nips", 3, 2024, 2026),
        ("once", 1, 2026, 2026),
    ]


@settings(max_examples=50, deadline=None)
@given(st.dates(date(1990, 1, 1), date(2100, 12, 31)), st.integers(0, 5), st.integers(-200, 200))
def test_a_shift_is_the_days_between_the_same_day_a_year_on_and_the_new_date(day, years, moved):
    from datetime import timedelta

    try:
        same = day.replace(year=day.year + years)
    except ValueError:
        same = day.replace(year=day.year + years, day=28)
    assert shift_days(day, same + timedelta(days=moved), years) == moved


def test_labels_match_without_case_or_an_aside():
    assert series_label("Paper (tbc)") == series_label("paper") == "paper"


def test_the_series_table_shows_each_date_and_its_shift(ccal):
    result = ccal("series", "nips", *D)
    assert result.exit_code == 0, result.stderr
    assert "Thu 15 May 2025 23:59 AoE" in result.stdout
    assert "Wed 6 May 2026 23:59 AoE" in result.stdout
    assert "\u22129 d" in result.stdout and "\u221210 d" in result.stdout


def test_series_json(ccal):
    data = ccal.json("series", "nips", *D)
    assert data["series"] == "nips"
    paper = data["editions"][2]["dates"][1]
    assert paper == {
        "label": "Paper (tbc)",
        "at": "2026-05-06T23:59:00-12:00",
        "end": None,
        "all_day": False,
        "timezone": "AoE",
        "before": "2025-05-15T23:59:00-12:00",
        "shift_days": -9,
    }
    listed = ccal.json("series", *D)
    assert listed[0] == {"series": "nips", "editions": 3, "first_year": 2024, "latest_year": 2026}


def test_a_single_edition_says_no_estimate_is_possible(ccal):
    result = ccal("series", "once", *D)
    assert "no estimate of the next one is possible" in result.stdout


def test_an_unknown_series_suggests_a_near_one(ccal):
    result = ccal("series", "nip", *D)
    assert result.exit_code == 1
    assert "unknown series 'nip'; did you mean 'nips'?" in result.stderr


def test_series_filters_every_listing(ccal):
    assert {r["id"] for r in ccal.json("upcoming", "--series", "nips", *D)} == {"nips-2026"}
    assert {r["id"] for r in ccal.json("list", "--all", "--series", "nips", *D)} == {
        "nips-2024", "nips-2025", "nips-2026",
    }  # fmt: skip
    assert {r["id"] for r in ccal.json("remind", "--within", "60d", "--series", "nips", *D)} == {
        "nips-2026"
    }
    exported = ccal("export", "--format", "json", "--series", "once", "--all", *D)
    assert {r["id"] for r in __import__("json").loads(exported.stdout)} == {"once-2026"}
    shown = ccal.json("show", "nips-2026", *D)
    assert shown["series"] == "nips"


def test_the_shipped_dataset_links_its_eccp_series():
    found = {s.slug: s for s in summaries(load_catalog([shipped_dataset()]))}
    assert set(found) == {
        "c2lab", "clusters-meet-regions", "eu-clusters-talks", "european-cluster-conference",
    }  # fmt: skip
    assert (found["c2lab"].count, found["c2lab"].first_year, found["c2lab"].latest_year) == (
        3, 2022, 2024,
    )  # fmt: skip
    assert found["european-cluster-conference"].count == 2


def test_an_unknown_series_filter_is_an_error_with_a_suggestion(ccal):
    """``--series c2la`` listed nothing, silently (exit 0, ``--json`` ``[]``), and the table's
    explanation read "Without : 47 dates ahead"; now every listing says what ``ccal series
    c2la`` says, exit 1."""
    wanted = "ccal: unknown series 'c2la'; did you mean 'c2lab'? ('ccal series' lists them)\n"
    for args in (
        ("upcoming",),
        ("upcoming", "--json"),
        ("list",),
        ("list", "--all", "--json"),
        ("remind",),
        ("countdown", "--once"),
        ("export", "--format", "ics"),
    ):
        result = ccal(*args, "--series", "c2la", "--as-of", "2022-06-01")
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", wanted), args
    said = ccal("series", "c2la")
    assert (said.exit_code, said.stdout, said.stderr) == (1, "", wanted)


def test_a_series_that_empties_a_listing_is_named(ccal):
    result = ccal("upcoming", "--series", "c2lab", "--kind", "call", "--as-of", "2022-06-01")
    assert result.exit_code == 0
    assert "Nothing upcoming matches --kind call --series c2lab as of" in result.stdout
    assert "Without --kind call --series c2lab: " in result.stdout


def test_a_series_is_named_in_any_case(ccal):
    """``NIPS`` is the series ``nips`` (slugs are lower-case; people type the acronym), to
    ``ccal series`` and to ``--series``, as ``--kind`` takes any case."""
    assert ccal.json("series", "NIPS", *D)["series"] == "nips"
    assert ccal.json("series", "--next", "NIPS", *D)[0]["series"] == "nips"
    assert {r["id"] for r in ccal.json("upcoming", "--series", "NIPS", *D)} == {"nips-2026"}
    assert {r["id"] for r in ccal.json("list", "--all", "--series", "Nips", *D)} == {
        "nips-2024", "nips-2025", "nips-2026",
    }  # fmt: skip


@pytest.mark.parametrize("width", [40, 60])
def test_one_series_on_a_narrow_terminal_keeps_ids_and_labels_whole(ccal, tmp_path, width):
    """``ccal series SLUG`` at 40 columns: each edition's id (typed back into ``ccal show``) on
    one line, labels not cut mid-word (it read ``ai-dead`` / ``lines-c`` / ``vpr25``)."""
    data = tmp_path / "conf.toml"
    text = 'version = 1\ntimezone = "AoE"\nkinds = ["conference"]\n'
    for year in (2024, 2025, 2026):
        text += (
            f'\n[[opportunity]]\nid = "ai-deadlines-cvpr{year % 100}"\nkind = "conference"\n'
            f'title = "CVPR {year}"\nseries = "cvpr"\ndates = [\n'
            f'  {{ label = "Paper submission", at = {year - 1}-11-14T23:59:00 }},\n'
            f'  {{ label = "Final decisions", at = {year}-02-26T23:59:00 }},\n]\n'
        )
    data.write_text(text, encoding="utf-8")
    result = ccal("series", "cvpr", "--data", str(data), env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= width, result.stdout
    for whole in ("ai-deadlines-cvpr24", "ai-deadlines-cvpr26", "submission", "decisions"):
        assert any(whole in line for line in lines), (whole, result.stdout)
    assert "estimated" in result.stdout


def _mixed_series(seed: int) -> str:
    """Editions of a few series in file order shuffled: with a year in the title or not,
    undated ones, several a year, opportunities of no series between them."""
    import random

    rng = random.Random(seed)
    out = ['version = 1\ntimezone = "UTC"\n']
    for number in range(rng.randrange(1, 25)):
        slug = rng.choice(["a", "b", "c", "d", None])
        year = rng.randrange(2019, 2027)
        title = f"Conf {year}" if rng.random() < 0.7 else "Conf"
        out.append(f'[[opportunity]]\nid = "o{number}"\nkind = "event"\ntitle = "{title}"')
        if slug is not None:
            out.append(f'series = "{slug}"')
        for label in rng.sample(["Paper", "Abstract", "Conference (tbc)"], rng.randrange(0, 3)):
            day = date(year, rng.randrange(1, 13), rng.randrange(1, 29))
            out.append(f'\n[[opportunity.dates]]\nlabel = "{label}"\nat = {day}')
        out.append("")
    return "\n".join(out)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6))
def test_every_series_is_each_series_editions_in_one_pass(seed):
    # ``every_series`` (one pass: ``series --next``, ``--estimated``) and ``editions`` (one
    # series: ``series SLUG``) give each series the same editions in the same order
    import tempfile
    from pathlib import Path

    from ccal.series import every_series

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "mixed.toml"
        path.write_text(_mixed_series(seed), encoding="utf-8")
        catalog = load_catalog([path])
    grouped = every_series(catalog)
    assert list(grouped) == [s.slug for s in summaries(catalog)]
    for slug, found in grouped.items():
        assert found == editions(catalog, slug)
