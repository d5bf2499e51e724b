"""Inbound federation: signed Create{Event} accepted by one web process, processed by one worker.

Remote actors live on a loopback server that serves their actor documents (the
instance fetches each once, signed by its ``/relay`` actor, on the first activity it
receives from that actor; a warm-up does that before anything is timed). Each
activity is a Mobilizon-shaped Create{Event} with a fresh event id, signed with
draft-cavage ``rsa-sha256`` by its actor and dated now, so the replay store and the
dedupe by activity id see every request as new.

Signing costs more than verifying, so all requests of a run are signed before the
clock starts and sent as raw bytes over keep-alive connections by a small asyncio
client (no HTTP library on the sending side to compete with the server for the CPU).
The worker is stopped while requests arrive: the web process has the cores to
itself, the rows pile up, and then ``convene worker`` is started and drains them.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import msgspec
from cryptography.hazmat.primitives.asymmetric import rsa
from fedinstance import (
    Instance,
    OutboxFigures,
    cpu_seconds,
    last_outbox_id,
    outbox_figures,
)
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from plugins.federation_activitypub.inbox import INBOX_JOB
from plugins.federation_activitypub.keys import generate_private_key, public_key_to_pem
from plugins.federation_activitypub.models import ApInboxActivity
from plugins.federation_activitypub.signatures import Signer

AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
MOBILIZON_CONTEXT = [
    "https://www.w3.org/ns/activitystreams",
    "https://litepub.social/litepub/context.jsonld",
    {"mz": "https://joinmobilizon.org/ns#", "sc": "http://schema.org#", "ical": "http://www.w3.org/2002/12/cal/ical#",
     "Hashtag": "as:Hashtag", "joinMode": {"@id": "mz:joinMode", "@type": "mz:joinModeType"},
     "maximumAttendeeCapacity": "sc:maximumAttendeeCapacity", "uuid": "sc:identifier", "category": "sc:category"},
]
TOPICS = ["repair", "bikes", "books", "climate", "garden", "music", "chess", "cinema", "food", "languages"]


class ActorServer:
    """A loopback server publishing the remote actors' documents (``/users/<name>``)."""

    def __init__(self) -> None:
        self.documents: dict[str, bytes] = {}
        documents = self.documents

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = documents.get(self.path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "application/activity+json")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@dataclass(frozen=True)
class Peer:
    """One remote actor: its id and the key it signs with."""

    id: str
    key: rsa.RSAPrivateKey

    @property
    def origin(self) -> str:
        return self.id.split("/users/")[0]

    def document(self) -> dict[str, Any]:
        name = self.id.rsplit("/", 1)[1]
        return {"@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
                "id": self.id, "type": "Person", "preferredUsername": name, "name": name.title(),
                "inbox": f"{self.id}/inbox", "endpoints": {"sharedInbox": f"{self.origin}/inbox"},
                "publicKey": {"id": f"{self.id}#main-key", "owner": self.id,
                              "publicKeyPem": public_key_to_pem(self.key.public_key())}}


def peers(server: ActorServer, count: int) -> list[Peer]:
    """``count`` actors with keys of their own, published on ``server``."""
    made = [Peer(f"{server.origin}/users/organiser{n}", generate_private_key()) for n in range(count)]
    for peer in made:
        server.documents[peer.id.removeprefix(server.origin)] = msgspec.json.encode(peer.document())
    return made


def create_event(peer: Peer, number: int, now: datetime) -> dict[str, Any]:
    """A Create{Event} as Mobilizon sends it, for a new event of ``peer``'s."""
    event_uuid = str(uuid.uuid4())
    event_id = f"{peer.origin}/events/{event_uuid}"
    begins = (now + timedelta(days=1 + number % 200, hours=number % 10)).replace(microsecond=0)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    topics = [TOPICS[number % len(TOPICS)], TOPICS[(number * 7 + 3) % len(TOPICS)]]
    audience = {"to": [AS_PUBLIC], "cc": [f"{peer.id}/followers"]}
    event = {
        "type": "Event", "id": event_id, "url": event_id, "uuid": event_uuid, "attributedTo": peer.id,
        "name": f"Community {topics[0]} meetup #{number}", "mediaType": "text/html",
        "content": f"<p>Bring friends and ideas about <strong>{topics[0]}</strong>. Number {number}.</p>",
        "startTime": begins.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "endTime": (begins + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"), "timezone": "Europe/Paris",
        "category": "MEETING", "joinMode": "free", "ical:status": "CONFIRMED", "commentsEnabled": True,
        "maximumAttendeeCapacity": 30, "published": stamp,
        "location": {"type": "Place", "name": "Maison des Associations",
                     "address": {"type": "PostalAddress", "streetAddress": "10 Rue Jangot", "postalCode": "69007",
                                 "addressLocality": "Lyon", "addressRegion": "Auvergne-Rhône-Alpes",
                                 "addressCountry": "France"}},
        "tag": [{"type": "Hashtag", "name": f"#{topic}", "href": f"{peer.origin}/tags/{topic}"} for topic in topics],
        **audience,
    }
    return {"@context": MOBILIZON_CONTEXT, "id": f"{event_id}/activity", "type": "Create", "actor": peer.id,
            "published": stamp, **audience, "object": event}


def signed_requests(peers: list[Peer], public_url: str, first: int, count: int) -> list[bytes]:
    """``count`` complete HTTP requests posting a new Create{Event} to ``public_url``/inbox, signed now."""
    now = datetime.now(UTC)
    signers = [Signer(f"{peer.id}#main-key", peer.key) for peer in peers]
    requests = []
    for number in range(first, first + count):
        body = msgspec.json.encode(create_event(peers[number % len(peers)], number, now))
        headers = signers[number % len(peers)].sign("POST", f"{public_url}/inbox", body)
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())  # Host, Date, Digest, Signature
        requests.append((f"POST /inbox HTTP/1.1\r\n{head}Content-Type: application/activity+json\r\n"
                         f"Content-Length: {len(body)}\r\n\r\n").encode() + body)
    return requests


async def fire(port: int, requests: list[bytes], connections: int) -> tuple[Counter[int], float]:
    """Send every request over ``connections`` keep-alive connections; statuses and seconds taken."""
    statuses: Counter[int] = Counter()
    remaining = iter(requests)

    async def connection() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            for request in remaining:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                statuses[int(head[9:12])] += 1
                length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), 0)
                await reader.readexactly(length)
        finally:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    return statuses, time.perf_counter() - started


async def outcomes(engine: AsyncEngine) -> dict[str, int]:
    """How the worker judged every received activity, by the outcome's first word (stored, refused...)."""
    async with engine.connect() as conn:
        rows = await conn.execute(select(ApInboxActivity.outcome))
    return dict(Counter(outcome.split(" ", 1)[0] or "unprocessed" for outcome, in rows))


async def drained(engine: AsyncEngine, after_id: int, timeout: float) -> OutboxFigures:
    """Wait until every ``ap_inbox`` row above ``after_id`` is finished; their figures."""
    deadline = time.monotonic() + timeout
    while True:
        figures = await outbox_figures(engine, INBOX_JOB, after_id)
        if figures.done + figures.dead >= figures.rows or time.monotonic() > deadline:
            return figures
        await asyncio.sleep(0.25)


async def measure(instance: Instance, engine: AsyncEngine, *, actors: int, requests: int, rounds: int,
                  connections: int, threads: int) -> list[dict[str, Any]]:
    """Rounds of: ``requests`` signed activities at the web process alone, then one worker drains them."""
    server = ActorServer()
    remote = peers(server, actors)
    results = []
    try:
        with instance.web() as web:
            sent = 0
            for number in range(rounds + 1):  # round 0 warms up: actor fetches, relay key, first plans
                count = actors * 2 if number == 0 else requests
                batch = signed_requests(remote, instance.base, sent, count)
                sent += count
                after_id = await last_outbox_id(engine)
                web_cpu = cpu_seconds(web.pid)
                statuses, seconds = await fire(instance.port, batch, connections)
                web_cpu = cpu_seconds(web.pid) - web_cpu
                with instance.worker(threads) as worker:
                    worker_cpu = cpu_seconds(worker.pid)
                    figures = await drained(engine, after_id, timeout=600)
                    worker_cpu = cpu_seconds(worker.pid) - worker_cpu
                if number:
                    results.append({
                        "requests": count, "statuses": dict(statuses), "seconds": seconds,
                        "accepted_per_second": statuses[202] / seconds, "web_cpu_ms_per_request": web_cpu * 1000 / count,
                        "processed": figures.done, "dead": figures.dead, "unfinished": figures.rows - figures.done - figures.dead,
                        "processed_per_second": figures.per_second,
                        "worker_cpu_ms_per_activity": worker_cpu * 1000 / max(figures.done, 1),
                    })
                print(f"inbound round {number}{' (warm-up)' if not number else ''}: {statuses[202]}/{count} accepted "
                      f"in {seconds:.1f} s; {figures.done} processed at {figures.per_second or 0:.0f}/s", file=sys.stderr)
    finally:
        server.close()
    return results
