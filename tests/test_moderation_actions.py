"""Our moderation plugin's actions, through its API: each one's full loop (the content gone for
others and back, the log line and its reversal, the person told by mail in their language),
and who may act."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from litestar.testing import TestClient

from core.app import create_app
from core.settings import DEFAULT_PLUGINS
from email_fixtures import FROM
from helpers import future, make_settings, new_event, outbox_rows, sign_up, wait_for
from plugins.moderation.models import ModerationAction
from smtp_fixtures import parts, smtp_server
from testkit import moderator, rows, viewer_of

ACTIONS = "/api/v1/admin/actions"


@contextmanager
def moderated(data_dir: Path, smtp_port: int | None = None, **config: Any) -> Iterator[TestClient]:
    """An instance with the default plugins (ours among them) configured by ``config``, mailing
    through the SMTP server on ``smtp_port`` when one is given."""
    plugins: dict[str, Any] = {"enabled": [*DEFAULT_PLUGINS], "moderation": config}
    if smtp_port is not None:
        plugins["enabled"].append("email")
        plugins["email"] = {"smtp_host": "127.0.0.1", "smtp_port": smtp_port, "from_address": FROM}
    app = create_app(make_settings(data_dir, plugins=plugins))
    with TestClient(app, base_url="http://testserver.local") as client:
        yield client


def act(client: TestClient, headers: dict[str, str], action: str, target: Any, **more: Any):  # noqa: ANN201
    return client.post(ACTIONS, headers=headers, json={"action": action, "target": target, **more})


def log(client: TestClient) -> list[tuple[str, str, int | None, bool]]:
    """The log as (action, target kind, the line it reverses, whether it was reversed), oldest first."""
    return [(line.action, line.target_kind, line.reverses_id, line.reversed_at is not None)
            for line in rows(client, ModerationAction)]


def decisions(client: TestClient) -> list[dict[str, Any]]:
    return [row.payload for row in outbox_rows(client, "notification") if row.payload["kind"] == "moderation_decision"]


def test_hiding_an_event_hides_it_from_everyone_but_its_organiser_until_the_hiding_is_undone(data_dir):
    with moderated(data_dir) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        bob = sign_up(client, "bob@example.org", "bob")
        event = new_event(client, alice, title="Garden party")
        mona = moderator(client, "mona@example.org", "mona")
        url = f"/api/v1/events/{event['uuid']}"

        hidden = act(client, mona, "hide", f"http://testserver.local/events/{event['uuid']}", reason="spam links")
        assert hidden.status_code == 201, hidden.text
        line = hidden.json()
        assert (line["action"], line["target_ref"], line["target_label"], line["reason"]) == (
            "event.hold", event["uuid"], "Garden party", "spam links")
        assert client.get(url, headers=bob).status_code == 404
        assert client.get(url).status_code == 404 and client.get("/api/v1/events").json()["total"] == 0
        assert client.get(url, headers=alice).json()["review"]["reasons"] == ["spam links"]

        undone = client.post(f"{ACTIONS}/{line['id']}/reverse", headers=mona, json={"reason": "a mistake"})
        assert undone.status_code == 201, undone.text
        assert (undone.json()["action"], undone.json()["reverses"]) == ("event.release", line["id"])
        assert client.get(url, headers=bob).status_code == 200
        assert log(client) == [("event.hold", "event", None, True), ("event.release", "event", line["id"], False)]
        again = client.post(f"{ACTIONS}/{line['id']}/reverse", headers=mona, json={})
        assert again.status_code == 409 and len(log(client)) == 2


def commented(client: TestClient, text: str) -> tuple[Any, ...]:
    """Bob comments ``text`` on Alice's event; Mona moderates: their headers, the event and the comment."""
    alice = sign_up(client, "alice@example.org", "alice")
    bob = sign_up(client, "bob@example.org", "bob")
    event = new_event(client, alice)
    comment = client.post(f"/api/v1/events/{event['uuid']}/comments", headers=bob, json={"text": text}).json()
    return alice, bob, moderator(client, "mona@example.org", "mona"), event, comment


def test_a_deleted_comment_is_gone_for_good_and_its_deletion_cannot_be_undone(data_dir):
    with moderated(data_dir) as client:
        alice, bob, mona, event, comment = commented(client, "Buy cheap watches")
        comments = f"/api/v1/events/{event['uuid']}/comments"

        deleted = act(client, mona, "delete", f"/events/{event['uuid']}#c-{comment['uuid']}", reason="spam")
        assert deleted.status_code == 201, deleted.text
        assert [c["text"] for c in client.get(comments).json() if c["text"]] == []
        assert client.post(f"{ACTIONS}/{deleted.json()['id']}/reverse", headers=mona, json={}).status_code == 409
        assert log(client) == [("comment.delete", "comment", None, False)]


def test_a_hidden_comment_is_shown_to_its_author_alone_and_a_release_undoes_the_hiding(data_dir):
    with moderated(data_dir) as client:
        alice, bob, mona, event, comment = commented(client, "Rude words")
        comments = f"/api/v1/events/{event['uuid']}/comments"

        assert act(client, mona, "hide", f"/comments/{comment['uuid']}").status_code == 201
        assert client.get(comments, headers=alice).json() == []
        assert [c["text"] for c in client.get(comments, headers=bob).json()] == ["Rude words"]
        released = act(client, mona, "release", f"/comments/{comment['uuid']}")
        assert released.status_code == 201
        assert [c["text"] for c in client.get(comments, headers=alice).json()] == ["Rude words"]
        first = rows(client, ModerationAction)[0].id
        assert log(client) == [("comment.hold", "comment", None, True), ("comment.release", "comment", first, False)]


def test_a_suspended_account_cannot_act_and_its_profiles_content_disappears_until_unsuspended(data_dir):
    with moderated(data_dir) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        assert client.post("/api/v1/identities", headers=alice, json={"username": "alice_sings"}).status_code == 201
        event = new_event(client, alice, title="Choir night")
        bob = sign_up(client, "bob@example.org", "bob")
        mona = moderator(client, "mona@example.org", "mona")
        before = client.get("/api/v1/account", headers=alice).json()
        suspended = act(client, mona, "suspend", str(_account_id(client, "alice@example.org")), reason="harassment")
        assert suspended.status_code == 201, suspended.text

        assert client.get(f"/api/v1/events/{event['uuid']}", headers=bob).status_code == 404
        assert client.get("/@alice").status_code == 404 and client.get("/@alice_sings").status_code == 404
        refused = client.post("/api/v1/events", headers=alice, json={"title": "More", "begins_at": future()})
        assert refused.status_code == 403 and refused.json()["detail"] == "this identity is suspended by the moderators"
        assert client.get("/api/v1/account", headers=alice).json() == before, "it still logs in"

        undone = client.post(f"{ACTIONS}/{suspended.json()['id']}/reverse", headers=mona, json={})
        assert undone.status_code == 201 and undone.json()["action"] == "account.unsuspend"
        assert client.get(f"/api/v1/events/{event['uuid']}", headers=bob).status_code == 200
        assert log(client) == [("account.suspend", "account", None, True),
                               ("account.unsuspend", "account", suspended.json()["id"], False)]


def _account_id(client: TestClient, email: str) -> int:
    account = viewer_of(client, email).account
    assert account is not None
    return account.id


def test_a_suspended_identity_is_unsuspended_by_its_address(data_dir):
    with moderated(data_dir) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        mona = moderator(client, "mona@example.org", "mona")
        assert act(client, mona, "suspend", "/@alice").status_code == 201
        assert client.post("/api/v1/events", headers=alice, json={"title": "x", "begins_at": future()}).status_code == 403
        assert act(client, mona, "suspend", "/@alice").status_code == 409, "already suspended"
        assert act(client, mona, "unsuspend", "/@alice").status_code == 201
        assert client.get("/@alice").status_code == 200
        assert [line[:2] for line in log(client)] == [("identity.suspend", "identity"), ("identity.unsuspend", "identity")]
        assert log(client)[0][3], "the unsuspension undid the suspension"


def test_the_reported_person_is_told_by_mail_in_their_language_unless_the_moderator_unticks_it(data_dir):
    with smtp_server() as (controller, server), moderated(data_dir, controller.port) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        assert client.patch("/api/v1/account", headers=alice, json={"locale": "fr"}).status_code == 200
        event = new_event(client, alice, title="Fête du jardin")
        mona = moderator(client, "mona@example.org", "mona")

        assert act(client, mona, "hide", f"/events/{event['uuid']}", reason="pourriel", tell=False).status_code == 201
        assert decisions(client) == []
        line = client.get(ACTIONS, headers=mona).json()["items"][0]
        assert client.post(f"{ACTIONS}/{line['id']}/reverse", headers=mona, json={"tell": False}).status_code == 201
        assert act(client, mona, "warn", "/@alice", reason="Soyez aimable").status_code == 201
        mail = wait_for(lambda: [m for m in server.messages if m["To"] == "alice@example.org"
                                 and "modération" in m["Subject"]])[0]
        text = parts(mail)["text/plain"]
        assert "L’équipe de modération avertit votre profil alice." in text
        assert "Soyez aimable" in text and "mona" not in text
        assert act(client, mona, "hide", f"/events/{event['uuid']}", reason="pourriel").status_code == 201
        hidden = wait_for(lambda: [m for m in server.messages if "a masqué votre événement" in parts(m)["text/plain"]])
        assert "La raison donnée\u00a0: pourriel" in parts(hidden[0])["text/plain"]
        assert len(decisions(client)) == 2, "the unticked hiding and undoing told nothing"


def test_nothing_is_told_where_the_instance_does_not_tell(data_dir):
    with smtp_server() as (controller, _), moderated(data_dir, controller.port, tell_reported=False) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        event = new_event(client, alice)
        mona = moderator(client, "mona@example.org", "mona")
        assert act(client, mona, "hide", f"/events/{event['uuid']}", reason="spam").status_code == 201
        assert decisions(client) == []


def test_only_staff_act_and_read_the_log(data_dir):
    with moderated(data_dir) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        bob = sign_up(client, "bob@example.org", "bob")
        event = new_event(client, alice)
        mona = moderator(client, "mona@example.org", "mona")
        line = act(client, mona, "hide", f"/events/{event['uuid']}").json()
        for headers, status in ((bob, 403), ({}, 401)):
            assert act(client, headers, "delete", f"/events/{event['uuid']}").status_code == status
            assert client.get(ACTIONS, headers=headers).status_code == status
            assert client.post(f"{ACTIONS}/{line['id']}/reverse", headers=headers, json={}).status_code == status
        assert len(log(client)) == 1 and client.get(f"/api/v1/events/{event['uuid']}", headers=alice).status_code == 200


def test_bad_input_is_a_clear_422_and_writes_nothing(data_dir):
    with moderated(data_dir) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        event = new_event(client, alice)
        mona = moderator(client, "mona@example.org", "mona")
        for action, target, more, field in (
            ("warn", f"/events/{event['uuid']}", {}, "action"),
            ("hide", "https://elsewhere.example/events/" + event["uuid"], {}, "target"),
            ("hide", "/events/not-a-uuid", {}, "target"),
            ("suspend", "/@nobody", {}, "target"),
            ("hide", f"/events/{event['uuid']}", {"report": 999}, "report"),
        ):
            refused = act(client, mona, action, target, **more)
            assert refused.status_code == 422, refused.text
            assert [e["field"] for e in refused.json()["errors"]] == [field]
        assert act(client, mona, "hide", f"/events/{event['uuid']}", reason="x" * 2001).status_code == 400
        assert act(client, mona, "ban", f"/events/{event['uuid']}").status_code == 400
        assert log(client) == []
        assert client.get(ACTIONS, headers=mona, params={"action": "no such"}).status_code == 422
        assert act(client, mona, "suspend", "/@mona").status_code == 403, "not oneself"


def test_the_log_filters_by_action_target_and_moderator_a_page_at_a_time(data_dir):
    with moderated(data_dir) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        first, second = new_event(client, alice, title="One"), new_event(client, alice, title="Two")
        mona = moderator(client, "mona@example.org", "mona")
        assert act(client, mona, "hide", f"/events/{first['uuid']}").status_code == 201
        assert act(client, mona, "warn", "/@alice").status_code == 201
        assert act(client, mona, "delete", f"/events/{second['uuid']}").status_code == 201

        def labels(**params: Any) -> list[str]:
            answer = client.get(ACTIONS, headers=mona, params=params)
            assert answer.status_code == 200, answer.text
            return [line["target_label"] for line in answer.json()["items"]]

        assert labels() == ["Two", "alice", "One"]
        assert labels(action="event.hold") == ["One"]
        assert labels(target=f"http://testserver.local/events/{second['uuid']}") == ["Two"], "deleted, still found"
        assert labels(target="/@alice") == ["alice"]
        assert labels(moderator=_account_id(client, "mona@example.org")) == ["Two", "alice", "One"]
        assert labels(moderator=_account_id(client, "alice@example.org")) == []
        page = client.get(ACTIONS, headers=mona, params={"per_page": 2, "page": 2}).json()
        assert (page["total"], [line["target_label"] for line in page["items"]]) == (3, ["One"])
