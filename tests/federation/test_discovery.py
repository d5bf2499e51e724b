"""WebFinger, host-meta, NodeInfo and the instance actor, as remote servers query them."""

from __future__ import annotations

from litestar.testing import TestClient

from core.app import create_app
from helpers import make_settings, new_event, sign_up
from plugins.federation_activitypub.keys import load_public_key


def test_webfinger_finds_local_identities_with_or_without_the_port(data_dir):
    settings = make_settings(data_dir, public_url="http://127.0.0.1:8123")
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8123") as client:
        sign_up(client, "alice@example.org", "alice")
        for resource in ("acct:alice@127.0.0.1:8123", "acct:Alice@127.0.0.1", "alice@127.0.0.1:8123",
                         "http://127.0.0.1:8123/@alice"):
            r = client.get("/.well-known/webfinger", params={"resource": resource})
            assert r.status_code == 200, resource
            assert r.headers["content-type"].startswith("application/jrd+json")
            body = r.json()
            assert body["subject"] == "acct:alice@127.0.0.1:8123"
            assert {"rel": "self", "type": "application/activity+json", "href": "http://127.0.0.1:8123/@alice"} in body["links"]
        for resource in ("acct:alice@evil.example", "acct:nobody@127.0.0.1:8123", "acct:@127.0.0.1",
                         "https://evil.example/@alice", "acct:alice@127.0.0.1.evil.example"):
            assert client.get("/.well-known/webfinger", params={"resource": resource}).status_code == 404, resource
        assert client.get("/.well-known/webfinger").status_code == 400


def test_nodeinfo_links_both_versions_and_the_application_actor(client):
    alice = sign_up(client, "alice@example.org", "alice")
    new_event(client, alice)
    links = client.get("/.well-known/nodeinfo").json()["links"]
    rels = {link["rel"]: link["href"] for link in links}
    assert rels["https://www.w3.org/ns/activitystreams#Application"] == "http://testserver.local/relay"
    for version in ("2.0", "2.1"):
        href = rels[f"http://nodeinfo.diaspora.software/ns/schema/{version}"]
        info = client.get(href.replace("http://testserver.local", "")).json()
        assert info["version"] == version and info["software"]["name"] == "convene"
        assert info["protocols"] == ["activitypub"] and info["openRegistrations"] is True
        assert info["usage"]["users"]["total"] == 1 and info["usage"]["localPosts"] == 1
    assert client.get("/.well-known/nodeinfo/1.0").status_code == 404


def test_instance_actor_is_an_application_with_a_usable_key(client):
    r = client.get("/relay")
    assert r.headers["content-type"].startswith("application/activity+json")
    actor = r.json()
    assert actor["type"] == "Application" and actor["id"] == "http://testserver.local/relay"
    assert actor["publicKey"]["owner"] == actor["id"] and actor["publicKey"]["id"].startswith(actor["id"])
    assert load_public_key(actor["publicKey"]["publicKeyPem"]).key_size == 2048
    assert client.get("/relay").json()["publicKey"] == actor["publicKey"], "the key is made once and kept"
    assert client.get("/.well-known/webfinger", params={"resource": "acct:relay@testserver.local"}).status_code == 200


def test_host_meta_points_to_webfinger(client):
    r = client.get("/.well-known/host-meta")
    assert 'template="http://testserver.local/.well-known/webfinger?resource={uri}"' in r.text
