"""Identities: several per account, public profiles, avatars, and the separation between them."""

from __future__ import annotations

import io
import json

from PIL import Image

from helpers import field_errors, future, new_event, sign_up


def png_bytes(size=(64, 48), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def test_second_identity_default_and_switch(client):
    alice = sign_up(client, "alice@example.org", "alice")
    r = client.post("/api/v1/identities", headers=alice,
                    json={"username": "alice_sports", "display_name": "Alice <b>runs</b>",
                          "bio": "<p>5k</p><script>x()</script>"})
    assert r.status_code == 201
    body = r.json()
    assert body["display_name"] == "Alice runs" and body["bio"] == "<p>5k</p>" and body["is_default"] is False
    mine = client.get("/api/v1/identities", headers=alice).json()
    assert [(i["username"], i["is_default"]) for i in mine] == [("alice", True), ("alice_sports", False)]
    assert client.post("/api/v1/identities/alice_sports/default", headers=alice).status_code == 200
    event = new_event(client, alice, title="Run")  # no identity given: the default acts
    assert event["organizer"]["username"] == "alice_sports"


def test_identity_field_errors(client):
    alice = sign_up(client, "alice@example.org", "alice")
    for body, field in [({"username": "UPPER"}, "username"), ({"username": "alice"}, "username"),
                        ({"username": "x" * 31}, "username"),
                        ({"username": "ok_name", "display_name": "d" * 101}, "display_name")]:
        r = client.post("/api/v1/identities", headers=alice, json=body)
        assert r.status_code in (400, 422) and field in field_errors(r), (body, r.text)
    r = client.patch("/api/v1/identities/alice", headers=alice, json={"bio": "b" * 2001})
    assert r.status_code == 400 and "bio" in field_errors(r)


def test_username_is_immutable(client):
    alice = sign_up(client, "alice@example.org", "alice")
    r = client.patch("/api/v1/identities/alice", headers=alice, json={"username": "other"})
    assert r.status_code == 400 and "username" in r.text


def test_avatar_upload_is_checked_and_served(client):
    alice = sign_up(client, "alice@example.org", "alice")
    r = client.put("/api/v1/identities/alice/avatar", headers=alice, files={"data": ("me.png", png_bytes(), "image/png")})
    assert r.status_code == 200, r.text
    url = r.json()["avatar_url"]
    served = client.get(url.replace("http://testserver.local", ""))
    assert served.status_code == 200 and Image.open(io.BytesIO(served.content)).size == (64, 48)

    r = client.put("/api/v1/identities/alice/avatar", headers=alice,
                   files={"data": ("me.png", b"<?php echo 'not an image'; ?>", "image/png")})
    assert r.status_code == 422 and "avatar" in field_errors(r)
    big = png_bytes()+ b"\0" * (2 * 1024 * 1024)
    r = client.put("/api/v1/identities/alice/avatar", headers=alice, files={"data": ("big.png", big, "image/png")})
    assert r.status_code == 422 and "larger" in field_errors(r)["avatar"]
    assert client.get("/api/v1/identities/alice").json()["avatar_url"] == url, "a refused upload changes nothing"


def test_cannot_act_as_another_accounts_identity(client):
    alice = sign_up(client, "alice@example.org", "alice")
    sign_up(client, "bob@example.org", "bob")
    unknown = client.post("/api/v1/events", headers=alice, json={"title": "x", "begins_at": future(), "identity": "nobody"})
    others = client.post("/api/v1/events", headers=alice, json={"title": "x", "begins_at": future(), "identity": "bob"})
    assert others.status_code == unknown.status_code == 422
    assert others.json() == unknown.json(), "refusal must not reveal whether the name exists"
    assert client.patch("/api/v1/identities/bob", headers=alice, json={"bio": "hacked"}).status_code == 422
    assert client.delete("/api/v1/identities/bob", headers=alice).status_code == 422
    assert client.get("/api/v1/identities/bob").json()["bio"] == ""


def test_last_identity_cannot_be_deleted_but_others_can(client):
    alice = sign_up(client, "alice@example.org", "alice")
    client.post("/api/v1/identities", headers=alice, json={"username": "alice_sports"})
    event = new_event(client, alice, identity="alice_sports")
    assert client.delete("/api/v1/identities/alice_sports", headers=alice).status_code == 204
    assert client.get(f"/api/v1/events/{event['uuid']}").status_code == 404
    r = client.delete("/api/v1/identities/alice", headers=alice)
    assert r.status_code == 409


def test_public_answers_never_link_two_identities_of_one_account(client):
    """Nothing public says that alice and alice_activism share an account."""
    alice = sign_up(client, "alice@example.org", "alice")
    client.post("/api/v1/identities", headers=alice, json={"username": "alice_activism"})
    bob = sign_up(client, "bob@example.org", "bob")
    e1 = new_event(client, alice, identity="alice")
    e2 = new_event(client, alice, identity="alice_activism")
    e3 = new_event(client, bob)
    client.post(f"/api/v1/events/{e3['uuid']}/comments", headers=alice, json={"text": "hi", "identity": "alice_activism"})

    public = [client.get(f"/api/v1/identities/{u}").json() for u in ("alice", "alice_activism", "bob")]
    assert all(set(p) == {"username", "handle", "display_name", "bio", "avatar_url", "url"} for p in public)
    texts = [client.get(f"/api/v1/events/{e['uuid']}").text for e in (e1, e2, e3)]
    texts.append(client.get(f"/api/v1/events/{e3['uuid']}/comments").text)
    texts.append(client.get("/api/v1/events").text)
    for text in texts:
        assert "alice@example.org" not in text
        assert '"account' not in text
    # the organiser objects of e1 and e2 have exactly the same keys as bob's: no shared id leaks
    orgs = [json.loads(t)["organizer"] for t in texts[:3]]
    assert orgs[0]["username"] == "alice" and orgs[1]["username"] == "alice_activism"
    assert set(orgs[0]) == set(orgs[1]) == set(orgs[2])
    # profile pages are found by name only; errors for unknown names do not differ from others'
    assert client.get("/api/v1/identities/nobody").status_code == 404
