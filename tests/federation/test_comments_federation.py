"""Comments as Notes, both ways: replies from other servers show under our events, ours reach them.

Inbound Notes are signed posts from a loopback peer, processed by the worker;
outbound ones are delivered by the worker to the peer's inbox over real HTTP.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar.testing import TestClient

from helpers import new_event, outbox_rows, sign_up, wait_for
from peer_fixtures import PUBLIC_URL, RemoteActor, host_actor
from security_fixtures import LocalServer
from test_delivery import followed_by
from test_remote_events import activity, event_object, outcome, send, stored

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
INTEROP = Path(__file__).resolve().parents[1] / "fixtures" / "interop"
AP = {"Accept": "application/activity+json"}


def note(actor: RemoteActor, number: int, in_reply_to: str | None, content: str = "<p>Count me in!</p>",
         **fields: Any) -> dict[str, Any]:
    return {"id": actor.server.url(f"/notes/{number}"), "type": "Note", "attributedTo": actor.id,
            "inReplyTo": in_reply_to, "content": content, "to": [PUBLIC], "cc": [f"{actor.id}/followers"], **fields}


def processed(client: TestClient, actor: RemoteActor, payload: dict[str, Any]) -> str:
    """Post ``payload`` signed by ``actor``; the outcome the worker recorded for it."""
    send(client, actor, payload)
    return outcome(client, payload["id"])


def threads(client: TestClient, event_uuid: str) -> list[dict[str, Any]]:
    r = client.get(f"/api/v1/events/{event_uuid}/comments")
    assert r.status_code == 200, r.text
    return r.json()


def comment(client: TestClient, headers: dict[str, str], event_uuid: str, text: str, **fields: Any) -> dict[str, Any]:
    r = client.post(f"/api/v1/events/{event_uuid}/comments", json={"text": text, **fields}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def sent_notes(actor: RemoteActor) -> list[dict[str, Any]]:
    """The Create, Update and Delete of Notes the peer's server received from us."""
    return [a for a in actor.activities() if a["type"] in ("Create", "Update", "Delete")
            and (a["object"].get("type") == "Note" or a["object"].get("formerType") == "Note")]


@pytest.fixture
def alice(instance: TestClient) -> dict[str, str]:
    return sign_up(instance, "alice@example.org", "alice")


@pytest.fixture
def book_club(instance: TestClient, alice: dict[str, str]) -> dict[str, Any]:
    return new_event(instance, alice)


# -- inbound ----------------------------------------------------------------------------


def test_a_reply_to_our_event_shows_under_it_without_its_script(
    instance: TestClient, mallory: RemoteActor, book_club: dict[str, Any]
) -> None:
    content = '<p onclick="steal()">Count me <b>in</b>!</p><script>alert("x")</script><img src="x" onerror="y">'
    event_page = f"/events/{book_club['uuid']}"
    assert "No comments yet" in instance.get(event_page, headers={"Accept": "text/html"}).text
    create = activity(mallory, "Create", note(mallory, 1, book_club["url"], content))
    assert processed(instance, mallory, create) == f"stored comment {mallory.server.url('/notes/1')}"
    [thread] = threads(instance, book_club["uuid"])
    assert thread["author"]["handle"] == f"mallory@{mallory.host}"
    assert thread["text"] == "<p>Count me <b>in</b>!</p>"
    page = instance.get(event_page, headers={"Accept": "text/html"})
    assert "Count me <b>in</b>!" in page.text and f"mallory@{mallory.host}" in page.text
    assert "alert(" not in page.text and "steal()" not in page.text


def test_replies_to_our_comments_and_to_remote_ones_are_threaded(
    instance: TestClient, mallory: RemoteActor, alice: dict[str, str], book_club: dict[str, Any]
) -> None:
    question = comment(instance, alice, book_club["uuid"], "Who brings the cake?")
    answer = note(mallory, 1, f"{PUBLIC_URL}/comments/{question['uuid']}", "<p>I do</p>")
    send(instance, mallory, activity(mallory, "Create", answer))
    send(instance, mallory, activity(mallory, "Create", note(mallory, 2, answer["id"], "<p>A lemon one</p>"), 2))
    [thread] = threads(instance, book_club["uuid"])
    assert thread["text"] == "Who brings the cake?"
    [reply] = thread["replies"]
    assert reply["text"] == "<p>I do</p>" and reply["author"]["handle"] == f"mallory@{mallory.host}"
    assert [r["text"] for r in reply["replies"]] == ["<p>A lemon one</p>"]


def test_a_reply_to_a_remote_event_we_hold_is_stored_on_its_copy(
    instance: TestClient, mallory: RemoteActor
) -> None:
    event = event_object(mallory)
    send(instance, mallory, activity(mallory, "Create", event))
    send(instance, mallory, activity(mallory, "Create", note(mallory, 1, event["id"], "<p>Bring tools</p>"), 2))
    copy = stored(instance, event["id"])
    assert [t["text"] for t in threads(instance, copy["uuid"])] == ["<p>Bring tools</p>"]


def test_only_the_author_edits_or_deletes_a_remote_comment(
    instance: TestClient, mallory: RemoteActor, book_club: dict[str, Any],
    local_server: LocalServer, other_key: rsa.RSAPrivateKey,
) -> None:
    original = note(mallory, 1, book_club["url"])
    send(instance, mallory, activity(mallory, "Create", original))
    intruder = host_actor(local_server, "intruder", other_key)
    for number, (forged, reason) in enumerate([
        ({**original, "content": "<p>Spam</p>"}, f"is attributed to {mallory.id}, not to the sender"),
        ({**original, "content": "<p>Spam</p>", "attributedTo": intruder.id},
         f"belongs to another actor than {intruder.id}"),
    ]):
        update = activity(intruder, "Update", forged, number)
        assert processed(instance, intruder, update) == f"refused: {update['object']['id']} {reason}"
    deletion = activity(intruder, "Delete", original["id"])
    refusal = processed(instance, intruder, deletion)
    assert refusal == "refused: only the author or the organiser may delete this comment"
    assert threads(instance, book_club["uuid"])[0]["text"] == "<p>Count me in!</p>"

    edit = activity(mallory, "Update", {**original, "content": "<p>Count me and Bob in</p>"})
    assert processed(instance, mallory, edit) == f"updated comment {original['id']}"
    [thread] = threads(instance, book_club["uuid"])
    assert thread["text"] == "<p>Count me and Bob in</p>" and thread["updated_at"] > thread["created_at"]

    deletion = activity(mallory, "Delete", {"id": original["id"], "type": "Tombstone"})
    assert processed(instance, mallory, deletion) == f"deleted comment {original['id']}"
    [thread] = threads(instance, book_club["uuid"])
    assert thread["deleted"] and thread["text"] == ""
    late_edit = activity(mallory, "Update", {**original, "content": "<p>Back again</p>"}, 2)
    assert processed(instance, mallory, late_edit) == f"ignored: {original['id']} was deleted"
    assert threads(instance, book_club["uuid"])[0]["deleted"]


def test_a_delete_before_its_create_is_remembered(
    instance: TestClient, mallory: RemoteActor, book_club: dict[str, Any]
) -> None:
    early = note(mallory, 1, book_club["url"])
    send(instance, mallory, activity(mallory, "Delete", {"id": early["id"], "type": "Tombstone"}))
    create = activity(mallory, "Create", early)
    assert processed(instance, mallory, create) == f"ignored: {early['id']} was deleted"
    assert threads(instance, book_club["uuid"]) == []


@pytest.mark.parametrize(("fields", "reason"), [
    ({"content": "<p>" + "a" * 6000 + "</p>"}, "text: must be at most 5000 characters"),
    ({"content": "a" * 50_000}, "content is longer than 40000 characters"),
    ({"content": "<script>only a script</script>"}, "content is empty once sanitised"),
    ({"to": [f"{PUBLIC_URL}/@alice"], "cc": []}, "is not public: a private reply is not shown as a comment"),
    ({"attributedTo": "http://127.0.0.1:1/users/someone"}, "not to the sender"),
])
def test_unusable_notes_are_refused_and_not_stored(
    instance: TestClient, mallory: RemoteActor, book_club: dict[str, Any],
    fields: dict[str, Any], reason: str, caplog: pytest.LogCaptureFixture,
) -> None:
    create = activity(mallory, "Create", note(mallory, 1, book_club["url"], **fields))
    refusal = processed(instance, mallory, create)
    assert refusal.startswith("refused: ") and reason in refusal
    assert any(create["id"] in r.getMessage() and reason in r.getMessage() for r in caplog.records)
    assert threads(instance, book_club["uuid"]) == []


def test_a_reply_is_refused_where_comments_are_closed(
    instance: TestClient, mallory: RemoteActor, alice: dict[str, str]
) -> None:
    closed = new_event(instance, alice, comments_enabled=False)
    create = activity(mallory, "Create", note(mallory, 1, closed["url"]))
    assert processed(instance, mallory, create) == "refused: comments are closed on this event"
    assert threads(instance, closed["uuid"]) == []


def test_notes_that_reply_to_nothing_here_are_ignored(
    instance: TestClient, mallory: RemoteActor, alice: dict[str, str]
) -> None:
    private = new_event(instance, alice, visibility="private")
    hidden = comment(instance, alice, private["uuid"], "Only for us")
    for number, in_reply_to in enumerate([None, mallory.server.url("/notes/elsewhere"), f"{PUBLIC_URL}/events/nope",
                                          f"{PUBLIC_URL}/comments/{hidden['uuid']}", private["url"]]):
        create = activity(mallory, "Create", note(mallory, number, in_reply_to), number)
        assert processed(instance, mallory, create) == f"ignored: {create['object']['id']} replies to nothing here"
    assert [t["text"] for t in instance.get(f"/api/v1/events/{private['uuid']}/comments", headers=alice).json()] == [
        "Only for us"]


NOTE_FIXTURES = ["mastodon-post-activity.json", "mastodon-post-activity-hashtag.json", "mastodon-status.json",
                 "mastodon-status-2.json", "mastodon-status-3.json", "mastodon-status-4.json",
                 "mastodon-status-5.json", "pleroma-comment-object.json", "https__info.pleroma.site_activity.json"]


def _moved(name: str, actor: RemoteActor, in_reply_to: str) -> dict[str, Any]:
    """A real payload (a Create{Note} or a bare Note), moved onto the loopback peer and replying to ``in_reply_to``."""
    payload = json.loads((INTEROP / name).read_text())
    obj = payload["object"] if isinstance(payload.get("object"), dict) else payload
    author = obj["attributedTo"]
    obj = json.loads(json.dumps(obj).replace(obj["id"], actor.server.url("/notes/real")).replace(author, actor.id))
    obj["inReplyTo"] = in_reply_to
    return {"id": actor.server.url("/notes/real/activity"), "type": "Create", "actor": actor.id, "object": obj}


@pytest.mark.parametrize("name", NOTE_FIXTURES)
def test_real_peer_notes_become_comments(
    instance: TestClient, mallory: RemoteActor, book_club: dict[str, Any], name: str
) -> None:
    create = _moved(name, mallory, book_club["url"])
    assert processed(instance, mallory, create) == f"stored comment {create['object']['id']}"
    [thread] = threads(instance, book_club["uuid"])
    assert thread["author"]["handle"] == f"mallory@{mallory.host}" and thread["text"]
    assert "class=" not in thread["text"] and "<span" not in thread["text"]


def test_a_real_private_mastodon_note_is_no_comment(
    instance: TestClient, mallory: RemoteActor, book_club: dict[str, Any]
) -> None:
    create = _moved("mastodon-post-activity-private.json", mallory, book_club["url"])
    assert processed(instance, mallory, create) == (
        f"refused: {create['object']['id']} is not public: a private reply is not shown as a comment")
    assert threads(instance, book_club["uuid"]) == []


def test_a_real_mastodon_delete_removes_the_comment(
    instance: TestClient, mallory: RemoteActor, book_club: dict[str, Any]
) -> None:
    create = _moved("mastodon-post-activity.json", mallory, book_club["url"])
    send(instance, mallory, create)
    deletion = json.loads((INTEROP / "mastodon-delete.json").read_text())
    text = json.dumps(deletion).replace(deletion["object"]["id"], create["object"]["id"])
    deletion = json.loads(text.replace(deletion["actor"], mallory.id))
    assert processed(instance, mallory, deletion) == f"deleted comment {create['object']['id']}"
    assert threads(instance, book_club["uuid"])[0]["deleted"]


# -- outbound ---------------------------------------------------------------------------


def test_a_comment_on_a_remote_event_reaches_its_organiser_then_its_edit_and_deletion(
    instance: TestClient, mallory: RemoteActor, alice: dict[str, str]
) -> None:
    event = event_object(mallory)
    send(instance, mallory, activity(mallory, "Create", event))
    copy = stored(instance, event["id"])
    mine = comment(instance, alice, copy["uuid"], "I will bring a pump")
    create = wait_for(lambda: sent_notes(mallory))[0]
    note_id = f"{PUBLIC_URL}/comments/{mine['uuid']}"
    assert create["type"] == "Create" and create["actor"] == f"{PUBLIC_URL}/@alice"
    sent = create["object"]
    assert sent["id"] == note_id and sent["type"] == "Note" and sent["attributedTo"] == f"{PUBLIC_URL}/@alice"
    assert sent["inReplyTo"] == event["id"] and sent["content"] == "I will bring a pump"
    assert sent["to"] == [PUBLIC, mallory.id] and sent["cc"] == [f"{PUBLIC_URL}/@alice/followers"]

    r = instance.patch(f"/api/v1/events/{copy['uuid']}/comments/{mine['uuid']}", json={"text": "Two pumps"},
                       headers=alice)
    assert r.status_code == 200, r.text
    r = instance.delete(f"/api/v1/events/{copy['uuid']}/comments/{mine['uuid']}", headers=alice)
    assert r.status_code == 204, r.text
    wait_for(lambda: len(sent_notes(mallory)) == 3)
    [update] = [a for a in sent_notes(mallory) if a["type"] == "Update"]
    [delete] = [a for a in sent_notes(mallory) if a["type"] == "Delete"]
    assert update["object"]["content"] == "Two pumps" and update["id"] != create["id"]
    assert delete["object"] == {"id": note_id, "type": "Tombstone", "formerType": "Note"}
    assert delete["actor"] == f"{PUBLIC_URL}/@alice"


def test_a_reply_to_a_remote_comment_reaches_its_author(
    instance: TestClient, mallory: RemoteActor, book_club: dict[str, Any]
) -> None:
    send(instance, mallory, activity(mallory, "Create", note(mallory, 1, book_club["url"], "<p>Is it free?</p>")))
    bob = sign_up(instance, "bob@example.org", "bob")
    [theirs] = threads(instance, book_club["uuid"])
    reply = comment(instance, bob, book_club["uuid"], "Yes, it is", in_reply_to=theirs["uuid"])
    [create] = wait_for(lambda: sent_notes(mallory))
    assert create["object"]["id"] == f"{PUBLIC_URL}/comments/{reply['uuid']}"
    assert create["object"]["inReplyTo"] == mallory.server.url("/notes/1")
    assert create["object"]["context"] == book_club["url"]
    assert create["object"]["to"] == [PUBLIC, f"{PUBLIC_URL}/@alice", mallory.id]


def test_comments_on_our_events_reach_the_organisers_followers_but_private_ones_stay_here(
    instance: TestClient, mallory: RemoteActor, alice: dict[str, str], book_club: dict[str, Any]
) -> None:
    followed_by(instance, mallory)
    bob = sign_up(instance, "bob@example.org", "bob")
    private = new_event(instance, alice, title="Family dinner", visibility="private")
    assert instance.post(f"/api/v1/events/{private['uuid']}/comments", json={"text": "Hidden"},
                         headers=alice).status_code == 201
    queued = [row.payload["activity"]["type"] for row in outbox_rows(instance, "ap_deliver")]
    assert queued == ["Accept"], "the private comment (and its event) queued nothing"
    comment(instance, bob, book_club["uuid"], "See you there")
    [create] = wait_for(lambda: sent_notes(mallory))
    assert create["actor"] == f"{PUBLIC_URL}/@bob" and create["object"]["content"] == "See you there"
    assert create["object"]["inReplyTo"] == book_club["url"]


def test_a_local_comment_is_a_note_at_its_url_then_a_tombstone(
    instance: TestClient, alice: dict[str, str], book_club: dict[str, Any]
) -> None:
    mine = comment(instance, alice, book_club["uuid"], "<p>Chapter 3 for next time</p>")
    url = f"/comments/{mine['uuid']}"
    r = instance.get(url, headers=AP)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/activity+json")
    assert r.json()["id"] == f"{PUBLIC_URL}{url}" and r.json()["type"] == "Note"
    assert r.json()["inReplyTo"] == book_club["url"] and r.json()["content"] == "<p>Chapter 3 for next time</p>"
    page = instance.get(url, headers={"Accept": "text/html"}, follow_redirects=False)
    assert page.status_code in (302, 303, 307) and page.headers["location"] == (
        f"/events/{book_club['uuid']}#c-{mine['uuid']}")
    replies = instance.get(f"/events/{book_club['uuid']}/replies", headers=AP).json()
    assert instance.get(book_club["url"].removeprefix(PUBLIC_URL), headers=AP).json()["replies"] == replies["id"]
    assert replies["totalItems"] == 1 and replies["orderedItems"] == [f"{PUBLIC_URL}{url}"]

    assert instance.delete(f"/api/v1/events/{book_club['uuid']}/comments/{mine['uuid']}",
                           headers=alice).status_code == 204
    gone = instance.get(url, headers=AP)
    assert gone.status_code == 410 and gone.json()["type"] == "Tombstone" and gone.json()["formerType"] == "Note"
    assert instance.get(f"/events/{book_club['uuid']}/replies", headers=AP).json()["totalItems"] == 0


def test_comments_on_private_events_have_no_public_url(
    instance: TestClient, alice: dict[str, str]
) -> None:
    private = new_event(instance, alice, visibility="private")
    mine = comment(instance, alice, private["uuid"], "Hidden")
    for accept in (AP, {"Accept": "text/html"}):
        assert instance.get(f"/comments/{mine['uuid']}", headers=accept, follow_redirects=False).status_code == 404
    assert instance.get(f"/events/{private['uuid']}/replies", headers=AP).status_code == 404
    assert instance.get("/comments/not-a-uuid", headers=AP).status_code == 404
