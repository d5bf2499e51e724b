"""Joining events: free and restricted, approvals, capacity, leaving, who sees what."""

from __future__ import annotations

from helpers import new_event, sign_up


def join(client, headers, uuid, **body):
    return client.post(f"/api/v1/events/{uuid}/participations", headers=headers, json=body)


def test_free_event_join_and_leave(client):
    alice = sign_up(client, "alice@example.org", "alice")
    bob = sign_up(client, "bob@example.org", "bob")
    uuid = new_event(client, alice, max_participants=2)["uuid"]
    r = join(client, bob, uuid, message="Can't wait")
    assert r.status_code == 201 and r.json()["role"] == "participant"
    event = client.get(f"/api/v1/events/{uuid}").json()
    assert (event["participant_count"], event["remaining_places"]) == (1, 1)
    assert client.get(f"/api/v1/events/{uuid}/participation", headers=bob).json()["role"] == "participant"
    assert join(client, bob, uuid).status_code == 409, "joining twice"
    assert client.delete(f"/api/v1/events/{uuid}/participations", headers=bob).status_code == 204
    assert client.get(f"/api/v1/events/{uuid}").json()["participant_count"] == 0
    assert client.get(f"/api/v1/events/{uuid}/participation", headers=bob).status_code == 404
    assert client.delete(f"/api/v1/events/{uuid}/participations", headers=bob).status_code == 404


def test_restricted_event_needs_the_organisers_approval(client):
    alice = sign_up(client, "alice@example.org", "alice")
    bob = sign_up(client, "bob@example.org", "bob")
    client.post("/api/v1/identities", headers=bob, json={"username": "bob_sports"})
    carol = sign_up(client, "carol@example.org", "carol")
    uuid = new_event(client, alice, join_mode="restricted", max_participants=1)["uuid"]

    r = join(client, bob, uuid, identity="bob_sports", message="I run 10k a week")
    assert r.status_code == 201 and r.json()["role"] == "not_approved"
    assert r.json()["identity"]["username"] == "bob_sports"
    assert client.get(f"/api/v1/events/{uuid}").json()["participant_count"] == 0
    carol_request = join(client, carol, uuid).json()

    assert client.get(f"/api/v1/events/{uuid}/participations", headers=bob).status_code == 403
    listing = client.get(f"/api/v1/events/{uuid}/participations", headers=alice).json()
    assert [(p["identity"]["username"], p["role"], p["message"]) for p in listing] == [
        ("alice", "creator", ""), ("bob_sports", "not_approved", "I run 10k a week"), ("carol", "not_approved", "")]

    bobs = listing[1]["uuid"]
    assert client.post(f"/api/v1/events/{uuid}/participations/{bobs}/approve", headers=bob).status_code == 403
    r = client.post(f"/api/v1/events/{uuid}/participations/{bobs}/approve", headers=alice)
    assert r.status_code == 200 and r.json()["role"] == "participant"
    mine = client.get(f"/api/v1/events/{uuid}/participation?identity=bob_sports", headers=bob).json()
    assert mine["role"] == "participant"
    event = client.get(f"/api/v1/events/{uuid}").json()
    assert (event["participant_count"], event["remaining_places"]) == (1, 0)

    # the event is full: approving carol is refused, and a new request too
    r = client.post(f"/api/v1/events/{uuid}/participations/{carol_request['uuid']}/approve", headers=alice)
    assert r.status_code == 409 and "full" in r.json()["detail"]
    dave = sign_up(client, "dave@example.org", "dave")
    assert join(client, dave, uuid).status_code == 409

    r = client.post(f"/api/v1/events/{uuid}/participations/{carol_request['uuid']}/reject", headers=alice)
    assert r.json()["role"] == "rejected"
    r = join(client, carol, uuid)
    assert r.status_code == 409 and "declined" in r.json()["detail"]
    # rejecting a confirmed participant gives the place back
    client.post(f"/api/v1/events/{uuid}/participations/{bobs}/reject", headers=alice)
    assert client.get(f"/api/v1/events/{uuid}").json()["remaining_places"] == 1


def test_refusals(client):
    alice = sign_up(client, "alice@example.org", "alice")
    bob = sign_up(client, "bob@example.org", "bob")
    full = new_event(client, alice, max_participants=1)["uuid"]
    carol = sign_up(client, "carol@example.org", "carol")
    assert join(client, carol, full).status_code == 201
    r = join(client, bob, full)
    assert r.status_code == 409 and "full" in r.json()["detail"]

    cancelled = new_event(client, alice)["uuid"]
    client.post(f"/api/v1/events/{cancelled}/cancel", headers=alice, json={})
    r = join(client, bob, cancelled)
    assert r.status_code == 409 and "cancelled" in r.json()["detail"]

    external = new_event(client, alice, join_mode="external", external_participation_url="https://tickets.example/1")["uuid"]
    r = join(client, bob, external)
    assert r.status_code == 409 and "tickets.example" in r.json()["detail"]

    draft = new_event(client, alice, publish=False)["uuid"]
    assert join(client, bob, draft).status_code == 404
    assert join(client, alice, full).status_code == 409, "the organiser already takes part"
    r = client.delete(f"/api/v1/events/{full}/participations", headers=alice)
    assert r.status_code == 409 and "organiser" in r.json()["detail"]
    assert join(client, {}, full).status_code == 401
    r = join(client, bob, cancelled, message="m" * 1001)
    assert r.status_code == 400


def test_private_event_is_seen_by_organiser_and_participants_only(client):
    alice = sign_up(client, "alice@example.org", "alice")
    bob = sign_up(client, "bob@example.org", "bob")
    uuid = new_event(client, alice, visibility="private", join_mode="restricted")["uuid"]
    assert client.get(f"/api/v1/events/{uuid}").status_code == 404
    assert client.get(f"/api/v1/events/{uuid}", headers=bob).status_code == 404
    assert client.get(f"/api/v1/events/{uuid}", headers=alice).status_code == 200
