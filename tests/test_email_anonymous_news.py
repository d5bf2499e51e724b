"""What people who joined without an account hear afterwards: the event's news, announcements,
reminders and cancellation, each with their cancel link; and what becomes of their participation
when its link expires or the event goes. Against a real SMTP server on loopback.
"""


import time
import uuid as uuid_module
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select, update

from anonymous_fixtures import (
    confirm,
    count,
    instance,
    join,
    joined_and_confirmed,
    links_of,
    mails_to,
    open_event,
    organiser,
    path_of,
    text_of,
)
from core.context import Ctx
from core.db.base import utcnow
from core.events.models import Event
from core.notifications.news import News, notify_event_people
from core.plugins import hookimpl
from helpers import outbox_rows, run_periodic_task, wait_for
from plugins.email.anonymous.links import CANCEL_PATH
from plugins.email.anonymous.models import AnonymousParticipation


def test_unconfirmed_participations_are_purged_once_their_link_expired(data_dir):
    with instance(data_dir) as (client, _server):
        uuid = open_event(client, organiser(client))
        assert join(client, uuid, "old@example.org").status_code == 202
        assert join(client, uuid, "new@example.org").status_code == 202

        async def age_and_count(age: bool) -> list[str]:
            async with client.app.state.sessionmaker() as session:
                if age:
                    await session.execute(update(AnonymousParticipation)
                                          .where(AnonymousParticipation.email == "old@example.org")
                                          .values(created_at=utcnow() - timedelta(hours=49)))
                    await session.commit()
                return list(await session.scalars(select(AnonymousParticipation.email).order_by(AnonymousParticipation.email)))

        with client.portal() as portal:
            assert portal.call(age_and_count, True) == ["new@example.org", "old@example.org"]
        run_periodic_task(client.app, "email.anonymous_purge")
        with client.portal() as portal:
            assert portal.call(age_and_count, False) == ["new@example.org"]


def test_notification_recipients_are_the_confirmed_ones_by_audience_with_their_cancel_link(data_dir):
    with instance(data_dir) as (client, server):
        org = organiser(client)
        uuid = open_event(client, org, join_mode="restricted")
        joined_and_confirmed(client, server, uuid, "going@example.org")
        joined_and_confirmed(client, server, uuid, "pending@example.org")
        assert join(client, uuid, "unconfirmed@example.org").status_code == 202
        [going, _] = sorted(client.get(f"/api/v1/events/{uuid}/anonymous-participations", headers=org).json(),
                            key=lambda row: row["created_at"])
        assert client.post(f"/api/v1/events/{uuid}/anonymous-participations/{going['id']}/approve",
                           headers=org).status_code == 200
        runtime = client.app.state.runtime

        async def recipients(audience: str) -> list[Any]:
            async with client.app.state.sessionmaker() as session:
                ctx = Ctx(session, runtime)
                event = await session.scalar(select(Event).where(Event.uuid == uuid_module.UUID(uuid)))
                answers = await ctx.call("convene_notification_recipients", event=event, audience=audience)
                return sorted((r for found in answers for r in found), key=lambda r: r.email)

        with client.portal() as portal:
            going_list = portal.call(recipients, "going")
            assert [r.email for r in going_list] == ["going@example.org"]
            assert [r.email for r in portal.call(recipients, "pending")] == ["pending@example.org"]
            assert [r.email for r in portal.call(recipients, "all")] == ["going@example.org", "pending@example.org"]
        stop = path_of(going_list[0].unsubscribe_url)
        assert stop.startswith(CANCEL_PATH) and going_list[0].account_id is None
        assert client.post(stop).status_code == 200
        assert count(client, uuid) == 0


def test_mails_to_one_address_are_rate_limited_and_a_lost_link_is_sent_again(data_dir):
    left = 3600 - datetime.now(UTC).timestamp() % 3600
    if left < 30:  # the hourly window would restart halfway: start in the next one
        time.sleep(left + 0.1)
    with instance(data_dir) as (client, server):
        uuid = open_event(client, organiser(client))
        answers = [join(client, uuid, "zoe@example.org").status_code for _ in range(4)]
        assert answers == [202, 202, 202, 429]
        mails = mails_to(server, "zoe@example.org", 3)
        assert all("Confirm your participation" in mail["Subject"] for mail in mails)
        assert confirm(client, links_of(mails[0])["confirm"]).status_code == 200, "an older link still works"
        assert join(client, uuid, "other@example.org").status_code == 202, "another address is not held up"


def test_cancelling_before_confirming_forgets_the_address(data_dir):
    with instance(data_dir) as (client, server):
        uuid = open_event(client, organiser(client))
        assert join(client, uuid, "zoe@example.org").status_code == 202
        links = links_of(mails_to(server, "zoe@example.org")[0])
        assert client.post(links["cancel"]).status_code == 200
        gone = client.get(links["confirm"])
        assert gone.status_code == 404 and "no longer exists" in gone.text
        assert count(client, uuid) == 0


def test_the_cores_fan_out_reaches_them_and_its_one_click_link_cancels(data_dir):
    """End to end through the core's fan-out job (as a cancelled event or an announcement writes it):
    the mail arrives with their cancel link as List-Unsubscribe, and the mail client's one-click POST leaves."""
    with instance(data_dir) as (client, server):
        uuid = open_event(client, organiser(client))
        joined_and_confirmed(client, server, uuid, "zoe@example.org")
        joined_and_confirmed(client, server, uuid, "pending@example.org")  # also counted: the event is free
        news = News(kind="announcement", topic="announcements", subject="News about %(title)s",
                    text="The organiser of %(title)s says:", values={"title": "Book club"}, body="Bring a book.")

        async def announce(ctx: Ctx) -> None:
            event = await ctx.session.scalar(select(Event).where(Event.uuid == uuid_module.UUID(uuid)))
            await notify_event_people(ctx, event, "going", news)

        tasks = client.app.state.tasks
        tasks.run_coroutine(tasks.in_transaction(announce))
        mail = mails_to(server, "zoe@example.org", 3)[2]
        assert mail["Subject"] == "News about Book club" and "Bring a book." in text_of(mail)
        stop = mail["List-Unsubscribe"].strip("<>")
        assert CANCEL_PATH in stop and mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        r = client.post(path_of(stop), content=b"List-Unsubscribe=One-Click",
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert r.status_code == 200 and count(client, uuid) == 1


class CountWatcher:
    """A plugin registered for one test: the events whose count other plugins were told of."""

    def __init__(self) -> None:
        self.counts: list[tuple[str, int]] = []

    @hookimpl
    async def convene_participant_count_changed(self, event: Event) -> None:
        self.counts.append((event.title, event.participant_count))


def test_plugins_that_carry_the_count_elsewhere_are_told_when_it_changes(data_dir):
    """The federation plugin sends an Update on this hook, so copies on other servers show the new count."""
    with instance(data_dir) as (client, server):
        watcher = CountWatcher()
        client.app.state.pm.register(watcher)
        uuid = open_event(client, organiser(client))
        news = joined_and_confirmed(client, server, uuid, "zoe@example.org")
        assert watcher.counts == [("Book club", 1)]
        assert client.post(links_of(news)["cancel"]).status_code == 200
        assert watcher.counts == [("Book club", 1), ("Book club", 0)]
        implementers = client.app.state.pm.hook.convene_participant_count_changed.get_hookimpls()
        assert any("federation" in impl.plugin_name for impl in implementers)


def test_deleting_the_event_deletes_its_anonymous_participations(data_dir):
    with instance(data_dir) as (client, server):
        org = organiser(client)
        uuid = open_event(client, org)
        news = joined_and_confirmed(client, server, uuid, "zoe@example.org")
        assert client.delete(f"/api/v1/events/{uuid}", headers=org).status_code == 204

        async def left() -> list[str]:
            async with client.app.state.sessionmaker() as session:
                return list(await session.scalars(select(AnonymousParticipation.email)))

        with client.portal() as portal:
            assert portal.call(left) == []
        gone = client.post(links_of(news)["cancel"])
        assert gone.status_code == 200 and "already cancelled" in gone.text


def test_cancelling_the_event_mails_them_with_their_cancel_link(data_dir):
    """The core's own fan-out (the event cancelled) reaches anonymous participants, going and waiting."""
    with instance(data_dir) as (client, server):
        org = organiser(client)
        uuid = open_event(client, org, join_mode="restricted")
        joined_and_confirmed(client, server, uuid, "waiting@example.org")
        r = client.post(f"/api/v1/events/{uuid}/cancel", json={"message": "The room is flooded."}, headers=org)
        assert r.status_code == 200, r.text
        mail = mails_to(server, "waiting@example.org", 3)[2]
        assert mail["Subject"] == "Cancelled: “Book club”" and "The room is flooded." in text_of(mail)
        assert CANCEL_PATH in mail["List-Unsubscribe"]


def test_a_reminder_a_day_before_once_and_again_when_the_start_moves(data_dir):
    def soon(hours: int) -> str:
        return (datetime.now(UTC) + timedelta(hours=hours)).replace(tzinfo=None, microsecond=0).isoformat()

    def reminders() -> list[EmailMessage]:
        return [m for m in server.messages if m["To"] == "zoe@example.org" and m["Subject"].startswith("Reminder")]

    async def reminded() -> list[object]:
        async with client.app.state.sessionmaker() as session:
            return list(await session.scalars(select(AnonymousParticipation.reminded_at)))

    with instance(data_dir) as (client, server):
        org = organiser(client)
        uuid = open_event(client, org, begins_at=soon(12), timezone="UTC")
        far = open_event(client, org, begins_at=soon(72), timezone="UTC", title="Later")
        joined_and_confirmed(client, server, uuid, "zoe@example.org")
        joined_and_confirmed(client, server, far, "zoe@example.org")
        run_periodic_task(client.app, "email.anonymous_reminders")
        mail = wait_for(reminders)[0]
        assert mail["Subject"] == "Reminder: Book club" and "(UTC)" in text_of(mail) and "cancel" in links_of(mail)
        with client.portal() as portal:
            assert sorted(value is not None for value in portal.call(reminded)) == [False, True], "once, not for 'Later'"
        r = client.patch(f"/api/v1/events/{uuid}", json={"begins_at": soon(20)}, headers=org)
        assert r.status_code == 200, r.text
        with client.portal() as portal:
            assert all(value is None for value in portal.call(reminded)), "a new start: to be reminded again"
        run_periodic_task(client.app, "email.anonymous_reminders")
        assert len(wait_for(lambda: reminders()[1:] and reminders())) == 2


def test_the_organisers_announcement_reaches_its_audience_among_them(data_dir):
    """Through the core's announcements: "going" reaches the counted one, not the one waiting for approval."""
    with instance(data_dir) as (client, server):
        org = organiser(client)
        uuid = open_event(client, org, join_mode="restricted")
        joined_and_confirmed(client, server, uuid, "going@example.org")
        joined_and_confirmed(client, server, uuid, "waiting@example.org")
        rows = client.get(f"/api/v1/events/{uuid}/anonymous-participations", headers=org).json()
        going = next(row for row in rows if row["created_at"] == min(r["created_at"] for r in rows))
        assert client.post(f"/api/v1/events/{uuid}/anonymous-participations/{going['id']}/approve",
                           headers=org).status_code == 200
        r = client.post(f"/api/v1/events/{uuid}/announcements", json={"audience": "going", "text": "Bring a book."},
                        headers=org)
        assert r.status_code == 201, r.text
        mail = mails_to(server, "going@example.org", 4)[3]
        assert "Bring a book." in text_of(mail) and CANCEL_PATH in mail["List-Unsubscribe"]
        wait_for(lambda: all(row.state == "done" for row in outbox_rows(client)))  # every mail written is sent
        assert not [m for m in server.messages if m["To"] == "waiting@example.org" and "Bring a book." in text_of(m)]
