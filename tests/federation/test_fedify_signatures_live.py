"""Signatures against a live Fedify 2.x peer (third-party software, on loopback).

Run by scripts/test.sh, which installs the peer (tests/peers/fedify) and sets
``CONVENE_FEDIFY_PEER``; by hand:

    cp -r tests/peers/fedify /tmp/fedify-peer && cd /tmp/fedify-peer
    npm install --no-audit --no-fund
    CONVENE_FEDIFY_PEER=/tmp/fedify-peer pytest tests/federation/test_fedify_signatures_live.py

The always-run tests use requests captured from the same peer
(tests/federation/fixtures/fedify_follow.json); these prove it again, live, and in
the other direction: Fedify accepts what we sign.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from http.server import BaseHTTPRequestHandler

import msgspec
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from core.guarded_http import FetchPolicy
from plugins.federation_activitypub.fetch import ActivityPubClient
from plugins.federation_activitypub.keys import PublicKey, public_key_to_pem, published_key
from plugins.federation_activitypub.signatures import Signer, verify_request
from security_fixtures import LocalServer, answer

# scripts/test.sh installs the peer and sets the variable, so these run in CI; when it is
# set but the peer is missing, the tests fail rather than quietly skip
pytestmark = pytest.mark.skipif("CONVENE_FEDIFY_PEER" not in os.environ, reason="CONVENE_FEDIFY_PEER is not set")
OPEN = FetchPolicy(allow_private=True)


def serve_alice(server: LocalServer, key: rsa.RSAPrivateKey) -> str:
    actor_id = server.url("/users/alice")
    server.serve_document(
        "/users/alice",
        {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": actor_id,
            "type": "Person",
            "preferredUsername": "alice",
            "inbox": actor_id + "/inbox",
            "publicKey": {
                "id": actor_id + "#main-key",
                "owner": actor_id,
                "publicKeyPem": public_key_to_pem(key.public_key()),
            },
        },
    )
    return actor_id


async def wait_for(condition: Callable[[], Awaitable[bool]], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        assert time.monotonic() < deadline, "timed out waiting for the peer"
        await asyncio.sleep(0.1)


async def test_fedify_signatures_verify_in_both_standards(
    fedify: str, local_server: LocalServer, actor_key: rsa.RSAPrivateKey
) -> None:
    """Fedify tries RFC 9421 first; our 401 makes it retry with draft-cavage. Both verify."""
    actor_id = serve_alice(local_server, actor_key)
    attempts: list[int] = []

    def inbox(handler: BaseHTTPRequestHandler) -> None:
        attempts.append(1)
        answer(401 if len(attempts) == 1 else 202, b"")(handler)

    local_server.routes["/users/alice/inbox"] = inbox
    async with ActivityPubClient(OPEN) as client:
        control = await client.post(
            fedify + "/_control/follow", msgspec.json.encode({"target": actor_id}), content_type="application/json"
        )
        assert control.status == 200

        async def retried() -> bool:
            return len(attempts) >= 2

        await wait_for(retried)
        bob = await client.fetch_object(fedify + "/users/bob")

    async def bob_key(key_id: str, refresh: bool) -> PublicKey:
        return published_key(bob, key_id).public_key

    deliveries = [r for r in local_server.received if r.path == "/users/alice/inbox"]
    standards = []
    for delivery in deliveries[:2]:
        url = local_server.url(delivery.path)
        verified = await verify_request("POST", url, delivery.headers, delivery.body, bob_key)
        verified.require_actor_host(msgspec.json.decode(delivery.body)["actor"])
        standards.append(verified.standard)
    assert standards == ["rfc9421", "draft-cavage"]


async def test_fedify_accepts_our_signed_delivery(
    fedify: str, local_server: LocalServer, actor_key: rsa.RSAPrivateKey
) -> None:
    actor_id = serve_alice(local_server, actor_key)
    local_server.routes["/users/alice/inbox"] = answer(202, b"")
    follow = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": actor_id + "#follow-1",
        "type": "Follow",
        "actor": actor_id,
        "object": fedify + "/users/bob",
    }
    body = msgspec.json.encode(follow)
    async with ActivityPubClient(OPEN) as client:
        unsigned = await client.post(fedify + "/users/bob/inbox", body)
        assert unsigned.status == 401, "the peer must check signatures for this test to mean anything"
        signed = await client.post(fedify + "/users/bob/inbox", body, signer=Signer(actor_id + "#main-key", actor_key))
        assert signed.status == 202, signed.body

        async def recorded() -> bool:
            inbox = await client.get(fedify + "/_control/inbox", accept="application/json")
            return any(activity.get("id") == follow["id"] for activity in msgspec.json.decode(inbox.body))

        await wait_for(recorded)
