"""``ccal list``'s table of opportunities from a trusted index (``index.items``): what the
Typer app prints over it is what it prints of the loaded catalog (``--no-cache``), printed a
chunk at a time, on generated catalogs (DST weeks, ranges, repeating dates with an end)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ccal.cli import app

from .test_fastpath import ZONES, catalogs, indexed, not_vacuous, nows

SCOPES = st.sampled_from([[], ["--all"], ["--past"], ["-a"]])
EXTRA = st.sampled_from(
    [[], ["-k", "call"], ["-s", "kosice"], ["-n", "2"], ["--tz", "Asia/Tokyo"], ["-t", "beta"]]
)


@contextlib.contextmanager
def streamed_items_seen() -> Iterator[list[object]]:
    """What each ``Session.streamed_items`` call gave while in the block (None: the index could
    not say, and the catalog was loaded)."""
    from ccal.cli import options

    seen: list[object] = []
    real = options.Session.streamed_items

    def watched(*args: object) -> object:
        seen.append(found := real(*args))  # type: ignore[arg-type]
        return found

    options.Session.streamed_items = watched  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        options.Session.streamed_items = real  # type: ignore[method-assign]


def _printed(argv: list[str], env: dict[str, str]) -> tuple[str, str, int]:
    result = CliRunner().invoke(app, argv, env={"CCAL_NO_FASTPATH": "1", **env})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.stdout, result.stderr, result.exit_code


@pytest.fixture(scope="module")
def streamed() -> Iterator[list[int]]:
    """How many tables were drawn from the index (the property is not vacuous)."""
    yield from not_vacuous(2)


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
    from ccal.render import table

    path = indexed(tmp_path, text, built_at, built_in, True)
    argv = ["list", *scope, *extra, "--as-of", now, "--data", path]
    expected = _printed(argv, {"CCAL_NO_CACHE": "1"})
    whole, table.CHUNK = table.CHUNK, chunk
    try:
        with streamed_items_seen() as drawn:
            assert _printed(argv, {}) == expected
    finally:
        table.CHUNK = whole
    streamed[1] += 1
    streamed[0] += any(shown is not None for shown in drawn)


@pytest.fixture(scope="module")
def streamed_json() -> Iterator[list[int]]:
    """How many ``list --json`` outputs were made from the index (not vacuous)."""
    yield from not_vacuous(2)


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

    path = indexed(tmp_path, text, built_at, built_in, True)
    argv = ["list", *scope, *extra, *fmt, "--as-of", now, "--data", path]
    expected = _printed(argv, {"CCAL_NO_CACHE": "1"})
    with streamed_items_seen() as made:
        assert _printed(argv, {}) == expected
    streamed_json[1] += 1
    streamed_json[0] += any(found is not None for found in made)
