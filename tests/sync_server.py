"""A real HTTP(S) server for the sync tests: stdlib ``http.server`` in a thread.

Each path is a route: a list of responses served in turn (the last one repeats), each a
function of the request handler, so a test can say "200 with an ETag, then whatever the
conditional request deserves".
"""

from __future__ import annotations

import gzip
import ssl
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Responder = Callable[[BaseHTTPRequestHandler], None]


class Server:
    def __init__(self, context: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, list[Responder]] = {}
        self.requests: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                outer.requests.append({"path": self.path, "headers": dict(self.headers)})
                queue = outer.routes.get(self.path)
                if not queue:
                    send(self, 404, b"not here", content_type="text/plain")
                    return
                responder = queue.pop(0) if len(queue) > 1 else queue[0]
                responder(self)

            def log_message(self, *args: Any) -> None:  # keep the test output clean
                pass

        class Quiet(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that hung up on purpose (the size cap) is no news

        self.httpd = Quiet(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.scheme = "http"
        if context is not None:
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            self.scheme = "https"
        # shutdown() waits for the loop's next poll: the default 0.5 s cost every test 0.5 s
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def url(self, path: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"{self.scheme}://{'localhost' if self.scheme == 'https' else host}:{port}{path}"

    def route(self, path: str, *responders: Responder) -> str:
        self.routes[path] = list(responders)
        return self.url(path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def trusted_https(ca_file: Any) -> ssl.SSLContext:
    """The server side of an HTTPS test: a certificate for ``localhost`` from a new authority,
    whose certificate is written to ``ca_file`` (point ``SSL_CERT_FILE`` at it to trust it)."""
    import trustme

    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(context)
    authority.cert_pem.write_to_path(str(ca_file))
    return context


def send(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"",
    *,
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.end_headers()
    handler.wfile.write(body)


def ok(body: bytes, **headers: str) -> Responder:
    return lambda h: send(
        h, 200, body, headers={k.replace("_", "-"): v for k, v in headers.items()}
    )


def conditional(
    body: bytes, etag: str | None = None, last_modified: str | None = None
) -> Responder:
    """200 with validators, or 304 when the request carries them."""

    def respond(handler: BaseHTTPRequestHandler) -> None:
        if etag and handler.headers.get("If-None-Match") == etag:
            send(handler, 304, headers={"ETag": etag})
            return
        if last_modified and handler.headers.get("If-Modified-Since") == last_modified:
            send(handler, 304, headers={"Last-Modified": last_modified})
            return
        headers = {}
        if etag:
            headers["ETag"] = etag
        if last_modified:
            headers["Last-Modified"] = last_modified
        send(handler, 200, body, headers=headers)

    return respond


def gzipped(body: bytes) -> Responder:
    def respond(handler: BaseHTTPRequestHandler) -> None:
        send(handler, 200, gzip.compress(body), headers={"Content-Encoding": "gzip"})

    return respond


def status(code: int, **headers: str) -> Responder:
    body = b"<html><body>error</body></html>"
    extra = {k.replace("_", "-"): v for k, v in headers.items()}
    return lambda h: send(h, code, body, content_type="text/html", headers=extra)


def redirect(location: str, code: int = 302) -> Responder:
    return lambda h: send(h, code, headers={"Location": location})


def stall(seconds: float) -> Responder:
    def respond(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        send(handler, 200, b"{}")

    return respond


def cut_short(body: bytes) -> Responder:
    """Promise the whole body, send a third of it, close the connection."""

    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body[: len(body) // 3])
        handler.wfile.flush()
        handler.close_connection = True

    return respond


def html_page() -> Responder:
    page = b"<!DOCTYPE html><html><head><title>Maintenance</title></head><body>Soon</body></html>"
    return lambda h: send(h, 200, page, content_type="text/html; charset=utf-8")


class TunnelProxy:
    """An HTTP proxy that only tunnels (``CONNECT host:port``), as https goes through one; it
    records each tunnel's target and ``Proxy-Authorization``."""

    def __init__(self) -> None:
        import socketserver

        self.tunnels: list[tuple[str, str | None]] = []
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                import socket

                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = self.request.recv(4096)
                    if not chunk:
                        return
                    head += chunk
                lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
                method, target, _version = lines[0].split(" ", 2)
                headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
                outer.tunnels.append((target, headers.get("Proxy-Authorization")))
                if method != "CONNECT":
                    self.request.sendall(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
                    return
                _host, port = target.rsplit(":", 1)  # every name is this machine here
                with socket.create_connection(("127.0.0.1", int(port))) as upstream:
                    self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    _pipe(self.request, upstream)

        class Quiet(socketserver.ThreadingTCPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass

        self.server = Quiet(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _pipe(one: Any, other: Any) -> None:
    """Bytes both ways until either side closes."""
    import selectors

    with selectors.DefaultSelector() as selector:
        selector.register(one, selectors.EVENT_READ, other)
        selector.register(other, selectors.EVENT_READ, one)
        while True:
            for key, _events in selector.select(timeout=10):
                data = key.fileobj.recv(65536)  # type: ignore[union-attr]
                if not data:
                    return
                key.data.sendall(data)
