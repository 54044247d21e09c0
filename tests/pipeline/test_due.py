"""The reminder rule (``pipeline.due``) and its two askers: the fast path's check and the app
agree on whether anything is due, on generated settings, marks, sent-logs and moments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccal.pipeline import due
from ccal.pipeline.paths import config_file_name, sent_log_name, state_file_name

from .conftest import PIPELINE_DATA

HOUR = 3600


def test_thresholds_and_labels():
    assert due.threshold_seconds("7d") == 7 * 86400
    assert due.threshold_seconds("1 day 4 hours") == 28 * HOUR
    assert due.duration_label(5400) == "1h30m"
    for bad in ("1mo", "0s", "soon"):
        try:
            due.threshold_seconds(bad)
        except ValueError:
            continue
        raise AssertionError(bad)
    assert due.thresholds_for(["1d", "7d", "24h"], {"done": []}, None) == [7 * 86400, 86400]
    assert due.thresholds_for(["1d"], {}, "done") == []  # done: no reminders by default
    assert due.thresholds_for(["1d"], {"done": ["2h"]}, "done") == [2 * HOUR]
    assert due.thresholds_for(["1d"], {}, "preparing") == [86400]


def test_only_the_latest_threshold_passed_is_due_and_only_once():
    at = 1_000 * 86400 * due.SECOND_US
    candidate = due.Candidate("x", "Deadline", at, "preparing")
    log = due.SentLog("unused", [])

    def pending(now_us):
        return due.pending([candidate], lambda s: [7 * 86400, 86400], ["a", "b"], log, now_us, HOUR)

    assert pending(at - 8 * 86400 * due.SECOND_US) == []
    (first,) = pending(at - 2 * 86400 * due.SECOND_US)
    assert first.threshold == 7 * 86400 and first.late and first.channels == ["a", "b"]
    log.add(first.record("a", 0))
    (again,) = pending(at - 2 * 86400 * due.SECOND_US)
    assert again.channels == ["b"]  # a channel that failed stays due
    (later,) = pending(at - HOUR * due.SECOND_US)
    assert later.threshold == 86400 and later.moved_from_us is None
    assert pending(at) == []  # the date has come


STATUSES = st.sampled_from([None, "watching", "preparing", "submitted", "done", "dropped"])
THRESHOLDS = st.lists(st.sampled_from(["7d", "3d", "1d", "6h", "2h", "30m"]), max_size=4)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    marks=st.tuples(STATUSES, STATUSES, STATUSES),
    thresholds=THRESHOLDS,
    by_status=st.dictionaries(st.sampled_from(["watching", "submitted"]), THRESHOLDS, max_size=2),
    scope=st.sampled_from(["mine", "all"]),
    earlier=st.lists(st.integers(0, 11 * 24 * 4), max_size=3),
    now=st.integers(0, 11 * 24 * 4),
)
def test_the_fast_check_agrees_with_the_app(
    ccal, monkeypatch, marks, thresholds, by_status, scope, earlier, now
):
    """Whatever the settings, marks and earlier runs: the fast path says "nothing due" exactly
    when the app finds nothing to send."""
    from ccal.cli.options import session_from
    from ccal.config import load_notify
    from ccal.index.fastargs import open_session
    from ccal.pipeline.fastcheck import nothing_due
    from ccal.pipeline.notify import due_now, run

    monkeypatch.setenv("CCAL_DATA", str(PIPELINE_DATA))
    for path in (Path(state_file_name()), Path(sent_log_name())):
        path.unlink(missing_ok=True)
    state = ["version = 1"]
    for opportunity, status in zip(("grant-call", "tokyo-event", "other-call"), marks, strict=True):
        if status:
            state.append(f'[{opportunity}]\nstatus = "{status}"')
    Path(state_file_name()).parent.mkdir(parents=True, exist_ok=True)
    Path(state_file_name()).write_text("\n".join(state) + "\n", encoding="utf-8")
    config = [f'[notify]\nscope = "{scope}"\nthresholds = {thresholds!r}'.replace("'", '"')]
    config.append("[notify.by_status]")
    config += [f"{s} = {t!r}".replace("'", '"') for s, t in by_status.items()]
    config.append('[notify.channels.none]\ntype = "command"\ncommand = ["true"]')
    Path(config_file_name()).parent.mkdir(parents=True, exist_ok=True)
    Path(config_file_name()).write_text("\n".join(config) + "\n", encoding="utf-8")
    ccal("upcoming", "--json")  # the index
    start = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
    notify_settings = load_notify()
    for quarter in sorted(earlier):
        moment = (start + dt.timedelta(minutes=15 * quarter)).isoformat()
        run(session_from(moment, "UTC", [PIPELINE_DATA]), notify_settings)
    moment = (start + dt.timedelta(minutes=15 * now)).isoformat()
    session = session_from(moment, "UTC", [PIPELINE_DATA])
    log = due.SentLog.read(sent_log_name())
    pending, _entries = due_now(session, notify_settings, log)
    fast = open_session({"as_of": moment, "tz": "UTC"})
    assert fast is not None
    assert nothing_due(fast) == (not pending)
