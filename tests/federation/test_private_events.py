"""Events made private, and public again: the servers that hold a copy drop it, then get it anew.

Our side is checked in the outbox right after the change returns: the deliveries a
change queues are written in its own transaction, so what is not there by then is
never sent. The receiving side is a loopback peer (``mallory``) whose signed
activities the worker processes, as in test_remote_events.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar.testing import TestClient

from core.db.base import utcnow
from helpers import new_event, outbox_rows, sign_up
from peer_fixtures import RemoteActor, host_actor
from security_fixtures import LocalServer
from test_delivery import followed_by
from test_participations import mobilizon_join
from test_remote_events import activity, event_object, outcome, send, stored

AS_JSON = {"Accept": "application/activity+json"}


def queued_by(client: TestClient, change: Any) -> list[dict[str, Any]]:
    """``(inbox, activity)`` of each delivery that ``change()`` queued, as it returned."""
    before = len(outbox_rows(client, "ap_deliver"))
    change()
    return [row.payload for row in outbox_rows(client, "ap_deliver")[before:]]


def set_visibility(client: TestClient, headers: dict[str, str], event: dict[str, Any], visibility: str) -> None:
    r = client.patch(f"/api/v1/events/{event['uuid']}", json={"visibility": visibility}, headers=headers)
    assert r.status_code == 200, r.text


def about(deliveries: list[dict[str, Any]], event: dict[str, Any]) -> list[tuple[str, str]]:
    """``(activity type, inbox)`` of the deliveries that carry or name ``event``."""
    found = []
    for delivery in deliveries:
        obj = delivery["activity"]["object"]
        if isinstance(obj, dict) and obj.get("id") == event["url"]:
            found.append((delivery["activity"]["type"], delivery["inbox"]))
    return sorted(found)


# --- our events ----------------------------------------------------------------------------------


@pytest.mark.parametrize("visibility", ["public", "unlisted"])
def test_an_event_made_private_is_deleted_from_followers_and_participants_servers(
    instance: TestClient, mallory: RemoteActor, other_server: LocalServer, other_key: rsa.RSAPrivateKey,
    visibility: str,
) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    followed_by(instance, mallory)
    event = new_event(instance, alice, title="Picnic", visibility=visibility)
    trent = host_actor(other_server, "trent", other_key)
    send(instance, trent, mobilizon_join(trent, event["url"]))

    queued = queued_by(instance, lambda: set_visibility(instance, alice, event, "private"))

    everyone = [("Delete", mallory.server.url("/inbox")), ("Delete", trent.server.url("/inbox"))]
    assert about(queued, event) == sorted(everyone), "a Delete to each server, and no Update"
    for delete in (d["activity"] for d in queued):
        assert delete["object"]["type"] == "Tombstone" and delete["object"]["formerType"] == "Event"
        assert "name" not in delete["object"], "the Delete tells nothing of the now private event"


def test_an_event_made_private_twice_is_deleted_twice_under_two_ids(instance: TestClient, mallory: RemoteActor) -> None:
    """Receivers drop an activity whose id they have seen: the second Delete must not look like the first."""
    alice = sign_up(instance, "alice@example.org", "alice")
    followed_by(instance, mallory)
    event = new_event(instance, alice)
    first = queued_by(instance, lambda: set_visibility(instance, alice, event, "private"))
    set_visibility(instance, alice, event, "public")
    second = queued_by(instance, lambda: set_visibility(instance, alice, event, "private"))
    assert [d["activity"]["type"] for d in first + second] == ["Delete", "Delete"]
    assert first[0]["activity"]["id"] != second[0]["activity"]["id"]


@pytest.mark.parametrize(("before", "after", "sent"), [
    ("private", "public", "Create"),
    ("private", "unlisted", "Create"),
    ("unlisted", "public", "Update"),
    ("public", "unlisted", "Update"),
])
def test_a_visibility_change_sends_followers_what_their_copy_needs(
    instance: TestClient, mallory: RemoteActor, before: str, after: str, sent: str
) -> None:
    """A private event is not on other servers: made public or unlisted, it is created there, not updated."""
    alice = sign_up(instance, "alice@example.org", "alice")
    followed_by(instance, mallory)
    event = new_event(instance, alice, visibility=before)
    queued = queued_by(instance, lambda: set_visibility(instance, alice, event, after))
    assert about(queued, event) == [(sent, mallory.server.url("/inbox"))]
    assert queued[0]["activity"]["object"]["name"] == "Book club"


def test_an_event_made_public_again_is_created_under_a_new_id(instance: TestClient, mallory: RemoteActor) -> None:
    """The servers saw its first Create's id; they would drop a second Create under the same one."""
    alice = sign_up(instance, "alice@example.org", "alice")
    followed_by(instance, mallory)
    event = new_event(instance, alice, title="Picnic")
    [first] = [row.payload["activity"] for row in outbox_rows(instance, "ap_deliver")
               if row.payload["activity"]["type"] == "Create"]
    set_visibility(instance, alice, event, "private")
    again = queued_by(instance, lambda: set_visibility(instance, alice, event, "public"))
    assert about(again, event) == [("Create", mallory.server.url("/inbox"))]
    assert again[0]["activity"]["id"] != first["id"]


def test_a_private_event_and_its_comments_are_not_served_to_other_servers(instance: TestClient) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    event = new_event(instance, alice, title="Picnic")
    r = instance.post(f"/api/v1/events/{event['uuid']}/comments", json={"text": "Bring a blanket"}, headers=alice)
    assert r.status_code == 201, r.text
    comment = r.json()
    shared = [f"/events/{event['uuid']}", f"/events/{event['uuid']}/replies", f"/comments/{comment['uuid']}"]
    assert [instance.get(path, headers=AS_JSON).status_code for path in shared] == [200, 200, 200]

    set_visibility(instance, alice, event, "private")

    answers = [instance.get(path, headers=AS_JSON) for path in shared]
    assert [a.status_code for a in answers] == [404, 404, 404], "gone as if it never existed: no 410, no Tombstone"
    assert not any("Picnic" in a.text or "blanket" in a.text for a in answers)
    assert instance.get(f"/comments/{comment['uuid']}", follow_redirects=False).status_code == 404


# --- remote events made private on their server -----------------------------------------------------------


def ago(hours: int) -> str:
    """An ActivityStreams time that many hours ago: the order of the versions is what matters."""
    return (utcnow() - timedelta(hours=hours)).isoformat(timespec="seconds").replace("+00:00", "Z")


def dated_delete(actor: RemoteActor, obj: dict[str, Any], deleted: str, number: int = 1) -> dict[str, Any]:
    """The Delete Convene sends for an event made private: a Tombstone that says when."""
    tombstone = {"id": obj["id"], "type": "Tombstone", "formerType": "Event", "deleted": deleted}
    return activity(actor, "Delete", tombstone, number)


def test_a_remote_event_made_private_then_public_again_is_dropped_then_stored_anew(
    instance: TestClient, mallory: RemoteActor
) -> None:
    obj = event_object(mallory, updated=ago(hours=3))
    send(instance, mallory, activity(mallory, "Create", obj))
    first_copy = stored(instance, obj["id"])["uuid"]
    send(instance, mallory, dated_delete(mallory, obj, ago(hours=2)))
    assert stored(instance, obj["id"]) is None
    assert instance.get(f"/events/{first_copy}").status_code == 410

    send(instance, mallory, activity(mallory, "Create", {**obj, "updated": ago(hours=1)}, number=2))
    again = stored(instance, obj["id"])
    assert again is not None and again["title"] == "Bike repair café"
    assert instance.get(f"/events/{again['uuid']}").status_code == 200


def test_what_was_sent_before_an_event_was_made_private_and_arrives_late_is_ignored(
    instance: TestClient, mallory: RemoteActor
) -> None:
    obj = event_object(mallory, updated=ago(hours=3))
    send(instance, mallory, dated_delete(mallory, obj, ago(hours=2)))
    for number, kind in enumerate(["Create", "Update"], start=1):
        late = activity(mallory, kind, obj, number)
        send(instance, mallory, late)
        assert outcome(instance, late["id"]).startswith("ignored: "), kind
    assert stored(instance, obj["id"]) is None


def test_a_delete_older_than_the_copy_arriving_late_leaves_it(instance: TestClient, mallory: RemoteActor) -> None:
    """Made private, then public again: the Create of the second time may overtake the Delete of the first."""
    obj = event_object(mallory, updated=ago(hours=3))
    send(instance, mallory, activity(mallory, "Create", obj))
    send(instance, mallory, activity(mallory, "Create", {**obj, "updated": ago(hours=1)}, number=2))
    late = dated_delete(mallory, obj, ago(hours=2))
    send(instance, mallory, late)
    assert outcome(instance, late["id"]).startswith("ignored: ")
    assert stored(instance, obj["id"]) is not None
