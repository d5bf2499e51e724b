"""Events of remote groups, as Mobilizon publishes them: attributed to the Group, sent by a member."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar.testing import TestClient

from helpers import sign_up
from peer_fixtures import RemoteActor, host_actor
from security_fixtures import LocalServer
from test_remote_events import INTEROP, activity, event_object, outcome, refused, send, stored


@pytest.fixture
def group(local_server: LocalServer, other_key: rsa.RSAPrivateKey) -> RemoteActor:
    """A Mobilizon-like Group on mallory's host; mallory stands for one of its members."""
    climbers = host_actor(local_server, "climbers", other_key)
    local_server.serve_document("/users/climbers", {**climbers.document(), "type": "Group"})
    return climbers


@pytest.fixture
def group_event(instance: TestClient, mallory: RemoteActor, group: RemoteActor) -> dict[str, Any]:
    """An event of the group, published by its member mallory."""
    obj = event_object(group)
    send(instance, mallory, activity(mallory, "Create", obj))
    return obj


def test_a_member_publishes_a_group_event_organised_by_the_group(
    instance: TestClient, mallory: RemoteActor, group: RemoteActor
) -> None:
    """Mobilizon's own payload, moved onto the loopback host: ``actor`` the member, ``attributedTo`` the group."""
    text = (INTEROP / "mobilizon-post-activity-group.json").read_text()
    for original, here in (("http://mobilizon1.com/@user", mallory.id), ("http://mobilizon1.com/@group", group.id),
                           ("http://mobilizon1.com/events/", mallory.server.url("/events/"))):
        text = text.replace(original, here)
    payload = json.loads(text)
    send(instance, mallory, payload)
    event = stored(instance, payload["object"]["id"])
    assert event is not None, outcome(instance, payload["id"])
    assert event["organizer"]["handle"] == f"climbers@{group.host}" and event["title"] == "My first event"
    assert event["visibility"] == "unlisted", "sent to the group's members only"
    page = instance.get(f"/events/{event['uuid']}", headers={"Accept": "text/html"})
    assert f"climbers@{group.host}" in page.text


def test_the_group_and_its_members_on_its_host_change_and_delete_its_event(
    instance: TestClient, mallory: RemoteActor, group: RemoteActor, group_event: dict[str, Any],
    local_server: LocalServer, actor_key: rsa.RSAPrivateKey,
) -> None:
    obj = group_event
    send(instance, group, activity(group, "Update", {**obj, "name": "Bouldering night"}))
    assert stored(instance, obj["id"])["title"] == "Bouldering night"
    bob = host_actor(local_server, "bob", actor_key)
    send(instance, bob, activity(bob, "Update", {**obj, "name": "Bouldering night, 7pm"}))
    event = stored(instance, obj["id"])
    assert event["title"] == "Bouldering night, 7pm" and event["organizer"]["handle"] == f"climbers@{group.host}"
    send(instance, mallory, activity(mallory, "Delete", {"id": obj["id"], "type": "Tombstone"}))
    assert stored(instance, obj["id"]) is None


def test_a_person_on_another_host_cannot_act_for_the_group(
    instance: TestClient, group: RemoteActor, group_event: dict[str, Any], other_server: LocalServer,
    actor_key: rsa.RSAPrivateKey,
) -> None:
    obj = group_event
    eve = host_actor(other_server, "eve", actor_key)
    hijack = activity(eve, "Update", {**obj, "name": "Hijacked"})
    send(instance, eve, hijack)
    assert refused(instance, hijack, "an actor on another host")
    own = activity(eve, "Create", event_object(eve, 2, attributedTo=group.id), number=2)
    send(instance, eve, own)
    assert refused(instance, own, "an actor on another host")
    deletion = activity(eve, "Delete", obj["id"])
    send(instance, eve, deletion)
    assert refused(instance, deletion, "is not on the host of")
    assert stored(instance, obj["id"])["title"] == "Bike repair café"
    assert stored(instance, event_object(eve, 2)["id"]) is None


def test_an_event_of_a_group_that_cannot_be_fetched_is_refused(instance: TestClient, mallory: RemoteActor) -> None:
    create = activity(mallory, "Create", event_object(mallory, attributedTo=mallory.server.url("/users/gone")))
    send(instance, mallory, create)
    assert refused(instance, create, "HTTP 404")
    assert stored(instance, create["object"]["id"]) is None


def test_a_group_event_found_by_its_url_is_organised_by_the_group(
    instance: TestClient, group: RemoteActor, local_server: LocalServer
) -> None:
    obj = {**event_object(group), "actor": local_server.url("/users/mallory")}
    local_server.serve_document("/events/1", obj)
    alice = sign_up(instance, "alice@example.org", "alice")
    found = instance.get("/api/v1/search", params={"q": obj["id"]}, headers=alice)
    assert found.status_code == 200, found.text
    assert found.json()["organizer"]["handle"] == f"climbers@{group.host}"
