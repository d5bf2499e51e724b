"""Profiles and their end across servers: Update and Delete of actors, both ways, over real HTTP.

Outbound, a follower on a loopback server receives our identity's new profile, and its
Delete (signed with the key the follower already holds, although the identity and its
key are gone by the time the worker sends it). Inbound, a remote actor refreshes or
deletes only itself, and its deletion takes with it what hangs on it here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar.testing import TestClient
from sqlalchemy import func, select

from core.identities.models import Identity
from core.outbox import OutboxRow
from helpers import new_event, sign_up, wait_for
from peer_fixtures import PUBLIC_URL, RemoteActor, host_actor, run, signed_post
from plugins.federation_activitypub.keys import generate_private_key, load_public_key, public_key_to_pem
from plugins.federation_activitypub.models import ApActor, ApFollow
from plugins.federation_activitypub.parse import ref
from plugins.federation_activitypub.retired_keys import ApRetiredKey
from plugins.federation_activitypub.signatures import verify_request
from security_fixtures import LocalServer
from test_comments_federation import note
from test_participations import mobilizon_join
from test_remote_events import activity, event_object, outcome, send, stored
from webhelpers import png_bytes

INTEROP = Path(__file__).resolve().parents[1] / "fixtures" / "interop"
AP = {"Accept": "application/activity+json"}


def public_key(client: TestClient, username: str) -> Any:
    """The key a follower fetched and holds for one of our identities."""
    return load_public_key(client.get(f"/@{username}", headers=AP).json()["publicKey"]["publicKeyPem"])


def signed(client: TestClient, actor: RemoteActor, activity_type: str, key: Any) -> list[dict[str, Any]]:
    """What ``actor`` received of this type, each checked to be signed with ``key``, its sender's."""
    found = []
    for delivery in actor.deliveries():
        activity = json.loads(delivery.body)
        if activity["type"] != activity_type:
            continue

        async def lookup(key_id: str, refresh: bool, sender: str = activity["actor"]) -> Any:
            assert key_id == f"{sender}#main-key"
            return key

        run(client, lambda _, d=delivery, k=lookup: verify_request(
            "POST", actor.server.url(d.path), d.headers, d.body, k))
        found.append(activity)
    return found


def received(actor: RemoteActor, activity_type: str) -> list[dict[str, Any]]:
    return [a for a in actor.activities() if a["type"] == activity_type]


def count(client: TestClient, model: Any, *where: Any) -> int:
    return run(client, lambda s: s.scalar(select(func.count()).select_from(model).where(*where)))


def identity_of(client: TestClient, actor: RemoteActor) -> Identity | None:
    return run(client, lambda s: s.scalar(
        select(Identity).join(ApActor, ApActor.identity_id == Identity.id).where(ApActor.ap_id == actor.id)))


# --- outbound ------------------------------------------------------------------------------


def test_a_profile_change_reaches_followers_as_an_update_of_the_whole_actor(
    instance: TestClient, mallory: RemoteActor
) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    send(instance, mallory, mallory.follow(f"{PUBLIC_URL}/@alice"))
    key = public_key(instance, "alice")
    instance.patch("/api/v1/identities/alice", json={"display_name": "Alice L.", "bio": "<p>Bikes</p>"}, headers=alice)
    wait_for(lambda: received(mallory, "Update"))
    [update] = signed(instance, mallory, "Update", key)
    assert update["actor"] == f"{PUBLIC_URL}/@alice" and update["object"]["type"] == "Person"
    assert update["object"]["id"] == update["actor"] and update["object"]["name"] == "Alice L."
    assert update["object"]["summary"] == "<p>Bikes</p>" and update["object"]["inbox"].endswith("/@alice/inbox")
    assert update["object"]["publicKey"]["id"] == f"{PUBLIC_URL}/@alice#main-key"
    avatar = instance.put("/api/v1/identities/alice/avatar", files={"data": ("me.png", png_bytes(), "image/png")},
                          headers=alice)
    assert avatar.status_code == 200, avatar.text
    wait_for(lambda: len(received(mallory, "Update")) == 2)
    [_, with_avatar] = received(mallory, "Update")
    assert with_avatar["object"]["icon"]["url"] == avatar.json()["avatar_url"]
    assert with_avatar["id"] != update["id"], "each Update has its own id"


def test_an_identity_nobody_follows_sends_nothing_and_gets_no_key(instance: TestClient) -> None:
    bob = sign_up(instance, "bob@example.org", "bob")
    instance.patch("/api/v1/identities/bob", json={"display_name": "Bob"}, headers=bob)
    assert count(instance, OutboxRow, OutboxRow.kind == "ap_deliver") == 0
    assert count(instance, ApActor) == 0


def test_a_deleted_identity_tells_its_followers_signed_with_the_key_they_hold(
    instance: TestClient, mallory: RemoteActor
) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    assert instance.post("/api/v1/identities", json={"username": "alice_work"}, headers=alice).status_code == 201
    send(instance, mallory, mallory.follow(f"{PUBLIC_URL}/@alice_work"))
    event = new_event(instance, alice, identity="alice_work", title="Standup")
    wait_for(lambda: received(mallory, "Create"))
    key = public_key(instance, "alice_work")
    assert instance.delete("/api/v1/identities/alice_work", headers=alice).status_code == 204
    wait_for(lambda: len(received(mallory, "Delete")) == 2)
    deletes = {ref(d["object"], "object"): d for d in signed(instance, mallory, "Delete", key)}
    actor = f"{PUBLIC_URL}/@alice_work"
    assert set(deletes) == {actor, f"{PUBLIC_URL}/events/{event['uuid']}"}, "the identity and its event"
    assert deletes[actor]["actor"] == actor
    assert instance.get("/@alice_work", headers=AP).status_code == 404
    assert count(instance, ApActor, ApActor.ap_id == actor) == 0, "the key left with the identity's row"
    assert count(instance, ApRetiredKey) == 1, "a copy waits for retries, then expires"


# --- inbound -------------------------------------------------------------------------------


ALICE = f"{PUBLIC_URL}/@alice"


def test_an_actor_updating_itself_refreshes_what_we_hold(instance: TestClient, mallory: RemoteActor) -> None:
    sign_up(instance, "alice@example.org", "alice")
    send(instance, mallory, mallory.follow(ALICE))
    new_key = generate_private_key()
    document = {**mallory.document(), "name": "Mallory M.", "summary": "<p>Hi</p><script>steal()</script>",
                "icon": {"type": "Image", "url": "https://media.mallory.example/avatar.png"},
                "endpoints": {"sharedInbox": mallory.server.url("/shared-inbox")},
                "publicKey": {"id": mallory.key_id, "owner": mallory.id,
                              "publicKeyPem": public_key_to_pem(new_key.public_key())}}
    update = activity(mallory, "Update", document)
    send(instance, mallory, update)
    assert outcome(instance, update["id"]) == f"refreshed actor {mallory.id}"
    identity = identity_of(instance, mallory)
    assert identity is not None and identity.display_name == "Mallory M." and identity.bio == "<p>Hi</p>"
    row = run(instance, lambda s: s.scalar(select(ApActor).where(ApActor.ap_id == mallory.id)))
    assert row.icon_url == "https://media.mallory.example/avatar.png"
    assert row.shared_inbox == mallory.server.url("/shared-inbox")
    renewed = RemoteActor(mallory.server, "mallory", new_key)
    body, headers = signed_post(renewed, "/inbox", renewed.follow(ALICE, number=2))
    assert instance.post("/inbox", content=body, headers=headers).status_code == 202, "the new key is the one held"


def test_an_actor_cannot_update_or_delete_another(
    instance: TestClient, mallory: RemoteActor, local_server: LocalServer, other_key: rsa.RSAPrivateKey
) -> None:
    sign_up(instance, "alice@example.org", "alice")
    trent = host_actor(local_server, "trent", other_key)
    send(instance, trent, trent.follow(ALICE))
    attempts = [
        (activity(mallory, "Update", {**trent.document(), "name": "Hijacked"}), "may update only itself"),
        (activity(mallory, "Delete", trent.id), "may delete only itself"),
        (activity(mallory, "Delete", {"type": "Person", "id": trent.id}, number=2), "may delete only itself"),
    ]
    for attempt, reason in attempts:
        send(instance, mallory, attempt)
        assert outcome(instance, attempt["id"]).startswith("refused: ") and reason in outcome(instance, attempt["id"])
    trent_here = identity_of(instance, trent)
    assert trent_here is not None and trent_here.display_name == "Trent"
    assert count(instance, ApFollow, ApFollow.follower_id == trent_here.id) == 1


def mastodon_delete_of(actor: RemoteActor, embedded: bool) -> dict[str, Any]:
    """Mastodon's Delete of a user (the interop fixture embeds the Person; Mastodon now sends its id)."""
    deletion = json.loads((INTEROP / "mastodon-delete-user.json").read_text())
    deletion.update(id=f"{actor.id}#delete", actor=actor.id,
                    object={"type": "Person", "id": actor.id, "atomUri": actor.id} if embedded else actor.id)
    return deletion


@pytest.mark.parametrize("embedded", [True, False], ids=["embedded-person", "actor-id"])
def test_an_actor_deleting_itself_takes_what_hangs_on_it_here(
    instance: TestClient, mallory: RemoteActor, embedded: bool
) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    picnic = new_event(instance, alice, title="Picnic", max_participants=10)
    picnic_url = f"{PUBLIC_URL}/events/{picnic['uuid']}"
    send(instance, mallory, mallory.follow(ALICE))
    assert instance.post("/api/v1/identities/alice/follow", json={"target": mallory.id}, headers=alice).status_code == 202
    send(instance, mallory, activity(mallory, "Create", event_object(mallory)))
    send(instance, mallory, mobilizon_join(mallory, picnic_url))
    send(instance, mallory, activity(mallory, "Create", note(mallory, 1, picnic_url, "<p>See you there</p>"), number=2))
    assert instance.get(f"/api/v1/events/{picnic['uuid']}").json()["participant_count"] == 1
    assert stored(instance, event_object(mallory)["id"]) is not None

    deletion = mastodon_delete_of(mallory, embedded)
    send(instance, mallory, deletion)
    assert outcome(instance, deletion["id"]) == f"deleted actor {mallory.id} and its 1 events"
    assert identity_of(instance, mallory) is None
    assert count(instance, ApFollow) == 0, "its follow of alice and alice's of it"
    assert instance.get(f"/api/v1/events/{picnic['uuid']}").json()["participant_count"] == 0, "its place given back"
    assert stored(instance, event_object(mallory)["id"]) is None
    [comment] = instance.get(f"/api/v1/events/{picnic['uuid']}/comments").json()
    assert comment["deleted"] and comment["author"] is None and comment["text"] == ""

    late = activity(mallory, "Create", event_object(mallory), number=3)
    send(instance, mallory, late)
    assert outcome(instance, late["id"]).startswith("ignored:"), "its deleted event is not taken in again"
