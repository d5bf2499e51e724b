"""Participations with a remote server: its people joining our events, and ours joining its events.

A loopback peer (``mallory``) signs what it sends as Mobilizon does (Join with a
``participationMessage``, Leave, Accept and Reject naming the Join); what the worker
makes of it is checked through the API, and what we send back through what the peer
received.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar.testing import TestClient

from helpers import new_event, outbox_rows, sign_up, wait_for
from peer_fixtures import PUBLIC_URL, RemoteActor, host_actor
from security_fixtures import LocalServer
from test_remote_events import activity, event_object, outcome, send, stored

INTEROP = Path(__file__).resolve().parents[1] / "fixtures" / "interop"


def mobilizon_join(actor: RemoteActor, event_url: str, number: int = 1, message: str = "") -> dict[str, Any]:
    """The Mobilizon Join of the interop fixture, sent by ``actor`` for ``event_url``."""
    join = json.loads((INTEROP / "mobilizon-join-activity.json").read_text())
    join.pop("signature")
    join.update(id=f"{actor.id}/join/event/{number}", actor=actor.id, object=event_url)
    if message:
        join["participationMessage"] = message
    return join


def mobilizon_leave(actor: RemoteActor, event_url: str, number: int = 1) -> dict[str, Any]:
    leave = json.loads((INTEROP / "mobilizon-leave-activity.json").read_text())
    leave.pop("signature")
    leave.update(id=f"{actor.id}/leave/event/{number}", actor=actor.id, object=event_url)
    return leave


def participations(client: TestClient, headers: dict[str, str], event: dict[str, Any]) -> dict[str, str]:
    """Role by handle, as the organiser sees them."""
    rows = client.get(f"/api/v1/events/{event['uuid']}/participations", headers=headers).json()
    return {p["identity"]["handle"]: p["role"] for p in rows}


def received(actor: RemoteActor, kind: str) -> list[dict[str, Any]]:
    return [a for a in actor.activities() if a["type"] == kind]


def answers_queued(client: TestClient) -> list[str]:
    """The Accept and Reject deliveries written to the outbox (sent or not yet)."""
    kinds = [row.payload["activity"]["type"] for row in outbox_rows(client, "ap_deliver")]
    return [kind for kind in kinds if kind in ("Accept", "Reject")]


def handle(actor: RemoteActor) -> str:
    return f"{actor.name}@{actor.host}"


# --- a remote identity joins one of our events -------------------------------------------


def test_a_remote_join_of_a_free_event_is_accepted_at_once(instance: TestClient, mallory: RemoteActor) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    event = new_event(instance, alice, publish=True, max_participants=5)
    join = mobilizon_join(mallory, event["url"], message="<b>Hi</b> <script>x()</script>")
    send(instance, mallory, join)
    assert participations(instance, alice, event)[handle(mallory)] == "participant"
    assert instance.get(f"/api/v1/events/{event['uuid']}").json()["participant_count"] == 1
    accept = wait_for(lambda: received(mallory, "Accept"))[0]
    assert accept["actor"] == f"{PUBLIC_URL}/@alice" and accept["object"]["id"] == join["id"]
    assert accept["object"]["object"] == event["url"]
    update = wait_for(lambda: received(mallory, "Update"))[-1]
    assert update["object"]["participantCount"] == 1 and update["object"]["remainingAttendeeCapacity"] == 4
    rows = instance.get(f"/api/v1/events/{event['uuid']}/participations", headers=alice).json()
    assert [p["message"] for p in rows if p["role"] == "participant"] == ["Hi"]


def test_a_remote_join_of_a_restricted_event_waits_for_the_organiser(
    instance: TestClient, mallory: RemoteActor, local_server: LocalServer, other_key: rsa.RSAPrivateKey
) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    event = new_event(instance, alice, publish=True, join_mode="restricted")
    trent = host_actor(local_server, "trent", other_key)
    send(instance, mallory, mobilizon_join(mallory, event["url"], message="Can I come?"))
    send(instance, trent, mobilizon_join(trent, event["url"]))
    assert participations(instance, alice, event) == {
        "alice": "creator", handle(mallory): "not_approved", handle(trent): "not_approved"}
    assert answers_queued(instance) == []

    rows = instance.get(f"/api/v1/events/{event['uuid']}/participations", headers=alice).json()
    by_handle = {p["identity"]["handle"]: p["uuid"] for p in rows}
    base = f"/api/v1/events/{event['uuid']}/participations"
    assert instance.post(f"{base}/{by_handle[handle(mallory)]}/approve", headers=alice).status_code == 200
    assert instance.post(f"{base}/{by_handle[handle(trent)]}/reject", headers=alice).status_code == 200
    accept = wait_for(lambda: received(mallory, "Accept"))[0]
    assert accept["object"]["id"] == f"{mallory.id}/join/event/1"
    reject = wait_for(lambda: [a for a in received(trent, "Reject") if a["object"]["actor"] == trent.id])[0]
    assert reject["object"]["id"] == f"{trent.id}/join/event/1"
    assert instance.get(f"/api/v1/events/{event['uuid']}").json()["participant_count"] == 1


def test_a_remote_join_of_a_full_event_is_rejected_and_leaves_nothing(instance: TestClient, mallory: RemoteActor) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    bob = sign_up(instance, "bob@example.org", "bob")
    event = new_event(instance, alice, publish=True, max_participants=1)
    assert instance.post(f"/api/v1/events/{event['uuid']}/participations", json={}, headers=bob).status_code == 201
    send(instance, mallory, mobilizon_join(mallory, event["url"]))
    assert "rejected" in outcome(instance, f"{mallory.id}/join/event/1")
    assert handle(mallory) not in participations(instance, alice, event)
    reject = wait_for(lambda: received(mallory, "Reject"))[0]
    assert reject["object"]["id"] == f"{mallory.id}/join/event/1"
    assert instance.get(f"/api/v1/events/{event['uuid']}").json()["participant_count"] == 1


def test_a_join_sent_again_makes_one_participation_and_is_answered_again(
    instance: TestClient, mallory: RemoteActor
) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    event = new_event(instance, alice, publish=True)
    send(instance, mallory, mobilizon_join(mallory, event["url"], number=1))
    send(instance, mallory, mobilizon_join(mallory, event["url"], number=2))
    assert participations(instance, alice, event) == {"alice": "creator", handle(mallory): "participant"}
    answers = wait_for(lambda: len(received(mallory, "Accept")) == 2 and received(mallory, "Accept"))
    assert [a["object"]["id"] for a in answers] == [f"{mallory.id}/join/event/1", f"{mallory.id}/join/event/2"]
    assert instance.get(f"/api/v1/events/{event['uuid']}").json()["participant_count"] == 1


@pytest.mark.parametrize("how", ["Leave", "Undo"])
def test_a_remote_participant_leaves(instance: TestClient, mallory: RemoteActor, how: str) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    event = new_event(instance, alice, publish=True)
    join = mobilizon_join(mallory, event["url"])
    send(instance, mallory, join)
    leaving = mobilizon_leave(mallory, event["url"]) if how == "Leave" else activity(mallory, "Undo", join)
    send(instance, mallory, leaving)
    assert participations(instance, alice, event) == {"alice": "creator"}
    assert instance.get(f"/api/v1/events/{event['uuid']}").json()["participant_count"] == 0
    wait_for(lambda: [u for u in received(mallory, "Update") if u["object"]["participantCount"] == 0])


@pytest.mark.parametrize("target", ["draft", "private", "unknown", "elsewhere"])
def test_joining_what_is_not_a_public_event_here_is_refused(
    instance: TestClient, mallory: RemoteActor, target: str
) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    urls = {
        "draft": new_event(instance, alice, publish=False)["url"],
        "private": new_event(instance, alice, publish=True, visibility="private")["url"],
        "unknown": f"{PUBLIC_URL}/events/00000000-0000-0000-0000-000000000000",
        "elsewhere": mallory.server.url("/events/1"),
    }
    send(instance, mallory, mobilizon_join(mallory, urls[target]))
    assert outcome(instance, f"{mallory.id}/join/event/1").startswith("refused:")
    assert answers_queued(instance) == []


# --- one of our identities joins a remote event ------------------------------------------


def remote_event(client: TestClient, actor: RemoteActor, **fields: Any) -> dict[str, Any]:
    """A remote event of ``actor`` as the API shows our copy."""
    obj = event_object(actor, **fields)
    send(client, actor, activity(actor, "Create", obj))
    found = stored(client, obj["id"])
    assert found is not None
    return found


def join_remote(client: TestClient, headers: dict[str, str], event: dict[str, Any], actor: RemoteActor) -> dict[str, Any]:
    """Join the copy here; returns the Join the organiser's server received."""
    r = client.post(f"/api/v1/events/{event['uuid']}/participations", json={"message": "See you"}, headers=headers)
    assert r.status_code == 201, r.text
    assert r.json()["role"] == "not_approved"
    return wait_for(lambda: received(actor, "Join"))[-1]


def my_role(client: TestClient, headers: dict[str, str], event: dict[str, Any]) -> str:
    return client.get(f"/api/v1/events/{event['uuid']}/participation", headers=headers).json().get("role", "")


def test_joining_a_remote_event_asks_its_server_which_accepts(instance: TestClient, mallory: RemoteActor) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    event = remote_event(instance, mallory, joinMode="free", participantCount=3)
    join = join_remote(instance, alice, event, mallory)
    assert join["actor"] == f"{PUBLIC_URL}/@alice" and join["object"] == mallory.server.url("/events/1")
    assert join["participationMessage"] == "See you"
    assert instance.get(f"/api/v1/events/{event['uuid']}").json()["participant_count"] == 3  # the server's count

    send(instance, mallory, activity(mallory, "Accept", join["id"]))
    assert my_role(instance, alice, event) == "participant"
    assert instance.get(f"/api/v1/events/{event['uuid']}").json()["participant_count"] == 3  # until it says more

    assert instance.delete(f"/api/v1/events/{event['uuid']}/participations", headers=alice).status_code == 204
    leave = wait_for(lambda: received(mallory, "Leave"))[0]
    assert leave["actor"] == f"{PUBLIC_URL}/@alice" and leave["object"] == mallory.server.url("/events/1")


def test_a_remote_server_rejects_a_join(instance: TestClient, mallory: RemoteActor) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    event = remote_event(instance, mallory, joinMode="restricted")
    join = join_remote(instance, alice, event, mallory)
    rejection = activity(mallory, "Reject", copy.deepcopy(join))
    send(instance, mallory, rejection)
    assert my_role(instance, alice, event) == "rejected"
    again = instance.post(f"/api/v1/events/{event['uuid']}/participations", json={}, headers=alice)
    assert again.status_code == 409 and "declined" in again.text


def test_only_the_events_server_may_answer_a_join(
    instance: TestClient, mallory: RemoteActor, other_server: LocalServer, other_key: rsa.RSAPrivateKey
) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    event = remote_event(instance, mallory)
    join = join_remote(instance, alice, event, mallory)
    eve = host_actor(other_server, "eve", other_key)
    send(instance, eve, activity(eve, "Accept", join["id"]))
    assert outcome(instance, f"{eve.id}#accept/1").startswith("refused:")
    assert my_role(instance, alice, event) == "not_approved"


def test_an_older_update_arriving_late_does_not_undo_a_newer_count(instance: TestClient, mallory: RemoteActor) -> None:
    edited = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)

    def updated(seconds: float) -> str:
        """``seconds`` after ``edited``, to the millisecond, as Mobilizon writes ``updated``."""
        return (edited + timedelta(seconds=seconds)).isoformat(timespec="milliseconds").replace("+00:00", "Z")

    sign_up(instance, "alice@example.org", "alice")
    event = remote_event(instance, mallory, participantCount=1, updated=updated(0))
    newer = event_object(mallory, participantCount=3, updated=updated(5.25))
    older = event_object(mallory, participantCount=2, updated=updated(5.1))
    send(instance, mallory, activity(mallory, "Update", newer, number=2))
    send(instance, mallory, activity(mallory, "Update", older, number=3))
    assert instance.get(f"/api/v1/events/{event['uuid']}").json()["participant_count"] == 3
    latest = event_object(mallory, participantCount=4, name="Renamed", updated=updated(60))
    send(instance, mallory, activity(mallory, "Update", latest, number=4))
    copy_now = instance.get(f"/api/v1/events/{event['uuid']}").json()
    assert copy_now["participant_count"] == 4 and copy_now["title"] == "Renamed"
