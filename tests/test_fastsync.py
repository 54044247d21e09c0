"""``ccal sync``'s fast path against the real local HTTP(S) server: a 304 answered with the
standard library alone, and everything else handed to the full sync unchanged."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sync_server as srv

from ccal import __version__, fastsync, fetch
from ccal.sources import config_file, synced_dir, synced_file

DATA = Path(__file__).parent / "data" / "sync"
V1 = (DATA / "portal-v1.json").read_bytes()
V2 = (DATA / "portal-v2.json").read_bytes()
HEAVY = ("httpx", "typer", "pydantic", "rich", "click", "ccal.config", "ccal.cli", "http.client")


@pytest.fixture(autouse=True)
def _quick(monkeypatch):
    monkeypatch.setenv("CCAL_NOW", "2026-12-01T08:00:00Z")
    monkeypatch.setattr(fetch, "BACKOFF", 0.01)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)


@pytest.fixture
def server():
    running = srv.Server()
    yield running
    running.close()


def configure(*sources: tuple[str, str], fmt: str = "eu-portal", extra: str = "") -> None:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = f"# my sources\n{extra}\n"
    for name, url in sources:
        text += f'[[source]]\nname = "{name}"\nlocation = "{url}"\nformat = "{fmt}"\n\n'
    path.write_text(text, encoding="utf-8")


_MAIN = (
    "import sys\nfrom ccal.__main__ import main\nsys.argv = ['ccal', *sys.argv[1:]]\n"
    "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\nelse:\n    code = 0\n"
    "print('\\nLOADED', code, *sorted(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)\n"
)


def main(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, list[str]]:
    """``ccal ARGS`` through ``__main__`` in a new interpreter: exit code, stdout, and which of
    ``HEAVY`` it imported."""
    done = subprocess.run(
        [sys.executable, "-c", _MAIN.format(heavy=HEAVY), *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
    )
    _before, _, loaded = done.stderr.rpartition("\nLOADED ")
    assert loaded, done.stderr
    code, *modules = loaded.split()
    return int(code), done.stdout, modules


def synced_once(ccal, server, *later: srv.Responder) -> str:
    url = server.route("/p", srv.conditional(V1, etag='"v1"'), *later)
    configure(("portal", url))
    result = ccal("sync")
    assert result.exit_code == 0, result.stderr
    return url


# --- a 304: the standard library alone ---------------------------------------------------------


def test_a_304_imports_no_httpx_and_no_app(ccal, server):
    synced_once(ccal, server)
    code, out, loaded = main("sync")
    assert (code, out, loaded) == (0, "portal: unchanged (not modified)\n", [])
    asked = server.requests[-1]["headers"]
    assert asked["If-None-Match"] == '"v1"'
    assert asked["User-Agent"] == f"ccal/{__version__}"
    assert asked["Accept-Encoding"] == "gzip"
    assert len(server.requests) == 2


def test_last_modified_alone_is_sent_back(ccal, server):
    stamp = "Tue, 01 Dec 2026 06:00:00 GMT"
    configure(("portal", server.route("/p", srv.conditional(V1, last_modified=stamp))))
    assert ccal("sync").exit_code == 0
    assert main("sync") == (0, "portal: unchanged (not modified)\n", [])
    assert server.requests[-1]["headers"]["If-Modified-Since"] == stamp
    assert "If-None-Match" not in server.requests[-1]["headers"]


def test_the_fast_answer_is_the_full_syncs(ccal, server):
    """Every form the fast path answers prints what the Typer app prints (times aside)."""
    synced_once(ccal, server)
    for args in (["sync"], ["sync", "--json"], ["sync", "-q"], ["sync", "portal", "--quiet"]):
        code, fast, loaded = main(*args)
        full = ccal(*args)
        assert (code, loaded) == (full.exit_code, []), args
        if "--json" in args:
            fast_records, full_records = json.loads(fast), json.loads(full.stdout)
            for record in (*fast_records, *full_records):
                assert isinstance(record.pop("seconds"), float)
            assert fast_records == full_records
        else:
            assert fast == full.stdout, args


def test_a_200_after_the_probe_goes_to_httpx(ccal, server):
    """The probe's 200 is closed unread; httpx asks again, reads it and logs the changes."""
    synced_once(ccal, server, srv.ok(V2, ETag='"v2"'))
    code, out, loaded = main("sync")
    assert code == 0
    assert out.startswith("portal: 6 calls · 1 new, 2 moved, 1 gone, 1 retitled, 1 status")
    assert "httpx" in loaded
    assert [r["headers"].get("If-None-Match") for r in server.requests] == [None, '"v1"', '"v1"']
    assert len(ccal.json("changes")) == 6


def test_a_redirect_after_the_probe_goes_to_httpx(ccal, server):
    synced_once(ccal, server, srv.redirect("/moved"))
    server.route("/moved", srv.conditional(V1, etag='"v1"'))
    code, out, loaded = main("sync")
    assert (code, out) == (0, "portal: unchanged (not modified)\n")
    assert "httpx" in loaded
    assert [r["path"] for r in server.requests] == ["/p", "/p", "/p", "/moved"]


def test_an_error_after_the_probe_is_the_full_syncs_to_report(ccal, server):
    synced_once(ccal, server, srv.status(404))
    good = synced_file("portal").read_bytes()
    code, out, loaded = main("sync")
    assert (code, out) == (1, "")
    assert "httpx" in loaded
    assert synced_file("portal").read_bytes() == good


def test_https_304_with_the_trust_httpx_has(ccal, server, tmp_path, monkeypatch):
    ca_file = tmp_path / "ca.pem"
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))
    secure = srv.Server(srv.trusted_https(ca_file))
    try:
        url = secure.route("/p", srv.conditional(V1, etag='"v1"'))
        configure(("portal", url), extra="[sync]\nretries = 0\n")
        assert ccal("sync").exit_code == 0
        assert main("sync") == (0, "portal: unchanged (not modified)\n", [])
        assert secure.requests[-1]["headers"]["If-None-Match"] == '"v1"'
        # trusting another authority: the probe hands over, and httpx refuses the server too
        srv.trusted_https(ca_file)  # a new authority's certificate in its place
        code, _out, loaded = main("sync")
        assert (code, "httpx" in loaded) == (1, True)
        assert len(secure.requests) == 2
    finally:
        secure.close()


def test_https_through_a_proxy_is_tunnelled(ccal, tmp_path, monkeypatch):
    """``HTTPS_PROXY``: the probe asks the proxy for a tunnel (with its credentials), and TLS
    with the server runs inside it, as httpx does."""
    context = srv.trusted_https(tmp_path / "ca.pem")
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "ca.pem"))
    secure, proxy = srv.Server(context), srv.TunnelProxy()
    try:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url().replace("http://", "http://me:pw@"))
        configure(("portal", secure.route("/p", srv.conditional(V1, etag='"v1"'))))
        assert ccal("sync").exit_code == 0
        assert main("sync") == (0, "portal: unchanged (not modified)\n", [])
        port = secure.url("").rsplit(":", 1)[1]
        assert [target for target, _auth in proxy.tunnels] == [f"localhost:{port}"] * 2
        assert proxy.tunnels[0][1] == proxy.tunnels[1][1] == "Basic bWU6cHc="  # me:pw
        assert secure.requests[-1]["headers"]["If-None-Match"] == '"v1"'
    finally:
        proxy.close()
        secure.close()


def test_proxies_come_from_the_environment(ccal, server, monkeypatch):
    """The local server plays the proxy: the probe asks it for the absolute URL of another
    host, with the proxy's credentials, as httpx does."""
    target = "http://portal.example.invalid/grantsTenders.json"
    server.route(target, srv.conditional(V1, etag='"v1"'))
    monkeypatch.setenv("HTTP_PROXY", server.url("").replace("http://", "http://me:s%40id@"))
    configure(("portal", target), extra="[sync]\nretries = 0\n")
    assert ccal("sync").exit_code == 0
    assert main("sync") == (0, "portal: unchanged (not modified)\n", [])
    assert [r["path"] for r in server.requests] == [target, target]
    probe_auth = server.requests[-1]["headers"]["Proxy-Authorization"]
    assert probe_auth == server.requests[0]["headers"]["Proxy-Authorization"]  # httpx's
    monkeypatch.setenv("NO_PROXY", ".example.invalid")  # no proxy: the name does not resolve
    code, _out, loaded = main("sync")
    assert (code, "httpx" in loaded) == (1, True)
    assert len(server.requests) == 2


# --- when the full sync answers instead ---------------------------------------------------------


def test_an_edited_configuration_is_checked_by_the_full_sync_first(ccal, server):
    synced_once(ccal, server)
    config_file().write_text(config_file().read_text() + "shipped = 3\n", encoding="utf-8")
    code, out, loaded = main("sync")
    assert code == 1 and "typer" in loaded and out == ""
    config_file().write_text(config_file().read_text().replace("shipped = 3", "# ok"))
    assert "typer" in main("sync")[2]  # valid again: the full sync answers, and keeps a plan
    assert main("sync") == (0, "portal: unchanged (not modified)\n", [])


@pytest.mark.parametrize(
    "args",
    [["sync", "nope"], ["sync", "--help"], ["sync", "--json=1"], ["sync", "--"], ["sync", "-x"]],
)
def test_other_command_lines_are_the_apps(ccal, server, args):
    synced_once(ccal, server)
    assert fastsync.answer(args) is None
    assert len(server.requests) == 1


def test_switched_off_without_a_plan_or_while_another_sync_runs(ccal, server, monkeypatch, capsys):
    from filelock import FileLock

    synced_once(ccal, server)
    monkeypatch.setenv("CCAL_NO_FASTPATH", "1")
    assert fastsync.answer(["sync"]) is None
    monkeypatch.delenv("CCAL_NO_FASTPATH")
    with FileLock(str(synced_dir() / ".sync.lock")):
        assert fastsync.answer(["sync"]) is None
    assert len(server.requests) == 1
    assert fastsync.answer(["sync"]) == 0
    assert capsys.readouterr().out == "portal: unchanged (not modified)\n"
    (synced_dir() / ".plan.json").unlink()
    assert fastsync.answer(["sync"]) is None


def test_a_source_without_validators_is_fetched_in_full(ccal, server):
    configure(("portal", server.route("/p", srv.ok(V1))))
    assert ccal("sync").exit_code == 0
    assert fastsync.answer(["sync"]) is None
    assert len(server.requests) == 1


def test_every_source_must_be_unchanged(ccal, server, tmp_path, capsys):
    copy = tmp_path / "portal.json"
    copy.write_bytes(V1)
    configure(("portal", server.route("/p", srv.conditional(V1, etag='"v1"'))), ("disk", str(copy)))
    assert ccal("sync").exit_code == 0
    assert fastsync.answer(["sync"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "portal: unchanged (not modified)",
        "disk: unchanged (not modified)",
    ]
    copy.write_bytes(V2)  # a local file that changed: the full sync reads it
    assert fastsync.answer(["sync"]) is None
    assert fastsync.answer(["sync", "portal"]) == 0
    assert capsys.readouterr().out == "portal: unchanged (not modified)\n"
