"""A loopback fediverse for the delivery benchmark: many instances that verify what they receive.

Each "instance" is a listening port on 127.0.0.1, so ``127.0.0.1:<port>`` is a distinct
domain to Convene (its own ``ApDomain`` row, its own connections), and nothing needs
DNS. Every POST is checked with the federation plugin's own ``verify_request`` against
the sender's public key, fetched once from the sender's actor document, exactly as a
receiving Convene would: a delivery counts only when its signature and digest verify.
Valid deliveries are answered 202, invalid ones 401 (which Convene does not retry).

One more port answers ``GET /stats``: per activity id, how many valid deliveries
arrived and the wall-clock times of the first and the last; the invalid ones with
their reasons; how many TCP connections the deliveries came over; and this
process's CPU seconds, so the benchmark can say what the
sink itself cost on the shared cores.

    python bench/sink.py --instances 1000 --ports-file /tmp/sink-ports.json

The ports file (written once every port listens) holds ``{"control": port, "instances": [ports]}``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import resource
import socket
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from plugins.federation_activitypub.fetch import ACCEPT_ACTIVITY
from plugins.federation_activitypub.keys import PublicKey, published_key
from plugins.federation_activitypub.signatures import SignatureError, verify_request

Receive = Any
Send = Any
KEEP_ALIVE_SECONDS = 75  # nginx's default, in front of most fediverse servers (uvicorn's own is 5)


class Sink:
    """The ASGI app behind every port: verify, count, answer."""

    def __init__(self, control_port: int) -> None:
        self.control_port = control_port
        self.keys: dict[str, PublicKey] = {}
        self.key_fetches = 0
        self.valid: dict[str, dict[str, float]] = {}
        self.invalid: Counter[str] = Counter()
        self.connections: set[tuple[int, int]] = set()  # (instance port, client port): one per TCP connection
        self._http = httpx.AsyncClient(timeout=10)

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        port = scope["server"][1]
        if port == self.control_port:
            await _answer(send, 200, json.dumps(self.stats()).encode())
            return
        self.connections.add((port, scope["client"][1]))
        body = await _body(receive)
        path = scope["raw_path"].decode("ascii")
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in scope["headers"]]
        try:
            verified = await verify_request("POST", f"http://127.0.0.1:{port}{path}", headers, body, self.key)
            activity = json.loads(body)
            verified.require_actor_host(activity["actor"])
        except SignatureError as exc:
            self.invalid[exc.reason] += 1
            await _answer(send, 401, b"")
            return
        self._count(activity["id"])
        await _answer(send, 202, b"")

    def _count(self, activity_id: str) -> None:
        now = time.time()
        seen = self.valid.setdefault(activity_id, {"count": 0, "first": now, "last": now})
        seen["count"] += 1
        seen["last"] = now

    async def key(self, key_id: str, refresh: bool) -> PublicKey:
        """The sender's key, fetched from its actor document the first time (and when it fails to verify)."""
        if refresh or key_id not in self.keys:
            try:
                response = await self._http.get(key_id.split("#")[0], headers={"Accept": ACCEPT_ACTIVITY})
                self.keys[key_id] = published_key(response.json(), key_id).public_key
            except (httpx.HTTPError, ValueError) as exc:  # KeyFormatError and JSON errors are ValueErrors
                raise SignatureError(f"cannot get key {key_id}: {exc!r}") from exc
            self.key_fetches += 1
        return self.keys[key_id]

    def stats(self) -> dict[str, Any]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {"valid": self.valid, "invalid": dict(self.invalid), "key_fetches": self.key_fetches,
                "connections": len(self.connections), "cpu_seconds": usage.ru_utime + usage.ru_stime}


async def _body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _answer(send: Send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def listening_socket() -> socket.socket:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    return sock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=1000, help="ports, one per simulated instance")
    parser.add_argument("--ports-file", type=Path, required=True, help="where to write the ports once listening")
    args = parser.parse_args()
    control = listening_socket()
    instances = [listening_socket() for _ in range(args.instances)]
    control_port = control.getsockname()[1]
    config = uvicorn.Config(Sink(control_port), lifespan="off", log_level="warning", access_log=False,
                            http="h11", loop="asyncio", timeout_keep_alive=KEEP_ALIVE_SECONDS)
    ports = {"control": control_port, "instances": [sock.getsockname()[1] for sock in instances]}
    args.ports_file.write_text(json.dumps(ports))
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises the Ctrl-C that stopped it
        asyncio.run(uvicorn.Server(config).serve(sockets=[control, *instances]))


if __name__ == "__main__":
    main()
