"""The live countdown's frames on a fake clock (never sleeping), and its Rich drawing."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console

from ccal.loader import load_catalog
from ccal.query import next_deadline
from ccal.render.countdown import countdown_line, frames, left_text
from ccal.render.live import show_live

DATA = Path(__file__).parents[1] / "data"
BRUSSELS = ZoneInfo("Europe/Brussels")
LONDON = ZoneInfo("Europe/London")


class FakeClock:
    """A clock that only moves when the code under test "sleeps"; records every sleep."""

    def __init__(self, start: datetime, interrupt_after: int | None = None) -> None:
        self.now = start
        self.slept: list[float] = []
        self.interrupt_after = interrupt_after

    def __call__(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        if self.interrupt_after is not None and len(self.slept) >= self.interrupt_after:
            raise KeyboardInterrupt
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def close_call():
    catalog = load_catalog([DATA / "countdown.toml"])
    return list(catalog.find("close-call").entries)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BRUSSELS)


def test_frames_count_down_then_move_on_when_a_deadline_passes(close_call):
    clock = FakeClock(at("2022-10-28 17:59:58"))
    shown = [
        (f.now.astimezone(BRUSSELS).strftime("%H:%M:%S"), f.target and f.target.label,
         f.target and left_text(f.target, f.now), f.passed and f.passed.label)
        for f in frames(lambda now: next_deadline(close_call, now), clock, clock.sleep)
    ]  # fmt: skip
    assert shown == [
        ("17:59:58", "Cut-off A", "in 2 s", None),
        ("17:59:59", "Cut-off A", "in 1 s", None),
        ("18:00:00", "Cut-off A", "due now", None),
        ("18:00:01", "Cut-off B", "in 2 s", "Cut-off A"),
        ("18:00:02", "Cut-off B", "in 1 s", "Cut-off A"),
        ("18:00:03", "Cut-off B", "due now", "Cut-off A"),
        ("18:00:04", None, None, "Cut-off B"),
    ]
    assert clock.slept == [1.0] * 6


def test_frames_sleep_to_the_next_whole_second(close_call):
    clock = FakeClock(at("2022-10-28 17:59:58.250000"))
    ticks = frames(lambda now: next_deadline(close_call, now), clock, clock.sleep)
    next(ticks)
    next(ticks)
    assert clock.slept == [0.75]
    assert clock.now == at("2022-10-28 17:59:59")


def test_live_view_draws_each_frame_and_says_when_a_deadline_passed(close_call):
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, color_system=None, width=100)
    clock = FakeClock(at("2022-10-28 17:59:59"))
    show_live(console, frames(lambda n: next_deadline(close_call, n), clock, clock.sleep), LONDON)
    text = out.getvalue()
    assert "in 1 s" in text
    assert "Fri 28 Oct 2022 18:00 Brussels · 17:00 London" in text
    assert "✓ Cut-off A of Close Call passed at 18:00 Brussels · 17:00 London" in text
    assert "Next:" in text and "Cut-off B" in text
    assert "Nothing else ahead." in text


def test_ctrl_c_ends_the_live_view_quietly(close_call):
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, color_system=None, width=100)
    clock = FakeClock(at("2022-10-28 17:00:00"), interrupt_after=2)
    show_live(console, frames(lambda n: next_deadline(close_call, n), clock, clock.sleep), BRUSSELS)
    assert "in 59 min 58 s" in out.getvalue()
    assert clock.slept == [1.0, 1.0]


def test_one_line_names_both_clocks_only_when_they_differ(close_call):
    first = close_call[0]
    now = at("2022-10-28 17:59:30")
    assert countdown_line(first, now, BRUSSELS) == (
        "in 30 s · Cut-off A · Close Call · Fri 28 Oct 2022 18:00 Brussels"
    )
    assert countdown_line(first, now, LONDON) == (
        "in 30 s · Cut-off A · Close Call · Fri 28 Oct 2022 18:00 Brussels · 17:00 London"
    )
    assert countdown_line(first, now, ZoneInfo("Asia/Tokyo")).endswith(
        "Fri 28 Oct 2022 18:00 Brussels · Sat 29 Oct 01:00 Tokyo"
    )


def test_left_text_after_the_deadline(close_call):
    assert left_text(close_call[0], at("2022-10-28 19:00:05")) == "passed 1 h 0 min 5 s ago"


def test_frames_keep_a_range_that_starts_and_count_to_its_end():
    """At its start a range is under way, not passed: the view counts on, now to its end."""
    fair = list(load_catalog([DATA / "countdown-ranges.toml"]).find("fair").entries)
    clock = FakeClock(at("2026-11-25 08:59:59"))
    ticks = frames(lambda now: next_deadline(fair, now), clock, clock.sleep)
    shown = [(f.target and left_text(f.target, f.now), f.passed) for f in islice(ticks, 3)]
    assert shown == [
        ("in 1 s", None),
        ("under way, ends in 2 d 8 h 0 min 0 s", None),
        ("under way, ends in 2 d 7 h 59 min 59 s", None),
    ]
