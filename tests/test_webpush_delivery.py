"""Web Push delivers each notification for an account to the account's devices.

The test is the browser and the push service: it makes a subscription's keys, subscribes
through the API, and receives the instance's encrypted POST on a loopback HTTPS push
service; it checks the VAPID token with the instance's public key and decrypts the
message with the browser's private key (RFC 8291), as a browser would.
"""

from __future__ import annotations

import time

from sqlalchemy import select

from core.accounts.models import Account
from core.notifications import Notification, notify
from email_fixtures import retry_now
from helpers import outbox_rows, sign_up, wait_for
from push_fixtures import Browser, certified_push_service, pushing_instance, vapid_claims

SEND = "webpush.send"


def account_id(client, email: str) -> int:  # noqa: ANN001
    async def load() -> int:
        async with client.app.state.sessionmaker() as session:
            return (await session.scalars(select(Account.id).where(Account.email == email))).one()

    with client.portal() as portal:
        return portal.call(load)


def notify_account(client, account: int | None, text: str = "Ann accepted you.", link: str = "") -> None:  # noqa: ANN001
    notification = Notification(kind="participation_approved", to_email="bob@example.org", subject="You are in",
                                text=text, link=link or "http://testserver.local/events/1", account_id=account)
    tasks = client.app.state.tasks
    tasks.run_coroutine(tasks.in_transaction(lambda ctx: notify(ctx.session, notification)))


def subscribed(client, browser: Browser, endpoint: str) -> dict[str, str]:  # noqa: ANN001
    headers = sign_up(client, "bob@example.org", "bob")
    r = client.post("/api/v1/me/push-subscriptions", json=browser.subscription(endpoint), headers=headers)
    assert r.status_code == 201, r.text
    return headers


def test_a_notification_arrives_encrypted_and_signed_and_the_browser_reads_it(data_dir, tmp_path):
    browser = Browser()
    with certified_push_service(tmp_path) as (service, ca_file), pushing_instance(data_dir, ca_file) as client:
        headers = subscribed(client, browser, service.endpoint())
        notify_account(client, account_id(client, "bob@example.org"))
        wait_for(lambda: service.received)
        push = service.received[0]
        assert push.path == "/push/device-1"
        assert push.headers["content-encoding"] == "aes128gcm"
        assert push.headers["ttl"] == "86400" and push.headers["urgency"] == "normal"
        instance_key = client.get("/api/v1/push/key").json()["public_key"]
        claims = vapid_claims(push, instance_key)
        assert claims["aud"] == f"https://127.0.0.1:{service.port}"
        assert claims["sub"] == "http://testserver.local"  # no contact address configured: the public URL
        assert time.time() < claims["exp"] <= time.time() + 24 * 3600
        assert browser.read(push) == {"title": "You are in", "body": "Ann accepted you.",
                                      "url": "http://testserver.local/events/1", "kind": "participation_approved"}
        wait_for(lambda: [row.state for row in outbox_rows(client, SEND)] == ["done"])
        [device] = client.get("/api/v1/me/push-subscriptions", headers=headers).json()
        assert device["service"] == f"https://127.0.0.1:{service.port}" and device["last_success_at"]
        assert "endpoint" not in device


def test_each_device_gets_its_own_row_and_a_long_text_is_cut_to_fit(data_dir, tmp_path):
    phone, laptop = Browser(), Browser()
    with certified_push_service(tmp_path) as (service, ca_file), pushing_instance(data_dir, ca_file) as client:
        headers = subscribed(client, phone, service.endpoint("phone"))
        r = client.post("/api/v1/me/push-subscriptions", json=laptop.subscription(service.endpoint("laptop")),
                        headers=headers)
        assert r.status_code == 201, r.text
        notify_account(client, account_id(client, "bob@example.org"), text="é" * 5000)
        wait_for(lambda: len(service.received) == 2)
        assert len(outbox_rows(client, SEND)) == 2
        by_path = {push.path: push for push in service.received}
        for browser, path in ((phone, "/push/phone"), (laptop, "/push/laptop")):
            message = browser.read(by_path[path])
            assert message["body"].endswith("…") and set(message["body"][:-1]) == {"é"}
            assert len(by_path[path].body) <= 4096
        assert len(message["body"]) > 1000  # cut to the limit, not to nothing


def test_a_notification_without_an_account_is_not_pushed(data_dir, tmp_path):
    with certified_push_service(tmp_path) as (service, ca_file), pushing_instance(data_dir, ca_file) as client:
        subscribed(client, Browser(), service.endpoint())
        notify_account(client, None)
        wait_for(lambda: outbox_rows(client, "notification")[-1].state == "done")
        assert outbox_rows(client, SEND) == [] and service.received == []


def test_a_gone_subscription_is_removed(data_dir, tmp_path):
    with certified_push_service(tmp_path) as (service, ca_file), pushing_instance(data_dir, ca_file) as client:
        headers = subscribed(client, Browser(), service.endpoint())
        service.statuses.append(410)
        notify_account(client, account_id(client, "bob@example.org"))
        wait_for(lambda: [row.state for row in outbox_rows(client, SEND)] == ["done"])
        assert len(service.received) == 1
        assert client.get("/api/v1/me/push-subscriptions", headers=headers).json() == []


def test_a_busy_push_service_gets_the_message_again_later_once(data_dir, tmp_path):
    browser = Browser()
    with certified_push_service(tmp_path) as (service, ca_file), pushing_instance(data_dir, ca_file) as client:
        subscribed(client, browser, service.endpoint())
        service.statuses.append(429)
        notify_account(client, account_id(client, "bob@example.org"))
        wait_for(lambda: [(r.state, r.attempts) for r in outbox_rows(client, SEND)] == [("pending", 1)])
        assert "429" in outbox_rows(client, SEND)[0].last_error
        retry_now(client)
        wait_for(lambda: [row.state for row in outbox_rows(client, SEND)] == ["done"])
        assert len(service.received) == 2 and browser.read(service.received[1])["title"] == "You are in"
        assert [row.state for row in outbox_rows(client, "notification")][-1] == "done"
        assert len(outbox_rows(client, SEND)) == 1  # the push was retried alone: no second notification job


def test_a_refused_push_is_not_retried_and_the_device_is_kept(data_dir, tmp_path):
    with certified_push_service(tmp_path) as (service, ca_file), pushing_instance(data_dir, ca_file) as client:
        headers = subscribed(client, Browser(), service.endpoint())
        service.statuses.append(400)
        notify_account(client, account_id(client, "bob@example.org"))
        wait_for(lambda: [row.state for row in outbox_rows(client, SEND)] == ["dead"])
        assert "400" in outbox_rows(client, SEND)[0].last_error
        assert len(client.get("/api/v1/me/push-subscriptions", headers=headers).json()) == 1


def test_the_configured_contact_is_the_token_subject_and_the_configured_key_signs(data_dir, tmp_path):
    from cryptography.hazmat.primitives.asymmetric import ec

    from plugins.webpush.vapid import b64url, public_key_bytes

    key = ec.generate_private_key(ec.SECP256R1())
    raw = b64url(key.private_numbers().private_value.to_bytes(32, "big"))
    with certified_push_service(tmp_path) as (service, ca_file), pushing_instance(
        data_dir, ca_file, vapid_private_key=raw, vapid_subject="mailto:ops@example.org"
    ) as client:
        assert client.get("/api/v1/push/key").json()["public_key"] == b64url(public_key_bytes(key))
        subscribed(client, Browser(), service.endpoint())
        notify_account(client, account_id(client, "bob@example.org"))
        wait_for(lambda: service.received)
        assert vapid_claims(service.received[0], b64url(public_key_bytes(key)))["sub"] == "mailto:ops@example.org"


def test_an_endpoint_that_now_leads_to_a_private_address_is_refused_at_send_for_good(data_dir, tmp_path):
    """A name checked at subscription may point elsewhere later: the guarded client checks again."""
    from plugins.webpush.models import PushSubscription

    browser = Browser()
    with certified_push_service(tmp_path) as (service, ca_file), pushing_instance(
        data_dir, ca_file, allow_private_addresses=False
    ) as client:
        sign_up(client, "bob@example.org", "bob")
        bob = account_id(client, "bob@example.org")
        keys = browser.subscription(service.endpoint())["keys"]

        async def stored_as_if_the_name_had_moved() -> None:
            async with client.app.state.sessionmaker() as session:
                session.add(PushSubscription(account_id=bob, endpoint=service.endpoint(), **keys))
                await session.commit()

        with client.portal() as portal:
            portal.call(stored_as_if_the_name_had_moved)
        notify_account(client, bob)
        wait_for(lambda: [row.state for row in outbox_rows(client, SEND)] == ["dead"])
        assert "non-public address 127.0.0.1" in outbox_rows(client, SEND)[0].last_error
        assert service.received == []
