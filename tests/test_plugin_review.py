"""Holding for review, decided by plugins that are not ours: a new account's event waits for a
moderator, who releases it from its page; a sign-up from a reviewed domain waits for approval."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.accounts.models import Account
from core.accounts.service import approve_account
from core.context import Ctx
from core.errors import Forbidden
from helpers import link_sent_to, new_event, outbox_rows, sign_up, token_of, wait_for
from testkit import in_transaction, instance, log_lines, moderator, viewer_of, web_log_in
from webhelpers import csrf_token, log_in, second_browser

NOTICE = "This event waits for a moderator's review"
WHY = "events of new accounts are shown once a moderator has looked at them"
REVIEWING = {"testkit_policy": {"hold_accounts_younger_than_hours": 24}}


def published_uuids(client) -> list[str]:
    """Events the policy heard published (its lifecycle hook writes an outbox row for each)."""
    return [row.payload["uuid"] for row in outbox_rows(client, "testkit_policy.published")]


def approve(client, email: str, by: str) -> int:
    """``by`` approves the held account of ``email`` (through the core's service); returns its id."""

    async def work(ctx: Ctx) -> int:
        account = await ctx.session.scalar(select(Account).where(Account.email == email))
        await approve_account(ctx, account)
        return account.id

    return in_transaction(client, work, viewer_of(client, by))


def test_a_new_accounts_event_waits_until_a_moderator_releases_it_from_its_page(data_dir):
    with instance(data_dir, "testkit_policy", "testkit_moderation", **REVIEWING) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        bob = sign_up(client, "bob@example.org", "bob")
        event = new_event(client, alice, title="Choir rehearsal")
        url = f"/events/{event['uuid']}"
        assert event["review"]["reasons"] == [WHY]

        assert client.get(url).status_code == 404, "visitors do not see it"
        assert client.get(f"/api/v1/events/{event['uuid']}", headers=bob).status_code == 404
        assert client.get("/api/v1/events").json()["total"] == 0
        log_in(client, "alice@example.org")
        own = client.get(url)
        assert own.status_code == 200 and NOTICE in own.text and WHY in own.text, "its organiser sees it, held"
        assert event["uuid"] not in published_uuids(client)

        moderator(client, "mona@example.org", "mona")
        mona = second_browser(client)
        web_log_in(mona, "mona@example.org")
        page = mona.get(url).text
        assert f'action="/testkit/events/{event["uuid"]}/release"' in page and csrf_token(page)
        released = mona.post(f"/testkit/events/{event['uuid']}/release", data={"_csrf_token": csrf_token(page)})
        assert released.status_code == 200 and NOTICE not in released.text

        client.cookies.clear()
        assert client.get(url).status_code == 200
        assert client.get("/api/v1/events").json()["total"] == 1
        assert published_uuids(client) == [event["uuid"]], "convene_event_published fired at the release"
        # the worker ran the policy's job for it (reading the plugin's config there)
        wait_for(lambda: [row.state for row in outbox_rows(client, "testkit_policy.published")] == ["done"])
        assert log_lines(client) == [("event.release", f"event {event['uuid']}")]


def test_without_a_moderators_grant_nobody_releases_a_held_event(data_dir):
    with instance(data_dir, "testkit_policy", **REVIEWING) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        event = new_event(client, alice, title="Choir rehearsal")
        moderator(client, "mona@example.org", "mona")
        web_log_in(client, "mona@example.org")
        assert client.get(f"/events/{event['uuid']}").status_code == 404, "no plugin lets mona see it"


def test_a_sign_up_held_for_review_logs_in_once_a_moderator_approved_it(data_dir):
    with instance(data_dir, "testkit_policy", "testkit_moderation",
                  testkit_policy={"review_sign_ups_from": ["example.net"]}) as client:
        sign_up(client, "alice@example.org", "alice")  # another domain: no review
        r = client.post("/api/v1/accounts", json={"email": "carol@example.net", "password": "correct horse",
                                                  "username": "carol"})
        assert r.status_code == 201, r.text
        confirmed = client.post("/api/v1/accounts/confirm",
                                json={"token": token_of(link_sent_to(client, "carol@example.net", "confirm_email"))})
        assert confirmed.status_code == 200
        login = {"email": "carol@example.net", "password": "correct horse"}
        refused = client.post("/api/v1/auth/token", json=login)
        assert refused.status_code == 403 and "approval" in refused.json()["detail"]

        moderator(client, "mona@example.org", "mona")
        with pytest.raises(Forbidden):
            approve(client, "carol@example.net", by="alice@example.org")
        assert client.post("/api/v1/auth/token", json=login).status_code == 403

        carol = approve(client, "carol@example.net", by="mona@example.org")
        assert client.post("/api/v1/auth/token", json=login).status_code == 201
        assert link_sent_to(client, "carol@example.net", "account_approved") == "http://testserver.local/login"
        assert log_lines(client) == [("account.approve", f"account {carol}")]
