"""``--estimated`` and ``ccal series`` at their edges, as a user meets them: a conference whose
own days are still ahead after its deadlines passed, and a series slug that is not a slug."""

from __future__ import annotations

import json

CONF = """version = 1
timezone = "UTC"
{editions}
"""
EDITION = """
[[opportunity]]
id = "conf-{year}"
kind = "call"
title = "Conf {year}"
series = "conf"
dates = [
    {{ label = "Paper", at = {year}-03-{day}T23:59:00 }},
    {{ label = "Conference", at = {year}-07-01, end = {year}-07-03 }},
]
"""


def _conf(tmp_path):
    editions = "".join(
        EDITION.format(year=y, day=d) for y, d in ((2024, 13), (2025, 12), (2026, 11))
    )
    path = tmp_path / "conf.toml"
    path.write_text(CONF.format(editions=editions), encoding="utf-8")
    return path


def test_the_next_deadline_is_estimated_while_the_last_conference_is_still_ahead(ccal, tmp_path):
    # Conf 2026's Paper deadline has passed, its Conference (July) has not: the next deadline
    # is Conf 2027's Paper, which no file dates yet, so --estimated shows it (the real
    # Conference stays a fact above it, and no 2026 date is estimated again)
    path = _conf(tmp_path)
    result = ccal("upcoming", "--json", "--estimated", "--data", str(path), "--as-of", "2026-05-01")
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    assert [(r["id"], r["label"]) for r in records if not r.get("estimated")] == [
        ("conf-2026", "Conference")
    ]
    guessed = [(r["id"], r["label"], r["at"][:7]) for r in records if r.get("estimated")]
    assert ("conf-2027-estimated", "Paper", "2027-03") in guessed


def test_a_deadline_ahead_still_means_no_estimate(ccal, tmp_path):
    path = _conf(tmp_path)
    result = ccal("upcoming", "--json", "--estimated", "--data", str(path), "--as-of", "2026-03-01")
    assert result.exit_code == 0, result.stderr
    assert not [r for r in json.loads(result.stdout) if r.get("estimated")]


def test_a_series_that_is_not_a_slug_is_one_readable_line(ccal, tmp_path):
    path = tmp_path / "odd.toml"
    path.write_text(
        'version = 1\n[[opportunity]]\nid = "odd-2024"\nkind = "call"\ntitle = "Odd"\n'
        'series = "A B"\n',
        encoding="utf-8",
    )
    result = ccal("validate", str(path))
    assert result.exit_code == 1
    assert "series 'A B' is not a slug: use a-z, 0-9 and single '-'" in result.stdout
    assert "String should match pattern" not in result.stdout


def test_a_declared_kind_that_is_not_a_slug_is_one_readable_line(ccal, tmp_path):
    path = tmp_path / "kinds.toml"
    path.write_text('version = 1\nkinds = ["Bad Kind"]\n', encoding="utf-8")
    result = ccal("validate", str(path))
    assert result.exit_code == 1
    assert "kind 'Bad Kind' is not a slug: use a-z, 0-9 and single '-'" in result.stdout


def test_estimates_alone_still_say_nothing_real_is_ahead_and_as_of_when(ccal, tmp_path):
    # every Conf date has passed: the table of estimates came alone, without "as of" or any
    # word that nothing real is ahead
    path = _conf(tmp_path)
    for command, said in (
        (
            ["upcoming"],
            "Nothing upcoming as of Sat 1 Aug 2026 00:00 UTC.",
        ),
        (["list"], "Nothing with a date ahead matches"),
    ):
        result = ccal(*command, "--estimated", "--data", str(path), "--as-of", "2026-08-01")
        assert result.exit_code == 0, result.stderr
        out = result.stdout
        assert out.startswith(said)
        assert out.index(said) < out.index("Estimated (not yet announced)")


def test_an_estimate_of_a_conference_s_days_is_of_a_day_not_a_time(ccal, tmp_path):
    # the Conference is given as dates (all-day), the Paper deadline at 23:59: the estimate of
    # each says so as a real record would (all_day, and no time of day in the calendar's text)
    path = _conf(tmp_path)
    args = ("--estimated", "--data", str(path), "--as-of", "2026-12-01")
    records = json.loads(ccal("upcoming", "--json", *args).stdout)
    guessed = {r["label"]: r for r in records if r.get("estimated")}
    assert guessed["Conference"]["all_day"] is True
    assert guessed["Conference"]["at"].endswith("T23:59:59+00:00")  # the day's last second
    assert guessed["Paper"]["all_day"] is False
    result = ccal("export", "--format", "ics", *args)
    assert result.exit_code == 0, result.stderr
    unfolded = result.stdout.replace("\r\n", "\n").replace("\n ", "")  # unfolded lines
    [conference] = [e for e in unfolded.split("BEGIN:VEVENT")[1:] if "Estimated: Conference" in e]
    [paper] = [e for e in unfolded.split("BEGIN:VEVENT")[1:] if "Estimated: Paper" in e]
    assert "most likely" in conference and "23:59" not in conference
    assert "23:59 UTC" in paper
