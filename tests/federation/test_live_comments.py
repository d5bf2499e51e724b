"""Comments between Convene and other servers, over real HTTP on loopback.

Fedify (third-party, tests/peers/fedify) stands in for Mastodon: it replies to a
Convene event as a Mastodon user would, and receives the reply to its comment. Two
Convene instances then hold one conversation: a comment on the copy of an event
reaches the organiser's instance, and the organiser's answer comes back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from helpers import future, wait_for
from live_fixtures import live_instance, member, two_instances
from test_live_follows import fedify_inbox, needs_fedify, of_type

EVENT = {"title": "Picnic", "begins_at": future(hour=12), "timezone": "Europe/Paris", "publish": True}
HTML = {"Accept": "text/html"}


def threads(base: str, event_uuid: str) -> list[dict[str, Any]]:
    return httpx.get(f"{base}/api/v1/events/{event_uuid}/comments").json()


def post_comment(base: str, headers: dict[str, str], event_uuid: str, text: str, **fields: Any) -> dict[str, Any]:
    r = httpx.post(f"{base}/api/v1/events/{event_uuid}/comments", json={"text": text, **fields}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


@needs_fedify
def test_a_fedify_reply_shows_under_our_event_and_our_answer_reaches_it_signed(fedify: str, data_dir: Path) -> None:
    with live_instance(data_dir) as app:
        url = app.state.settings.public_url
        alice = member(app, "alice@example.org", "alice")
        event = httpx.post(f"{url}/api/v1/events", json=EVENT, headers=alice).json()
        sent = httpx.post(fedify + "/_control/reply", json={"inReplyTo": event["url"], "content": "<p>Count me in</p>"},
                          timeout=20)
        assert sent.status_code == 200, sent.text
        [theirs] = wait_for(lambda: threads(url, event["uuid"]), timeout=20)
        assert theirs["text"] == "<p>Count me in</p>"
        assert theirs["author"]["handle"] == f"bob@{fedify.removeprefix('http://')}"
        page = httpx.get(f"{url}/events/{event['uuid']}", headers=HTML)
        assert "Count me in" in page.text and theirs["author"]["handle"] in page.text

        answer = post_comment(url, alice, event["uuid"], "Great, bring a blanket", in_reply_to=theirs["uuid"])
        [create] = wait_for(lambda: of_type(fedify_inbox(fedify), "Create"), timeout=20)
        note = create["object"]
        assert create["actor"] == f"{url}/@alice" and note["attributedTo"] == f"{url}/@alice"
        assert note["id"] == f"{url}/comments/{answer['uuid']}" and note["inReplyTo"] == sent.json()["id"]
        assert note["content"] == "Great, bring a blanket"
        # Fedify records only what it verified: the same Create unsigned is refused and not recorded
        forged = {**create, "id": create["id"] + "-forged"}
        refused = httpx.post(fedify + "/users/bob/inbox", json=forged, headers={"Content-Type": "application/activity+json"})
        assert refused.status_code == 401
        assert [a["id"] for a in of_type(fedify_inbox(fedify), "Create")] == [create["id"]]


def test_a_comment_on_a_copy_reaches_the_organisers_instance_and_the_answer_comes_back(
    data_dir: Path, tmp_path: Path
) -> None:
    with two_instances(data_dir, tmp_path / "other-instance") as (first, second):
        first_url, second_url = first.state.settings.public_url, second.state.settings.public_url
        alice = member(first, "alice@example.org", "alice")
        bob = member(second, "bob@example.org", "bob")
        event = httpx.post(f"{first_url}/api/v1/events", json=EVENT, headers=alice).json()
        copy = httpx.get(f"{second_url}/api/v1/search", params={"q": event["url"]}, headers=bob, timeout=20).json()

        question = post_comment(second_url, bob, copy["uuid"], "Can I bring my dog?")
        [arrived] = wait_for(lambda: threads(first_url, event["uuid"]), timeout=20)
        assert arrived["text"] == "Can I bring my dog?"
        assert arrived["author"]["handle"] == f"bob@{second_url.removeprefix('http://')}"
        assert "Can I bring my dog?" in httpx.get(f"{first_url}/events/{event['uuid']}", headers=HTML).text

        post_comment(first_url, alice, event["uuid"], "Of course!", in_reply_to=arrived["uuid"])
        [thread] = wait_for(lambda: [t for t in threads(second_url, copy["uuid"]) if t["replies"]], timeout=20)
        assert thread["uuid"] == question["uuid"]
        assert [(r["text"], r["author"]["handle"]) for r in thread["replies"]] == [
            ("Of course!", f"alice@{first_url.removeprefix('http://')}")]

        edited = httpx.patch(f"{second_url}/api/v1/events/{copy['uuid']}/comments/{question['uuid']}",
                             json={"text": "Can I bring my two dogs?"}, headers=bob)
        assert edited.status_code == 200, edited.text
        wait_for(lambda: threads(first_url, event["uuid"])[0]["text"] == "Can I bring my two dogs?", timeout=20)
        deleted = httpx.delete(f"{second_url}/api/v1/events/{copy['uuid']}/comments/{question['uuid']}", headers=bob)
        assert deleted.status_code == 204, deleted.text
        wait_for(lambda: threads(first_url, event["uuid"])[0]["deleted"], timeout=20)
        assert threads(first_url, event["uuid"])[0]["replies"][0]["text"] == "Of course!", "the answer stays"
