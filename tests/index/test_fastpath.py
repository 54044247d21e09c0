"""The start-up fast path answers exactly as the Typer app does, or leaves it to the Typer app.

One property instead of a list of cases: generated catalogs (DST weeks, all-day and timed
moments and ranges, repeating dates, several zones) x a "now" x an argv built from the fast
path's own grammar (``fastpath.COMMANDS``). The fast path either prints nothing and hands over,
or prints what the Typer app prints (``CCAL_NO_FASTPATH=1``, reading the files themselves with
``CCAL_NO_CACHE=1``) and exits as it does. Both run in this process.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ccal import index
from ccal.cli import app
from ccal.clock import is_nonexistent
from ccal.errors import DataError
from ccal.index import fastpath
from ccal.index import writer as index_writer
from ccal.index.fastargs import FILTER_OPTIONS, FLAG, MANY
from ccal.rules import KINDS

OLD = 1_600_000_000  # an mtime long past: the file is quiet enough to index
ZONES = ("Europe/Brussels", "America/New_York", "Australia/Sydney", "Asia/Tokyo", "UTC")
# Days around a switch of each zone with one: the spring gap and the repeated autumn hour.
SWITCHES = (
    date(2026, 3, 29),  # Brussels spring
    date(2026, 10, 25),  # Brussels autumn
    date(2026, 3, 8),  # New York spring
    date(2026, 11, 1),  # New York autumn
    date(2026, 4, 5),  # Sydney autumn
)
TAGS = ("alpha", "beta", "Gamma")
WORDS = ("cut-off", "Košice", "talk", "kosice", "SUMMIT", "webinar")
ORGANISERS = ("Test Org", "Other", "Ünion")
IDS = ("op-0", "op-1", "op-2", "op-3", "op-4", "op-5")
RULES = ("FREQ=WEEKLY", "FREQ=DAILY;INTERVAL=3", "FREQ=MONTHLY", "FREQ=YEARLY")
MOSTLY = st.sampled_from([True, True, True, False])
HANDS_OVER = object()  # what the fast path's outcome is when it lets the Typer app answer


# --- catalogs --------------------------------------------------------------------------------


@st.composite
def moments(draw, zone: str) -> str:
    """A TOML value for ``at`` (or ``end``): a date, a local time that exists in ``zone``, or an
    instant with an offset; near a DST switch."""
    day = draw(st.sampled_from(SWITCHES)) + timedelta(days=draw(st.integers(-2, 2)))
    form = draw(st.sampled_from(["date", "local", "local", "offset"]))
    if form == "date":
        return day.isoformat()
    minute = draw(st.sampled_from([0, 30, 59]))
    local = datetime.combine(day, datetime.min.time()).replace(
        hour=draw(st.integers(0, 23)), minute=minute
    )
    if form == "offset":
        return local.isoformat() + draw(st.sampled_from(["Z", "+02:00", "-05:00", "+10:00"]))
    if is_nonexistent(local, ZoneInfo(zone)):
        local += timedelta(hours=1)  # the gap is an error in a data file, not what is tested
    return local.isoformat()


def _after(at: str, days: int, hours: int, zone: str) -> str:
    """An ``end`` after ``at``, of the same form (a date after a date), never in a DST gap."""
    if len(at) == 10:
        return (date.fromisoformat(at) + timedelta(days=max(days, 1))).isoformat()
    moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    later = moment + timedelta(days=days, hours=max(hours, 1))
    if later.tzinfo is None and is_nonexistent(later, ZoneInfo(zone)):
        later += timedelta(hours=1)
    text = later.isoformat()
    return text.replace("+00:00", "Z") if at.endswith("Z") else text


@st.composite
def opportunities(draw, number: int, repeating: bool) -> str:
    zone = draw(st.sampled_from(ZONES))
    lines = [
        "[[opportunity]]",
        f'id = "{IDS[number]}"',
        f'kind = "{draw(st.sampled_from(KINDS))}"',
        f'title = "{" ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=2)))}"',
        f'timezone = "{zone}"',
        f"tags = {json.dumps(draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True)))}",
    ]
    if draw(st.booleans()):
        lines.append(f'organiser = "{draw(st.sampled_from(ORGANISERS))}"')
    for n in range(draw(st.integers(0, 3))):
        at = draw(moments(zone))
        lines += ["", "[[opportunity.dates]]", f'label = "Date {n} {draw(st.sampled_from(WORDS))}"']
        lines.append(f"at = {at}")
        if draw(st.integers(0, 2)) == 0:
            days, hours = draw(st.integers(0, 3)), draw(st.integers(0, 30))
            lines.append(f"end = {_after(at, days, hours, zone)}")
        elif repeating and draw(st.booleans()):  # a repeating date, with an end or without
            lines.append(f'rrule = "{draw(st.sampled_from(RULES))}"')
            lines += draw(st.sampled_from([["count = 3"], ["until = 2026-12-31"], []]))
        if draw(st.integers(0, 4)) == 0:
            lines.append("tentative = true")
    return "\n".join(lines)


@st.composite
def catalogs(draw) -> str:
    count = draw(st.integers(3, len(IDS)))
    repeating = draw(st.sampled_from([False] * 5 + [True]))
    parts = ['version = 1\ntimezone = "Europe/Brussels"']
    parts += [draw(opportunities(n, repeating)) for n in range(count)]
    return "\n\n".join(parts) + "\n"


# --- now and argv, from the fast path's own grammar -------------------------------------------


def nows() -> st.SearchStrategy[str]:
    """A "now" as typed (--as-of, CCAL_NOW): an instant, a local time, a date; near the dates."""
    day = st.builds(
        lambda d, n: d + timedelta(days=n), st.sampled_from(SWITCHES), st.integers(-4, 3)
    )
    clock = st.sampled_from(["", " 00:00", "T02:30:00+02:00", " 12:00", "T23:59:59Z", " 01:30"])
    return st.builds(lambda d, c: d.isoformat() + c, day, clock)


def mostly(valid: list[str], invalid: list[str]) -> st.SearchStrategy[str]:
    """A valid value seven times in eight: a call the fast path answers, now and then one the
    Typer app must word an error for."""
    return st.sampled_from(valid * max(1, 7 * len(invalid) // len(valid)) + invalid)


VALUES: dict[str, st.SearchStrategy[str]] = {
    "tz": mostly(list(ZONES), ["Europe/Brusels"]),
    "kind": mostly([*KINDS, "Call", "talk,EVENT"], ["party", "call,party"]),
    "tag": st.sampled_from([*TAGS, "ALPHA"]),
    "search": st.sampled_from([*WORDS, "", "date 1"]),
    "organiser": st.sampled_from([*ORGANISERS, "", "other"]),
    "limit": mostly(["1", "2", "5"], ["0", "two"]),
    "within": mostly(["1h", "12h", "1d", "2d", "7d", "30d", "1w", "1mo"], ["3 fortnights"]),
    "until": mostly(["+1d", "+3d", "2026-03-29", "2026-10-25 02:30", "2026-11-02"], ["soon"]),
    "call": mostly([*IDS[:3]], ["op-9"]),  # a catalog has at least three
}


@st.composite
def argvs(draw, data: str) -> tuple[list[str], dict[str, str]]:
    """An argv for one of the fast path's commands (each option spelled as the grammar allows)
    and the environment variables given instead of options."""
    command = draw(st.sampled_from(sorted(fastpath.COMMANDS)))
    options, _answer = fastpath.COMMANDS[command]
    spellings: dict[str, list[str]] = {}
    for option, (key, _kind) in options.items():
        spellings.setdefault(key, []).append(option)
    argv, env = [command], {"CCAL_NOW": draw(nows())}
    for key, names in sorted(spellings.items()):
        kind = options[names[0]][1]
        if key == "json":
            tables = command in ("list", "show", "countdown")  # whose --json is handed over
            rarely = MOSTLY.map(lambda mostly: not mostly)
            if draw(st.booleans() if command == "remind" else rarely if tables else MOSTLY):
                argv.append("--json")
            continue
        if key == "as_of":
            if draw(st.booleans()):
                argv += [draw(st.sampled_from(names)), env.pop("CCAL_NOW")]
            continue
        if key == "data":
            if draw(st.booleans()):
                argv += ["--data", data]
            else:
                env["CCAL_DATA"] = data
            continue
        if kind == FLAG:
            if draw(MOSTLY if key == "dates" else st.booleans()):
                argv.append(names[0])
            continue
        if key == "tz" and draw(st.booleans()):
            env["CCAL_TZ"] = draw(VALUES["tz"])
            continue
        for _ in range(draw(st.integers(0, 2 if kind == MANY else 1))):
            name, value = draw(st.sampled_from(names)), draw(VALUES[key])
            argv += (
                [f"{name}={value}"]
                if name.startswith("--") and draw(st.booleans())
                else [
                    name,
                    value,
                ]
            )
    filtered = any(a.split("=")[0] in FILTER_OPTIONS for a in argv)
    if command == "countdown" and draw(
        st.booleans() if not filtered else MOSTLY.map(lambda mostly: not mostly)
    ):
        argv.insert(1, draw(VALUES["call"]))  # an ID (with filters: a usage error)
    if command == "show" and draw(MOSTLY):
        argv.insert(1, draw(VALUES["call"]))
    if command == "deadlines" and "--call" not in argv and "-c" not in argv and draw(MOSTLY):
        argv.insert(1, draw(VALUES["call"]))
    return argv, env


# --- the two paths ----------------------------------------------------------------------------


@contextlib.contextmanager
def environment(values: dict[str, str]):
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def fast(argv: list[str], env: dict[str, str]):
    out, err = io.StringIO(), io.StringIO()
    with environment(env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = fastpath.answer(argv)
    if code is None:
        assert (out.getvalue(), err.getvalue()) == ("", ""), "printed, then handed over"
        return HANDS_OVER
    return out.getvalue(), err.getvalue(), code


def typer_app(argv: list[str], env: dict[str, str]):
    result = CliRunner().invoke(
        app, argv, env={**env, "CCAL_NO_FASTPATH": "1", "CCAL_NO_CACHE": "1"}
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.stdout, result.stderr, result.exit_code


def indexed(tmp: Path, text: str, built_at: str, built_in: str, render_ahead: bool) -> str:
    """The data file, settled and indexed as the Typer path indexes it."""
    data = tmp / "data.toml"
    data.write_text(text, encoding="utf-8")
    os.utime(data, (OLD, OLD))
    from ccal.clock import parse_when

    zone = ZoneInfo(built_in)
    threshold = index_writer.RENDER_ALL_UP_TO
    index_writer.RENDER_ALL_UP_TO = threshold if render_ahead else 0
    try:
        with contextlib.suppress(DataError):  # both paths report it (the fast path hands over)
            index.load_catalog([data], now=parse_when(built_at, zone), zone=zone)
    finally:
        index_writer.RENDER_ALL_UP_TO = threshold
    return str(data)


def not_vacuous(part: int) -> Iterator[list[int]]:
    """A module fixture's body for a property test that counts ``[hits, examples]`` in what it
    yields: after the module, at least ``1/part`` of the examples were hits (the property was
    not vacuously true: the path it compares was really taken)."""
    counts = [0, 0]
    yield counts
    hits, total = counts
    assert total == 0 or hits >= total // part, counts


@pytest.fixture(scope="module")
def answered() -> Iterator[list[int]]:
    """How many generated calls the fast path answered itself (the property is not vacuous).
    Over 120 examples it answers 35–63 (seeds 11–16), and 28 was seen in a full run: a bound of
    a quarter failed now and then though nothing had changed, so the bound is an eighth."""
    yield from not_vacuous(8)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=catalogs(),
    built_at=nows(),
    built_in=st.sampled_from(ZONES),
    render_ahead=st.booleans(),
    chunk=st.sampled_from([2, 100]),  # a long table is printed in chunks of CHUNK rows
    data=st.data(),
)
def test_the_fast_path_prints_what_the_typer_app_prints(
    tmp_path, answered, text, built_at, built_in, render_ahead, chunk, data
):
    from ccal.render import table

    path = indexed(tmp_path, text, built_at, built_in, render_ahead)
    argv, env = data.draw(argvs(path))
    whole, table.CHUNK = table.CHUNK, chunk
    try:
        outcome = fast(argv, {**env, "CCAL_DEBUG": "1"})  # a fast-path bug is raised, not hidden
        answered[1] += 1
        if outcome is HANDS_OVER:
            return
        answered[0] += 1
        assert outcome == typer_app(argv, env)
    finally:
        table.CHUNK = whole


QUIET_SERIES = """version = 1
timezone = "Europe/Brussels"

[[opportunity]]
id = "weekly"
kind = "talk"
title = "Weekly talks"

[[opportunity.dates]]
label = "Talk"
at = 2026-01-05T10:00:00
rrule = "FREQ=WEEKLY"

[[opportunity]]
id = "later"
kind = "talk"
title = "Monthly talks from 2029"

[[opportunity.dates]]
label = "Talk"
at = 2029-01-10T10:00:00
rrule = "FREQ=MONTHLY"

[[opportunity]]
id = "triennial"
kind = "event"
title = "Every third year"

[[opportunity.dates]]
label = "Summit"
at = 2025-03-02T09:00:00
rrule = "FREQ=YEARLY;INTERVAL=3"
"""


@pytest.mark.parametrize("now", ["2026-12-01", "2028-12-01", "2025-06-01", "2027-06-01"])
@pytest.mark.parametrize(
    "args",
    [
        ["upcoming", "--json"],
        ["upcoming"],
        ["list", "--dates", "--json"],
        ["deadlines", "later", "--json"],
        ["deadlines", "triennial"],
        ["upcoming", "--json", "--within", "400d"],
    ],
    ids=" ".join,
)
def test_a_series_with_nothing_in_the_span_still_shows_its_next_date(tmp_path, now, args):
    """A series without an end and no occurrence in the span asked about (it starts years
    ahead, or repeats every third year) shows its next date (``recurrence.expand``); the index
    holds only its occurrences over the cover, so the fast path must not answer without it."""
    path = indexed(tmp_path, QUIET_SERIES, "2026-12-01", "Europe/Brussels", True)
    argv = [*args, "--as-of", now, "--data", path]
    outcome = fast(argv, {})
    expected = typer_app(argv, {})
    assert expected[2] == 0, expected
    assert outcome is HANDS_OVER or outcome == expected


# --- the forms it must answer, and the ones it must not ----------------------------------------

FIXTURE = Path(__file__).parents[1] / "data" / "fixture.toml"


@pytest.fixture
def fixture_data(tmp_path) -> str:
    import shutil

    data = Path(shutil.copy(FIXTURE, tmp_path / "data.toml"))
    os.utime(data, (OLD, OLD))
    index.load_catalog([data])
    return str(data)


@pytest.mark.parametrize(
    "args",
    [
        ["upcoming", "--json", "--as-of", "2022-06-01"],
        ["upcoming", "--json", "-n", "1", "--as-of=2022-06-22T12:00", "--kind", "event"],
        ["upcoming", "--json", "--within", "30d", "--as-of", "2022-06-21 20:00", "-s", "kosice"],
        ["deadlines", "summer-call", "--json", "--as-of", "2022-12-01"],
        ["deadlines", "--call", "kosice-workshop", "--json", "--as-of", "2022-06-22T10:00"],
        ["remind", "--within", "90d", "--as-of", "2022-06-01", "--tz", "Asia/Tokyo"],
        ["remind", "--exit-status", "--json", "--within", "1h", "--as-of", "2022-06-01"],
        ["upcoming", "--json", "-k", "Call,EVENT", "--as-of", "2022-06-01"],  # any case, commas
        ["remind", "--within", "90d", "-k", "talk,call", "-k", "Call", "--as-of", "2022-06-01"],
        ["upcoming", "--as-of", "2022-06-01"],  # the table, from the rows shown
        ["deadlines", "summer-call", "--as-of", "2022-12-01"],  # table and summary line
        ["countdown", "--once", "--as-of", "2022-06-01"],
        ["show", "summer-call", "--as-of", "2022-06-01"],
        ["list", "--dates", "--as-of", "2022-06-01", "-n", "3", "-k", "call"],
        ["list", "--dates", "--as-of", "2030-01-01"],  # nothing ahead: its one line
        ["list", "--all", "--as-of", "2022-06-01"],  # one row per opportunity (``index.items``)
        ["list", "--as-of", "2022-06-21 20:00", "--tz", "Asia/Tokyo"],
        ["list", "--past", "-n", "1", "--as-of", "2022-12-01"],
        ["list", "-a", "-s", "kosice", "--as-of", "2022-06-01"],
        ["list", "--as-of", "2030-01-01"],  # nothing ahead: its one line
        ["show", "kosice-workshop", "--as-of", "2022-06-22T10:00", "--tz", "America/New_York"],
        ["countdown", "summer-call", "--as-of", "2022-06-01", "--tz", "Asia/Tokyo"],
        ["countdown", "-k", "event", "-s", "kosice", "--as-of", "2022-06-21 20:00"],
        ["deadlines", "-c", "kosice-workshop", "--as-of", "2022-06-22T10:00", "--tz", "UTC"],
        ["upcoming", "-n", "2", "--as-of", "2022-06-01", "--tz", "Asia/Tokyo", "-s", "kosice"],
    ],
    ids=" ".join,
)
def test_the_hot_forms_are_answered_here(fixture_data, args):
    argv = [*args, "--data", fixture_data]
    outcome = fast(argv, {})
    assert outcome is not HANDS_OVER
    assert outcome == typer_app(argv, {})


@pytest.mark.parametrize(
    "args",
    [
        ["upcoming", "--as-of", "2022-06-01"],
        ["list", "--dates", "--as-of", "2022-06-01", "--tz", "Asia/Tokyo"],
        ["upcoming", "--as-of", "2022-06-01", "-k", "call,event"],
        ["list", "--all", "--as-of", "2022-06-01"],
    ],
    ids=" ".join,
)
def test_a_long_table_in_chunks_is_the_same_on_both_paths(fixture_data, monkeypatch, args):
    """A listing longer than ``render.table.CHUNK`` rows prints chunk by chunk, on both paths
    alike, and as the one table it would be in one piece."""
    from ccal.render import table

    argv = [*args, "--data", fixture_data]
    whole = typer_app(argv, {})
    monkeypatch.setattr(table, "CHUNK", 2)
    outcome = fast(argv, {})
    assert outcome is not HANDS_OVER
    assert outcome == typer_app(argv, {}) == whole
    assert whole[0].count("\n") > 8  # more rows than a chunk: not vacuous


@pytest.mark.parametrize(
    "args",
    [
        ["upcoming", "--json", "--within", "", "--as-of", "2022-06-01"],
        ["upcoming", "--json", "--limit", "0"],
        ["upcoming", "--json", "-n5"],
        ["upcoming", "--json", "--tz", "Europe/Brusels"],
        ["upcoming", "--json", "--as-of", "someday"],
        ["upcoming", "--json", "--within", "3d", "--until", "2022-07-01"],
        ["upcoming", "--json", "--kind", "party"],
        ["upcoming", "--json", "--kind", "call,party"],
        ["upcoming", "--json", "extra"],
        ["upcoming", "--json", "--"],
        ["upcoming", "--as-of", "2030-01-01"],  # a table of nothing: what is near, from files
        ["deadlines", "summer-cal", "--json"],
        ["deadlines", "summer-call", "--call", "tokyo-talk", "--json"],
        ["deadlines", "--help"],
        ["remind", "--within", "soon"],
        ["remind", "--exit-status=1"],
        ["upcoming", "--json", "--estimated"],  # estimates: the Typer app computes them
        ["remind", "--estimated"],
    ],
    ids=" ".join,
)
def test_what_it_does_not_understand_goes_to_the_typer_app_silently(fixture_data, args):
    assert fast([*args, "--data", fixture_data], {"CCAL_NOW": "2022-06-01"}) is HANDS_OVER


def test_it_never_answers_when_switched_off_or_a_file_is_too_fresh(tmp_path, fixture_data):
    argv = ["upcoming", "--json", "--as-of", "2022-06-01", "--data"]
    fresh = tmp_path / "fresh.toml"
    fresh.write_bytes(FIXTURE.read_bytes())  # just written: not indexed (``RACY_SECONDS``)
    assert fast([*argv, str(fresh)], {}) is HANDS_OVER
    assert fast([*argv, fixture_data], {}) is not HANDS_OVER
    assert fast([*argv, fixture_data], {"CCAL_NO_FASTPATH": "1"}) is HANDS_OVER
    assert fast([*argv, fixture_data], {"CCAL_NO_CACHE": "1"}) is HANDS_OVER


def console(argv: list[str], env: dict[str, str]):
    """``ccal ARGV`` as the console script runs it, in this process: the fast path, then the
    Typer app if it hands over (the index used and written as a real call uses it)."""
    outcome = fast(argv, env)
    if outcome is not HANDS_OVER:
        return outcome
    result = CliRunner().invoke(app, argv, env={**env, "CCAL_NO_FASTPATH": "1"})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.stdout, result.stderr, result.exit_code


@pytest.fixture
def loads(monkeypatch) -> list[list[Any]]:
    """Every reading of data files from their text (``loader.load_catalog``), as its paths."""
    from ccal import loader

    calls: list[list[Any]] = []
    read = loader.load_catalog

    def counted(paths):
        calls.append(list(paths))
        return read(paths)

    monkeypatch.setattr(loader, "load_catalog", counted)
    return calls


@pytest.mark.parametrize(
    "args",
    [
        ["upcoming", "--json", "--as-of", "2022-06-01"],
        ["upcoming", "--as-of", "2022-06-01", "-n", "2"],
        ["deadlines", "summer-call", "--as-of", "2022-12-01"],
        ["remind", "--within", "90d", "--as-of", "2022-06-01", "--tz", "Asia/Tokyo"],
        ["show", "summer-call", "--as-of", "2022-06-01"],
        ["countdown", "--once", "--as-of", "2022-06-01"],
    ],
    ids=" ".join,
)
def test_with_no_index_it_reads_and_indexes_the_files_then_answers(tmp_path, loads, args):
    """The first call after a change: the files read once, indexed, and the call answered from
    the new index without the Typer app, as the Typer app answers it."""
    from ccal.index.reader import Index

    data = tmp_path / "changed.toml"
    data.write_bytes(FIXTURE.read_bytes())
    os.utime(data, (OLD, OLD))
    argv = [*args, "--data", str(data)]
    outcome = fast(argv, {})
    assert outcome is not HANDS_OVER
    assert loads == [[data]]  # read once, as Click gives the paths (``Path``)
    assert Index.open([str(data)]) is not None  # the next call finds it
    assert outcome == typer_app(argv, {})


@pytest.mark.parametrize(
    "args",
    [
        ["upcoming", "--as-of", "2030-01-01"],  # nothing ahead: worded from the whole catalog
        ["deadlines", "no-such-call", "--as-of", "2022-06-01"],  # unknown: the did-you-mean
        ["upcoming", "--json", "--as-of", "2022-06-01"],  # the file has an error
    ],
    ids=" ".join,
)
def test_a_call_handed_over_after_reading_the_files_does_not_read_them_again(tmp_path, loads, args):
    """What the fast path read (the catalog, or the error to report) is what the Typer app
    uses when the fast path hands the call over after all: one reading of the files."""
    data = tmp_path / "changed.toml"
    text = FIXTURE.read_text(encoding="utf-8")
    if "--json" in args:
        text = text.replace('kind = "call"', 'kind = "cal"', 1)
    data.write_text(text, encoding="utf-8")
    os.utime(data, (OLD, OLD))
    argv = [*args, "--data", str(data)]
    assert fast(argv, {}) is HANDS_OVER
    handed = console(argv, {"CCAL_NO_FASTPATH": "1"})
    assert loads == [[data]]  # read once, as Click gives the paths (``Path``)
    assert handed == typer_app(argv, {})
    assert handed[2] != 0 or "Nothing upcoming" in handed[0]


def test_what_was_read_is_not_handed_over_once_a_file_changed(tmp_path, loads):
    """A file that changed between the fast path's reading and the Typer app's is read again."""
    data = tmp_path / "changed.toml"
    data.write_bytes(FIXTURE.read_bytes())
    os.utime(data, (OLD, OLD))
    argv = ["upcoming", "--as-of", "2030-01-01", "--data", str(data)]
    assert fast(argv, {}) is HANDS_OVER  # read, indexed, then handed over
    data.write_text(FIXTURE.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    os.utime(data, (OLD, OLD))
    handed = console(argv, {"CCAL_NO_FASTPATH": "1"})
    assert loads == [[data]] * 2
    assert handed == typer_app(argv, {})


def test_a_bug_is_raised_under_ccal_debug_not_handed_over(fixture_data, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a fast-path bug")

    monkeypatch.setattr(fastpath, "_listing", broken)
    argv = ["upcoming", "--json", "--as-of", "2022-06-01", "--data", fixture_data]
    assert fast(argv, {}) is HANDS_OVER  # a user still gets the Typer app's answer
    with pytest.raises(RuntimeError, match="a fast-path bug"):
        fast(argv, {"CCAL_DEBUG": "1"})


@pytest.mark.parametrize(
    "args",
    [
        ["--as-of", "someday"],
        ["--tz", "Mars/Olympus"],
        ["--within", "3 fortnights"],
        ["--limit", "two"],
        ["--until", "2026-03-29 02:30", "--tz", "Europe/Brussels"],
    ],
    ids=" ".join,
)
def test_a_bad_value_is_handed_over_even_under_ccal_debug(fixture_data, args):
    """Not a bug: an error the Typer app words (as a usage error), CCAL_DEBUG or not."""
    argv = ["upcoming", "--json", *args, "--data", fixture_data]
    assert fast(argv, {"CCAL_DEBUG": "1", "CCAL_NOW": "2022-06-01"}) is HANDS_OVER


def test_the_fast_grammar_agrees_with_the_typer_commands():
    """Every option the fast path reads exists on the Typer command, of the same kind (flag,
    one value, repeatable), and ``--kind`` has the same choices: the two cannot drift apart."""
    import typer.main

    from ccal.cli.options import KindChoice
    from ccal.models import KIND_SCHEMA

    # The built-in kinds everywhere; a kind a file declares is left to the Typer app (it knows
    # the data's kinds), as ``fastpath._known_kinds`` does.
    assert list(KINDS) == KIND_SCHEMA["anyOf"][0]["enum"] == [k.value for k in KindChoice]
    assert not fastpath._known_kinds({"kind": ["conference"]})
    group = typer.main.get_command(app)
    for name, (options, _answer) in fastpath.COMMANDS.items():
        params = {o: p for p in group.commands[name].params for o in p.opts + p.secondary_opts}
        for option, (_key, kind) in options.items():
            param = params[option]
            assert param.is_flag == (kind == FLAG), option
            assert param.multiple == (kind == MANY), option


@pytest.mark.parametrize("listed", ["{}:", "::{}", "{}::{}"])
def test_empty_entries_of_ccal_data_are_skipped_and_still_answered_fast(fixture_data, listed):
    env = {"CCAL_DATA": listed.format(fixture_data, fixture_data).replace(":", os.pathsep)}
    argv = ["upcoming", "--json", "--as-of", "2022-06-01"]
    outcome = fast(argv, env)
    assert outcome is not HANDS_OVER
    assert outcome == typer_app(argv, env)


@pytest.mark.parametrize("as_of", ["2022-10-29T12:00Z", "2022-10-29 14:00"])
@pytest.mark.parametrize("window", [("--within", "1d"), ("--until", "+1d")])
def test_a_day_is_a_wall_clock_day_in_the_display_zone(tmp_path, as_of, window):
    """As ``session_from``: "now" is in the display zone whatever zone it was typed in, so
    ``1d`` from 29 Oct 14:00 Brussels reaches 30 Oct 14:00 CET (25 hours later)."""
    text = (Path(__file__).parents[1] / "data" / "autumn-day.toml").read_text(encoding="utf-8")
    data = indexed(tmp_path, text, "2022-10-01", "Europe/Brussels", True)
    argv = ["upcoming", "--json", *window, "--as-of", as_of, "--tz", "Europe/Brussels"]
    outcome = fast([*argv, "--data", data], {})
    assert outcome is not HANDS_OVER
    assert [r["label"] for r in json.loads(outcome[0])] == ["Within the wall-clock day"]
    assert outcome == typer_app([*argv, "--data", data], {})
