"""Getting a source's bytes: HTTP(S) with httpx, or a local file; only ``ccal sync`` imports it.

HTTP done the careful way: a conditional request (``If-None-Match`` / ``If-Modified-Since``:
a 304 is "unchanged"), gzip, at most ``MAX_REDIRECTS`` redirects and never from https to
anything else, connect and read timeouts, retries with backoff on connection errors and 5xx
(``Retry-After`` honoured), a size cap on the decoded body, proxies from the environment, and a
``User-Agent`` naming ccal. Every failure is a ``FetchFailed`` with one line saying why.
The conditional-request rule, the agent, the TLS trust and the proxy rule are ``ccal.probe``'s,
shared with the standard-library probe ``ccal sync`` sends first.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ccal.errors import CcalError
from ccal.probe import (
    USER_AGENT,
    conditional_headers,
    file_stamp,
    is_url,
    local_path,
    shown_location,
    tls_context,
)

MAX_REDIRECTS = 5
BACKOFF = 1.0  # seconds before the first retry; doubled for each next one
MAX_WAIT = 60.0  # the longest Retry-After honoured (a longer one waits this long)
CHUNK = 1 << 20

# ``progress(total_bytes_or_None)`` starts a download and returns ``advance(n_bytes)``.
Progress = Callable[[int | None], Callable[[int], None]]


class FetchFailed(CcalError):
    """A download that gave nothing usable (the reason is the message)."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 512_000_000
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    retries: int = 3


@dataclass(frozen=True)
class Fetched:
    """What a fetch gave: the body, or ``data is None`` for "not modified"."""

    data: bytes | None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    url: str = ""

    @property
    def unchanged(self) -> bool:
        return self.data is None


def fetch(
    location: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    limits: Limits = Limits(),
    progress: Progress | None = None,
) -> Fetched:
    """The source's bytes (or "not modified" when ``etag``/``last_modified`` still hold)."""
    if is_url(location):
        return _fetch_http(location, etag, last_modified, limits, progress)
    return _fetch_file(location, etag, limits)


# --- local files --------------------------------------------------------------------------------

# A source is one file, fetched, compared and replaced as one (its size and time are its ETag);
# a folder of files is ``ccal import``'s to read (the ccfddl and ai-deadlines importers walk one).
DIRECTORY_SOURCE = (
    "is a directory, and a source is one file (a URL, a file:// URL or a file's path); "
    "to read a folder of files use 'ccal import FORMAT DIR'"
)


def _fetch_file(location: str, etag: str | None, limits: Limits) -> Fetched:
    """A local file; its size and modification time stand in for an ETag."""
    try:
        path = local_path(location)
    except ValueError as exc:
        raise FetchFailed(str(exc)) from None
    from ccal.sources import read_input

    try:
        info = path.stat()
        stamp = file_stamp(info)
        if etag == stamp:
            return Fetched(None, etag=stamp, url=str(path))
        if info.st_size > limits.max_bytes:
            raise FetchFailed(f"{path}: larger than the {_mb(limits.max_bytes)} limit")
        # bounded, as every input: a device (/dev/zero) is refused, a FIFO read up to the cap
        data = read_input(path, limit=limits.max_bytes, setting="max_size_mb in [sync]")[0]
    except FileNotFoundError:
        raise FetchFailed(f"{path}: no such file") from None
    except IsADirectoryError:
        raise FetchFailed(f"{path}: {DIRECTORY_SOURCE}") from None
    except OSError as exc:
        raise FetchFailed(f"{path}: cannot read the file: {exc.strerror or exc}") from None
    return Fetched(data, etag=stamp, url=str(path))


# --- HTTP ---------------------------------------------------------------------------------------


def _fetch_http(
    url: str,
    etag: str | None,
    last_modified: str | None,
    limits: Limits,
    progress: Progress | None,
) -> Fetched:
    import httpx

    conditional = conditional_headers(etag, last_modified)
    timeout = httpx.Timeout(limits.read_timeout, connect=limits.connect_timeout)
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"}
    with httpx.Client(
        timeout=timeout, headers=headers, follow_redirects=False, verify=_trusted()
    ) as client:
        current = httpx.URL(url)
        redirects = retries = 0
        while True:
            try:
                outcome = _one_request(client, current, conditional, limits, progress)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                if retries >= limits.retries:
                    raise FetchFailed(f"cannot connect to {current.host}: {_why(exc)}") from None
                retries += 1
                time.sleep(BACKOFF * 2 ** (retries - 1))
                continue
            except httpx.ReadTimeout:
                raise FetchFailed(
                    f"{current.host} sent nothing for {limits.read_timeout:g} s (read timeout)"
                ) from None
            except httpx.RemoteProtocolError as exc:
                raise FetchFailed(f"the download from {current.host} broke off ({exc})") from None
            except httpx.DecodingError:
                raise FetchFailed(f"{current.host} sent a body that is not valid gzip") from None
            except httpx.HTTPError as exc:
                raise FetchFailed(f"cannot fetch {_shown(current)}: {_why(exc)}") from None
            if isinstance(outcome, Fetched):
                return outcome
            kind, value = outcome
            if kind == "redirect":
                redirects += 1
                if redirects > MAX_REDIRECTS:
                    raise FetchFailed(f"more than {MAX_REDIRECTS} redirects from {_shown(url)}")
                target = current.join(value)
                if current.scheme == "https" and target.scheme != "https":
                    raise FetchFailed(
                        f"refused a redirect from https to {target.scheme}"
                        f" ({_shown(current)} → {_shown(target)})"
                    )
                if target.scheme not in ("http", "https"):
                    raise FetchFailed(f"refused a redirect to {_shown(target)}")
                current = target
                continue
            status, wait = value
            if retries >= limits.retries:
                tried = f" (after {retries} {'retry' if retries == 1 else 'retries'})"
                raise FetchFailed(f"HTTP {status} from {_shown(current)}{tried if retries else ''}")
            retries += 1
            time.sleep(wait if wait is not None else BACKOFF * 2 ** (retries - 1))


def _shown(url: Any) -> str:
    """A URL (text or ``httpx.URL``) for a message: its password hidden."""
    return shown_location(str(url))


def _trusted() -> Any:
    """``probe.tls_context``; certificates that cannot be read fail this source, in one line."""
    try:
        return tls_context()
    except (OSError, ValueError) as exc:
        where = os.environ.get("SSL_CERT_FILE") or os.environ.get("SSL_CERT_DIR")
        named = f" ({where})" if where else ""
        raise FetchFailed(f"cannot load the trusted certificates{named}: {_why(exc)}") from None


def _one_request(
    client: Any,
    url: Any,
    conditional: dict[str, str],
    limits: Limits,
    progress: Progress | None,
) -> Fetched | tuple[str, Any]:
    """One GET: the result, ``("redirect", location)`` or ``("retry", (status, wait))``."""
    with client.stream("GET", url, headers=conditional) as response:
        status = response.status_code
        if status in (301, 302, 303, 307, 308) and "location" in response.headers:
            return "redirect", response.headers["location"]
        if status == 304:
            return Fetched(
                None,
                etag=response.headers.get("etag") or conditional.get("If-None-Match"),
                last_modified=response.headers.get("last-modified")
                or conditional.get("If-Modified-Since"),
                url=str(url),
            )
        if status >= 500 or status == 429:
            return "retry", (status, _retry_after(response.headers.get("retry-after")))
        if status != 200:
            reason = f" {response.reason_phrase}" if response.reason_phrase else ""
            raise FetchFailed(f"HTTP {status}{reason} from {_shown(url)}")
        data = _body(response, limits, progress)
        return Fetched(
            data,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            content_type=response.headers.get("content-type"),
            url=str(url),
        )


def _body(response: Any, limits: Limits, progress: Progress | None) -> bytes:
    """The decoded body, refused as soon as it passes the size cap."""
    declared = response.headers.get("content-length")
    plain = "content-encoding" not in response.headers
    total = int(declared) if declared and declared.isdigit() and plain else None
    if total is not None and total > limits.max_bytes:
        raise FetchFailed(
            f"{response.url.host} offers {_mb(total)}, over the {_mb(limits.max_bytes)} limit"
        )
    advance = progress(total) if progress else None
    chunks = []
    size = 0
    for chunk in response.iter_bytes(CHUNK):
        size += len(chunk)
        if size > limits.max_bytes:
            raise FetchFailed(
                f"the download from {response.url.host} passed the "
                f"{_mb(limits.max_bytes)} limit ([sync] max_size_mb in the configuration)"
            )
        chunks.append(chunk)
        if advance:
            advance(len(chunk))
    return b"".join(chunks)


def _retry_after(value: str | None) -> float | None:
    """``Retry-After`` in seconds (a number or an HTTP date), at most ``MAX_WAIT``."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_WAIT)
    from email.utils import parsedate_to_datetime

    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    from datetime import UTC, datetime

    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, min((moment - datetime.now(UTC)).total_seconds(), MAX_WAIT))


def _why(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[-1] if text else type(exc).__name__


def _mb(size: int) -> str:
    if size < 1_000_000:
        return f"{size:,} bytes"
    return f"{size / 1_000_000:,.1f}".removesuffix(".0") + " MB"
