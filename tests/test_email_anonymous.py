"""Joining an event without an account, with an email address (the email plugin's anonymous participation).

Against a real SMTP server (aiosmtpd) on loopback: the links are read from the mails that
arrived, opened as the person would (a page with a button, then the button), and what
they change is read back through the API and the pages.
"""

from __future__ import annotations

import json
import time
import uuid as uuid_module
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import select, update

from core.context import Ctx
from core.db.base import utcnow
from core.events.models import Event
from core.notifications.news import News, notify_event_people
from core.plugins import hookimpl
from email_fixtures import mailing_instance
from helpers import new_event, outbox_rows, run_periodic_task, sign_up, wait_for
from plugins.email.anonymous import tokens
from plugins.email.anonymous.links import CANCEL_PATH, CONFIRM_PATH
from plugins.email.anonymous.models import AnonymousParticipation
from smtp_fixtures import Recorder, parts, smtp_server
from webhelpers import csrf_token, log_in

ORGANISER = "org@example.org"


@contextmanager
def instance(data_dir, **email: Any) -> Iterator[tuple[TestClient, Recorder]]:  # noqa: ANN001
    email = {"anonymous_participation": True, **email}
    with smtp_server() as (controller, server), mailing_instance(data_dir, controller.port, **email) as client:
        yield client, server


def organiser(client: TestClient) -> dict[str, str]:
    return sign_up(client, ORGANISER, "org")


def open_event(client: TestClient, headers: dict[str, str], **fields: Any) -> str:
    return new_event(client, headers, extra={"anonymous_participation": True}, **fields)["uuid"]


def join(client: TestClient, uuid: str, email: str, **body: Any):  # noqa: ANN201
    return client.post(f"/api/v1/events/{uuid}/anonymous-participations", json={"email": email, **body})


def mails_to(server: Recorder, address: str, count: int = 1) -> list[EmailMessage]:
    """The mails that arrived for ``address``, once there are ``count`` of them."""
    def arrived() -> list[EmailMessage]:
        found = [m for m in server.messages if m["To"] == address]
        return found if len(found) >= count else []

    return wait_for(arrived)


def text_of(mail: EmailMessage) -> str:
    return parts(mail)["text/plain"]


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]


def links_of(mail: EmailMessage) -> dict[str, str]:
    """The confirm and cancel links a mail carries, as paths."""
    text = text_of(mail)
    found = {}
    for word in text.split():
        if CONFIRM_PATH in word:
            found["confirm"] = path_of(word)
        elif CANCEL_PATH in word:
            found["cancel"] = path_of(word)
    return found


def count(client: TestClient, uuid: str) -> int:
    return client.get(f"/api/v1/events/{uuid}").json()["participant_count"]


def confirm(client: TestClient, path: str):  # noqa: ANN201
    """Open the link (a page with a button), then press the button."""
    shown = client.get(path)
    assert shown.status_code == 200 and "<form" in shown.text, shown.text
    return client.post(path)


def joined_and_confirmed(client: TestClient, server: Recorder, uuid: str, email: str, **body: Any) -> EmailMessage:
    """Join, confirm from the mail; returns the mail that says the outcome (with its cancel link)."""
    assert join(client, uuid, email, **body).status_code == 202
    r = confirm(client, links_of(mails_to(server, email)[0])["confirm"])
    assert r.status_code == 200, r.text
    return mails_to(server, email, 2)[1]


def test_join_mail_confirm_counts_and_the_organiser_sees_the_name_not_the_address(data_dir):
    with instance(data_dir) as (client, server):
        org = organiser(client)
        uuid = open_event(client, org, max_participants=5)
        r = join(client, uuid, "Zoe@Example.org", name="Zoé", message="See you there")
        assert r.status_code == 202 and r.json() == {"status": "check_your_mail"}
        assert count(client, uuid) == 0, "unconfirmed: counts for nothing"
        mail = mails_to(server, "zoe@example.org")[0]
        assert mail["Subject"] == "Confirm your participation in Book club"
        links = links_of(mail)
        assert set(links) == {"confirm", "cancel"}, "every mail carries a cancel link"
        page = client.get(links["confirm"])
        assert count(client, uuid) == 0, "opening the link (a mail scanner) confirms nothing"
        assert "Confirm my participation" in page.text
        r = client.post(links["confirm"])
        assert r.status_code == 200 and "Your participation is confirmed" in r.text
        assert count(client, uuid) == 1
        news = mails_to(server, "zoe@example.org", 2)[1]
        assert news["Subject"] == "You take part in Book club" and "cancel" in links_of(news)

        listed = client.get(f"/api/v1/events/{uuid}/anonymous-participations", headers=org)
        assert listed.status_code == 200
        [row] = listed.json()
        assert (row["name"], row["role"], row["joined_by"], row["message"]) == ("Zoé", "participant", "email", "See you there")
        assert "zoe@example.org" not in listed.text.lower()
        log_in(client, ORGANISER)
        page = client.get(f"/events/{uuid}").text
        assert "Joined by email" in page and "Zoé" in page and "zoe@example.org" not in page.lower()


def test_a_second_click_says_already_confirmed_and_changes_nothing(data_dir):
    with instance(data_dir) as (client, server):
        uuid = open_event(client, organiser(client))
        assert join(client, uuid, "zoe@example.org").status_code == 202
        path = links_of(mails_to(server, "zoe@example.org")[0])["confirm"]
        assert confirm(client, path).status_code == 200
        again = client.post(path)
        assert again.status_code == 200 and "You already confirmed this participation" in again.text
        assert "You already confirmed" in client.get(path).text
        assert count(client, uuid) == 1


def test_joining_again_gets_the_same_answer_and_a_note_by_mail(data_dir):
    """No enumeration: the answer is the same whether the address already takes part; the owner learns it by mail."""
    with instance(data_dir) as (client, server):
        uuid = open_event(client, organiser(client))
        joined_and_confirmed(client, server, uuid, "zoe@example.org")
        first, again = join(client, uuid, "fresh@example.org"), join(client, uuid, "ZOE@example.org")
        assert (first.status_code, first.json()) == (again.status_code, again.json())
        note = mails_to(server, "zoe@example.org", 3)[2]
        assert "You already do" in text_of(note) and "cancel" in links_of(note)
        assert count(client, uuid) == 1


def test_restricted_event_waits_for_the_organiser_who_approves_and_the_person_is_told(data_dir):
    with instance(data_dir) as (client, server):
        org = organiser(client)
        uuid = open_event(client, org, join_mode="restricted", max_participants=3)
        waiting = joined_and_confirmed(client, server, uuid, "zoe@example.org", name="Zoé", message="I run 10k")
        assert "the organiser approves each participant" in text_of(waiting)
        assert count(client, uuid) == 0
        request = mails_to(server, ORGANISER, 2)[1]
        assert request["Subject"] == "A request to join Book club" and "Zoé, without an account" in text_of(request)
        assert "I run 10k" in text_of(request) and f"/events/{uuid}#organiser" in text_of(request)
        assert "zoe@example.org" not in request.as_string().lower(), "the organiser never gets the address"
        [row] = client.get(f"/api/v1/events/{uuid}/anonymous-participations", headers=org).json()
        assert row["role"] == "not_approved"
        stranger = sign_up(client, "eve@example.org", "eve")
        base = f"/api/v1/events/{uuid}/anonymous-participations/{row['id']}"
        assert client.post(f"{base}/approve", headers=stranger).status_code == 403
        assert client.get(f"/api/v1/events/{uuid}/anonymous-participations", headers=stranger).status_code == 403
        r = client.post(f"{base}/approve", headers=org)
        assert r.status_code == 200 and r.json()["role"] == "participant"
        assert count(client, uuid) == 1
        approved = mails_to(server, "zoe@example.org", 3)[2]
        assert "The organiser approved your participation in Book club" in text_of(approved)
        assert client.post(f"{base}/approve", headers=org).status_code == 409


def test_an_organiser_who_chose_the_digest_hears_of_a_request_by_email_in_it_once(data_dir):
    with instance(data_dir) as (client, server):
        org = organiser(client)
        r = client.patch("/api/v1/me/notifications", headers=org,
                         json={"identity": "org", "preferences": {"join_requests": "digest"}})
        assert r.status_code == 200, r.text
        uuid = open_event(client, org, join_mode="restricted")
        joined_and_confirmed(client, server, uuid, "zoe@example.org", name="Zoé")
        wait_for(lambda: all(row.state == "done" for row in outbox_rows(client)))
        assert [mail["Subject"] for mail in mails_to(server, ORGANISER)] == ["Confirm your account on Convene"], \
            "nothing at once"
        run_periodic_task(client.app, "core.join_request_digest")
        digest = mails_to(server, ORGANISER, 2)[1]
        assert digest["Subject"] == "Requests to join your events are waiting"
        assert f"- Zoé · Book club · http://testserver.local/events/{uuid}#organiser" in text_of(digest)
        assert "zoe@example.org" not in digest.as_string().lower()
        run_periodic_task(client.app, "core.join_request_digest")
        wait_for(lambda: all(row.state == "done" for row in outbox_rows(client)))
        assert len(mails_to(server, ORGANISER, 2)) == 2, "the next digest has nothing new"


def test_the_organiser_declines_on_the_event_page_and_the_person_is_told(data_dir):
    with instance(data_dir) as (client, server):
        org = organiser(client)
        uuid = open_event(client, org, join_mode="restricted")
        joined_and_confirmed(client, server, uuid, "zoe@example.org", name="Zoé")
        [row] = client.get(f"/api/v1/events/{uuid}/anonymous-participations", headers=org).json()
        log_in(client, ORGANISER)
        page = client.get(f"/events/{uuid}").text
        action = f"/events/{uuid}/anonymous-participations/{row['id']}/reject"
        assert action in page
        r = client.post(action, data={"_csrf_token": csrf_token(page)}, follow_redirects=False)
        assert r.status_code == 303
        assert "declined your request" in text_of(mails_to(server, "zoe@example.org", 3)[2])
        [row] = client.get(f"/api/v1/events/{uuid}/anonymous-participations", headers=org).json()
        assert row["role"] == "rejected" and count(client, uuid) == 0


def test_a_full_event_refuses_the_confirmation_and_writes_nothing(data_dir):
    with instance(data_dir) as (client, server):
        org = organiser(client)
        uuid = open_event(client, org, max_participants=1)
        assert join(client, uuid, "late@example.org").status_code == 202
        late = links_of(mails_to(server, "late@example.org")[0])["confirm"]
        joined_and_confirmed(client, server, uuid, "first@example.org")
        assert count(client, uuid) == 1
        r = client.post(late)
        assert r.status_code == 409 and "this event is full" in r.text
        assert count(client, uuid) == 1
        assert client.get(late).status_code == 200, "still unconfirmed: the link works once a place frees up"
        client.cookies.clear()
        assert "Join without an account" not in client.get(f"/events/{uuid}").text, "no form on a full event"
        assert join(client, uuid, "third@example.org").status_code == 409, "joining a full event is refused at once"
        assert [r["name"] for r in client.get(f"/api/v1/events/{uuid}/anonymous-participations", headers=org).json()] == [""]


def test_cancel_link_gives_the_place_back_and_a_second_click_is_harmless(data_dir):
    with instance(data_dir) as (client, server):
        uuid = open_event(client, organiser(client), max_participants=1)
        news = joined_and_confirmed(client, server, uuid, "zoe@example.org")
        cancel = links_of(news)["cancel"]
        shown = client.get(cancel)
        assert shown.status_code == 200 and "Cancel my participation" in shown.text
        assert count(client, uuid) == 1, "opening the link cancels nothing"
        r = client.post(cancel)
        assert r.status_code == 200 and "Your participation is cancelled" in r.text
        assert count(client, uuid) == 0
        left = mails_to(server, ORGANISER, 2)[1]
        assert left["Subject"] == "Someone left Book club" and "zoe@example.org" not in left.as_string().lower()
        again = client.post(cancel)
        assert again.status_code == 200 and "already cancelled" in again.text
        assert client.get(cancel).status_code == 404
        assert join(client, uuid, "other@example.org").status_code == 202, "the place is free again"


def test_forged_and_expired_links_get_a_clear_400_and_write_nothing(data_dir):
    with instance(data_dir) as (client, server):
        uuid = open_event(client, organiser(client))
        assert join(client, uuid, "zoe@example.org").status_code == 202
        path = links_of(mails_to(server, "zoe@example.org")[0])["confirm"]
        token = path.rsplit("/", 1)[1]
        key, expiry, mac = token.split(".")
        forged = [f"{key}.{int(expiry) + 86400}.{mac}", f"{key}.{expiry}.{mac[:-2]}xx", "nonsense", "a.b.c.d",
                  f"{key}.{expiry}.{mac[:-1]}%C3%A9"]
        for bad in forged:
            for method in (client.get, client.post):
                r = method(CONFIRM_PATH + bad)
                assert r.status_code == 400 and "this link is not valid" in r.text, bad
        cancel_token = links_of(mails_to(server, "zoe@example.org")[0])["cancel"].rsplit("/", 1)[1]
        assert client.post(CONFIRM_PATH + cancel_token).status_code == 400, "a cancel link does not confirm"
        expired = tokens.sign(client.app.state.settings.secret_key, "confirm", uuid_module.UUID(hex=key),
                              utcnow() - timedelta(seconds=1))
        r = client.post(CONFIRM_PATH + expired)
        assert r.status_code == 400 and "this link has expired" in r.text
        assert count(client, uuid) == 0
        assert confirm(client, path).status_code == 200, "the genuine link still works"


@pytest.mark.parametrize("address", [
    "zoe@example.org\r\nBcc: victim@example.org", "zoe@example.org, eve@example.org", "Zoe <zoe@example.org>",
    "not an address", "zoe@localhost", "",
])
def test_malformed_and_header_injecting_addresses_are_refused(data_dir, address):
    with instance(data_dir) as (client, server):
        uuid = open_event(client, organiser(client))
        r = join(client, uuid, address)
        assert r.status_code == 422
        assert [e["field"] for e in r.json()["errors"]] == ["email"]
        assert not [m for m in server.messages if "Confirm your participation" in m["Subject"]]


def test_lengths_are_checked_with_a_422_naming_each_field(data_dir):
    with instance(data_dir) as (client, _server):
        uuid = open_event(client, organiser(client))
        r = join(client, uuid, "a" * 320 + "@example.org", name="n" * 101, message="m" * 1001)
        assert r.status_code == 422
        assert {e["field"] for e in r.json()["errors"]} == {"email", "name", "message"}


def test_the_visitors_form_on_the_event_page_joins(data_dir):
    with instance(data_dir) as (client, server):
        uuid = open_event(client, organiser(client))
        client.cookies.clear()
        page = client.get(f"/events/{uuid}")
        assert f'action="/events/{uuid}/anonymous-join"' in page.text
        r = client.post(f"/events/{uuid}/anonymous-join", data={"email": "zoe@example.org", "name": "Zoé"})
        assert r.status_code == 200 and "Check your mailbox" in r.text
        assert "Confirm your participation" in mails_to(server, "zoe@example.org")[0]["Subject"]
        bad = client.post(f"/events/{uuid}/anonymous-join", data={"email": "zoe@example.org\nBcc: x@example.org"})
        assert bad.status_code == 422 and "enter one email address" in bad.text
        other_site = client.post(f"/events/{uuid}/anonymous-join", data={"email": "x@example.org"},
                                 headers={"Sec-Fetch-Site": "cross-site"})
        assert other_site.status_code == 403


def test_french_page_gets_french_mail(data_dir):
    with instance(data_dir) as (client, server):
        uuid = open_event(client, organiser(client))
        client.cookies.clear()
        r = client.post(f"/events/{uuid}/anonymous-join", data={"email": "zoe@example.org"},
                        headers={"Accept-Language": "fr"})
        assert r.status_code == 200 and "Consultez votre boîte" in r.text
        mail = mails_to(server, "zoe@example.org")[0]
        assert mail["Content-Language"] == "fr" and mail["Subject"].startswith("Confirmez votre participation")


def test_instance_switch_off_no_form_and_404(data_dir):
    with instance(data_dir, anonymous_participation=False) as (client, server):
        org = organiser(client)
        uuid = open_event(client, org)
        assert join(client, uuid, "zoe@example.org").status_code == 404
        assert "Join without an account" not in client.get(f"/events/{uuid}").text
        assert client.get(f"/events/{uuid}/anonymous-join").status_code == 404
        log_in(client, ORGANISER)
        assert "extra.anonymous_participation" not in client.get(f"/events/{uuid}/edit").text


def test_event_switch_off_no_form_and_403(data_dir):
    with instance(data_dir) as (client, server):
        org = organiser(client)
        uuid = new_event(client, org)["uuid"]
        assert join(client, uuid, "zoe@example.org").status_code == 403
        assert "Join without an account" not in client.get(f"/events/{uuid}").text
        assert client.get(f"/events/{uuid}/anonymous-join").status_code == 403
        r = client.patch(f"/api/v1/events/{uuid}", json={"extra": {"anonymous_participation": True}}, headers=org)
        assert r.status_code == 200 and r.json()["extra"]["anonymous_participation"] is True
        assert "Join without an account" in client.get(f"/events/{uuid}").text
        assert join(client, uuid, "zoe@example.org").status_code == 202


def test_the_event_form_turns_the_switch_on_and_off(data_dir):
    with instance(data_dir) as (client, _server):
        uuid = new_event(client, organiser(client))["uuid"]
        log_in(client, ORGANISER)
        form = client.get(f"/events/{uuid}/edit").text
        assert 'name="extra.anonymous_participation"' in form
        values = {"_csrf_token": csrf_token(form), "title": "Book club", "begins_at": "2030-01-01T18:00",
                  "timezone": "Europe/Paris", "category": "MEETING", "visibility": "public", "join_mode": "free",
                  "extra.anonymous_participation": "True"}
        r = client.post(f"/events/{uuid}/edit", data=values, follow_redirects=False)
        assert r.status_code == 303, r.text
        assert client.get(f"/api/v1/events/{uuid}").json()["extra"] == {"anonymous_participation": True}
        r = client.post(f"/events/{uuid}/edit", data={**values, "extra.anonymous_participation": "False"},
                        follow_redirects=False)
        assert r.status_code == 303
        assert client.get(f"/api/v1/events/{uuid}").json()["extra"] == {}


def test_cancelled_and_external_events_take_nobody(data_dir):
    with instance(data_dir) as (client, _server):
        org = organiser(client)
        external = open_event(client, org, join_mode="external", external_participation_url="https://tickets.example/1")
        assert join(client, external, "zoe@example.org").status_code == 403
        cancelled = open_event(client, org)
        assert client.post(f"/api/v1/events/{cancelled}/cancel", json={}, headers=org).status_code in (200, 204)
        assert join(client, cancelled, "zoe@example.org").status_code == 403


def test_the_address_and_name_never_leave_the_instance(data_dir):
    """They count in participantCount, but neither the ActivityPub Event nor the public JSON holds them."""
    with instance(data_dir) as (client, server):
        uuid = open_event(client, organiser(client))
        joined_and_confirmed(client, server, uuid, "secret.person@example.org", name="Secret Name")
        document = client.get(f"/events/{uuid}", headers={"Accept": "application/activity+json"})
        assert document.status_code == 200
        assert document.json()["participantCount"] == 1
        public = client.get(f"/api/v1/events/{uuid}")
        for text in (document.text, public.text, json.dumps(public.json())):
            assert "secret.person" not in text.lower() and "Secret Name" not in text


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
