"""Announce: events shared by groups (Mobilizon) and boosted by people (Mastodon), believed only from their origin."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar.testing import TestClient

from helpers import sign_up, wait_for
from peer_fixtures import PUBLIC_URL, RemoteActor, host_actor
from security_fixtures import LocalServer
from test_remote_events import INTEROP, activity, event_object, outcome, refused, send, stored


@pytest.fixture
def olga(other_server: LocalServer, other_key: rsa.RSAPrivateKey) -> RemoteActor:
    """An organiser on another server than mallory's, publishing her event at /events/1."""
    organiser = host_actor(other_server, "olga", other_key)
    other_server.serve_document("/events/1", event_object(organiser))
    return organiser


def alice_follows(client: TestClient, actor: RemoteActor) -> None:
    """A local identity follows ``actor``, which accepts."""
    alice = sign_up(client, "alice@example.org", "alice")
    assert client.post("/api/v1/identities/alice/follow", json={"target": actor.id}, headers=alice).status_code == 202
    request = wait_for(lambda: [a for a in actor.activities() if a["type"] == "Follow"])[-1]
    send(client, actor, {"id": actor.id + "#accepts/1", "type": "Accept", "actor": actor.id, "object": request})


def fetches(server: LocalServer, path: str) -> list[Any]:
    return [r for r in server.received if r.method == "GET" and r.path == path]


def real_announce(name: str, actor: RemoteActor, obj: Any) -> dict[str, Any]:
    """Mastodon's payload ``name``, sent by ``actor`` about ``obj``."""
    payload = json.loads((INTEROP / name).read_text())
    payload["id"], payload["actor"] = f"{actor.id}#{name}", actor.id
    if payload["type"] == "Undo":
        payload["object"] = {**payload["object"], "actor": actor.id, "object": obj}
    else:
        payload["object"] = obj
    return payload


def test_a_group_announcing_its_own_event_is_believed_like_a_create(
    instance: TestClient, local_server: LocalServer, actor_key: rsa.RSAPrivateKey
) -> None:
    """Mobilizon's group relays its events to its followers as Announce{Event}, the event embedded."""
    group = host_actor(local_server, "climbers", actor_key)
    local_server.serve_document("/users/climbers", {**group.document(), "type": "Group"})
    obj = event_object(group)
    share = activity(group, "Announce", obj)
    send(instance, group, share)
    event = stored(instance, obj["id"])
    assert event is not None, outcome(instance, share["id"])
    assert event["organizer"]["handle"] == f"climbers@{group.host}"
    assert outcome(instance, share["id"]).endswith(f"announced by {group.id}")
    assert fetches(local_server, "/events/1") == [], "an event embedded by its own host is not fetched again"


def test_a_shared_copy_is_not_believed_the_event_is_fetched_from_its_origin(
    instance: TestClient, mallory: RemoteActor, olga: RemoteActor
) -> None:
    alice_follows(instance, mallory)
    real = event_object(olga)
    send(instance, mallory, activity(mallory, "Announce", {**real, "name": "Free beer", "content": "<p>Come!</p>"}))
    event = stored(instance, real["id"])
    assert event["title"] == "Bike repair café" and event["description"] == "<p>Bring your bike</p>"
    assert event["organizer"]["handle"] == f"olga@{olga.host}"
    (fetch,) = fetches(olga.server, "/events/1")
    assert any(name.lower() == "signature" for name, _ in fetch.headers), "fetched with a signed GET"


def test_a_mastodon_boost_of_an_event_by_its_id_stores_it(
    instance: TestClient, mallory: RemoteActor, olga: RemoteActor
) -> None:
    alice_follows(instance, mallory)
    boost = real_announce("mastodon-announce.json", mallory, olga.server.url("/events/1"))
    send(instance, mallory, boost)
    assert stored(instance, olga.server.url("/events/1"))["organizer"]["handle"] == f"olga@{olga.host}"
    again = activity(mallory, "Announce", olga.server.url("/events/1"), number=2)
    send(instance, mallory, again)
    assert outcome(instance, again["id"]).startswith("ignored: ") and "is already here" in outcome(instance, again["id"])
    undo = real_announce("mastodon-undo-announce.json", mallory, olga.server.url("/events/1"))
    send(instance, mallory, undo)
    assert outcome(instance, undo["id"]).startswith("ignored: ") and "no longer shares" in outcome(instance, undo["id"])
    assert stored(instance, olga.server.url("/events/1")) is not None, "the event stands on its organiser's word"
    assert len(fetches(olga.server, "/events/1")) == 1


def test_an_announced_event_whose_fetched_id_differs_is_refused(
    instance: TestClient, mallory: RemoteActor, olga: RemoteActor
) -> None:
    alice_follows(instance, mallory)
    olga.server.serve_document("/events/2", event_object(olga, 3))
    share = activity(mallory, "Announce", olga.server.url("/events/2"))
    send(instance, mallory, share)
    assert refused(instance, share, "does not match the URL fetched")
    assert stored(instance, olga.server.url("/events/2")) is None and stored(instance, olga.server.url("/events/3")) is None


def test_shares_of_notes_and_of_our_own_events_are_ignored(
    instance: TestClient, mallory: RemoteActor, olga: RemoteActor
) -> None:
    alice_follows(instance, mallory)
    note = json.loads((INTEROP / "mastodon-status.json").read_text())
    olga.server.serve_document("/statuses/1", {**note, "id": olga.server.url("/statuses/1")})
    for number, (obj, reason) in enumerate([
        ({**note, "id": olga.server.url("/statuses/2")}, "an Announce of a Note is not handled"),
        (olga.server.url("/statuses/1"), "is a Note, not an event"),
        (f"{PUBLIC_URL}/events/0b0e3f40-8b4c-4a53-a0b5-4b8a1b2c3d4e", "is this instance's own"),
    ]):
        share = activity(mallory, "Announce", obj, number=number)
        send(instance, mallory, share)
        assert outcome(instance, share["id"]).startswith("ignored: ") and reason in outcome(instance, share["id"])
    assert fetches(olga.server, "/statuses/2") == [], "an embedded note is not fetched"


def test_a_share_from_someone_nobody_here_follows_fetches_nothing(
    instance: TestClient, mallory: RemoteActor, olga: RemoteActor
) -> None:
    share = activity(mallory, "Announce", {**event_object(olga), "name": "Free beer"})
    send(instance, mallory, share)
    assert outcome(instance, share["id"]) == f"ignored: no one here follows {mallory.id}"
    assert fetches(olga.server, "/events/1") == [] and stored(instance, event_object(olga)["id"]) is None
