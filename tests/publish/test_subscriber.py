"""A real subscriber of the published feed: vdirsyncer's ``http`` storage pulls feeds/all.ics
from a local HTTP server into a folder, and khal (a real calendar client) reads that folder.
After a date moves and the site is republished, the next sync changes that one event only."""

from __future__ import annotations

import functools
import http.server
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.render.test_ics import khal

DATA = Path(__file__).resolve().parents[1] / "data"
PINNED = ("--as-of", "2026-12-01", "--tz", "Europe/Brussels")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def served(tmp_path):
    """A web server for ``tmp_path/site`` (the directory may be swapped while it serves)."""
    site = tmp_path / "site"

    class Handler(_QuietHandler):
        def translate_path(self, path):  # re-resolved on each request: the site is replaced
            return str(site / path.lstrip("/").split("?")[0])

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler))
    threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    ).start()
    yield site, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


def vdirsyncer(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    folder = tmp_path / "calendar"
    folder.mkdir(exist_ok=True)
    config = tmp_path / "vdirsyncer.conf"
    config.write_text(
        f"""[general]
status_path = "{tmp_path / "status"}/"

[pair published]
a = "published_feed"
b = "published_local"
collections = null
conflict_resolution = "a wins"

[storage published_feed]
type = "http"
url = "{url}feeds/all.ics"

[storage published_local]
type = "filesystem"
path = "{folder}/"
fileext = ".ics"
""",
        encoding="utf-8",
    )
    beside = Path(sys.executable).with_name("vdirsyncer")
    program = beside if beside.exists() else shutil.which("vdirsyncer")
    assert program, "vdirsyncer is missing: pip install -e '.[test]'"
    return subprocess.run(
        [str(program), "-c", str(config), *args],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def synced(tmp_path: Path) -> dict[str, bytes]:
    """The subscriber's folder: file name -> bytes."""
    return {p.name: p.read_bytes() for p in sorted((tmp_path / "calendar").glob("*.ics"))}


def feed_events(site: Path) -> dict[str, object]:
    calendar = Calendar.from_ical((site / "feeds" / "all.ics").read_bytes())
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def start_of(ics: bytes) -> str:
    event = next(iter(Calendar.from_ical(ics).walk("VEVENT")))
    return f"{event['SUMMARY']} {event.decoded('DTSTART').isoformat()}"


def test_a_subscriber_syncs_the_feed_and_gets_the_one_moved_date(ccal, tmp_path, served):
    site, url = served
    data = tmp_path / "team.toml"
    shutil.copy(DATA / "publish.toml", data)
    assert ccal("publish", str(site), "--data", str(data), *PINNED).exit_code == 0
    discovered = vdirsyncer(tmp_path, url, "discover", "published")
    assert discovered.returncode == 0, discovered.stderr
    first = vdirsyncer(tmp_path, url, "sync")
    assert first.returncode == 0, first.stderr
    before, published = synced(tmp_path), feed_events(site)
    assert sorted(start_of(ics) for ics in before.values()) == sorted(
        f"{e['SUMMARY']} {e.decoded('DTSTART').isoformat()}" for e in published.values()
    )

    # khal lists the same events at the same times (in its own zone: New York).
    listed = khal(tmp_path, "America/New_York", "list", "--format", "{start} {title}",
                  "2030-07-01", "200d")  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert "2030-07-29 12:00 Horizon cluster call: Cut-off 1" in listed.stdout
    assert "2030-09-06 20:00 Morning talk in Tokyo: Talk" in listed.stdout  # 09:00 Tokyo
    assert "2030-12-02 11:00 Horizon cluster call: Cut-off 2 (tentative)" in listed.stdout
    assert listed.stdout.count("\n") >= len(published)

    moved = ccal("extend", "horizon-call", "Cut-off 1", "--to", "+2d", "--data", str(data))
    assert moved.exit_code == 0, moved.stderr
    assert ccal("publish", str(site), "--data", str(data), *PINNED).exit_code == 0
    republished = feed_events(site)
    # The feed: the same UIDs, one event changed (it moved), every other one unchanged.
    assert set(republished) == set(published)
    changed = [uid for uid in published if published[uid].to_ical() != republished[uid].to_ical()]
    assert changed == ["horizon-call.cut-off-1@ccal"]
    old, new = published[changed[0]], republished[changed[0]]
    assert new.decoded("DTSTART").isoformat() == "2030-07-31T18:00:00+02:00"
    # A moved date carries a higher SEQUENCE than before (RFC 5546): clients see it changed.
    assert int(new["SEQUENCE"]) > int(old.get("SEQUENCE", 0))

    second = vdirsyncer(tmp_path, url, "sync")
    assert second.returncode == 0, second.stderr
    after = synced(tmp_path)
    # vdirsyncer's http storage names items by a hash of their content (it ignores feed UIDs by
    # design), so the moved event arrives as one item replaced; every other item is untouched.
    kept = {name for name in after if before.get(name) == after[name]}
    assert len(kept) == len(before) - 1 and len(after) == len(before)
    (gone,) = set(before) - kept
    (arrived,) = set(after) - kept
    assert start_of(before[gone]) == "Horizon cluster call: Cut-off 1 2030-07-29T18:00:00+02:00"
    assert start_of(after[arrived]) == (  # the summary names the move (issue 13.7)
        "Horizon cluster call: Cut-off 1 (extended +2 d) 2030-07-31T18:00:00+02:00"
    )
    listed = khal(tmp_path, "America/New_York", "list", "--format", "{start} {title}",
                  "2030-07-01", "200d")  # fmt: skip
    assert "2030-07-31 12:00 Horizon cluster call: Cut-off 1" in listed.stdout
    assert "2030-07-29 12:00 Horizon cluster call" not in listed.stdout
