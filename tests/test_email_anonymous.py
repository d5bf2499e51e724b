"""Joining an event without an account, with an email address (the email plugin's anonymous participation).

Against a real SMTP server (aiosmtpd) on loopback: the links are read from the mails that
arrived, opened as the person would (a page with a button, then the button), and what
they change is read back through the API and the pages. What they hear afterwards (the
event's news, reminders, cancellation) is in test_email_anonymous_news.py.
"""


import json
import uuid as uuid_module
from datetime import timedelta

import pytest

from anonymous_fixtures import (
    ORGANISER,
    confirm,
    count,
    instance,
    join,
    joined_and_confirmed,
    links_of,
    mails_to,
    open_event,
    organiser,
    text_of,
)
from core.db.base import utcnow
from helpers import new_event, outbox_rows, run_periodic_task, sign_up, wait_for
from plugins.email.anonymous import tokens
from plugins.email.anonymous.links import CONFIRM_PATH
from webhelpers import csrf_token, log_in


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
