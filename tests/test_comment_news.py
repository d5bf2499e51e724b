"""Mail about comments: the organiser hears of a new comment, an author of a reply, through the
real email plugin and an SMTP server on loopback; nobody hears of their own words, a topic turned
off stops them, and a comment held for review is news only once a moderator releases it."""

from __future__ import annotations

import pytest

from core.comments import service
from core.notifications.preferences import set_preferences
from email_fixtures import mailing_instance, notifications, retry_now
from helpers import new_event, sign_up, wait_for
from smtp_fixtures import parts, smtp_server
from test_comment_review import LinksWaitForReview, as_
from testkit import in_transaction, moderator, viewer_of

ALICE, BOB, CAROL = "alice@example.org", "bob@example.org", "carol@example.org"


@pytest.fixture
def people(data_dir):
    with smtp_server() as (controller, server), mailing_instance(data_dir, controller.port) as client:
        alice, bob, carol = (sign_up(client, email, name) for email, name in
                             ((ALICE, "alice"), (BOB, "bob"), (CAROL, "carol")))
        r = client.patch("/api/v1/identities/bob", headers=bob, json={"display_name": "Bob Brown"})
        assert r.status_code == 200, r.text
        event = new_event(client, alice, title="Garden party")
        yield client, server, alice, bob, carol, f"/api/v1/events/{event['uuid']}/comments"


def comment(client, url: str, headers: dict[str, str], text: str, reply_to: str | None = None) -> str:  # noqa: ANN001
    r = client.post(url, headers=headers, json={"text": text, "in_reply_to": reply_to})
    assert r.status_code == 201, r.text
    return r.json()["uuid"]


def news_to(client, email: str) -> list[str]:  # noqa: ANN001
    """The kinds of comment news written for ``email`` (written in the request's transaction, so known at once)."""
    return [row.payload["kind"] for row in notifications(client)
            if row.payload["to_email"] == email and row.payload["kind"].startswith("comment_")]


def mail_to(server, email: str, subject_part: str):  # noqa: ANN001, ANN201
    found = wait_for(lambda: [m for m in server.messages if m["To"] == email and subject_part in m["Subject"]])
    assert len(found) == 1, [m["Subject"] for m in found]
    return found[0]


def test_the_organiser_gets_a_mail_naming_the_commenter_the_event_an_excerpt_and_the_link(people):
    client, server, alice, bob, carol, url = people
    uuid = comment(client, url, bob, "<p>Shall I bring <strong>cake</strong> &amp; tea?</p>")
    mail = mail_to(server, ALICE, "Garden party")
    assert mail["Subject"] == "New comment on Garden party"
    text = parts(mail)["text/plain"]
    assert "Bob Brown (@bob@testserver.local) commented on your event Garden party:" in text
    assert "Shall I bring cake & tea?" in text and "<strong>" not in text
    assert f"http://testserver.local/events/{url.split('/')[4]}#c-{uuid}" in text
    assert "bob@example.org" not in mail.as_string(), "the commenter's address is never shown"
    assert news_to(client, BOB) == [] and news_to(client, CAROL) == []


def test_a_reply_goes_to_the_author_answered_and_the_organiser_once_each(people):
    client, server, alice, bob, carol, url = people
    first = comment(client, url, bob, "Is there parking?")
    comment(client, url, carol, "Yes, behind the hall.", reply_to=first)
    mail = mail_to(server, BOB, "replied")
    assert mail["Subject"] == "carol replied to your comment on Garden party"
    assert "Yes, behind the hall." in parts(mail)["text/plain"]
    assert news_to(client, BOB) == ["comment_replies"]
    assert news_to(client, ALICE) == ["comment_comments", "comment_comments"]


def test_the_organiser_answered_on_their_event_gets_one_message_and_nobody_hears_of_their_own_words(people):
    client, server, alice, bob, carol, url = people
    mine = comment(client, url, alice, "Bring chairs if you can.")
    comment(client, url, alice, "And a blanket.", reply_to=mine)
    assert news_to(client, ALICE) == [], "the organiser's own comments and replies to themself are no news"
    comment(client, url, bob, "I will!", reply_to=mine)
    assert news_to(client, ALICE) == ["comment_replies"], "one message, not a reply and a new comment"
    assert news_to(client, BOB) == []
    mail_to(server, ALICE, "Bob Brown replied to your comment")


def test_a_topic_turned_off_stops_the_mail(people):
    client, server, alice, bob, carol, url = people

    async def silence(ctx) -> None:  # noqa: ANN001
        await set_preferences(ctx, ctx.viewer.identity, {"comments": "off"})

    in_transaction(client, silence, viewer_of(client, ALICE))
    comment(client, url, bob, "First!")
    first = comment(client, url, carol, "Second.")
    comment(client, url, bob, "Welcome, carol", reply_to=first)
    mail_to(server, CAROL, "Bob Brown replied")  # the news that goes still arrives
    wait_for(lambda: all(row.state == "done" for row in notifications(client)))
    assert not [m for m in server.messages if m["To"] == ALICE and "comment" in m["Subject"]]


def test_a_held_comment_is_news_only_once_released(people):
    client, server, alice, bob, carol, url = people
    client.app.state.pm.register(LinksWaitForReview())
    comment(client, url, bob, "<p>Directions: https://example.org/map</p>")
    assert news_to(client, ALICE) == [], "a comment nobody sees is no news"
    moderator(client, "mona@example.org", "mona")
    as_(client, "mona@example.org", service.release_comment)
    assert news_to(client, ALICE) == ["comment_comments"]
    retry_now(client)  # written outside a request: the sweeper hands it to the worker
    assert "Directions: https://example.org/map" in parts(mail_to(server, ALICE, "New comment"))["text/plain"]
