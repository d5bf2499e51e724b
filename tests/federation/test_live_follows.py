"""Follows and events between Convene and other servers, over real HTTP on loopback.

Fedify (third-party, tests/peers/fedify) follows a Convene identity and receives its
events; a second Convene instance follows an identity on the first through the API and
receives its next event. Each step crosses real signatures, fetches and deliveries.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from core.context import Ctx
from helpers import next_in, wait_for
from live_fixtures import in_transaction, live_instance, member, two_instances
from peer_fixtures import host_actor
from plugins.federation_activitypub.models import ApInboxActivity
from plugins.federation_activitypub.signatures import Signer
from security_fixtures import LocalServer

NOON = next_in(6, hour=12)  # in June, when Paris is UTC+2
EVENT = {"title": "Picnic", "begins_at": NOON.isoformat(), "timezone": "Europe/Paris", "publish": True}
needs_fedify = pytest.mark.skipif("CONVENE_FEDIFY_PEER" not in os.environ, reason="CONVENE_FEDIFY_PEER is not set")


def fedify_inbox(origin: str) -> list[dict[str, Any]]:
    return httpx.get(origin + "/_control/inbox").json()


def of_type(activities: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [a for a in activities if a.get("type") == kind]


@needs_fedify
def test_fedify_follows_a_convene_identity_and_receives_its_events(fedify: str, data_dir: Path) -> None:
    with live_instance(data_dir) as app:
        url = app.state.settings.public_url
        alice = member(app, "alice@example.org", "alice")
        control = httpx.post(fedify + "/_control/follow", json={"target": f"{url}/@alice"}, timeout=20)
        assert control.status_code == 200, control.text
        accepts = wait_for(lambda: of_type(fedify_inbox(fedify), "Accept"), timeout=20)
        assert accepts[0]["actor"] == f"{url}/@alice"
        assert httpx.get(f"{url}/@alice/followers").json()["totalItems"] == 1
        assert httpx.post(f"{url}/api/v1/events", json=EVENT, headers=alice).status_code == 201
        creates = wait_for(lambda: of_type(fedify_inbox(fedify), "Create"), timeout=20)
        event = creates[0]["object"]
        assert event["type"] == "Event" and event["name"] == "Picnic"
        assert event["startTime"].startswith(f"{NOON.date()}T10:00:00")
        undone = httpx.post(fedify + "/_control/unfollow", json={"target": f"{url}/@alice"}, timeout=20)
        assert undone.status_code == 200, undone.text
        wait_for(lambda: httpx.get(f"{url}/@alice/followers").json()["totalItems"] == 0)


def received_activities(app: Any) -> list[dict[str, Any]]:
    async def load(ctx: Ctx) -> list[dict[str, Any]]:
        return list(await ctx.session.scalars(select(ApInboxActivity.payload).order_by(ApInboxActivity.id)))

    return in_transaction(app.state.settings, load)


def test_an_identity_on_another_convene_follows_and_receives_the_next_event(data_dir: Path, tmp_path: Path) -> None:
    with two_instances(data_dir, tmp_path / "other-instance") as (first, second):
        first_url, second_url = first.state.settings.public_url, second.state.settings.public_url
        alice = member(first, "alice@example.org", "alice")
        carol = member(second, "carol@example.org", "carol")
        handle = f"@alice@{first_url.removeprefix('http://')}"
        r = httpx.post(f"{second_url}/api/v1/identities/carol/follow", json={"target": handle}, headers=carol,
                       timeout=20)
        assert r.status_code == 202 and r.json() == {"actor": f"{first_url}/@alice", "state": "pending"}, r.text
        wait_for(lambda: httpx.get(f"{second_url}/@carol/following").json()["totalItems"] == 1)
        assert httpx.get(f"{first_url}/@alice/followers").json()["totalItems"] == 1
        assert httpx.post(f"{first_url}/api/v1/events", json=EVENT, headers=alice).status_code == 201
        creates = wait_for(lambda: of_type(received_activities(second), "Create"))
    assert creates[0]["actor"] == f"{first_url}/@alice" and creates[0]["object"]["name"] == "Picnic"


def test_concurrent_first_activities_of_a_new_actor_are_all_accepted(
    data_dir: Path, local_server: LocalServer, actor_key: rsa.RSAPrivateKey
) -> None:
    """Each request fetches the unknown actor at once; they must share one stored row, not refuse each other."""
    stranger = host_actor(local_server, "stranger", actor_key)
    with live_instance(data_dir) as app:
        inbox = app.state.settings.public_url + "/inbox"
        requests = []
        for number in range(8):
            body = msgspec.json.encode({**stranger.follow(f"{inbox}/nobody", number), "type": "Like"})
            requests.append((body, Signer(stranger.key_id, stranger.key).sign("POST", inbox, body)))
        with ThreadPoolExecutor(len(requests)) as pool:
            statuses = list(pool.map(lambda request: httpx.post(inbox, content=request[0], headers=request[1]).status_code,
                                     requests))
    assert statuses == [202] * len(requests)
