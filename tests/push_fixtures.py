"""A push service on loopback, over HTTPS with a self-signed certificate, and a browser's keys.

The service records every POST (path, headers, body) and answers with the statuses a
test queues (201 once they run out), as a real push service would answer an instance.
``Browser`` holds what a browser makes when it subscribes: a P-256 key pair and a
16-byte authentication secret; it reads a push as the browser does (``http_ece.decrypt``)
and checks its VAPID token (RFC 8292) against the instance's public key.
"""

from __future__ import annotations

import base64
import json
import os
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from litestar.testing import TestClient

from core.app import create_app
from core.settings import DEFAULT_PLUGINS
from helpers import make_settings
from smtp_fixtures import self_signed_certificate


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class PushService:
    port: int = 0
    statuses: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)

    def endpoint(self, name: str = "device-1") -> str:
        return f"https://127.0.0.1:{self.port}/push/{name}"


@contextmanager
def push_service(certificate: tuple[Path, Path]) -> Iterator[PushService]:
    service = PushService()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                status = service.statuses.pop(0) if service.statuses else 201
                service.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    service.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()


def push_plugins(ca_file: Path | None = None, **webpush: Any) -> dict[str, Any]:
    options = {"allow_private_addresses": True, **({"ca_file": str(ca_file)} if ca_file else {}), **webpush}
    return {"enabled": [*DEFAULT_PLUGINS, "webpush"], "webpush": options}


@contextmanager
def pushing_instance(data_dir: Path, ca_file: Path | None = None, **webpush: Any) -> Iterator[TestClient]:
    app = create_app(make_settings(data_dir, plugins=push_plugins(ca_file, **webpush)))
    with TestClient(app, base_url="http://testserver.local") as client:
        yield client


@contextmanager
def certified_push_service(folder: Path) -> Iterator[tuple[PushService, Path]]:
    certificate = self_signed_certificate(folder)
    with push_service(certificate) as service:
        yield service, certificate[0]


class Browser:
    """A browser's side of a push subscription."""

    def __init__(self) -> None:
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)

    def subscription(self, endpoint: str) -> dict[str, Any]:
        """What ``PushSubscription.toJSON()`` gives."""
        public = self.key.public_key().public_bytes(serialization.Encoding.X962,
                                                    serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": endpoint, "expirationTime": None, "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)}}

    def read(self, push: Received) -> dict[str, Any]:
        return json.loads(http_ece.decrypt(push.body, private_key=self.key, auth_secret=self.auth, version="aes128gcm"))


def vapid_claims(push: Received, instance_key: str) -> dict[str, Any]:
    """The token's claims, once its ``k`` is the instance's key and its ES256 signature verifies (else raises)."""
    scheme, _, parameters = push.headers["authorization"].partition(" ")
    assert scheme == "vapid", push.headers["authorization"]
    values = dict(part.strip().split("=", 1) for part in parameters.split(","))
    assert values["k"] == instance_key
    header, claims, signature = values["t"].split(".")
    assert json.loads(unb64url(header)) == {"typ": "JWT", "alg": "ES256"}
    raw = unb64url(signature)
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(instance_key))
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public.verify(der, f"{header}.{claims}".encode("ascii"), ec.ECDSA(hashes.SHA256()))
    return json.loads(unb64url(claims))
