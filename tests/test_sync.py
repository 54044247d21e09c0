"""``ccal sync`` against a real local HTTP(S) server: every way a download can go, and the
change log of two versions of a portal file."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path

import pytest
import sync_server as srv

from ccal import __version__, fetch
from ccal.sources import config_file, synced_dir, synced_file

DATA = Path(__file__).parent / "data" / "sync"
V1 = (DATA / "portal-v1.json").read_bytes()
V2 = (DATA / "portal-v2.json").read_bytes()
NOW = "2026-12-01T08:00:00Z"


@pytest.fixture(autouse=True)
def _quick(monkeypatch):
    """Now pinned; retries without the real backoff; no proxy between the tests and the server."""
    monkeypatch.setenv("CCAL_NOW", NOW)
    monkeypatch.setattr(fetch, "BACKOFF", 0.01)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server():
    running = srv.Server()
    yield running
    running.close()


def configure(*sources: tuple[str, str], extra: str = "", fmt: str = "eu-portal") -> None:
    """Write config.toml with sources ``(name, url)`` of format ``fmt`` (and ``extra`` TOML)."""
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = extra + "\n"
    for name, url in sources:
        text += f'[[source]]\nname = "{name}"\nlocation = "{url}"\nformat = "{fmt}"\n\n'
    path.write_text(text, encoding="utf-8")


def first_sync(ccal, server, *later: srv.Responder) -> bytes:
    """A good first sync of ``/p`` (V1), then ``later`` responses; the good copy's bytes."""
    configure(("portal", server.route("/p", srv.ok(V1), *later)))
    result = ccal("sync")
    assert result.exit_code == 0, result.stderr
    assert (
        result.stdout == "portal: 6 calls · first sync · 0.0 s\n" or "first sync" in result.stdout
    )
    return synced_file("portal").read_bytes()


def failed(ccal, good: bytes, *, expect: str) -> str:
    """Sync again: exit 1, one line on stderr saying ``expect``, the good copy intact."""
    result = ccal("sync")
    assert result.exit_code == 1, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("ccal: portal: failed: "), lines[0]
    assert expect in lines[0], lines[0]
    assert lines[0].endswith("; the last good copy stays in use")
    assert result.stdout == ""
    assert synced_file("portal").read_bytes() == good
    return lines[0]


# --- conditional requests -------------------------------------------------------------------


def test_etag_then_304_unchanged(ccal, server):
    configure(("portal", server.route("/p", srv.conditional(V1, etag='"v1"'))))
    assert ccal("sync").exit_code == 0
    good = synced_file("portal").read_bytes()
    result = ccal("sync")
    assert result.exit_code == 0
    assert result.stdout == "portal: unchanged (not modified)\n"
    assert server.requests[-1]["headers"]["If-None-Match"] == '"v1"'
    assert server.requests[-1]["headers"]["User-Agent"] == f"ccal/{__version__}"
    assert synced_file("portal").read_bytes() == good


def test_last_modified_then_304(ccal, server):
    stamp = "Tue, 01 Dec 2026 06:00:00 GMT"
    configure(("portal", server.route("/p", srv.conditional(V1, last_modified=stamp))))
    assert ccal("sync").exit_code == 0
    assert "If-Modified-Since" not in server.requests[0]["headers"]
    result = ccal("sync", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)[0]["status"] == "unchanged"
    assert server.requests[-1]["headers"]["If-Modified-Since"] == stamp


def test_changed_options_fetch_in_full(ccal, server):
    """A stored ETag answers for the old filters: new ones need the whole file again."""
    url = server.route("/p", srv.conditional(V1, etag='"v1"'))
    configure(("portal", url))
    assert ccal("sync").exit_code == 0
    configure(
        extra=f'[[source]]\nname = "portal"\nlocation = "{url}"\nformat = "eu-portal"\n'
        'options = { status = ["forthcoming"] }\n'
    )
    result = ccal("sync")
    assert result.exit_code == 0, result.stderr
    assert "If-None-Match" not in server.requests[-1]["headers"]
    assert "portal: 1 call ·" in result.stdout


def test_gzip(ccal, server):
    configure(("portal", server.route("/p", srv.gzipped(V1))))
    result = ccal("sync")
    assert result.exit_code == 0, result.stderr
    assert "6 calls" in result.stdout
    assert "eu-sync-a-01" in synced_file("portal").read_text()
    assert "gzip" in server.requests[0]["headers"]["Accept-Encoding"]


def test_proxies_come_from_the_environment(ccal, server, monkeypatch):
    """The local server plays the proxy: it is asked for the absolute URL of another host."""
    monkeypatch.setenv("HTTP_PROXY", server.url(""))
    monkeypatch.setenv("NO_PROXY", "")
    target = "http://portal.example.invalid/grantsTenders.json"
    server.route(target, srv.ok(V1))
    configure(("portal", target))
    result = ccal("sync")
    assert result.exit_code == 0, result.stderr
    assert [r["path"] for r in server.requests] == [target]


def test_retry_after_as_a_number_or_an_http_date():
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    assert fetch._retry_after("2") == 2.0
    assert fetch._retry_after("86400") == fetch.MAX_WAIT
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= fetch._retry_after(soon) <= 30
    assert fetch._retry_after("Tue, 01 Dec 2020 00:00:00 GMT") == 0.0
    assert fetch._retry_after("soon") is None
    assert fetch._retry_after(None) is None


def test_429_is_retried_honouring_retry_after(ccal, server):
    configure(("portal", server.route("/p", srv.status(429, Retry_After="0"), srv.ok(V1))))
    assert ccal("sync").exit_code == 0
    assert len(server.requests) == 2


def test_redirect_chain_followed(ccal, server):
    server.route("/c", srv.ok(V1))
    server.route("/b", srv.redirect(server.url("/c"), 301))
    configure(("portal", server.route("/a", srv.redirect("/b", 307))))
    result = ccal("sync")
    assert result.exit_code == 0, result.stderr
    assert [r["path"] for r in server.requests] == ["/a", "/b", "/c"]


def test_redirect_loop_fails(ccal, server):
    good = first_sync(ccal, server, srv.redirect("/loop"))
    server.route("/loop", srv.redirect("/loop"))
    failed(ccal, good, expect=f"more than {fetch.MAX_REDIRECTS} redirects")


def test_https_to_http_redirect_refused(ccal, server, monkeypatch, tmp_path):
    ca_file = tmp_path / "ca.pem"
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    secure = srv.Server(srv.trusted_https(ca_file))
    try:
        configure(("portal", secure.route("/p", srv.ok(V1), srv.redirect(server.url("/plain")))))
        server.route("/plain", srv.ok(V2))
        result = ccal("sync")
        assert result.exit_code == 0, result.stderr
        good = synced_file("portal").read_bytes()
        failed(ccal, good, expect="refused a redirect from https to http")
        assert server.requests == []  # the plain-http address was never asked
    finally:
        secure.close()


def test_certificates_that_cannot_be_read_fail_the_source(ccal, server, monkeypatch):
    good = first_sync(ccal, server)
    monkeypatch.setenv("SSL_CERT_FILE", str(DATA / "portal-v1.json"))
    failed(ccal, good, expect=f"cannot load the trusted certificates ({DATA / 'portal-v1.json'})")


# --- failures keep the last good copy ----------------------------------------------------------


def test_404(ccal, server):
    good = first_sync(ccal, server, srv.status(404))
    failed(ccal, good, expect="HTTP 404 Not Found from http://127.0.0.1:")


def test_500_then_200_is_retried(ccal, server):
    configure(("portal", server.route("/p", srv.status(500, Retry_After="0"), srv.ok(V1))))
    result = ccal("sync")
    assert result.exit_code == 0, result.stderr
    assert len(server.requests) == 2


def test_500_every_time_fails_after_three_retries(ccal, server):
    good = first_sync(ccal, server, srv.status(503))
    failed(ccal, good, expect="HTTP 503 from")
    assert len(server.requests) == 1 + 4


@pytest.mark.parametrize(
    ("retries", "said"), [(1, "HTTP 503 from {url} (after 1 retry);"), (0, "HTTP 503 from {url};")]
)
def test_the_retries_count_reads_as_english(ccal, server, retries, said):
    good = first_sync(ccal, server, srv.status(503))
    url = server.url("/p")
    configure(("portal", url), extra=f"[sync]\nretries = {retries}\n")
    failed(ccal, good, expect=said.format(url=url))


def test_connection_refused_is_retried_then_fails(ccal, server):
    good = first_sync(ccal, server)
    server.close()  # nobody listens on the port any more
    failed(ccal, good, expect="cannot connect to 127.0.0.1")
    server.__init__()  # a fresh server for the fixture's close()


def test_stall_is_a_read_timeout(ccal, server):
    good = first_sync(ccal, server, srv.stall(3))
    configure(("portal", server.url("/p")), extra="[sync]\nread_timeout = 0.3\n")
    started = time.monotonic()
    failed(ccal, good, expect="sent nothing for 0.3 s (read timeout)")
    assert time.monotonic() - started < 2.5


def test_body_cut_short(ccal, server):
    good = first_sync(ccal, server, srv.cut_short(V2))
    failed(ccal, good, expect="broke off")


def test_body_over_the_size_cap(ccal, server):
    big = b" " * 1_500_000 + V2
    good = first_sync(ccal, server, srv.ok(big))
    configure(("portal", server.url("/p")), extra="[sync]\nmax_size_mb = 1\n")
    failed(ccal, good, expect="over the 1 MB limit")


def test_gzip_body_over_the_size_cap_while_reading(ccal, server):
    """A small compressed body that decodes past the cap is stopped while it is read."""
    good = first_sync(ccal, server, srv.gzipped(b" " * 3_000_000 + V2))
    configure(("portal", server.url("/p")), extra="[sync]\nmax_size_mb = 1\n")
    failed(ccal, good, expect="passed the 1 MB limit")


def test_html_where_json_was_expected(ccal, server):
    good = first_sync(ccal, server, srv.html_page())
    line = failed(ccal, good, expect="not the EU Funding & Tenders portal bulk JSON")
    assert "(the server sent an HTML page)" in line


def test_one_source_failing_does_not_stop_the_others(ccal, server):
    configure(
        ("broken", server.route("/x", srv.status(404))), ("portal", server.route("/p", srv.ok(V1)))
    )
    result = ccal("sync")
    assert result.exit_code == 1
    assert result.stderr.startswith("ccal: broken: failed: HTTP 404")
    assert result.stdout.startswith("portal: 6 calls · first sync")
    assert synced_file("portal").is_file() and not synced_file("broken").exists()


def test_quiet_prints_only_failures(ccal, server):
    configure(("portal", server.route("/p", srv.ok(V1))))
    result = ccal("sync", "--quiet")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_unknown_source_name_is_a_usage_error(ccal, server):
    configure(("portal", server.route("/p", srv.ok(V1))))
    result = ccal("sync", "portl")
    assert result.exit_code == 2
    assert (
        result.stderr
        == "ccal: no source named 'portl'; did you mean 'portal'? (configured: portal)\n"
    )


def test_no_sources_is_a_usage_error(ccal):
    result = ccal("sync")
    assert result.exit_code == 2
    assert "add one with 'ccal source add'" in result.stderr


def test_a_second_sync_waits_for_the_lock(ccal, server, monkeypatch):
    from filelock import FileLock

    from ccal import sync

    configure(("portal", server.route("/p", srv.ok(V1))))
    monkeypatch.setattr(sync, "SYNC_LOCK_TIMEOUT", 0.2)
    synced_dir().mkdir(parents=True)
    with FileLock(str(synced_dir() / ".sync.lock")):
        result = ccal("sync")
    assert result.exit_code == 1
    assert result.stderr == "ccal: another 'ccal sync' is still running; try again later\n"
    assert server.requests == []


def test_a_sync_waits_for_the_data_directorys_writers_lock(ccal, server, monkeypatch):
    """Every writer of the data takes one lock (issue 20): the data directory's, which ``add``,
    ``extend`` and ``import`` hold while they check their ids against the synced files. A sync
    writes its file under it too (it took only its own folder's lock: an ``add`` of an id and a
    sync bringing the same id could both pass their checks and leave a duplicate id)."""
    from filelock import FileLock

    from ccal import store
    from ccal.sources import user_data_file

    configure(("portal", server.route("/p", srv.ok(V1), srv.ok(V1))))
    monkeypatch.setattr(store, "LOCK_TIMEOUT", 0.2)
    user_data_file().parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(user_data_file().parent / store.LOCK_NAME)):
        held = ccal("sync")
    assert held.exit_code == 1, held.stdout
    assert "another ccal is still writing it" in held.stderr
    assert not synced_file("portal").exists()
    assert not (synced_dir() / store.LOCK_NAME).exists()  # one lock: not one of its own
    result = ccal("sync")
    assert result.exit_code == 0, result.stderr
    assert synced_file("portal").exists()


def test_source_remove_waits_for_the_data_directorys_writers_lock(ccal, tmp_path, monkeypatch):
    """Deleting a source's synced file is a write to the data: under the data directory's
    writers' lock, as every writer (it took only the sync lock, so an ``add`` checking its id
    against that file could see it vanish mid-check). A lock it cannot have leaves the source
    subscribed and its file read, so that trying again works."""
    from filelock import FileLock

    from ccal import store
    from ccal.sources import user_data_file

    copy = tmp_path / "portal.json"
    copy.write_bytes(V1)
    configure(("portal", str(copy)))
    assert ccal("sync").exit_code == 0
    monkeypatch.setattr(store, "LOCK_TIMEOUT", 0.2)
    with FileLock(str(user_data_file().parent / store.LOCK_NAME)):
        held = ccal("source", "remove", "portal")
    assert held.exit_code == 1, held.stdout
    assert "another ccal is still writing it; try again" in held.stderr
    assert synced_file("portal").exists()
    assert [row["name"] for row in ccal.json("source", "list")] == ["portal"]
    result = ccal("source", "remove", "portal")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"Removed source 'portal'; deleted {synced_file('portal')}.\n"
    assert not synced_file("portal").exists() and ccal.json("source", "list") == []


def test_a_directory_is_never_a_source(ccal, tmp_path):
    """A source is one file (a folder of ccfddl files is ``ccal import``'s to walk). A folder
    given to ``source add`` is refused, one line, exit 2, nothing added (it was added with a
    warning "not a file (yet)"); a file that became a folder, or a file:// URL of one, fails
    its sync in one line saying so, exit 1, the good copy kept byte for byte, by the fast
    path and the full app alike."""
    from test_process import run_ccal

    folder = tmp_path / "folder"
    folder.mkdir()
    added = ccal("source", "add", "team", str(folder), "--format", "ccal")
    assert added.exit_code == 2, added.stderr
    assert added.stderr == (
        f"ccal: {folder} is a directory, and a source is one file (a URL, a file:// URL or a "
        "file's path); to read a folder of files use 'ccal import FORMAT DIR'; no source added\n"
    )
    assert added.stdout == "" and not config_file().exists()
    copy = tmp_path / "portal.json"
    copy.write_bytes(V1)
    configure(("portal", str(copy)), ("url", folder.as_uri()))
    assert ccal("sync", "portal").exit_code == 0
    good = synced_file("portal").read_bytes()
    copy.unlink()
    copy.mkdir()
    wanted = "is a directory, and a source is one file"
    for fast in ("1", "0"):
        result = run_ccal("sync", env={"CCAL_NO_FASTPATH": fast})
        assert result.returncode == 1, result.stderr
        assert result.stderr.splitlines() == [
            f"ccal: portal: failed: {copy}: {wanted} (a URL, a file:// URL or a file's path); "
            "to read a folder of files use 'ccal import FORMAT DIR'; the last good copy stays "
            "in use",
            f"ccal: url: failed: {folder}: {wanted} (a URL, a file:// URL or a file's path); "
            "to read a folder of files use 'ccal import FORMAT DIR'; nothing synced yet",
        ]
        assert synced_file("portal").read_bytes() == good
        assert not synced_file("url").exists()


def test_a_device_as_a_source_is_refused_before_it_is_read(ccal):
    """``/dev/zero`` (size 0, endless) was read whole by ``Path.read_bytes``: memory filled.
    Read as every input is (``sources.read_input``): a device is refused in one line."""
    configure(("zero", "/dev/zero"), fmt="ccal")
    result = ccal("sync")
    assert result.exit_code == 1
    assert result.stderr == (
        "ccal: zero: failed: /dev/zero: cannot read the file: not a regular file (a character "
        "device); nothing synced yet\n"
    )


def test_file_sources_and_their_unchanged_state(ccal, tmp_path):
    copy = tmp_path / "portal.json"
    copy.write_bytes(V1)
    configure(("portal", copy.as_uri()), ("plain", str(copy)))
    result = ccal("sync")
    assert result.exit_code == 0, result.stderr
    assert (
        ccal("sync").stdout == "portal: unchanged (not modified)\nplain: unchanged (not modified)\n"
    )


# --- the data: part of the default data, read-only to add/extend ------------------------------


def test_synced_data_is_read_and_not_editable(ccal, server):
    configure(("portal", server.route("/p", srv.ok(V1))), extra="shipped = false\n")
    assert ccal("sync").exit_code == 0
    listing = ccal.json("list", "--all")
    assert sorted(item["id"] for item in listing)[:2] == ["eu-sync-a-01", "eu-sync-b-01"]
    # each refusal names the command that writes the file: 'ccal sync portal', not an import
    result = ccal("extend", "eu-sync-a-01", "Deadline", "--to", "+7d")
    assert result.exit_code == 2
    assert "which 'ccal sync portal' writes and replaces whole at its next run" in result.stderr
    path = str(synced_file("portal"))
    result = ccal("add", "mine", "--kind", "call", "--title", "x", "--data", path)
    assert result.exit_code == 2
    assert f"{path} is written by 'ccal sync portal', and its next run" in result.stderr
    result = ccal("remove", "eu-sync-a-01")
    assert result.exit_code == 2
    assert "which 'ccal sync portal' writes and replaces" in result.stderr


# --- what changed ------------------------------------------------------------------------------


@pytest.mark.parametrize("snapshot", ["kept", "lost"])
def test_changes_between_two_portal_versions(ccal, server, snapshot):
    """The previous import is read from the snapshot beside the file, or from the file itself."""
    configure(("portal", server.route("/p", srv.ok(V1), srv.ok(V2))))
    assert ccal("sync").exit_code == 0
    kept = synced_dir() / ".portal.snapshot.json"
    assert kept.is_file()
    if snapshot == "lost":
        kept.unlink()
    result = ccal("sync")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(
        "portal: 6 calls · 1 new, 2 moved, 1 gone, 1 retitled, 1 status"
    )
    logged = change_log()
    found = {(c["kind"], c["id"]): c for c in logged}
    assert sorted(found) == [
        ("added", "eu-sync-f-01"),
        ("moved", "eu-sync-a-01"),
        ("moved", "eu-sync-b-01"),
        ("removed", "eu-sync-e-01"),
        ("retitled", "eu-sync-c-01"),
        ("status", "eu-sync-d-01"),
    ]
    later, earlier = found["moved", "eu-sync-a-01"], found["moved", "eu-sync-b-01"]
    assert (later["from"], later["to"]) == (
        "2027-03-10T17:00:00+01:00",
        "2027-03-17T17:00:00+01:00",
    )
    assert (later["shift"], later["shift_seconds"]) == ("+7 d", 7 * 86400)
    assert (earlier["shift"], earlier["shift_seconds"]) == ("-1 d", -86400)
    assert (found["retitled", "eu-sync-c-01"]["from"], found["retitled", "eu-sync-c-01"]["to"]) == (
        "Old title",
        "New title",
    )
    assert found["status", "eu-sync-d-01"]["from"] == "forthcoming"
    assert found["status", "eu-sync-d-01"]["to"] == "open"
    assert {c["time"] for c in logged} == {"2026-12-01T08:00:00Z"}
    assert {c["source"] for c in logged} == {"portal"}
    # ``ccal changes --json``: the same, newest first
    shown = ccal.json("changes")
    assert sorted((c["kind"], c["id"]) for c in shown) == sorted(found)
    assert [c["kind"] for c in ccal.json("changes", "--kind", "moved")] == ["moved", "moved"]
    assert ccal.json("changes", "--source", "other") == []
    assert len(ccal.json("changes", "--since", "1d")) == 6
    assert ccal.json("changes", "--since", "2026-12-02") == []
    assert ccal("changes", "--source", "other").stdout == "No changes match these filters.\n"
    table = ccal("changes")
    assert (
        table.exit_code == 0 and "+7 d" in table.stdout and "Old title → New title" in table.stdout
    )


FEED_V1 = (DATA / "feed-v1.ics").read_bytes()
FEED_V2 = (DATA / "feed-v2.ics").read_bytes()


def ics_id(uid: str) -> str:
    from ccal.importers.ics import _id_of

    return f"ics-{_id_of(uid + '@feed.example.org')}"


@pytest.mark.parametrize("snapshot", ["kept", "lost"])
def test_changes_between_two_ics_feed_versions(ccal, server, snapshot):
    """An iCalendar feed: events added, removed, moved later and earlier, retitled, and
    STATUS:TENTATIVE → CONFIRMED; local times are logged with their offsets."""
    feed = server.route("/feed.ics", srv.ok(FEED_V1, ETag='"1"'), srv.ok(FEED_V2, ETag='"2"'))
    configure(("feed", feed), fmt="ics")
    assert ccal("sync").exit_code == 0
    if snapshot == "lost":
        (synced_dir() / ".feed.snapshot.json").unlink()
    result = ccal("sync")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(
        "feed: 6 entries · 1 new, 2 moved, 1 gone, 1 retitled, 1 status change · "
    )
    logged = change_log()
    found = {(c["kind"], c["id"]): c for c in logged}
    assert sorted(found) == sorted(
        [
            ("added", ics_id("new")),
            ("moved", ics_id("later")),
            ("moved", ics_id("earlier")),
            ("removed", ics_id("gone")),
            ("retitled", ics_id("renamed")),
            ("status", ics_id("confirmed")),
        ]
    )
    later, earlier = found["moved", ics_id("later")], found["moved", ics_id("earlier")]
    assert (later["from"], later["to"], later["shift"], later["shift_seconds"]) == (
        "2027-03-10T17:00:00+01:00",
        "2027-03-17T17:00:00+01:00",
        "+7 d",
        7 * 86400,
    )
    assert (earlier["from"], earlier["to"], earlier["shift"]) == (
        "2027-04-15T12:00:00+02:00",
        "2027-04-14T12:00:00+02:00",
        "-1 d",
    )
    renamed = found["retitled", ics_id("renamed")]
    assert (renamed["from"], renamed["to"]) == ("Old title", "New title")
    status = found["status", ics_id("confirmed")]
    assert (status["from"], status["to"]) == ("tentative", "confirmed")
    assert {c["source"] for c in logged} == {"feed"}
    shown = ccal.json("changes")
    assert sorted((c["kind"], c["id"]) for c in shown) == sorted(found)
    assert [c["kind"] for c in ccal.json("changes", "--kind", "status")] == ["status"]
    assert ccal.json("deadlines", ics_id("later"))[0]["previous"] == "2027-03-10T17:00:00+01:00"


LOCAL_FILE = """version = 1
timezone = "America/New_York"

[[opportunity]]
id = "team-review"
kind = "call"
title = "Team review"
[[opportunity.dates]]
label = "Deadline"
at = {deadline}
[[opportunity.dates]]
label = "{stage}"
at = 2027-05-01T09:00:00

[[opportunity]]
id = "tokyo-call"
kind = "call"
title = "Tokyo call"
timezone = "Asia/Tokyo"
[[opportunity.dates]]
label = "Deadline"
at = {tokyo}
"""


def test_local_times_are_logged_with_their_offsets(ccal, tmp_path):
    """A ``ccal`` source with wall-clock times in its own zones: every instant in the log
    carries the offset it has there (New York's changes with daylight saving time)."""
    copy = tmp_path / "team.toml"
    copy.write_text(
        LOCAL_FILE.format(
            deadline="2027-03-10T17:00:00", stage="Stage 1", tokyo="2027-06-01T12:00:00"
        )
    )
    configure(("team", copy.as_uri()), fmt="ccal")
    assert ccal("sync").exit_code == 0
    copy.write_text(
        LOCAL_FILE.format(
            deadline="2027-03-17T17:00:00", stage="Stage 2", tokyo="2027-05-31T12:00:00"
        )
    )
    result = ccal("sync")
    assert result.exit_code == 0, result.stderr
    logged = ccal.json("changes")
    found = {(c["kind"], c["id"], c["label"]): (c.get("from"), c.get("to")) for c in logged}
    assert found == {
        ("moved", "team-review", "Deadline"): (
            "2027-03-10T17:00:00-05:00",
            "2027-03-17T17:00:00-04:00",  # after New York's spring change
        ),
        ("added", "team-review", "Stage 2"): (None, "2027-05-01T09:00:00-04:00"),
        ("removed", "team-review", "Stage 1"): ("2027-05-01T09:00:00-04:00", None),
        ("moved", "tokyo-call", "Deadline"): (
            "2027-06-01T12:00:00+09:00",
            "2027-05-31T12:00:00+09:00",
        ),
    }
    moved = next(c for c in logged if c["id"] == "team-review" and c["kind"] == "moved")
    assert (moved["shift"], moved["shift_seconds"]) == ("+7 d", 7 * 86400)  # on the wall clock
    for change in logged:
        for moment in (change.get("from"), change.get("to"), change["time"]):
            if moment is not None:
                assert datetime.fromisoformat(moment.replace("Z", "+00:00")).tzinfo is not None


def test_a_moved_date_keeps_its_history(ccal, server):
    configure(("portal", server.route("/p", srv.ok(V1), srv.ok(V2), srv.ok(V2), srv.ok(V1))))
    for _ in range(3):  # the history stays across a sync that changes nothing
        assert ccal("sync").exit_code == 0
    deadlines = ccal.json("deadlines", "eu-sync-a-01")
    assert deadlines[0]["previous"] == "2027-03-10T17:00:00+01:00"
    shown = ccal("deadlines", "eu-sync-a-01")
    assert "extended +7 d" in shown.stdout
    assert ccal("sync").exit_code == 0  # back where it was: the history goes
    assert ccal.json("deadlines", "eu-sync-a-01")[0].get("previous") is None


def change_log() -> list[dict]:
    """Every change the syncs so far logged, oldest first (``changes.log_file``)."""
    from ccal.changes import log_file

    return [json.loads(line) for line in log_file().open(encoding="utf-8")]


def test_read_paths_never_import_httpx():
    """The first run has no index (the fast path reads and indexes the files), the second
    answers from the index, the third is the Typer app's."""
    import os
    import subprocess
    import sys

    from conftest import RUN_MAIN

    probe = RUN_MAIN + (
        "print('LOADED', 'typer' in sys.modules, *sorted(m for m in ('httpx', 'ccal.sync', "
        "'ccal.fetch', 'ccal.config') if m in sys.modules), file=sys.stderr)\n"
    )
    configure(("portal", "https://example.org/p.json"), extra='timezone = "Europe/Brussels"\n')
    env = {**os.environ, "CCAL_NO_FASTPATH": "0"}
    for fast, typer_loaded in (("0", "False"), ("0", "False"), ("1", "True")):
        done = subprocess.run(
            [sys.executable, "-c", probe, "upcoming", "--json", "--as-of", "2022-06-01"],
            env={**env, "CCAL_NO_FASTPATH": fast},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        assert done.stderr.split("LOADED", 1)[1].split() == [typer_loaded]


def test_one_entry_is_counted_in_the_singular(ccal, tmp_path):
    """``team: 1 entry``, never ``1 calls``: the sync line reads as English for any count."""
    copy = tmp_path / "team.toml"
    copy.write_text(
        'version = 1\n\n[[opportunity]]\nid = "team-call"\nkind = "call"\ntitle = "Team call"\n'
        'timezone = "Europe/Brussels"\n[[opportunity.dates]]\nlabel = "Cut-off"\n'
        "at = 2027-01-15T17:00:00\n",
        encoding="utf-8",
    )
    configure(("team", copy.as_uri()), fmt="ccal")
    result = ccal("sync")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("team: 1 call · first sync · ")


def test_a_first_sync_that_fails_does_not_promise_a_good_copy(ccal, tmp_path):
    """Nothing was ever synced: the failure says so, not "the last good copy stays in use"."""
    configure(("portal", (tmp_path / "missing.json").as_uri()))
    result = ccal("sync")
    assert result.exit_code == 1
    assert result.stderr.strip().endswith("; nothing synced yet"), result.stderr
    assert "last good copy" not in result.stderr


def test_an_id_another_data_file_holds_is_skipped_never_left_duplicated(ccal, tmp_path):
    """A source holding an id the user's own file (or an import) already has: the sync skips
    that entry and says so; every reading command still works (it was "duplicate id" after a
    sync that exited 0)."""
    assert ccal("add", "team-call", "--kind", "call", "--title", "Mine", "--deadline",
                "2027-01-10").exit_code == 0  # fmt: skip
    copy = tmp_path / "team.toml"
    copy.write_text(
        'version = 1\n\n[[opportunity]]\nid = "team-call"\nkind = "call"\ntitle = "Theirs"\n'
        '[[opportunity.dates]]\nlabel = "Cut-off"\nat = 2027-01-15T17:00:00\n\n'
        '[[opportunity]]\nid = "team-event"\nkind = "event"\ntitle = "Team event"\n'
        '[[opportunity.dates]]\nlabel = "Day"\nat = 2027-02-01\n',
        encoding="utf-8",
    )
    configure(("team", copy.as_uri()), fmt="ccal")
    result = ccal("sync")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("team: 1 entry · first sync · "), result.stdout
    assert result.stderr == (
        "ccal: warning: team: skipped entry team-call: its id is already used in "
        f"{tmp_path / 'xdg-data' / 'ccal' / 'opportunities.toml'} (kept there)\n"
    )
    listing = ccal("list", "--all", "--json")
    assert listing.exit_code == 0, listing.stderr
    titles = {item["id"]: item["title"] for item in json.loads(listing.stdout)}
    assert titles["team-call"] == "Mine" and titles["team-event"] == "Team event"
    record = ccal.json("sync")[0]  # unchanged now; a changed file reports what it skipped
    assert record["status"] == "unchanged"
    copy.write_text(copy.read_text(encoding="utf-8").replace("Team event", "Team day"), "utf-8")
    record = ccal.json("sync")[0]
    assert (record["entries"], record["skipped"]) == (1, 1)
    assert record["skip_reasons"][0].startswith("entry team-call: its id is already used in ")


def test_an_empty_change_log_says_where_changes_come_from(ccal):
    result = ccal("changes")
    assert result.exit_code == 0
    assert result.stdout == (
        "No changes logged yet: 'ccal sync' logs what changes in your sources (add one with "
        "'ccal source add').\n"
    )


def test_a_ccal_source_keeps_the_kinds_it_declares(ccal, tmp_path):
    """A ccal data file with ``kinds = ["grant"]`` at its top is valid as it is, so its synced
    copy declares the same kinds: else the sync fails on a file ``ccal validate`` accepts."""
    copy = tmp_path / "team.toml"
    copy.write_text(
        'version = 1\nkinds = ["grant"]\n\n[[opportunity]]\nid = "team-grant"\nkind = "grant"\n'
        'title = "Team grant"\ntimezone = "Europe/Brussels"\n[[opportunity.dates]]\n'
        'label = "Due"\nat = 2027-01-15T17:00:00\n',
        encoding="utf-8",
    )
    assert ccal("validate", str(copy)).exit_code == 0
    configure(("team", copy.as_uri()), fmt="ccal")
    result = ccal("sync")
    assert result.exit_code == 0, result.stderr
    assert [r["kind"] for r in ccal.json("list", "--all", "--kind", "grant")] == ["grant"]


def test_a_ccal_source_s_header_names_a_command_that_exists(ccal, tmp_path):
    """The synced copy of a ``--format ccal`` source said "Imported by `ccal import ccal`", a
    command there is not (that format is for ``ccal sync`` only)."""
    copy = tmp_path / "team.toml"
    copy.write_text('version = 1\n[[opportunity]]\nid = "t"\nkind = "call"\ntitle = "T"\n')
    configure(("team", copy.as_uri()), fmt="ccal")
    assert ccal("sync").exit_code == 0
    head = synced_file("team").read_text(encoding="utf-8").splitlines()[0]
    assert head.startswith(f"# Imported by `ccal sync` from {copy.as_uri()} on "), head
    result = ccal("extend", "t", "x", "--to", "+1d")
    assert result.exit_code == 2 and "which 'ccal sync team' writes" in result.stderr


def test_a_password_in_a_source_url_is_never_printed_or_written(ccal, server):
    """``https://user:secret@host/…`` is how many feeds are given: the configuration keeps it
    (the request sends it), but ``source list`` (text and JSON), ``source add``'s line, sync's
    failure line (which cron mails) and the synced file's header show ``user:***``."""
    url = server.route("/p", srv.ok(V1), srv.status(404))
    secret = url.replace("http://", "http://ana:s3cret@")
    added = ccal("source", "add", "portal", secret, "--format", "eu-portal")
    assert added.exit_code == 0, added.stderr
    synced = ccal("sync")
    assert synced.exit_code == 0, synced.stderr
    failing = ccal("sync")
    assert failing.exit_code == 1
    listed = ccal("source", "list")
    as_json = ccal("source", "list", "--json")
    shown = [added.stdout, synced.stdout, synced.stderr, failing.stderr, listed.stdout]
    shown += [as_json.stdout, synced_file("portal").read_text("utf-8")]
    assert all("s3cret" not in text for text in shown), shown
    assert "ana:***@127.0.0.1" in listed.stdout and "ana:***@127.0.0.1" in failing.stderr
    assert json.loads(as_json.stdout)[0]["location"].startswith("http://ana:***@")
    assert "s3cret" in config_file().read_text("utf-8")  # what the next sync sends


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        ("https://ana:s3cret@example.org/feed.ics", "https://ana:***@example.org/feed.ics"),
        ("https://TOKEN@example.org/x", "https://***@example.org/x"),
        ("https://a:b@c@example.org", "https://a:***@example.org"),
        ("https://example.org/a@b", "https://example.org/a@b"),  # an @ in the path is no user
        ("https://example.org?to=a@b", "https://example.org?to=a@b"),  # nor one in a query
        ("https://example.org#a@b", "https://example.org#a@b"),  # nor in a fragment
        ("https://ana:s3cret@example.org?x=1#f", "https://ana:***@example.org?x=1#f"),
        ("https://example.org", "https://example.org"),
        ("/home/ana/feeds@work/x.ics", "/home/ana/feeds@work/x.ics"),
    ],
)
def test_shown_location(location, shown):
    from ccal.probe import shown_location

    assert shown_location(location) == shown


def test_json_changes_say_what_each_outcome_compared(ccal, tmp_path):
    """``changes`` in ``sync --json``: null when nothing was compared (a first sync, a failure),
    every kind at 0 when the source was unchanged, the counts after a real comparison; a failed
    first sync says ``first_sync`` (nothing synced yet) as its line does. Each case was
    ``{}`` or zeros alike, so a script could not tell a failure from "nothing moved"."""
    copy = tmp_path / "portal.json"
    configure(("portal", copy.as_uri()))
    none = dict.fromkeys(("added", "removed", "moved", "retitled", "status"), 0)

    def one(expect_exit: int = 0) -> dict:
        result = ccal("sync", "--json")
        assert result.exit_code == expect_exit, result.stderr
        return json.loads(result.stdout)[0]

    never = one(1)  # the file is not there yet
    assert (never["status"], never["first_sync"], never["changes"]) == ("failed", True, None)
    copy.write_bytes(V1)
    first = one()
    assert (first["status"], first["first_sync"], first["changes"]) == ("synced", True, None)
    same = one()
    assert (same["status"], same["first_sync"], same["changes"]) == ("unchanged", False, none)
    copy.write_text("garbage", encoding="utf-8")
    broken = one(1)
    assert (broken["status"], broken["first_sync"], broken["changes"]) == ("failed", False, None)
    copy.write_bytes(V2)
    moved = one()
    assert moved["status"] == "synced" and not moved["first_sync"]
    assert moved["changes"] == {"added": 1, "removed": 1, "moved": 2, "retitled": 1, "status": 1}
