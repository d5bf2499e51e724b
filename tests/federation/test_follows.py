"""A local identity follows a remote actor through the API; the remote side accepts, rejects, or is left."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar.testing import TestClient
from sqlalchemy import select

from core.app import create_app
from helpers import field_errors, outbox_rows, sign_up, wait_for
from peer_fixtures import PUBLIC_URL, RemoteActor, federating_settings, host_actor, run, signed_post
from plugins.federation_activitypub.models import ApInboxActivity
from security_fixtures import LocalServer, answer

ALICE = f"{PUBLIC_URL}/@alice"


@pytest.fixture
def mallory(local_server: LocalServer, actor_key: rsa.RSAPrivateKey) -> RemoteActor:
    actor = host_actor(local_server, "mallory", actor_key)
    jrd = {"subject": f"acct:mallory@{actor.host}", "links": [
        {"rel": "self", "type": "application/activity+json", "href": actor.id}]}
    local_server.routes[f"/.well-known/webfinger?resource=acct:mallory@{actor.host}"] = answer(
        200, msgspec.json.encode(jrd), {"Content-Type": "application/jrd+json"})
    return actor


def following(client: TestClient) -> int:
    return client.get("/@alice/following").json()["totalItems"]


def outcomes(client: TestClient) -> list[str]:
    """What the worker made of each activity received, in order."""

    async def load(session: Any) -> list[str]:
        return list(await session.scalars(select(ApInboxActivity.outcome).order_by(ApInboxActivity.id)))

    return run(client, load)


def queued(client: TestClient) -> list[str]:
    """The activities queued for delivery: a Follow sent by a request is here once the request has returned."""
    return [row.payload["activity"]["type"] for row in outbox_rows(client, "ap_deliver")]


def follow(client: TestClient, headers: dict[str, str], target: str) -> Any:
    return client.post("/api/v1/identities/alice/follow", json={"target": target}, headers=headers)


def send(client: TestClient, actor: RemoteActor, activity: dict[str, Any]) -> None:
    body, headers = signed_post(actor, "/inbox", activity)
    assert client.post("/inbox", content=body, headers=headers).status_code == 202


def follow_request(client: TestClient, headers: dict[str, str], actor: RemoteActor, target: str) -> dict[str, Any]:
    """Ask to follow ``actor`` and return the Follow its server received."""
    r = follow(client, headers, target)
    assert r.status_code == 202, r.text
    assert r.json() == {"actor": actor.id, "state": "pending"}
    wait_for(actor.deliveries)
    return actor.activities()[-1]


@pytest.mark.parametrize("target", ["@mallory@{host}", "mallory@{host}", "{id}"])
def test_following_by_handle_or_url_is_pending_until_accepted(
    instance: TestClient, mallory: RemoteActor, target: str
) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    request = follow_request(instance, alice, mallory, target.format(host=mallory.host, id=mallory.id))
    assert request["type"] == "Follow" and request["actor"] == ALICE and request["object"] == mallory.id
    assert mallory.deliveries()[-1].path == mallory.inbox_path
    assert following(instance) == 0
    send(instance, mallory, {"id": mallory.id + "#accepts/1", "type": "Accept", "actor": mallory.id, "object": request})
    wait_for(lambda: following(instance) == 1)
    again = follow(instance, alice, mallory.id)
    assert again.json()["state"] == "accepted"
    assert queued(instance) == ["Follow"], "an accepted follow is not asked again"


def test_an_accept_naming_the_follow_by_id_only_is_understood(instance: TestClient, mallory: RemoteActor) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    request = follow_request(instance, alice, mallory, mallory.id)
    send(instance, mallory, {"id": mallory.id + "#accepts/1", "type": "Accept", "actor": mallory.id,
                             "object": request["id"]})
    wait_for(lambda: following(instance) == 1)


def test_only_the_followed_actor_can_accept(
    instance: TestClient, mallory: RemoteActor, local_server: LocalServer, other_key: rsa.RSAPrivateKey
) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    request = follow_request(instance, alice, mallory, mallory.id)
    intruder = host_actor(local_server, "intruder", other_key)
    send(instance, intruder, {"id": intruder.id + "#accepts/1", "type": "Accept", "actor": intruder.id,
                              "object": request})
    wait_for(lambda: outcomes(instance) == [f"ignored: no follow of {intruder.id} is known"])
    assert following(instance) == 0


def test_a_reject_ends_the_follow(instance: TestClient, mallory: RemoteActor) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    request = follow_request(instance, alice, mallory, mallory.id)
    send(instance, mallory, {"id": mallory.id + "#accepts/1", "type": "Accept", "actor": mallory.id, "object": request})
    wait_for(lambda: following(instance) == 1)
    send(instance, mallory, {"id": mallory.id + "#rejects/1", "type": "Reject", "actor": mallory.id, "object": request})
    wait_for(lambda: following(instance) == 0)


def test_unfollowing_sends_an_undo(instance: TestClient, mallory: RemoteActor) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    request = follow_request(instance, alice, mallory, mallory.id)
    send(instance, mallory, {"id": mallory.id + "#accepts/1", "type": "Accept", "actor": mallory.id, "object": request})
    wait_for(lambda: following(instance) == 1)
    r = instance.post("/api/v1/identities/alice/unfollow", json={"target": mallory.id}, headers=alice)
    assert r.status_code == 204, r.text
    assert following(instance) == 0
    wait_for(lambda: len(mallory.deliveries()) == 2)
    undo = mallory.activities()[-1]
    assert undo["type"] == "Undo" and undo["actor"] == ALICE and undo["object"]["id"] == request["id"]
    again = instance.post("/api/v1/identities/alice/unfollow", json={"target": mallory.id}, headers=alice)
    assert again.status_code == 404


@pytest.mark.parametrize(("target", "reason"), [
    ("@nobody@{host}", "answered 404"),
    ("@alice@testserver.local", "is on this instance"),
    ("not a handle", "looks like @name@host"),
    ("http://{host}/users/absent", "HTTP 404"),
])
def test_unusable_targets_are_field_errors(
    instance: TestClient, mallory: RemoteActor, target: str, reason: str
) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    r = follow(instance, alice, target.format(host=mallory.host))
    assert r.status_code == 422 and reason in field_errors(r)["target"], r.text


def test_only_ones_own_identities_follow(instance: TestClient, mallory: RemoteActor) -> None:
    sign_up(instance, "alice@example.org", "alice")
    bob = sign_up(instance, "bob@example.org", "bob")
    assert follow(instance, bob, mallory.id).status_code == 422
    assert follow(instance, {}, mallory.id).status_code == 401
    assert mallory.server.received == [], "nothing was fetched"
    assert queued(instance) == [], "no Follow was queued"


def test_a_blocked_domain_cannot_be_followed(data_dir: Path, mallory: RemoteActor) -> None:
    plugins = {"enabled": ["federation_activitypub"], "federation_activitypub": {"blocked_domains": ["127.0.0.1"]}}
    with TestClient(create_app(federating_settings(data_dir, plugins=plugins)), base_url=PUBLIC_URL) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        for target in (mallory.id, f"@mallory@{mallory.host}"):
            r = follow(client, alice, target)
            assert r.status_code == 422 and "does not federate with" in field_errors(r)["target"]
        assert queued(client) == [], "no Follow was queued"
    assert mallory.server.received == [], "nothing was fetched"
