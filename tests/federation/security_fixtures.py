"""Fixtures shared by the federation security tests: HTTP servers on 127.0.0.1, actor keys.

The servers are the standard library's, in a thread: the fetch tests then exercise
real sockets, real redirects and real slow or oversized answers, and never reach
anything but loopback. tests/federation/conftest.py offers the fixtures to every test
module; the classes and ``answer`` are imported from here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import msgspec
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from plugins.federation_activitypub.keys import generate_private_key

Responder = Callable[[BaseHTTPRequestHandler], None]


@dataclass(frozen=True)
class ReceivedRequest:
    method: str
    path: str
    headers: list[tuple[str, str]]
    body: bytes


class LocalServer:
    """A loopback HTTP server whose answers each test sets per path."""

    def __init__(self) -> None:
        self.routes: dict[str, Responder] = {}
        self.received: list[ReceivedRequest] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def handle_any(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length) if length else b""
                server.received.append(ReceivedRequest(self.command, self.path, self.headers.items(), body))
                server.routes.get(self.path, answer(404, b"not found"))(self)

            do_GET = do_POST = handle_any

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve_document(self, path: str, document: dict, content_type: str = "application/activity+json") -> None:
        self.routes[path] = answer(200, msgspec.json.encode(document), {"Content-Type": content_type})

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.routes[path] = answer(status, b"", {"Location": location})

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def answer(status: int, body: bytes, headers: dict[str, str] | None = None) -> Responder:
    """A plain answer with a Content-Length."""

    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **(headers or {})}.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)

    return respond


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    server = LocalServer()
    yield server
    server.close()


@pytest.fixture
def other_server() -> Iterator[LocalServer]:
    """A second origin (another port) for cross-origin redirects."""
    server = LocalServer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def actor_key() -> rsa.RSAPrivateKey:
    return generate_private_key()


@pytest.fixture(scope="session")
def other_key() -> rsa.RSAPrivateKey:
    return generate_private_key()
