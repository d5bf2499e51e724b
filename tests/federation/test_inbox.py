"""The inbox over real HTTP: what it accepts, and every way a request is refused with nothing written.

The remote side is a loopback server hosting actors with real keys: Convene fetches
their documents to verify signatures, and delivers its answers there.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar.testing import TestClient
from sqlalchemy import func, select, update

from core.app import create_app
from core.db.base import utcnow
from core.decisions import Decision
from core.outbox import OutboxRow
from core.plugins import hookimpl
from helpers import sign_up, wait_for
from peer_fixtures import PUBLIC_URL, RemoteActor, federating_settings, host_actor, run, signed_post
from plugins.federation_activitypub.keys import load_public_key
from plugins.federation_activitypub.models import ApActor, ApFollow, ApInboxActivity
from plugins.federation_activitypub.replay import ApSeenSignature
from plugins.federation_activitypub.signatures import body_digest, verify_request
from security_fixtures import LocalServer

ALICE = f"{PUBLIC_URL}/@alice"



def counts(client: TestClient) -> dict[str, int]:
    """Rows the inbox may write: none of them may appear for a refused request."""

    async def count(session: Any) -> dict[str, int]:
        found = {}
        for name, model in (("activities", ApInboxActivity), ("follows", ApFollow), ("signatures", ApSeenSignature)):
            found[name] = await session.scalar(select(func.count()).select_from(model))
        found["jobs"] = await session.scalar(
            select(func.count()).select_from(OutboxRow).where(OutboxRow.kind.in_(["ap_inbox", "ap_deliver"]))
        )
        return found

    return run(client, count)


NOTHING = {"activities": 0, "follows": 0, "signatures": 0, "jobs": 0}


def post(client: TestClient, body: bytes, headers: dict[str, str], path: str = "/inbox") -> Any:
    return client.post(path, content=body, headers=headers)


def test_a_signed_follow_is_stored_answered_202_and_accepted_with_a_signed_accept(
    instance: TestClient, mallory: RemoteActor
) -> None:
    sign_up(instance, "alice@example.org", "alice")
    follow = mallory.follow(ALICE)
    r = post(instance, *signed_post(mallory, "/@alice/inbox", follow), path="/@alice/inbox")
    assert r.status_code == 202, r.text
    wait_for(mallory.deliveries)
    delivery = mallory.deliveries()[0]
    accept = msgspec.json.decode(delivery.body)
    assert accept["type"] == "Accept" and accept["actor"] == ALICE and accept["object"] == follow
    alice_key = load_public_key(instance.get("/@alice", headers={"Accept": "application/activity+json"})
                                .json()["publicKey"]["publicKeyPem"])

    async def key(key_id: str, refresh: bool) -> Any:
        assert key_id == ALICE + "#main-key"
        return alice_key

    verified = run(instance, lambda _: verify_request(
        "POST", mallory.server.url(delivery.path), delivery.headers, delivery.body, key))
    assert verified.key_host == "testserver.local"
    follows = instance.get("/@alice/followers").json()
    assert follows["type"] == "OrderedCollection" and follows["totalItems"] == 1


def test_undo_follow_removes_the_follower(instance: TestClient, mallory: RemoteActor) -> None:
    sign_up(instance, "alice@example.org", "alice")
    follow = mallory.follow(ALICE)
    assert post(instance, *signed_post(mallory, "/inbox", follow)).status_code == 202
    wait_for(lambda: instance.get("/@alice/followers").json()["totalItems"] == 1)
    undo = {"id": mallory.id + "#undo/1", "type": "Undo", "actor": mallory.id, "object": follow}
    assert post(instance, *signed_post(mallory, "/inbox", undo)).status_code == 202
    wait_for(lambda: instance.get("/@alice/followers").json()["totalItems"] == 0)


def test_unsigned_post_is_refused(instance: TestClient, mallory: RemoteActor) -> None:
    body, _ = signed_post(mallory, "/inbox", mallory.follow(ALICE))
    r = post(instance, body, {"Content-Type": "application/activity+json"})
    assert r.status_code == 401 and "not signed" in r.json()["error"]
    assert counts(instance) == NOTHING


def test_a_digest_changed_with_the_body_breaks_the_signature(instance: TestClient, mallory: RemoteActor) -> None:
    body, headers = signed_post(mallory, "/inbox", mallory.follow(ALICE))
    other = body.replace(b"follows/1", b"follows/2")
    r = post(instance, other, {**headers, "Digest": body_digest(other)})
    assert r.status_code == 401 and "does not verify" in r.json()["error"]
    assert counts(instance) == NOTHING


def test_a_body_changed_after_signing_fails_its_digest(instance: TestClient, mallory: RemoteActor) -> None:
    body, headers = signed_post(mallory, "/inbox", mallory.follow(ALICE))
    r = post(instance, body.replace(b"follows/1", b"follows/2"), headers)
    assert r.status_code == 401 and "Digest does not match" in r.json()["error"]
    assert counts(instance) == NOTHING


def test_an_activity_signed_by_one_actor_claiming_another_is_refused(
    instance: TestClient, mallory: RemoteActor, local_server: LocalServer, other_key: rsa.RSAPrivateKey
) -> None:
    victim = host_actor(local_server, "victim", other_key)
    r = post(instance, *signed_post(mallory, "/inbox", {**victim.follow(ALICE), "actor": victim.id}))
    assert r.status_code == 401 and "belongs to" in r.json()["error"]
    assert counts(instance) == NOTHING


def test_a_key_on_another_host_than_the_actor_is_refused(instance: TestClient, mallory: RemoteActor) -> None:
    elsewhere = mallory.id.replace("127.0.0.1", "localhost")
    r = post(instance, *signed_post(mallory, "/inbox", {**mallory.follow(ALICE), "actor": elsewhere}))
    assert r.status_code == 401 and "differs from actor host" in r.json()["error"]
    assert counts(instance) == NOTHING


def test_a_replayed_request_has_one_effect(instance: TestClient, mallory: RemoteActor) -> None:
    sign_up(instance, "alice@example.org", "alice")
    request = signed_post(mallory, "/inbox", mallory.follow(ALICE))
    assert post(instance, *request).status_code == 202
    again = post(instance, *request)
    assert again.status_code == 401 and "replay" in again.json()["error"]
    assert counts(instance)["activities"] == 1 and counts(instance)["signatures"] == 1


def test_the_same_activity_sent_twice_is_processed_once(instance: TestClient, mallory: RemoteActor) -> None:
    sign_up(instance, "alice@example.org", "alice")
    follow = mallory.follow(ALICE)
    assert post(instance, *signed_post(mallory, "/inbox", follow)).status_code == 202
    later = signed_post(mallory, "/inbox", follow, now=utcnow() + timedelta(seconds=2))
    second = post(instance, *later)
    assert second.status_code == 202 and second.json()["status"] == "already received"
    wait_for(lambda: len(mallory.deliveries()) == 1)
    found = counts(instance)
    assert found["activities"] == 1 and found["follows"] == 1
    assert found["jobs"] == 2, "one processing job and one Accept, not two of each"


def test_a_date_13_hours_old_is_refused(instance: TestClient, mallory: RemoteActor) -> None:
    r = post(instance, *signed_post(mallory, "/inbox", mallory.follow(ALICE), now=utcnow() - timedelta(hours=13)))
    assert r.status_code == 401 and "ago" in r.json()["error"]
    assert counts(instance) == NOTHING


def test_a_body_over_one_megabyte_is_refused(instance: TestClient, mallory: RemoteActor) -> None:
    activity = {**mallory.follow(ALICE), "padding": "x" * 1_000_001}
    r = post(instance, *signed_post(mallory, "/inbox", activity))
    assert r.status_code == 413 and "exceeds" in r.json()["error"]
    assert counts(instance) == NOTHING


def test_json_nested_10000_deep_is_refused(instance: TestClient, mallory: RemoteActor) -> None:
    body = b'{"type": "Follow", "object": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"
    r = post(instance, body, {"Content-Type": "application/activity+json"})
    assert r.status_code == 400 and "nested deeper" in r.json()["error"]
    assert counts(instance) == NOTHING


@pytest.mark.parametrize("activity", [
    [], {"type": "Follow"}, {"id": "x", "type": "Follow", "actor": "ftp://a/b"},
    {"id": "https://a.example/1", "type": "Follow", "actor": "http://[::1/users/a"},  # an unclosed IPv6 bracket
])
def test_something_that_is_not_an_activity_is_refused(instance: TestClient, activity: Any) -> None:
    r = post(instance, msgspec.json.encode(activity), {"Content-Type": "application/activity+json"})
    assert r.status_code == 400
    assert counts(instance) == NOTHING


def test_a_blocked_domain_is_refused_before_its_key_is_fetched(data_dir: Path, mallory: RemoteActor) -> None:
    plugins = {"enabled": ["federation_activitypub"], "federation_activitypub": {"blocked_domains": ["127.0.0.1"]}}
    with TestClient(create_app(federating_settings(data_dir, plugins=plugins)), base_url=PUBLIC_URL) as client:
        r = post(client, *signed_post(mallory, "/inbox", mallory.follow(ALICE)))
        assert r.status_code == 403 and "does not federate with 127.0.0.1" in r.json()["error"]
        assert counts(client) == NOTHING
    assert mallory.server.received == [], "nothing was fetched from a blocked domain"


class RefuseFollows:
    """Another plugin's policy, through the decision hook."""

    @hookimpl
    async def federation_activitypub_accept_activity(self, ctx, activity, origin):  # noqa: ANN001, ANN201
        return Decision.deny(f"no follows from {origin}") if activity["type"] == "Follow" else None


def test_the_decision_hook_may_refuse_an_activity(instance: TestClient, mallory: RemoteActor) -> None:
    instance.app.state.pm.register(RefuseFollows())
    r = post(instance, *signed_post(mallory, "/inbox", mallory.follow(ALICE)))
    assert r.status_code == 403 and r.json()["error"] == f"no follows from 127.0.0.1:{mallory.server.port}"
    assert counts(instance) == NOTHING


def test_the_instance_actor_has_an_inbox(instance: TestClient, mallory: RemoteActor) -> None:
    relay = instance.get("/relay").json()
    path = relay["inbox"].removeprefix(PUBLIC_URL)
    r = post(instance, *signed_post(mallory, path, mallory.follow(relay["id"])), path=path)
    assert r.status_code == 202, r.text
    wait_for(mallory.deliveries)
    assert mallory.activities()[0]["type"] == "Accept" and mallory.activities()[0]["actor"] == relay["id"]
    assert instance.get("/relay/followers").json() == {
        "@context": "https://www.w3.org/ns/activitystreams", "id": relay["followers"],
        "type": "OrderedCollection", "totalItems": 1}


def test_an_inbox_of_nobody_is_not_found(instance: TestClient, mallory: RemoteActor) -> None:
    r = post(instance, *signed_post(mallory, "/@nobody/inbox", mallory.follow(ALICE)), path="/@nobody/inbox")
    assert r.status_code == 404


def test_a_rotated_key_is_fetched_again_at_most_once_in_ten_minutes(
    instance: TestClient, mallory: RemoteActor, other_key: rsa.RSAPrivateKey
) -> None:
    sign_up(instance, "alice@example.org", "alice")
    assert post(instance, *signed_post(mallory, "/inbox", mallory.follow(ALICE))).status_code == 202
    rotated = host_actor(mallory.server, "mallory", other_key)
    fetches = len([r for r in mallory.server.received if r.method == "GET"])
    r = post(instance, *signed_post(rotated, "/inbox", rotated.follow(ALICE, 2)))
    assert r.status_code == 401 and "fetched less than" in r.json()["error"]

    async def fetched_long_ago(session: Any) -> None:
        await session.execute(update(ApActor).values(fetched_at=utcnow() - timedelta(minutes=11)))
        await session.commit()

    run(instance, fetched_long_ago)
    assert post(instance, *signed_post(rotated, "/inbox", rotated.follow(ALICE, 3))).status_code == 202
    assert post(instance, *signed_post(rotated, "/inbox", rotated.follow(ALICE, 4))).status_code == 202
    assert len([r for r in mallory.server.received if r.method == "GET"]) == fetches + 1, "one refetch, then cached"
