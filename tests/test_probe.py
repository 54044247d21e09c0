"""``ccal.probe``: the rules the standard-library probe shares with httpx, checked against httpx
itself, and its reading of a response head on real sockets."""

from __future__ import annotations

import socket

import httpx
import pytest

from ccal import probe

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "REQUEST_METHOD")


def httpx_proxy(client: httpx.Client, url: str) -> str | None:
    """The proxy httpx itself picks for ``url`` from the environment (None: direct)."""
    pool = client._transport_for_url(httpx.URL(url))._pool  # type: ignore[attr-defined]
    proxy = getattr(pool, "_proxy_url", None)
    if proxy is None:
        return None
    port = f":{proxy.port}" if proxy.port else ""
    return f"{proxy.scheme.decode()}://{proxy.host.decode()}{port}"


ENVIRONMENTS = [
    {},
    {"HTTP_PROXY": "http://proxy.local:3128"},
    {"HTTPS_PROXY": "proxy.local:8080"},
    {"ALL_PROXY": "http://proxy.local:3128", "HTTPS_PROXY": "http://tls.local:9"},
    {"ALL_PROXY": "http://proxy.local:3128", "NO_PROXY": "*"},
    {"ALL_PROXY": "http://proxy.local:3128", "NO_PROXY": "example.org, localhost"},
    {"ALL_PROXY": "http://proxy.local:3128", "NO_PROXY": ".example.org"},
    {"ALL_PROXY": "http://proxy.local:3128", "NO_PROXY": "10.1.2.3,::1"},
    {"HTTP_PROXY": "http://proxy.local:3128", "NO_PROXY": "EXAMPLE.org"},
    {"HTTP_PROXY": "http://upper.local:1", "http_proxy": "http://lower.local:2"},
    {"HTTP_PROXY": "http://upper.local:1", "http_proxy": ""},
    {"HTTP_PROXY": "http://upper.local:1", "REQUEST_METHOD": "GET"},
    {"NO_PROXY": "127.0.0.1"},
]
URLS = [
    "http://example.org/p.json",
    "https://example.org/p.json",
    "https://data.example.org/p.json",
    "http://wwwexample.org/",
    "http://localhost:8000/",
    "http://a.localhost/",
    "http://10.1.2.3/",
    "http://[::1]:8080/",
]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_the_proxy_is_the_one_httpx_picks(monkeypatch, environment):
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    from urllib.request import getproxies_environment

    assert probe._environment_proxies() == getproxies_environment()
    with httpx.Client(verify=False) as client:  # the proxies are read when it is made
        for url in URLS:
            parsed = httpx.URL(url)
            mine = probe.proxy_for(parsed.scheme, parsed.host)
            assert mine == httpx_proxy(client, url), (environment, url)


@pytest.mark.parametrize("entry", ["http://example.org", "example.org:8080", "10.0.0.0/8"])
def test_no_proxy_forms_in_doubt_are_left_to_httpx(monkeypatch, entry):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.local:3128")
    monkeypatch.setenv("NO_PROXY", entry)
    assert probe.proxy_for("https", "example.org") == probe.DOUBT


def test_validators_answer_for_the_same_source_only():
    state = {"key": "k", "etag": '"v1"', "last_modified": "Tue, 01 Dec 2026 06:00:00 GMT"}
    assert probe.validators(state, "k", True) == ('"v1"', state["last_modified"])
    assert probe.validators(state, "other", True) == (None, None)
    assert probe.validators(state, "k", False) == (None, None)  # the synced file is gone
    assert probe.validators({"key": "k", "etag": 3}, "k", True) == (None, None)
    assert probe.conditional_headers('"v1"', None) == {"If-None-Match": '"v1"'}
    assert probe.conditional_headers(None, None) == {}


def head_of(raw: bytes) -> tuple[int, dict[str, str]]:
    """``_response_head`` of ``raw`` as a server's socket sends it."""
    ours, theirs = socket.socketpair()
    try:
        theirs.sendall(raw)
        theirs.shutdown(socket.SHUT_WR)
        ours.settimeout(5)
        return probe._response_head(ours)
    finally:
        ours.close()
        theirs.close()


def test_a_response_head_is_read_up_to_the_blank_line():
    status, headers = head_of(b'HTTP/1.1 304 Not Modified\r\nETag: "v2"\r\nX-A:b\r\n\r\nrest')
    assert (status, headers) == (304, {"etag": '"v2"', "x-a": "b"})
    assert head_of(b"HTTP/1.0 200\r\n\r\n") == (200, {})


@pytest.mark.parametrize(
    "raw",
    [
        b"HTTP/1.1 304 Not Modified\r\nETag: x\r\n",  # cut before the blank line
        b"ICY 304 OK\r\n\r\n",
        b"HTTP/2 304\r\n\r\n",
        b"HTTP/1.1 30x\r\n\r\n",
        b"HTTP/1.1 3041\r\n\r\n",
        b"HTTP/1.1 304 Not Modified\r\nETag: x\r\n folded\r\n\r\n",
        b"HTTP/1.1 304 Not Modified\r\nno colon\r\n\r\n",
        b"HTTP/1.1 304 Not Modified\r\n" + b"X: y\r\n" * 20_000 + b"\r\n",  # over 64 KiB
    ],
)
def test_anything_but_a_plain_head_is_refused(raw):
    with pytest.raises(ValueError):
        head_of(raw)


def test_a_stored_value_cannot_break_the_request():
    with pytest.raises(ValueError):
        probe._request("GET", "/", {"If-None-Match": '"v1"\r\nX-Evil: 1'})
    with pytest.raises(ValueError):
        probe._request("GET", "/a b", {})
    with pytest.raises(ValueError):
        probe._request("GET", "/", {"If-None-Match": "é"})
    assert (
        probe._request("GET", "/p?q=1", {"Host": "h"}) == b"GET /p?q=1 HTTP/1.1\r\nHost: h\r\n\r\n"
    )


def test_nothing_listening_is_no_answer_not_an_error():
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    url = f"http://127.0.0.1:{port}/p"
    assert probe.probe(url, '"v1"', None, connect_timeout=2, read_timeout=2) is None
    assert (
        probe.probe("ftp://example.org/p", '"v1"', None, connect_timeout=2, read_timeout=2) is None
    )
