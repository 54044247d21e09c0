"""``ccal list``'s table of opportunities from a trusted index (``index.items``): what the
Typer app prints over it is what it prints of the loaded catalog (``--no-cache``), printed a
chunk at a time, on generated catalogs (DST weeks, ranges, repeating dates with an end)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ccal.cli import app

from .test_fastpath import ZONES, catalogs, indexed, nows

SCOPES = st.sampled_from([[], ["--all"], ["--past"], ["-a"]])
EXTRA = st.sampled_from(
    [[], ["-k", "call"], ["-s", "kosice"], ["-n", "2"], ["--tz", "Asia/Tokyo"], ["-t", "beta"]]
)


def _printed(argv: list[str], env: dict[str, str]) -> tuple[str, str, int]:
    result = CliRunner().invoke(app, argv, env={"CCAL_NO_FASTPATH": "1", **env})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.stdout, result.stderr, result.exit_code


@pytest.fixture(scope="module")
def streamed() -> list[int]:
    """How many tables were drawn from the index (the property is not vacuous)."""
    counts = [0, 0]
    yield counts
    drawn, total = counts
    assert total == 0 or drawn >= total // 2, counts


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=catalogs(),
    built_at=nows(),
    built_in=st.sampled_from(ZONES),
    now=nows(),
    scope=SCOPES,
    extra=EXTRA,
    chunk=st.sampled_from([1, 2, 100]),
)
def test_the_table_from_the_index_is_the_table_of_the_catalog(
    tmp_path, streamed, text, built_at, built_in, now, scope, extra, chunk
):
    from ccal.cli import options
    from ccal.render import table

    path = indexed(tmp_path, text, built_at, built_in, True)
    argv = ["list", *scope, *extra, "--as-of", now, "--data", path]
    expected = _printed(argv, {"CCAL_NO_CACHE": "1"})
    drawn: list[object] = []
    real, whole = options.Session.streamed_items, table.CHUNK

    def watched(*args: object) -> object:
        drawn.append(shown := real(*args))  # type: ignore[arg-type]
        return shown

    options.Session.streamed_items = watched  # type: ignore[method-assign]
    table.CHUNK = chunk
    try:
        assert _printed(argv, {}) == expected
    finally:
        options.Session.streamed_items = real  # type: ignore[method-assign]
        table.CHUNK = whole
    streamed[1] += 1
    streamed[0] += any(shown is not None for shown in drawn)


@pytest.fixture(scope="module")
def streamed_json() -> list[int]:
    """How many ``list --json`` outputs were made from the index (not vacuous)."""
    counts = [0, 0]
    yield counts
    made, total = counts
    assert total == 0 or made >= total // 2, counts


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=catalogs(),
    built_at=nows(),
    built_in=st.sampled_from(ZONES),
    now=nows(),
    scope=SCOPES,
    extra=EXTRA,
    fmt=st.sampled_from([["--json"], ["--format", "ndjson"]]),
)
def test_list_json_from_the_index_is_byte_for_byte_that_of_the_catalog(
    tmp_path, streamed_json, text, built_at, built_in, now, scope, extra, fmt
):
    """``list --json`` (and ndjson) of a trusted index is made from it as the table is, an
    opportunity at a time (``index.items.item_records``), the same bytes as ``--no-cache``."""
    from ccal.cli import options

    path = indexed(tmp_path, text, built_at, built_in, True)
    argv = ["list", *scope, *extra, *fmt, "--as-of", now, "--data", path]
    expected = _printed(argv, {"CCAL_NO_CACHE": "1"})
    made: list[object] = []
    real = options.Session.streamed_items

    def watched(*args: object) -> object:
        made.append(found := real(*args))  # type: ignore[arg-type]
        return found

    options.Session.streamed_items = watched  # type: ignore[method-assign]
    try:
        assert _printed(argv, {}) == expected
    finally:
        options.Session.streamed_items = real  # type: ignore[method-assign]
    streamed_json[1] += 1
    streamed_json[0] += any(found is not None for found in made)
