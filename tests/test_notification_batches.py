"""A fan-out's messages travel fifty to an outbox row: one claim and one commit for fifty mails.

Against a real SMTP server (aiosmtpd) on loopback: every message of a row arrives once;
one that the server defers waits in a row of its own and arrives later, once; a server
that is down leaves every unsent message in a row of its own, and they all arrive once
it is back; news an identity turned off is left out of a row.
"""

from __future__ import annotations

import msgspec

from core.identities.models import Identity
from core.notifications import PER_ROW, Notification, notify_many
from core.notifications.preferences import set_preferences
from email_fixtures import mailing_instance, retry_now
from helpers import outbox_rows, sign_up, wait_for
from smtp_fixtures import free_port, smtp_server
from testkit import in_transaction, rows


def fan_out(client, count: int, **fields: object) -> None:  # noqa: ANN001
    """``count`` messages written as a fan-out job writes them (handed to the worker at once)."""
    payloads = [msgspec.to_builtins(Notification(kind="test", to_email=f"guest{n}@example.org", subject=f"News {n}",
                                                 text="Some news.", **fields)) for n in range(count)]  # type: ignore[arg-type]
    tasks = client.app.state.tasks
    tasks.run_coroutine(tasks.in_transaction(lambda ctx: notify_many(ctx.session, payloads)))


def states(client, kind: str) -> list[str]:  # noqa: ANN001
    return [row.state for row in outbox_rows(client, kind)]


def recipients(server) -> list[str]:  # noqa: ANN001
    return sorted(mail["To"] for mail in server.messages)


def every_guest(count: int) -> list[str]:
    return sorted(f"guest{n}@example.org" for n in range(count))


def test_a_fan_out_of_120_is_three_rows_and_every_mail_arrives_once(data_dir):
    with smtp_server() as (controller, server), mailing_instance(data_dir, controller.port) as client:
        fan_out(client, 120)
        assert [len(row.payload["notifications"]) for row in outbox_rows(client, "notifications")] == [PER_ROW, PER_ROW, 20]
        wait_for(lambda: states(client, "notifications") == ["done"] * 3)
        assert recipients(server) == every_guest(120)
        assert len(server.peers) <= 2, "a connection per worker thread, kept from one mail to the next"


def test_a_deferred_message_waits_in_a_row_of_its_own_and_the_others_go_on(data_dir):
    with smtp_server() as (controller, server), mailing_instance(data_dir, controller.port) as client:
        server.data_answers.append("451 4.3.0 try again later")  # the first message of the row
        fan_out(client, 5)
        wait_for(lambda: states(client, "notifications") == ["done"])
        assert recipients(server) == every_guest(5)[1:] and states(client, "notification") == ["pending"]
        [waiting] = outbox_rows(client, "notification")
        assert waiting.payload["to_email"] == "guest0@example.org"
        retry_now(client)
        wait_for(lambda: states(client, "notification") == ["done"])
        assert recipients(server) == every_guest(5), "each one once"


def test_a_server_that_is_down_loses_nothing_and_sends_nothing_twice(data_dir):
    port = free_port()
    with mailing_instance(data_dir, port) as client:
        fan_out(client, 8)
        wait_for(lambda: states(client, "notifications") == ["done"])
        waiting = outbox_rows(client, "notification")
        assert sorted(row.payload["to_email"] for row in waiting) == every_guest(8)
        assert {row.state for row in waiting} == {"pending"}
        with smtp_server(port=port) as (_, server):
            retry_now(client)
            wait_for(lambda: states(client, "notification") == ["done"] * 8)
            assert recipients(server) == every_guest(8)


def test_news_an_identity_turned_off_is_left_out_of_the_row(data_dir):
    with smtp_server() as (controller, server), mailing_instance(data_dir, controller.port) as client:
        for name in ("ann", "bob", "cat"):
            sign_up(client, f"{name}@example.org", name)
        bob = next(identity.id for identity in rows(client, Identity) if identity.username == "bob")


        async def turn_off(ctx) -> None:  # noqa: ANN001
            await set_preferences(ctx, await ctx.session.get_one(Identity, bob), {"announcements": "off"})

        in_transaction(client, turn_off)
        tasks = client.app.state.tasks
        payloads = [msgspec.to_builtins(Notification(
            kind="announcement", to_email=f"{identity.username}@example.org", subject="Announcement", text="News.",
            identity_id=identity.id, topic="announcements", unsubscribe_url="http://testserver.local/stop"))
            for identity in rows(client, Identity)]
        tasks.run_coroutine(tasks.in_transaction(lambda ctx: notify_many(ctx.session, payloads)))
        wait_for(lambda: states(client, "notifications") == ["done"])
        assert sorted(mail["To"] for mail in server.messages if mail["Subject"] == "Announcement") == [
            "ann@example.org", "cat@example.org"]
