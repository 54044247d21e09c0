"""Is a synced source unchanged? One conditional GET with the standard library, before httpx.

Importing httpx costs far more than a whole cold ``ccal upcoming --json``, and most syncs of a
source that keeps its validators end in a ``304``. So ``ccal sync``'s fast path
(``ccal.fastsync``) first sends that one request itself: a ``304`` is "unchanged" and httpx is
never imported; any other answer (200, a redirect, an error, a timeout, anything odd) is closed
unread and the source goes to ``ccal.fetch``'s httpx path, which does everything else
(redirects, retries, gzip, the size cap, progress) in one place. The request is written on a
socket rather than with ``http.client``, whose import of the ``email`` package alone costs
about as much as that whole cold ``upcoming``: a probe reads no body, only a status line and
two headers, and refuses (hands over) whatever is not a plain HTTP/1.x head, so a misread can
only cost a second request, never a wrong "unchanged". A local file is unchanged while its size
and modification time are the stored ones (they stand in for its ETag).

What both paths must agree on lives here, once: which validators a source's stored state lets
a request send (``validators``, ``conditional_headers``), the ``User-Agent``, the TLS trust
(``tls_context``: ``SSL_CERT_FILE`` / ``SSL_CERT_DIR``, else certifi's bundle, as httpx has it;
httpx is given this very context) and the proxy from the environment (``proxy_for``: httpx's
reading of ``getproxies()`` and ``NO_PROXY``; an entry whose reading is in doubt leaves the
request to httpx).
"""

from __future__ import annotations

import os
import sys

from ccal import __version__

TYPE_CHECKING = False  # not ``typing.TYPE_CHECKING``: the fast path does without ``typing``
if TYPE_CHECKING:
    import ssl
    from collections.abc import Mapping
    from pathlib import Path
    from typing import Any

USER_AGENT = f"ccal/{__version__}"
DOUBT = "doubt"  # ``proxy_for``: the environment says something only httpx reads for sure


def validators(state: Mapping[str, Any], key: str, synced: bool) -> tuple[str | None, str | None]:
    """The ETag and Last-Modified a request may send back: the stored ones while they answer
    for this very source (``key``: same location, format and options) and its synced file is
    still there; else none, and the source is fetched in full."""
    if state.get("key") != key or not synced:
        return None, None
    etag, modified = state.get("etag"), state.get("last_modified")
    return (
        etag if isinstance(etag, str) and etag else None,
        modified if isinstance(modified, str) and modified else None,
    )


def is_url(location: str) -> bool:
    return location.lower().startswith(("http://", "https://"))


def shown_location(location: str) -> str:
    """A source's location as ccal prints or writes it anywhere but the configuration: a
    password in the URL (``https://user:secret@host/…``) becomes ``***``, and so does a user
    part with no password (``https://TOKEN@host/``: how tokens are often given). Listings,
    sync's failure lines (which cron mails) and synced files' headers never carry them; the
    configuration keeps the real location, which ``fetch`` uses. The URL is split by
    ``urllib.parse`` (its authority ends at the first ``/``, ``?`` or ``#``: an ``@`` in a query
    is no user)."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(location)
    except ValueError:
        return location
    if not parts.scheme or "@" not in parts.netloc:
        return location
    userinfo, _, host = parts.netloc.rpartition("@")
    hidden = f"{userinfo.partition(':')[0]}:***" if ":" in userinfo else "***"
    return urlunsplit(parts._replace(netloc=f"{hidden}@{host}"))


def local_path(location: str) -> Path:
    """A ``file://`` URL or a path (``~`` expanded) as a path; ValueError for a file:// URL of
    another host."""
    from pathlib import Path

    if location.lower().startswith("file://"):
        from urllib.parse import unquote, urlsplit

        parts = urlsplit(location)
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"{location}: a file:// URL must name a local file")
        return Path(unquote(parts.path))
    return Path(os.path.expanduser(location))


def file_stamp(info: os.stat_result) -> str:
    """A local file's size and modification time: what stands in for its ETag."""
    return f"{info.st_size}-{info.st_mtime_ns}"


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def tls_context() -> ssl.SSLContext:
    """The certificates a download trusts; httpx is given this very context."""
    import ssl

    if os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=os.environ["SSL_CERT_FILE"])
    if os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=os.environ["SSL_CERT_DIR"])
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def proxy_for(scheme: str, host: str) -> str | None:
    """The proxy URL httpx would send a request for ``scheme://host`` through, None for a
    direct connection, or ``DOUBT``. httpx reads ``urllib.request.getproxies()`` (the
    environment; the system settings too on macOS and Windows), and ``NO_PROXY`` as curl does:
    ``*``, exact IP addresses and ``localhost``, ``example.com`` for it and its subdomains,
    ``.example.com`` for its subdomains only. Other forms (a scheme, a port, a CIDR block) are
    httpx's to read."""
    if sys.platform in ("darwin", "win32"):
        from urllib.request import getproxies

        proxies = getproxies()
    else:  # there ``getproxies()`` is the environment: read here without its imports (~10 ms)
        proxies = _environment_proxies()
    proxy = proxies.get(scheme) or proxies.get("all")
    if not proxy:
        return None
    host = host.lower().strip("[]")
    for entry in (part.strip().lower() for part in proxies.get("no", "").split(",")):
        if not entry:
            continue
        if entry == "*":
            return None
        if "://" in entry or "/" in entry or entry.count(":") == 1:
            return DOUBT  # a scheme, a CIDR block or a port
        entry = entry.strip("[]")
        if entry == "localhost" or ":" in entry or entry.replace(".", "").isdigit():
            if host == entry:  # an address or localhost: that host alone
                return None
        elif entry.startswith("."):
            if host.endswith(entry):
                return None
        elif host == entry or host.endswith("." + entry):
            return None
    return proxy if "://" in proxy else f"http://{proxy}"


def _environment_proxies() -> dict[str, str]:
    """``urllib.request.getproxies_environment()``: ``NAME_proxy`` variables in any case, the
    lower-case spelling winning (an empty one unsets), ``HTTP_PROXY`` ignored under CGI (where
    a client's ``Proxy:`` header would set it)."""
    proxies = {}
    for name, value in os.environ.items():
        if value and name[-6:].lower() == "_proxy":
            proxies[name[:-6].lower()] = value
    if "REQUEST_METHOD" in os.environ:
        proxies.pop("http", None)
    for name, value in os.environ.items():
        if name[-6:] == "_proxy":
            if value:
                proxies[name[:-6].lower()] = value
            else:
                proxies.pop(name[:-6].lower(), None)
    return proxies


def probe(
    url: str,
    etag: str | None,
    last_modified: str | None,
    *,
    connect_timeout: float,
    read_timeout: float,
) -> tuple[str | None, str | None] | None:
    """The validators of a ``304`` to the conditional GET of ``url``, or None for anything
    else (the caller then fetches with httpx). Never raises for what the network does."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        return None
    if scheme not in ("http", "https") or not host or not host.isascii() or parts.username:
        return None  # an international name, credentials in the URL: httpx's to send
    headers = {
        "Host": _authority(host, parts.port),
        "User-Agent": USER_AGENT,
        "Accept-Encoding": "gzip",
        "Connection": "close",
        **conditional_headers(etag, last_modified),
    }
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        sock, target, extra = _connect(scheme, host, port, url, target, connect_timeout)
    except (OSError, ValueError, _Doubt):
        return None
    try:
        sock.settimeout(read_timeout)
        sock.sendall(_request("GET", target, {**headers, **extra}))
        status, answer = _response_head(sock)
    except (OSError, ValueError):
        return None
    finally:
        sock.close()  # whatever else was sent is left unread: httpx asks again
    if status != 304:
        return None
    return answer.get("etag") or etag, answer.get("last-modified") or last_modified


class _Doubt(Exception):
    pass


def _connect(
    scheme: str, host: str, port: int, url: str, target: str, timeout: float
) -> tuple[Any, str, dict[str, str]]:
    """An open socket to the server (through the proxy, when one applies, and TLS for https),
    the request target to send and the headers the proxy needs with it."""
    import socket

    proxy = proxy_for(scheme, host)
    if proxy == DOUBT:
        raise _Doubt
    if proxy is None:
        sock = socket.create_connection((host, port), timeout=timeout)
        return (_tls(sock, host) if scheme == "https" else sock), target, {}
    from urllib.parse import unquote, urlsplit

    via = urlsplit(proxy)
    if via.scheme.lower() != "http" or not via.hostname:
        raise _Doubt  # an https or socks proxy: httpx's to speak to
    auth = {}
    if via.username is not None:
        import base64

        pair = f"{unquote(via.username)}:{unquote(via.password or '')}".encode()
        auth["Proxy-Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    sock = socket.create_connection((via.hostname, via.port or 80), timeout=timeout)
    if scheme == "http":
        return sock, url, auth  # a plain-http proxy is asked for the absolute URL
    try:  # https: a tunnel through the proxy, and TLS with the server inside it
        where = _authority(host, port)
        sock.sendall(_request("CONNECT", where, {"Host": where, **auth}))
        status, _headers = _response_head(sock)
        if status != 200:
            raise _Doubt
        return _tls(sock, host), target, {}
    except BaseException:
        sock.close()
        raise


def _tls(sock: Any, host: str) -> Any:
    try:
        return tls_context().wrap_socket(sock, server_hostname=host)
    except BaseException:
        sock.close()
        raise


def _authority(host: str, port: int | None) -> str:
    name = f"[{host}]" if ":" in host else host
    return name if port is None else f"{name}:{port}"


def _request(method: str, target: str, headers: Mapping[str, str]) -> bytes:
    """The request head; a value that could break it (a stored ETag with a line break in it)
    is refused, as a ValueError."""
    parts = [target, *headers, *headers.values()]
    if " " in target or any(c in part for part in parts for c in "\r\n\0"):
        raise ValueError("not a request head")
    lines = [f"{method} {target} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")  # UnicodeEncodeError: ValueError


_MAX_HEAD = 64 * 1024


def _response_head(sock: Any) -> tuple[int, dict[str, str]]:
    """The status and the (lower-cased) headers of the response, read up to the blank line; a
    ValueError for anything but a plain HTTP/1.x head (folded lines, no end in 64 KiB)."""
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(4096)
        if not chunk or len(head) > _MAX_HEAD:
            raise ValueError("no response head")
        head += chunk
    lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    version, _, rest = lines[0].partition(" ")
    code = rest[:3]
    if version not in ("HTTP/1.1", "HTTP/1.0") or not code.isdigit() or rest[3:4] not in ("", " "):
        raise ValueError("not an HTTP/1.x status line")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip() or line[:1] in (" ", "\t"):
            raise ValueError("not a header line")
        headers[name.lower()] = value.strip()
    return int(code), headers
