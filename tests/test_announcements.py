"""Organisers' announcements: who receives them by mail (a real SMTP server), who reads them on the
event page and in the API, and who may write them.

That someone got no mail is read from the outbox: once every announcement row is done,
every mail that will ever be sent for it has reached the server.
"""

from __future__ import annotations

import uuid as uuid_module
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from core.events.announcements import TEXT_MAX
from core.events.models import Announcement, Event
from core.identities.models import Identity
from email_fixtures import mailing_instance, notifications
from helpers import field_errors, new_event, sign_up, wait_for
from smtp_fixtures import parts, smtp_server
from testkit import in_transaction, instance, moderator
from webhelpers import log_in, second_browser, submit

TEXT = "We meet at the north entrance: the main door is closed for works."


def announce(client, headers, uuid: str, audience: str = "all", text: str = TEXT):  # noqa: ANN001, ANN201
    return client.post(f"/api/v1/events/{uuid}/announcements", headers=headers, json={"audience": audience, "text": text})


def join(client, headers, uuid: str) -> dict:  # noqa: ANN001
    r = client.post(f"/api/v1/events/{uuid}/participations", headers=headers, json={})
    assert r.status_code == 201, r.text
    return r.json()


def readable(client, headers, uuid: str) -> list[str]:  # noqa: ANN001
    r = client.get(f"/api/v1/events/{uuid}/announcements", headers=headers or {})
    assert r.status_code == 200, r.text
    return [a["text"] for a in r.json()]


def people(client) -> tuple[dict[str, dict[str, str]], str]:  # noqa: ANN001
    """An organiser, two people waiting for approval (one reads French), one approved, one outsider;
    their restricted event."""
    who = {name: sign_up(client, f"{name}@example.org", name) for name in ("alice", "bob", "chloe", "dan", "eve")}
    assert client.patch("/api/v1/account", headers=who["chloe"], json={"locale": "fr"}).status_code == 200
    uuid = new_event(client, who["alice"], join_mode="restricted")["uuid"]
    for name in ("bob", "chloe", "dan"):
        join(client, who[name], uuid)
    dan = next(p for p in client.get(f"/api/v1/events/{uuid}/participations", headers=who["alice"]).json()
               if p["identity"]["username"] == "dan")
    r = client.post(f"/api/v1/events/{uuid}/participations/{dan['uuid']}/approve", headers=who["alice"])
    assert r.status_code == 200, r.text
    return who, uuid


def announcement_rows_done(client, count: int) -> list:  # noqa: ANN001
    """The announcement's notification rows once ``count`` of them exist and all were delivered (or dropped)."""
    def done() -> list:
        rows = [r for r in notifications(client) if r.payload["kind"] == "announcement"]
        return rows if len(rows) == count and all(r.state == "done" for r in rows) else []
    return wait_for(done)


def announcement_mails(server) -> dict[str, object]:  # noqa: ANN001
    return {mail["To"]: mail for mail in server.messages if mail["Subject"].startswith(("Announcement", "Annonce"))}


def unsubscribe_link(mail) -> str:  # noqa: ANN001
    """The one-click link of a mail (RFC 8058): its List-Unsubscribe header, which a mail client posts to."""
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    return str(mail["List-Unsubscribe"]).strip("<>")


def test_an_announcement_to_those_waiting_reaches_only_them_in_their_language(data_dir):
    with smtp_server() as (controller, server), mailing_instance(data_dir, controller.port) as client:
        who, uuid = people(client)
        r = announce(client, who["alice"], uuid, "pending")
        assert r.status_code == 201, r.text
        assert r.json()["audience"] == "pending" and r.json()["text"] == TEXT
        announcement_rows_done(client, 2)
        mails = announcement_mails(server)
        assert set(mails) == {"bob@example.org", "chloe@example.org"}
        assert mails["bob@example.org"]["Subject"] == "Announcement: Book club"
        bob_text = parts(mails["bob@example.org"])["text/plain"]
        assert "alice wrote to the people of the event Book club:" in bob_text and TEXT in bob_text
        assert f"http://testserver.local/events/{uuid}" in bob_text
        french = mails["chloe@example.org"]
        assert french["Subject"] == "Annonce\u00a0: Book club" and french["Content-Language"] == "fr"
        assert "alice a écrit aux personnes de l’événement «\u00a0Book club\u00a0»" in parts(french)["text/plain"]
        for mail in mails.values():
            assert unsubscribe_link(mail).startswith("http://testserver.local/notifications/unsubscribe/")


def test_someone_who_turned_announcements_off_gets_no_mail_but_reads_it_on_the_page(data_dir):
    with smtp_server() as (controller, server), mailing_instance(data_dir, controller.port) as client:
        who, uuid = people(client)
        r = client.patch("/api/v1/me/notifications", headers=who["bob"],
                         json={"identity": "bob", "preferences": {"announcements": "off"}})
        assert r.status_code == 200, r.text
        assert announce(client, who["alice"], uuid, "all").status_code == 201
        announcement_rows_done(client, 3)
        assert set(announcement_mails(server)) == {"chloe@example.org", "dan@example.org"}
        assert readable(client, who["bob"], uuid) == [TEXT]
        log_in(client, "bob@example.org")
        page = client.get(f"/events/{uuid}").text
        assert 'id="announcements"' in page and TEXT in page


def test_one_click_unsubscribe_stops_the_next_announcement(data_dir):
    with smtp_server() as (controller, server), mailing_instance(data_dir, controller.port) as client:
        who, uuid = people(client)
        assert announce(client, who["alice"], uuid, "going", "First news.").status_code == 201
        announcement_rows_done(client, 1)
        [mail] = announcement_mails(server).values()
        assert mail["To"] == "dan@example.org"
        path = "/" + unsubscribe_link(mail).split("/", 3)[3]

        page = client.get(path)
        assert page.status_code == 200 and "Stop these messages" in page.text
        assert '<form method="post" action="' + path + '">' in page.text
        assert 'href="/settings#notifications"' in page.text
        preferences = client.get("/api/v1/me/notifications", headers=who["dan"]).json()["identities"][0]["preferences"]
        assert preferences["announcements"] == "on", "opening the link changes nothing"

        stopped = client.post(path)  # as a mail client's one-click POST: no cookie, no CSRF token
        assert stopped.status_code == 200 and "will no longer receive this" in stopped.text
        preferences = client.get("/api/v1/me/notifications", headers=who["dan"]).json()["identities"][0]["preferences"]
        assert preferences["announcements"] == "off"

        assert announce(client, who["alice"], uuid, "going", "Second news.").status_code == 201
        announcement_rows_done(client, 2)
        assert [m["To"] for m in server.messages if m["Subject"].startswith("Announcement")] == ["dan@example.org"]
        assert readable(client, who["dan"], uuid) == ["Second news.", "First news."]

        forged = client.get(path[:-4] + ("AAAA" if not path.endswith("AAAA") else "BBBB"))
        assert forged.status_code == 400 and "this link is not valid" in forged.text
        assert client.post("/notifications/unsubscribe/not-a-token").status_code == 400


def test_only_the_audience_and_the_organiser_read_an_announcement(client):
    who, uuid = people(client)
    assert announce(client, who["alice"], uuid, "going", "For those going.").status_code == 201
    assert announce(client, who["alice"], uuid, "pending", "For those waiting.").status_code == 201
    assert readable(client, who["alice"], uuid) == ["For those waiting.", "For those going."]
    assert readable(client, who["dan"], uuid) == ["For those going."]
    assert readable(client, who["bob"], uuid) == ["For those waiting."]
    assert readable(client, who["eve"], uuid) == []
    assert readable(client, None, uuid) == []

    participant = second_browser(client)
    log_in(participant, "dan@example.org")
    assert "For those going." in participant.get(f"/events/{uuid}").text
    for _ in range(2):  # the second read is the cached page, if the first was stored
        anonymous = client.get(f"/events/{uuid}").text
        assert "For those going." not in anonymous and 'id="announcements"' not in anonymous
    log_in(client, "eve@example.org")
    outsider = client.get(f"/events/{uuid}").text
    assert "For those" not in outsider and 'id="announcements"' not in outsider


def count_announcements(client) -> int:  # noqa: ANN001
    async def count(ctx) -> int:  # noqa: ANN001
        return await ctx.session.scalar(select(func.count()).select_from(Announcement))
    return in_transaction(client, count)


def test_only_the_organiser_writes_and_a_refused_text_stores_nothing(client):
    who, uuid = people(client)
    for name in ("dan", "eve"):
        r = announce(client, who[name], uuid)
        assert r.status_code == 403 and r.json()["detail"] == "only the organiser may do this", r.text
    assert announce(client, {}, uuid).status_code == 401
    r = announce(client, who["alice"], uuid, text="x" * (TEXT_MAX + 1))
    assert r.status_code == 422 and field_errors(r) == {"text": f"must be at most {TEXT_MAX} characters"}
    r = announce(client, who["alice"], uuid, text="<script>alert(1)</script>")
    assert r.status_code == 422 and field_errors(r) == {"text": "this field is required"}
    r = announce(client, who["alice"], uuid, audience="everyone")
    assert r.status_code == 422 and "going, pending, all" in field_errors(r)["audience"]
    assert count_announcements(client) == 0
    r = announce(client, who["alice"], uuid, text="<b>Bring</b> a torch & boots")
    assert r.status_code == 201 and r.json()["text"] == "Bring a torch & boots"


def test_announcements_are_rate_limited_per_event(client):
    who, uuid = people(client)
    other = new_event(client, who["alice"])["uuid"]
    for number in range(5):
        assert announce(client, who["alice"], uuid, text=f"News {number}").status_code == 201
    r = announce(client, who["alice"], uuid)
    assert r.status_code == 429 and 0 < int(r.headers["Retry-After"]) <= 3600
    assert count_announcements(client) == 5
    assert announce(client, who["alice"], other).status_code == 201, "another event has its own count"


def test_a_moderator_a_plugin_grants_it_to_may_announce(data_dir):
    with instance(data_dir, "testkit_moderation") as client:
        alice = sign_up(client, "alice@example.org", "alice")
        dan = sign_up(client, "dan@example.org", "dan")
        uuid = new_event(client, alice)["uuid"]
        join(client, dan, uuid)
        mod = moderator(client, "mod@example.org", "mod")
        assert announce(client, mod, uuid, "going", "The venue changed.").status_code == 201
        assert readable(client, dan, uuid) == ["The venue changed."]


def test_an_event_from_another_server_gets_no_announcements_here(client):
    alice = sign_up(client, "alice@example.org", "alice")

    async def remote_event(ctx) -> str:  # noqa: ANN001
        organiser = Identity(username="zed", domain="remote.example", display_name="Zed")
        ctx.session.add(organiser)
        await ctx.session.flush()
        event = Event(uuid=uuid_module.uuid4(), organizer_id=organiser.id, title="Far away", draft=False,
                      begins_at=datetime.now(UTC) + timedelta(days=3), published_at=datetime.now(UTC))
        ctx.session.add(event)
        await ctx.session.flush()
        return str(event.uuid)

    uuid = in_transaction(client, remote_event)
    r = announce(client, alice, uuid)
    assert r.status_code == 409 and "another server" in r.json()["detail"], r.text
    assert count_announcements(client) == 0


def test_the_organiser_writes_from_the_event_page(client):
    who, uuid = people(client)
    log_in(client, "alice@example.org")
    page = client.get(f"/events/{uuid}").text
    assert 'action="/events/' + uuid + '/announcements"' in page and '<label for="announce-audience">' in page
    r = submit(client, f"/events/{uuid}", f"/events/{uuid}/announcements",
               {"audience": "going", "text": "Line one\nLine two"}, follow=False)
    assert r.status_code == 303 and r.headers["location"] == f"/events/{uuid}?done=announcement-sent#announcements"
    page = client.get(r.headers["location"]).text
    assert "Your announcement was sent." in page and "Line one\nLine two" in page
    r = submit(client, f"/events/{uuid}", f"/events/{uuid}/announcements", {"audience": "going", "text": "y" * 5001})
    assert r.status_code == 422 and 'id="announce-text-error"' in r.text
    assert readable(client, who["dan"], uuid) == ["Line one\nLine two"]


def test_the_content_check_refuses_an_announcement_and_nothing_is_stored(data_dir):
    with instance(data_dir, "testkit_policy", testkit_policy={"banned_words": ["casino"]}) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        dan = sign_up(client, "dan@example.org", "dan")
        uuid = new_event(client, alice)["uuid"]
        join(client, dan, uuid)
        r = announce(client, alice, uuid, text="Afterwards we all go to the Casino.")
        assert r.status_code == 403 and "does not accept" in r.json()["detail"], r.text
        assert count_announcements(client) == 0 and readable(client, dan, uuid) == []
