"""Moderation by a plugin that is not ours (testkit_moderation): suspensions, and moderator
powers the core asks for and the plugin grants, each action logged."""

from __future__ import annotations

from helpers import future, new_event, sign_up
from testkit import instance, log_lines, moderator, viewer_of, web_log_in
from webhelpers import second_browser, submit

SUSPENDED = "this identity is suspended by the moderators"


def test_a_suspended_identity_cannot_act_and_its_events_comments_and_profile_disappear(data_dir):
    with instance(data_dir, "testkit_moderation") as client:
        alice = sign_up(client, "alice@example.org", "alice")
        bob = sign_up(client, "bob@example.org", "bob")
        party = new_event(client, alice, title="Garden party")
        bobs = new_event(client, bob, title="Bob's quiz night")
        comments = f"/api/v1/events/{party['uuid']}/comments"
        assert client.post(comments, headers=bob, json={"text": "Lovely"}).status_code == 201
        assert client.post(comments, headers=alice, json={"text": "Welcome"}).status_code == 201

        moderator(client, "mona@example.org", "mona")
        mona = second_browser(client)
        web_log_in(mona, "mona@example.org")
        assert submit(mona, "/@bob", "/testkit/identities/bob/suspend", {"reason": "spam"}).status_code == 200

        for refused in (
            client.post("/api/v1/events", headers=bob, json={"title": "Another quiz", "begins_at": future()}),
            client.post(f"/api/v1/events/{party['uuid']}/participations", headers=bob, json={}),
            client.post(comments, headers=bob, json={"text": "Still here"}),
        ):
            assert refused.status_code == 403 and refused.json()["detail"] == SUSPENDED
        assert [e["title"] for e in client.get("/api/v1/events").json()["items"]] == ["Garden party"]
        assert client.get(f"/api/v1/events/{bobs['uuid']}").status_code == 404
        assert client.get("/@bob").status_code == 404
        assert [c["text"] for c in client.get(comments).json()] == ["Welcome"]
        assert log_lines(client) == [("identity.suspend", f"identity {viewer_of(client, 'bob@example.org').identity.id}")]


def test_only_moderators_suspend(data_dir):
    with instance(data_dir, "testkit_moderation") as client:
        sign_up(client, "alice@example.org", "alice")
        sign_up(client, "bob@example.org", "bob")
        web_log_in(client, "alice@example.org")
        refused = submit(client, "/@bob", "/testkit/identities/bob/suspend", {"reason": "I do not like him"})
        assert refused.status_code == 403
        assert client.get("/@bob").status_code == 200 and log_lines(client) == []


def moderators_deletions(data_dir, *plugins: str) -> tuple[int, int, int, list[tuple[str, str]]]:
    """A moderator deletes someone else's comment and event through the API: both HTTP statuses,
    what became of the event, and the moderation log."""
    with instance(data_dir, *plugins) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        event = new_event(client, alice, title="Garden party")
        comments = f"/api/v1/events/{event['uuid']}/comments"
        comment = client.post(comments, headers=alice, json={"text": "Bring a hat"}).json()
        mona = moderator(client, "mona@example.org", "mona")
        comment_status = client.delete(f"{comments}/{comment['uuid']}", headers=mona).status_code
        event_status = client.delete(f"/api/v1/events/{event['uuid']}", headers=mona).status_code
        return comment_status, event_status, client.get(f"/events/{event['uuid']}").status_code, log_lines(client)


def test_a_moderator_deletes_what_is_not_theirs_only_when_the_plugin_grants_it(data_dir):
    comment, event, page, log = moderators_deletions(data_dir, "testkit_moderation")
    assert (comment, event, page) == (204, 204, 410)
    assert [action for action, _ in log] == ["comment.delete", "event.delete"]


def test_without_the_plugin_a_moderator_is_refused(data_dir):
    assert moderators_deletions(data_dir) == (403, 403, 200, [])
