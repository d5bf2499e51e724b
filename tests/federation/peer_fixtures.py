"""A fake remote server for inbox and delivery tests, and ways to look into an instance.

``RemoteActor`` is an actor served by a loopback ``LocalServer`` (its document, its
key, an inbox that records what it receives): Convene fetches it, verifies its
signatures and delivers to it over real HTTP. ``signed_post`` builds a request the
way a remote server would, so each test can spoil one part of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import msgspec
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar import Litestar
from litestar.testing import TestClient

from core.app import create_app
from core.settings import Settings
from helpers import loopback_plugins, make_settings
from plugins.federation_activitypub.keys import public_key_to_pem
from plugins.federation_activitypub.signatures import Signer
from security_fixtures import LocalServer, ReceivedRequest, answer

PUBLIC_URL = "http://testserver.local"


@dataclass
class RemoteActor:
    server: LocalServer
    name: str
    key: rsa.RSAPrivateKey

    @property
    def id(self) -> str:
        return self.server.url(f"/users/{self.name}")

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.server.port}"

    @property
    def key_id(self) -> str:
        return self.id + "#main-key"

    @property
    def inbox_path(self) -> str:
        return f"/users/{self.name}/inbox"

    def document(self) -> dict[str, Any]:
        return {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": self.id, "type": "Person", "preferredUsername": self.name, "name": self.name.title(),
            "inbox": self.server.url(self.inbox_path), "endpoints": {"sharedInbox": self.server.url("/inbox")},
            "publicKey": {"id": self.key_id, "owner": self.id,
                          "publicKeyPem": public_key_to_pem(self.key.public_key())},
        }

    def deliveries(self) -> list[ReceivedRequest]:
        """What Convene posted to this actor's server (its inbox or the shared one)."""
        return [r for r in self.server.received if r.method == "POST" and r.path in (self.inbox_path, "/inbox")]

    def activities(self) -> list[dict[str, Any]]:
        return [msgspec.json.decode(r.body) for r in self.deliveries()]

    def follow(self, target: str, number: int = 1) -> dict[str, Any]:
        return {"@context": "https://www.w3.org/ns/activitystreams", "id": f"{self.id}#follows/{number}",
                "type": "Follow", "actor": self.id, "object": target}


def host_actor(server: LocalServer, name: str, key: rsa.RSAPrivateKey, inbox_status: int = 202) -> RemoteActor:
    """Serve an actor document with ``key`` and an inbox (and shared inbox) that answer ``inbox_status``."""
    actor = RemoteActor(server, name, key)
    server.serve_document(f"/users/{name}", actor.document())
    server.routes[actor.inbox_path] = server.routes["/inbox"] = answer(inbox_status, b"")
    return actor


def signed_post(
    actor: RemoteActor, path: str, activity: dict[str, Any], *, now: datetime | None = None
) -> tuple[bytes, dict[str, str]]:
    """The body and headers ``actor``'s server would send to ``path`` on the test instance."""
    body = msgspec.json.encode(activity)
    headers = Signer(actor.key_id, actor.key).sign("POST", PUBLIC_URL + path, body, now=now)
    return body, {**headers, "Content-Type": "application/activity+json"}


def federating_settings(data_dir: Any, **overrides: Any) -> Settings:
    """An instance that may reach loopback peers, optionally with a federation policy."""
    return make_settings(data_dir, plugins=loopback_plugins(overrides.pop("plugins", None)), **overrides)


def run(client: TestClient, query: Callable[..., Any]) -> Any:
    """Run ``query(session)`` (async) on the instance's database and return its result."""

    async def work() -> Any:
        async with client.app.state.sessionmaker() as session:
            return await query(session)

    with client.portal() as portal:
        return portal.call(work)


def sweep(app: Litestar) -> None:
    """Send every due outbox row to the worker now (after a test moved a retry's time forward)."""
    tasks = app.state.tasks
    tasks.run_coroutine(tasks.sweep(grace=timedelta()))



@pytest.fixture
def instance(data_dir: Any) -> Iterator[TestClient]:
    with TestClient(create_app(federating_settings(data_dir)), base_url=PUBLIC_URL) as client:
        yield client


@pytest.fixture
def mallory(local_server: LocalServer, actor_key: rsa.RSAPrivateKey) -> RemoteActor:
    """A remote actor served from a loopback server, with its key."""
    return host_actor(local_server, "mallory", actor_key)
