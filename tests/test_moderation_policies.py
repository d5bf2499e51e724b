"""Our moderation plugin's deciding policies, set in ``[plugins.moderation]``: approval of new
accounts, holding new accounts' and chosen domains' content, refused words and link domains,
and per-identity rate limits; each with its reason, in the reader's language."""

from __future__ import annotations

from typing import Any

from core.comments.models import Comment
from core.comments.service import post_comment
from core.context import Ctx
from core.events.service import event_by_uuid
from core.i18n import loaded_message
from core.identities.models import Identity
from helpers import future, link_sent_to, new_event, sign_up, token_of
from test_moderation_actions import ACTIONS, act, moderated
from testkit import in_transaction, moderator, viewer_of, web_log_in
from webhelpers import submit

PASSWORD = "correct horse"


def test_a_new_account_waits_for_a_moderators_approval_and_is_told_why(data_dir):
    with moderated(data_dir, approve_accounts=True) as client:
        assert "you will be able to log in once a moderator has approved yours" in client.get("/signup").text
        mona = moderator(client, "mona@example.org", "mona")
        r = client.post("/api/v1/accounts", json={"email": "carol@example.org", "password": PASSWORD,
                                                  "username": "carol"})
        assert r.status_code == 201, r.text
        token = token_of(link_sent_to(client, "carol@example.org", "confirm_email"))
        assert client.post("/api/v1/accounts/confirm", json={"token": token}).status_code == 200
        login = {"email": "carol@example.org", "password": PASSWORD}
        refused = client.post("/api/v1/auth/token", json=login)
        assert refused.status_code == 403 and "approval" in refused.json()["detail"]

        account_id = str(viewer_of(client, "carol@example.org").account.id)
        approved = act(client, mona, "approve", account_id)
        assert approved.status_code == 201 and approved.json()["action"] == "account.approve"
        assert client.post("/api/v1/auth/token", json=login).status_code == 201
        assert act(client, mona, "approve", account_id).status_code == 409, "approved already"


def test_a_new_accounts_event_and_comment_wait_for_review_but_a_moderators_do_not(data_dir):
    with moderated(data_dir, hold_new_accounts_days=2) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        bob = sign_up(client, "bob@example.org", "bob")
        mona = moderator(client, "mona@example.org", "mona")
        event = new_event(client, alice, title="Choir night")
        assert event["review"]["reasons"] == ["what new accounts publish here waits for a moderator’s review"]
        assert client.get(f"/api/v1/events/{event['uuid']}", headers=bob).status_code == 404
        monas = new_event(client, mona, title="Welcome evening")
        assert monas["review"] is None
        comment = client.post(f"/api/v1/events/{monas['uuid']}/comments", headers=bob, json={"text": "Hello"})
        assert comment.status_code == 201
        assert client.get(f"/api/v1/events/{monas['uuid']}/comments", headers=alice).json() == []
        assert [c["text"] for c in client.get(f"/api/v1/events/{monas['uuid']}/comments", headers=bob).json()] == [
            "Hello"], "its author sees it"

        assert act(client, mona, "release", f"/events/{event['uuid']}").status_code == 201
        assert client.get(f"/api/v1/events/{event['uuid']}", headers=bob).status_code == 200
        assert act(client, mona, "release", f"/comments/{comment.json()['uuid']}").status_code == 201
        assert [c["text"] for c in client.get(f"/api/v1/events/{monas['uuid']}/comments").json()] == ["Hello"]
        lines = client.get(ACTIONS, headers=mona).json()["items"]
        assert [(line["action"], line["reverses"]) for line in lines] == [("comment.release", None),
                                                                          ("event.release", None)]


def remote_comment(client, event_uuid: str, domain: str, text: str) -> Comment:  # noqa: ANN001
    """A remote person's comment, as federation hands it to the core's service."""

    async def post(ctx: Ctx) -> Comment:
        author = Identity(username="eve", domain=domain)
        ctx.session.add(author)
        event = await event_by_uuid(ctx, event_uuid)
        return await post_comment(ctx.as_viewer(ctx.viewer), author, event, text)

    return in_transaction(client, post)


def test_comments_from_a_held_domain_and_its_subdomains_wait_for_review(data_dir):
    with moderated(data_dir, hold_domains=["spam.example"]) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        event = new_event(client, alice)
        held = remote_comment(client, event["uuid"], "eu.spam.example", "Great offer")
        assert held.held_at is not None
        assert [loaded_message(r) for r in held.held_reasons] == ["what comes from spam.example waits for a moderator’s review"]
        shown = remote_comment(client, event["uuid"], "friendly.example", "See you there")
        assert shown.held_at is None


def test_refused_words_and_link_domains_are_refused_naming_them_even_for_moderators(data_dir):
    with moderated(data_dir, refused_words=["casino"], refused_link_domains=["bad.example"]) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        mona = moderator(client, "mona@example.org", "mona")
        event = new_event(client, alice)
        comments = f"/api/v1/events/{event['uuid']}/comments"
        for headers in (alice, mona):
            refused = client.post(comments, headers=headers, json={"text": "Come to the CASINO!"})
            assert refused.status_code == 403
            assert refused.json()["detail"] == "the text contains “casino”, which this instance refuses"
        linked = client.post(comments, headers=alice, json={"text": "Tickets: https://www.bad.example/x"})
        assert linked.status_code == 403 and linked.json()["detail"] == "links to bad.example are refused here"
        titled = client.post("/api/v1/events", headers=alice, json={"title": "Casino night", "begins_at": future()})
        assert titled.status_code == 403
        fine = client.post(comments, headers=alice, json={"text": "Casinos are words within words: casinomania"})
        assert fine.status_code == 201, "words are refused whole: another word containing one is not it"


def test_a_refusal_is_shown_in_the_readers_language(data_dir):
    with moderated(data_dir, refused_words=["casino"]) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        event = new_event(client, alice)
        assert client.patch("/api/v1/account", headers=alice, json={"locale": "fr"}).status_code == 200
        web_log_in(client, "alice@example.org")
        page = submit(client, f"/events/{event['uuid']}", f"/events/{event['uuid']}/comments",
                      {"text": "Au casino ce soir"})
        assert "le texte contient « casino », que cette instance refuse" in page.text.replace("\u202f", " ").replace(
            "\xa0", " ")


def test_rate_limits_count_per_identity(data_dir):
    with moderated(data_dir, events_per_identity_per_day=2, comments_per_identity_per_hour=1) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        new_event(client, alice, title="One")
        event = new_event(client, alice, title="Two")
        refused = client.post("/api/v1/events", headers=alice, json={"title": "Three", "begins_at": future()})
        assert refused.status_code == 403
        assert refused.json()["detail"] == "this profile reached the instance’s limit of events a day (2): try again later"
        assert client.post("/api/v1/identities", headers=alice, json={"username": "alice_sings"}).status_code == 201
        other: dict[str, Any] = {"title": "Three", "begins_at": future(), "identity": "alice_sings"}
        assert client.post("/api/v1/events", headers=alice, json=other).status_code == 201, "another identity"

        comments = f"/api/v1/events/{event['uuid']}/comments"
        assert client.post(comments, headers=alice, json={"text": "First"}).status_code == 201
        second = client.post(comments, headers=alice, json={"text": "Second"})
        assert second.status_code == 403
        assert second.json()["detail"] == "this profile reached the instance’s limit of comments an hour (1): try again later"
        mona = moderator(client, "mona@example.org", "mona")
        for text in ("Moderators", "are not counted"):
            assert client.post(comments, headers=mona, json={"text": text}).status_code == 201
