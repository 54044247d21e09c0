"""ics export in Radicale, a real CalDAV server (started here, on a local port): its time-range
queries must find each event at its real instant, years on for an open-ended series."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from radicale import Application, config

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds.toml"
AUTH = {"Authorization": "Basic dXNlcjp4"}  # user:x (any password: auth type none)
QUERY = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:time-range start="{start:%Y%m%dT%H%M%SZ}" end="{end:%Y%m%dT%H%M%SZ}"/>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>"""


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def radicale(tmp_path) -> Iterator[str]:
    """Radicale's WSGI application behind a local HTTP server; yields its base URL."""
    configuration = config.load()
    configuration.update(
        {
            "storage": {"filesystem_folder": str(tmp_path / "collections")},
            "auth": {"type": "none"},
            "rights": {"type": "owner_write"},
        },
        "test",
        privileged=True,
    )
    server = make_server("127.0.0.1", 0, Application(configuration), handler_class=_Quiet)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def dav(url: str, method: str, body: bytes = b"", **headers: str) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body or None, method=method, headers=AUTH | headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def upload(base: str, text: str) -> str:
    calendar = f"{base}/user/ccal/"
    assert dav(calendar, "MKCALENDAR")[0] == 201
    status, reply = dav(calendar, "PUT", text.encode("utf-8"), **{"Content-Type": "text/calendar"})
    assert status in (201, 204), reply
    return calendar


def found(calendar: str, moment: datetime) -> str:
    """What a time-range query for the two minutes around ``moment`` answers (hrefs)."""
    body = QUERY.format(start=moment - timedelta(minutes=1), end=moment + timedelta(minutes=1))
    status, reply = dav(
        calendar, "REPORT", body.encode(), Depth="1", **{"Content-Type": "application/xml"}
    )
    assert status == 207, reply
    return reply


def test_radicale_finds_the_2022_cut_off_3_at_16_00_utc(ccal, radicale):
    """Before, Radicale read the RDATE list's first value only: the cut-off sat at 17:00Z."""
    exported = ccal("export", "-f", "ics", "--all", "-k", "call", "--as-of", "2024-01-01")
    assert exported.exit_code == 0, exported.stderr
    calendar = upload(radicale, exported.stdout_bytes.decode("utf-8"))
    uid = "clusters-meet-regions.2022-call-cut-off-3%40ccal.ics"
    assert uid in found(calendar, datetime(2023, 4, 1, 16, tzinfo=UTC))
    assert uid not in found(calendar, datetime(2023, 4, 1, 17, tzinfo=UTC))


def test_radicale_expands_an_open_ended_new_york_series_years_on(ccal, radicale):
    """12:00–13:00 New York on Wednesdays: 16:00Z in summer, 17:00Z in winter, in 2031 as in
    2026. Asked at half past, an hour off either way would miss it."""
    exported = ccal(
        "export", "-f", "ics", "--all", "--data", str(FEEDS), "--as-of", "2026-01-01"
    )  # fmt: skip
    assert exported.exit_code == 0, exported.stderr
    calendar = upload(radicale, exported.stdout_bytes.decode("utf-8"))
    for moment in (
        datetime(2026, 7, 1, 16, 30, tzinfo=UTC),
        datetime(2031, 7, 2, 16, 30, tzinfo=UTC),
        datetime(2031, 12, 3, 17, 30, tzinfo=UTC),
    ):
        assert "webinar.webinar%40ccal.ics" in found(calendar, moment), moment
    assert "webinar.webinar%40ccal.ics" not in found(
        calendar, datetime(2031, 7, 2, 17, 30, tzinfo=UTC)
    )
