"""An export streamed from the index (``index.streamed``) writes what the export of the loaded
catalog writes: the same bytes, in every format, for generated catalogs, "nows" and options."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ccal.cli import app
from ccal.index import streamed
from ccal.index.reader import Index
from tests.index.test_fastpath import catalogs, indexed, not_vacuous, nows

FORMATS = ["json", "ndjson", "csv", "md", "ics"]


@st.composite
def export_argvs(draw) -> list[str]:
    fmt = draw(st.sampled_from(FORMATS))
    argv = ["export", "--format", fmt]
    argv += draw(st.sampled_from([[], ["--all"], ["--all"], ["--past"]]))
    if draw(st.booleans()):
        argv += ["--limit", str(draw(st.integers(1, 6)))]
    argv += draw(
        st.sampled_from(
            [[], [], ["--within", "30d"], ["--from", "2026-03-20", "--to", "2026-11-01"]]
        )
    )
    argv += draw(
        st.sampled_from([[], [], ["--kind", "call"], ["--search", "grant"], ["--tag", "eu"]])
    )
    if fmt == "md":
        argv += draw(st.sampled_from([[], ["--group", "kind"]]))
    if fmt == "ics":
        argv += draw(st.sampled_from([[], ["--alarm", "1d"]]))
    argv += draw(st.sampled_from([[], ["--tz", "Asia/Tokyo"], ["--tz", "America/New_York"]]))
    return argv


def run(argv: list[str], env: dict[str, str]) -> tuple[str, str, int]:
    result = CliRunner().invoke(app, argv, env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.stdout, result.stderr, result.exit_code


@pytest.fixture(scope="module")
def streamed_count() -> Iterator[list[int]]:
    """How many generated exports were streamed from the index (the property is not vacuous)."""
    yield from not_vacuous(3)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=catalogs(), now=nows(), built=nows(), argv=export_argvs())
def test_a_streamed_export_is_the_export_of_the_catalog(
    tmp_path_factory, streamed_count, text, now, built, argv
):
    data = indexed(tmp_path_factory.mktemp("streamed"), text, built, "Europe/Brussels", True)
    full = [*argv, "--as-of", now, "--data", data]
    files = run(full, {"CCAL_NO_CACHE": "1"})
    used: list[bool] = []
    original = streamed.streamed_listing

    def spy(*args, **kwargs):
        found = original(*args, **kwargs)
        used.append(found is not None)
        return found

    streamed.streamed_listing = spy
    try:
        from_index = run(full, {})
    finally:
        streamed.streamed_listing = original
    assert from_index == files, full
    streamed_count[1] += 1
    streamed_count[0] += any(used)


def test_every_date_of_a_file_is_streamed_without_loading_the_catalog(tmp_path, monkeypatch):
    """``export --all`` over a trusted index never makes the catalog (``Session.catalog``)."""
    from ccal.cli import options

    data = tmp_path / "data.toml"
    data.write_text(Path("tests/data/fixture.toml").read_text(encoding="utf-8"), encoding="utf-8")
    os.utime(data, (1_600_000_000, 1_600_000_000))
    argv = ["export", "--all", "--format", "ics", "--as-of", "2022-06-01", "--data", str(data)]
    files = run(argv, {"CCAL_NO_CACHE": "1"})
    run(argv, {})  # builds the index
    assert Index.open([data]) is not None

    def no_catalog(*args, **kwargs):
        raise AssertionError("the catalog was loaded")

    monkeypatch.setattr(options.Session, "catalog", no_catalog)
    assert run(argv, {}) == files


def test_a_damaged_index_is_not_streamed(tmp_path):
    """A row whose checksum fails is found before anything is written: the export then comes
    from the files, whole."""
    import sqlite3

    from ccal.index import policy

    data = tmp_path / "data.toml"
    data.write_text(Path("tests/data/fixture.toml").read_text(encoding="utf-8"), encoding="utf-8")
    os.utime(data, (1_600_000_000, 1_600_000_000))
    argv = ["export", "--all", "--as-of", "2022-06-01", "--data", str(data)]
    files = run(argv, {"CCAL_NO_CACHE": "1"})
    run(argv, {})  # builds the index
    target = policy.index_name([data])
    with sqlite3.connect(target) as connection:
        last = connection.execute("SELECT max(rank) FROM entries").fetchone()[0]
        connection.execute("UPDATE entries SET label = 'Changed' WHERE rank = ?", (last,))
    os.utime(data, (1_600_000_000, 1_600_000_000))
    assert run(argv, {}) == files
