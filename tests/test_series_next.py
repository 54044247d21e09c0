"""``ccal series --next`` and the estimate row of ``ccal series SLUG``: computed from the
editions, marked as estimates, and matching schema/estimate.schema.json."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import DATA

REPO = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((REPO / "schema" / "estimate.schema.json").read_text(encoding="utf-8"))
D = ["--data", str(DATA / "series.toml"), "--as-of", "2026-06-01"]
SHIPPED = ["--as-of", "2026-12-01"]
SHIPPED_SERIES = (
    "c2lab",
    "clusters-meet-regions",
    "eu-clusters-talks",
    "european-cluster-conference",
)


def test_next_json_of_the_fixture_matches_the_schema_and_says_why_once_has_none(ccal):
    data = ccal.json("series", "--next", *D)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    nips, once = data
    assert once == {
        "series": "once",
        "estimate": None,
        "reason": "only one edition: nothing to learn a cadence from",
    }
    assert nips["series"] == "nips" and nips["year"] == 2027
    assert nips["basis"] == [2024, 2025, 2026]
    assert nips["cadence"] == "yearly"
    assert [d["label"] for d in nips["dates"]] == ["Abstract", "Paper"]  # the aside dropped
    for d in nips["dates"]:
        assert d["estimated"] is True
        start, at, end = (datetime.fromisoformat(d[k]) for k in ("range_start", "at", "range_end"))
        assert start <= at <= end
        assert at.year == 2027 and at.month in (4, 5)


def test_next_json_of_the_shipped_series_matches_the_schema(ccal):
    data = ccal.json("series", "--next", *SHIPPED)
    jsonschema.Draft202012Validator(SCHEMA).validate(data)
    assert [r["series"] for r in data] == list(SHIPPED_SERIES)
    by_slug = {r["series"]: r for r in data}
    assert by_slug["eu-clusters-talks"]["method"] == "median-gap"
    assert by_slug["european-cluster-conference"]["estimate"] is None


def test_next_with_slugs_keeps_their_order_and_rejects_an_unknown_one(ccal):
    data = ccal.json("series", "--next", "once", "nips", *D)
    assert [r["series"] for r in data] == ["once", "nips"]
    result = ccal("series", "--next", "nip", *D)
    assert result.exit_code == 1
    assert "unknown series 'nip'; did you mean 'nips'?" in result.stderr


def test_next_table_marks_each_estimate(ccal):
    result = ccal("series", "--next", *D)
    assert result.exit_code == 0
    assert "≈2027" in result.stdout
    assert "estimated from 2024–2026" in result.stdout
    assert "once: no estimate, only one edition" in result.stdout


def test_series_slug_ends_with_the_estimate_row(ccal):
    result = ccal("series", "nips", *D)
    assert result.exit_code == 0
    lines = result.stdout.rstrip().splitlines()
    assert "≈2027" in result.stdout and "estimated next edition" in result.stdout
    assert lines.index(next(ln for ln in lines if "≈2027" in ln)) > lines.index(
        next(ln for ln in lines if ln.lstrip().startswith("2026"))
    )
    assert "· estimated from" in result.stdout


def test_series_slug_says_why_there_is_no_estimate(ccal):
    result = ccal("series", "european-cluster-conference", *SHIPPED)
    assert result.exit_code == 0
    assert "No estimate of the next edition: the editions disagree" in result.stdout.replace(
        "\n", " "
    )


def test_several_slugs_without_next_is_a_usage_error(ccal):
    result = ccal("series", "nips", "once", *D)
    assert result.exit_code == 2
    assert result.stderr.startswith("ccal: one SLUG at a time")


def test_series_json_is_unchanged_by_the_estimate(ccal):
    data = ccal.json("series", "nips", *D)
    assert set(data) == {"series", "editions"}


def _many_labels(tmp_path: Path) -> Path:
    """Two yearly editions with five labels each: ``series SLUG`` lists one row per label."""
    parts = ['version = 1\ntimezone = "UTC"\n']
    for year in (2025, 2026):
        parts.append(f'[[opportunity]]\nid = "vl-{year}"\nkind = "call"\ntitle = "VL {year}"\n')
        parts.append('series = "vl"\n')
        for month in range(1, 6):
            parts.append(f'[[opportunity.dates]]\nlabel = "Round {month}"\n')
            parts.append(f"at = {year}-{month:02d}-1{year % 10}T12:00:00\n")
    path = tmp_path / "vl.toml"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def test_a_long_series_table_ends_with_one_estimated_row_per_label(ccal, tmp_path):
    data = ["--data", str(_many_labels(tmp_path)), "--as-of", "2026-12-01"]
    out = ccal("series", "vl", *data).stdout
    tail = out[out.index("≈2027") :]
    assert "estimated next edition" in tail
    assert [f"Round {n}" in tail for n in range(1, 6)] == [True] * 5
    assert tail.count("estimated from 2025–2026") == 5


def _tokens(text: str) -> set[str]:
    return set(text.split())


@pytest.mark.parametrize("columns", ["40", "60", "80", "120"])
@pytest.mark.parametrize("data", [D, SHIPPED])
def test_next_table_keeps_every_series_label_range_and_cadence_on_a_narrow_terminal(
    ccal, data, columns
):
    """At 40 columns the table kept only Series, Year and a cut Cadence ("every 29 da…"), and
    at 60 it dropped the Cadence: every series' slug (whole), year, cadence, and each label
    and range of its estimate are there at any width, in whole words."""
    from ccal.estimate import EstimatedDate
    from ccal.render.estimates import range_text

    result = ccal("series", "--next", *data, env={"COLUMNS": columns})
    assert result.exit_code == 0, result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= int(columns)
    assert "…" not in result.stdout
    shown = _tokens(result.stdout)
    for record in ccal.json("series", "--next", *data):
        if record.get("estimate", True) is None:  # a note under the table says why
            assert f"{record['series']}:" in shown, result.stdout
            continue
        assert record["series"] in shown, result.stdout
        assert f"≈{record['year']}" in shown
        assert _tokens(record["cadence"]) <= shown
        for d in record["dates"]:
            moments = (datetime.fromisoformat(d[k]) for k in ("at", "range_start", "range_end"))
            guess = EstimatedDate(d["label"], *moments)
            assert _tokens(d["label"]) | _tokens(range_text(guess)) <= shown, result.stdout


def _announced(tmp_path: Path) -> Path:
    """Conf 2024 and 2025 with a Paper deadline; Conf 2026 announced with its days, Paper TBD."""
    path = tmp_path / "conf.toml"
    text = 'version = 1\ntimezone = "UTC"\n'
    for year, paper, days in (
        (2024, "2024-03-13T23:59:00", "2024-07-01"),
        (2025, "2025-03-12T23:59:00", "2025-06-30"),
        (2026, None, "2026-07-06"),
    ):
        text += f'\n[[opportunity]]\nid = "conf-{year}"\nkind = "call"\ntitle = "Conf {year}"\n'
        text += 'series = "conf"\n'
        if paper:
            text += f'[[opportunity.dates]]\nlabel = "Paper"\nat = {paper}\n'
        text += f'[[opportunity.dates]]\nlabel = "Conference"\nat = {days}\n'
    path.write_text(text, encoding="utf-8")
    return path


def test_next_never_estimates_a_date_the_announced_edition_has(ccal, tmp_path):
    """Conf 2026's days are known, its Paper deadline is not: ``--next`` and the series table
    estimate the Paper only, as the listings' ``--estimated`` does; the real days win."""
    data = ["--data", str(_announced(tmp_path)), "--as-of", "2026-02-01"]
    (estimate,) = ccal.json("series", "--next", *data)
    assert estimate["year"] == 2026
    assert [d["label"] for d in estimate["dates"]] == ["Paper"]
    table = ccal("series", "conf", *data, env={"COLUMNS": "200"}).stdout
    estimated = table[table.index("≈2026") :]  # its Paper column estimated, its Conference not
    assert estimated.count("estimated from 2024–2025") == 1 and "Mon 6 Jul 2026" in table
    listed = ccal.json("upcoming", "--estimated", *data)
    assert [(r["label"], r.get("estimated", False)) for r in listed] == [
        ("Conference", False),
        ("Paper", True),
    ]


def test_next_table_on_a_narrow_terminal_crops_nothing(ccal, tmp_path):
    """At 60 columns a long series name and label: the estimate's range and the cadence are
    never cut off at the edge (they were: "≈ 17 Sep – 15 Oc", no Cadence column)."""
    path = tmp_path / "long.toml"
    text = 'version = 1\ntimezone = "UTC"\n'
    for year in (2024, 2025, 2026):
        text += (
            f'\n[[opportunity]]\nid = "long-{year}"\nkind = "call"\ntitle = "Long {year}"\n'
            'series = "a-rather-long-series-name"\n[[opportunity.dates]]\n'
            f'label = "Round 1 – Paper submission"\nat = {year}-03-13T23:59:00\n'
        )
    path.write_text(text, encoding="utf-8")
    data = ["--data", str(path), "--as-of", "2026-06-01"]
    result = ccal("series", "--next", *data, env={"COLUMNS": "60"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert all(len(line) <= 60 for line in lines)
    assert "yearly" in result.stdout  # in a Cadence column, or on the series' own line
    assert all(word in result.stdout for word in ("27 Feb", "27 Mar 2027", "2024–2026"))


def test_a_long_edition_id_is_folded_never_cut(ccal):
    """The id is what ``ccal show ID`` takes: at 80 columns it read
    "european-cluster-confe…"; it wraps now, every character kept."""
    result = ccal("series", "european-cluster-conference", *SHIPPED, env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert "…" not in result.stdout
    assert "ence-2022" in result.stdout and "ence-2024" in result.stdout


def _yearly_series(seed: int) -> str:
    """Series of 1–6 yearly editions in the zones imports write (AoE, UTC−8, IANA), some with
    an Abstract, some in several rounds, in shuffled file order, among the mixed editions of
    ``test_series._mixed_series``."""
    import random

    from tests.test_series import _mixed_series

    rng = random.Random(seed)
    blocks = []
    for number in range(8):
        day, zone = rng.randrange(1, 28), rng.choice(["AoE", "UTC-8", "Asia/Tokyo", "UTC"])
        for year in range(2026 - rng.randrange(1, 7), 2026):
            lines = [f'[[opportunity]]\nid = "s{number}-{year}"\nkind = "event"']
            lines.append(f'title = "S{number} {year}"\nseries = "s{number}"\ntimezone = "{zone}"')
            labels = ["Paper"] + (["Abstract"] if rng.random() < 0.5 else [])
            labels += ["Round 2 – Paper"] if rng.random() < 0.2 else []
            for label in labels:
                month = rng.choice([3, 4]) if label != "Round 2 – Paper" else 6
                at = f"{year}-{month:02d}-{day + rng.randrange(0, 2):02d}T23:59:00"
                lines.append(f'\n[[opportunity.dates]]\nlabel = "{label}"\nat = {at}')
            blocks.append("\n".join(lines) + "\n")
    rng.shuffle(blocks)
    return _mixed_series(seed) + "\n" + "\n".join(blocks)


@pytest.mark.parametrize("seed", [3, 16, 2026])
@pytest.mark.parametrize(
    "query", [("series", "--next", "--json"), ("series", "--next"), ("upcoming", "--estimated")]
)
def test_estimates_from_the_index_equal_those_from_the_files(ccal, tmp_path, seed, query):
    # ``series`` reads the index's stand-ins, every series grouped in one pass; --no-cache reads
    # the files into pydantic models: the same estimates, byte for byte
    from ccal.index.reader import Index

    path = tmp_path / "mixed.toml"
    path.write_text(_yearly_series(seed), encoding="utf-8")
    os.utime(path, (1_600_000_000, 1_600_000_000))  # not "just modified": it is indexed
    args = [*query, "--as-of", "2027-01-01", "--data", str(path)]
    files = ccal("--no-cache", *args)
    ccal(*args)  # builds the index
    assert Index.open([path]) is not None
    indexed = ccal(*args)
    assert (indexed.stdout, indexed.exit_code) == (files.stdout, files.exit_code)
    assert files.exit_code == 0 and "estimated" in files.stdout.lower()
