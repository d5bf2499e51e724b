"""Threaded comments: post, reply, edit and delete own, organiser moderation, closing comments."""

from __future__ import annotations

from helpers import field_errors, new_event, sign_up


def test_threads_edits_and_deletions(client):
    alice = sign_up(client, "alice@example.org", "alice")
    bob = sign_up(client, "bob@example.org", "bob")
    carol = sign_up(client, "carol@example.org", "carol")
    uuid = new_event(client, alice)["uuid"]
    url = f"/api/v1/events/{uuid}/comments"

    top = client.post(url, headers=bob, json={"text": "Is there parking?"}).json()
    reply = client.post(url, headers=alice, json={"text": "Yes, <b>behind</b> the hall<script>x</script>",
                                                 "in_reply_to": str(top["uuid"])}).json()
    assert reply["text"] == "Yes, <b>behind</b> the hall"
    client.post(url, headers=carol, json={"text": "Thanks!", "in_reply_to": str(reply["uuid"])})
    threads = client.get(url).json()
    assert len(threads) == 1
    assert threads[0]["author"]["username"] == "bob"
    assert threads[0]["replies"][0]["replies"][0]["text"] == "Thanks!"

    assert client.patch(f"{url}/{top['uuid']}", headers=carol, json={"text": "hijack"}).status_code == 403
    r = client.patch(f"{url}/{top['uuid']}", headers=bob, json={"text": "Is there bike parking?"})
    assert r.status_code == 200 and r.json()["text"] == "Is there bike parking?"

    assert client.delete(f"{url}/{reply['uuid']}", headers=carol).status_code == 403
    assert client.delete(f"{url}/{reply['uuid']}", headers=alice).status_code == 204  # the organiser moderates
    threads = client.get(url).json()
    deleted = threads[0]["replies"][0]
    assert deleted["deleted"] is True and deleted["text"] == "" and deleted["replies"][0]["text"] == "Thanks!"
    r = client.post(url, headers=bob, json={"text": "late", "in_reply_to": str(reply["uuid"])})
    assert r.status_code == 422 and "in_reply_to" in field_errors(r)


def test_closed_comments_and_bad_input(client):
    alice = sign_up(client, "alice@example.org", "alice")
    bob = sign_up(client, "bob@example.org", "bob")
    uuid = new_event(client, alice)["uuid"]
    url = f"/api/v1/events/{uuid}/comments"
    assert client.post(url, headers=bob, json={"text": ""}).status_code == 400
    assert client.post(url, headers=bob, json={"text": "<script>only</script>"}).status_code == 422
    assert client.post(url, headers=bob, json={"text": "x" * 5001}).status_code == 400
    assert client.post(url, headers=bob, json={"text": "hi", "in_reply_to": "nope"}).status_code == 422
    assert client.post(url, json={"text": "anonymous"}).status_code == 401
    client.patch(f"/api/v1/events/{uuid}", headers=alice, json={"comments_enabled": False})
    r = client.post(url, headers=bob, json={"text": "hello"})
    assert r.status_code == 403 and "closed" in r.json()["detail"]
    assert client.get(url).json() == []
