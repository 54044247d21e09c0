"""Fuzzed data files through every reading command: exit 0, 1 or 2, one line per problem, never a
traceback, an internal error or a hang (issue 20, "Proving it").

A seeded mutator (byte flips, cut and repeated ranges, hostile tokens: deep nesting, odd dates,
offsets TOML cannot read, lone surrogates, control characters, huge numbers) turns the fixture
files into broken ones; the seed makes every failure reproducible. A handful of the mutants also
go through the real process (the start-up fast path and the index).
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
SEEDS = [f"{DATA}/{name}" for name in (
    "fixture.toml", "recurring.toml", "hostile.toml", "countdown.toml", "repeated-hour.toml",
    "inline_dates.toml", "dst-gap.toml", "control-chars.toml",
)]  # fmt: skip
MUTANTS = 20
HANG_SECONDS = 20

HOSTILE = [
    b"[" * 450, b"{a=" * 420, b".k" * 1001, b'"""', b"'''", b"\x00", b"\xed\xa0\x80", b"\xff\xfe",
    b"\x1b]0;pwned\x07\x1b[2J", "\u061c\u202e".encode(), b"9999-12-31", b"0001-01-01",
    b"1880-01-01T00:00:00+00:17", b"2022-02-30", b"24:00:00", b"99999999999999999999",
    b"-0", b"nan", b"inf", b'rrule = "FREQ=SECONDLY"', b"count = 999999999",
    b'until = 1000-01-01', b'timezone = "Mars/Olympus"', b'timezone = "../../etc/passwd"',
    b"[[opportunity]]", b"[[opportunity.dates]]", b"[opportunity]", b"version = 2",
    b'kind = "talk"', b'id = "dup"', b"\r", b"\r\n", b"\t", b"\n\n\n", b"=", b"#", b"\\u0000",
    b'end = 2020-01-01', b'tentative = "yes"', b"at = 2022-10-30T02:30:00",
    b"at = 2022-03-27T02:30:00", b'label = ""', b'tags = [1, 2]',
]  # fmt: skip


def mutate(data: bytes, rng: random.Random) -> bytes:
    """A few random edits of ``data``."""
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        where = rng.randrange(len(buffer) + 1)
        action = rng.randrange(6)
        if action == 0 and buffer:  # flip a bit
            spot = rng.randrange(len(buffer))
            buffer[spot] ^= 1 << rng.randrange(8)
        elif action == 1:  # cut a range
            del buffer[where : where + rng.randint(1, 200)]
        elif action == 2:  # repeat a range
            piece = buffer[where : where + rng.randint(1, 400)]
            buffer[where:where] = piece * rng.randint(1, 4)
        elif action in (3, 4):  # a hostile token, sometimes on its own line
            token = rng.choice(HOSTILE)
            buffer[where:where] = (b"\n" + token + b"\n") if action == 4 else token
        else:  # swap two lines
            lines = bytes(buffer).split(b"\n")
            if len(lines) > 2:
                a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
                lines[a], lines[b] = lines[b], lines[a]
            buffer = bytearray(b"\n".join(lines))
    return bytes(buffer)


def commands(text: bytes) -> list[tuple[str, ...]]:
    found = re.search(rb'id\s*=\s*"([a-z0-9-]{1,60})"', text)
    some_id = found.group(1).decode() if found else "x"
    return [
        ("upcoming",),
        ("upcoming", "--json"),
        ("list", "--all"),
        ("list", "--dates", "--all", "--json"),
        ("show", some_id),
        ("deadlines", some_id, "--json"),
        ("countdown", "--once"),
        ("remind", "--within", "400d"),
    ]


FORMATS = ("json", "ndjson", "csv", "ics", "md")


@contextmanager
def deadline(seconds: int, what: str):
    def hung(signum, frame):
        raise AssertionError(f"hung for {seconds} s: {what}")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def mutants(seed: int, count: int) -> list[bytes]:
    rng = random.Random(seed)
    sources = [Path(name).read_bytes() for name in SEEDS]
    return [mutate(rng.choice(sources), rng) for _ in range(count)]


def test_mutated_files_through_every_reading_command(ccal, tmp_path):
    for number, data in enumerate(mutants(20, MUTANTS)):
        path = tmp_path / f"mutant-{number}.toml"
        path.write_bytes(data)
        runs = [("validate", str(path))]
        # One export format a mutant, in turn: each format still reads a quarter of the mutants,
        # and the run costs 30 % less than every format on every mutant.
        export = ("export", "--all", "-f", FORMATS[number % len(FORMATS)])
        runs += [
            (*c, "--data", str(path), "--as-of", "2022-06-01") for c in [*commands(data), export]
        ]
        if number % 3 == 0:  # the index off: the files read straight
            runs = [("--no-cache", *args) for args in runs]
        for args in runs:
            with deadline(HANG_SECONDS, f"ccal {' '.join(args)} (mutant {number})"):
                result = ccal(*args)
            what = f"ccal {' '.join(args)} (mutant {number}): {result.output[-500:]}"
            assert result.exit_code in (0, 1, 2), what
            assert "Traceback" not in result.output and "internal error" not in result.output, what
            if result.exit_code:
                assert result.output.strip(), what  # a failure always says why


@pytest.mark.parametrize("seed", [7])
def test_mutated_files_through_the_real_process(tmp_path, seed):
    """The start-up fast path and the index answer only in a real process."""
    env = {**os.environ, "CCAL_NOW": "2022-06-01T12:00"}
    for number, data in enumerate(mutants(seed, 2)):
        path = tmp_path / f"mutant-{number}.toml"
        path.write_bytes(data)
        for args in (("upcoming",), ("remind", "--within", "400d"))[number:]:
            for _ in range(2):  # the second run answers from the index
                done = subprocess.run(
                    [sys.executable, "-m", "ccal", *args, "--data", str(path)],
                    capture_output=True, env=env, timeout=HANG_SECONDS, check=False,
                )  # fmt: skip
                what = f"ccal {' '.join(args)} (mutant {number}): {done.stderr[-500:]!r}"
                assert done.returncode in (0, 1, 2), what
                assert b"Traceback" not in done.stderr and b"internal error" not in done.stderr


PORTAL_HOSTILE = [
    b'"\\ud800"', b'"\\u001b]0;x\\u0007"', b"-99999999999999", b"253402300800000", b"1e400",
    b"-2840140800000", b"null", b"[]", b"{}", b'"x"', b"true", b"[" * 2000, b"0.5",
]  # fmt: skip


def test_mutated_portal_files_import_cleanly_or_not_at_all(ccal, tmp_path):
    """An import of a broken portal file exits 0 or 1; what it writes always reads."""
    rng = random.Random(21)
    source = (DATA / "eu-portal.json").read_bytes()
    out = tmp_path / "out.toml"
    for number in range(16):
        buffer = bytearray(source)
        for _ in range(rng.randint(1, 4)):
            where = rng.randrange(len(buffer))
            if rng.random() < 0.6:  # a hostile value where a value was
                end = where + rng.randint(1, 12)
                buffer[where:end] = rng.choice(PORTAL_HOSTILE)
            else:
                buffer[where] ^= 1 << rng.randrange(8)
        path = tmp_path / f"portal-{number}.json"
        path.write_bytes(bytes(buffer))
        with deadline(HANG_SECONDS, f"import mutant {number}"):
            result = ccal("import", "eu-portal", str(path), "-o", str(out), "--force")
        what = f"import mutant {number}: {result.output[-500:]}"
        assert result.exit_code in (0, 1), what
        assert "internal error" not in result.output and "Traceback" not in result.output, what
        if result.exit_code == 0:
            checked = ccal("validate", str(out))
            assert checked.exit_code == 0, checked.output
