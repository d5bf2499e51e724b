"""Share by email, through the real email plugin and an SMTP server on loopback: a fixed text that
names the sender's identity and never their address, a few addresses per send and per hour, each
address checked before anything is written, and a link that stops shared events to an address."""

from __future__ import annotations

import time
from typing import Any

import pytest

from core.notifications import Notification
from email_fixtures import mailing_instance, notifications
from helpers import new_event, sign_up, wait_for
from smtp_fixtures import parts, smtp_server
from testkit import french_member
from webhelpers import field_error, submit

ALICE = "alice@example.org"
FRIENDS = ["bob@example.net", "carol@example.net", "dan@example.net"]
PLACE = {"name": "Town hall", "street": "1 Main St", "postal_code": "75001", "locality": "Paris", "country": "France"}


def shares(client) -> list[Notification]:  # noqa: ANN001
    """The share mails written so far (in the request's transaction, so known as soon as it answers)."""
    return [Notification(**row.payload) for row in notifications(client) if row.payload["kind"] == "share_event"]


def same_hour() -> None:
    """The limits count per clock hour: start far enough from its end that a test's sends share one."""
    left = 3600 - time.time() % 3600
    if left < 60:
        time.sleep(left + 0.5)


@pytest.fixture
def sharing(data_dir, request):  # noqa: ANN001, ANN201
    email = getattr(request, "param", {})
    with smtp_server() as (controller, server), mailing_instance(data_dir, controller.port, **email) as client:
        alice = sign_up(client, ALICE, "alice")
        r = client.patch("/api/v1/identities/alice", headers=alice, json={"display_name": "Alice Martin"})
        assert r.status_code == 200, r.text
        event = new_event(client, alice, title="Garden party", address=PLACE)
        yield client, server, alice, f"/api/v1/events/{event['uuid']}/share-by-email"


def share(client, url: str, headers: dict[str, str], addresses: list[str], **body: Any):  # noqa: ANN001, ANN201
    return client.post(url, headers=headers, json={"addresses": addresses, **body})


def test_three_addresses_get_three_fixed_mails_that_never_show_the_sender_address(sharing):
    client, server, alice, url = sharing
    r = share(client, url, alice, FRIENDS)
    assert r.status_code == 202 and r.json() == {"addresses": 3}, r.text
    mails = wait_for(lambda: len(got := [m for m in server.messages if m["To"] in FRIENDS]) == 3 and got)
    assert sorted(m["To"] for m in mails) == sorted(FRIENDS)
    for mail in mails:
        assert mail["Subject"] == "Alice Martin (@alice) shared an event with you"
        text = parts(mail)["text/plain"]
        assert text.startswith("Alice Martin (@alice@testserver.local) shared an event with you on Convene: "
                               "Garden party, "), text
        assert "Where: Town hall, 1 Main St, 75001 Paris, France." in text
        assert f"http://testserver.local/events/{url.split('/')[4]}" in text
        stop = mail["List-Unsubscribe"].strip("<>")
        assert "/mail/stop-shared-events/" in stop and f"Stop messages like this one: {stop}" in text
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert ALICE not in mail.as_string(), "the sender's account address appears nowhere"
    assert len({n.unsubscribe_url for n in shares(client)}) == 3, "one link per address"


def test_more_addresses_than_a_send_allows_are_refused_and_nothing_is_written(sharing):
    client, server, alice, url = sharing
    r = share(client, url, alice, [f"friend{n}@example.net" for n in range(6)])
    assert r.status_code == 422, r.text
    assert r.json()["errors"] == [{"field": "addresses", "message": "at most 5 addresses at a time"}]
    assert shares(client) == []


@pytest.mark.parametrize("bad", ["eve@example.net\r\nBcc: everyone@example.net", "eve@example.net, mallory@example.net",
                                 "Eve <eve@example.net>", "not an address"])
def test_an_address_that_could_add_headers_or_recipients_refuses_the_whole_send(sharing, bad):
    client, server, alice, url = sharing
    r = share(client, url, alice, ["bob@example.net", bad])
    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert error["field"] == "addresses" and error["message"].startswith(bad.replace("\r\n", "  ") + ":"), error
    assert shares(client) == []


def test_the_21st_address_in_an_hour_is_refused_with_retry_after_and_not_sent(sharing):
    client, server, alice, url = sharing
    same_hour()
    for n in range(4):
        assert share(client, url, alice, [f"friend{n}{m}@example.net" for m in range(5)]).status_code == 202
    r = share(client, url, alice, ["one.more@example.net"])
    assert r.status_code == 429, r.text
    assert 0 < int(r.headers["Retry-After"]) <= 3600
    assert len(shares(client)) == 20 and "one.more@example.net" not in {n.to_email for n in shares(client)}


@pytest.mark.parametrize("sharing", [{"share_addresses_per_account_per_hour": 6}], indirect=True)
def test_the_hourly_limit_holds_for_the_account_across_its_identities(sharing):
    client, server, alice, url = sharing
    same_hour()
    r = client.post("/api/v1/identities", headers=alice, json={"username": "garden_club"})
    assert r.status_code == 201, r.text
    assert share(client, url, alice, FRIENDS[:2] + ["erin@example.net", "fay@example.net"]).status_code == 202
    r = share(client, url, alice, ["gus@example.net", "hal@example.net", "ida@example.net"], identity="garden_club")
    assert r.status_code == 429, "the other identity shares the account's allowance"
    assert share(client, url, alice, ["gus@example.net", "hal@example.net"], identity="garden_club").status_code == 202, \
        "a refused send used none of it"
    assert len(shares(client)) == 6


def test_a_private_event_or_one_the_sender_cannot_see_is_not_found(sharing):
    client, server, alice, url = sharing
    private = new_event(client, alice, title="Board meeting", visibility="private")
    assert share(client, f"/api/v1/events/{private['uuid']}/share-by-email", alice, FRIENDS).status_code == 404
    draft = new_event(client, alice, title="Someday", publish=False)
    bob = sign_up(client, "bob@example.org", "bob")
    assert share(client, f"/api/v1/events/{draft['uuid']}/share-by-email", bob, FRIENDS).status_code == 404
    assert share(client, "/api/v1/events/not-a-uuid/share-by-email", bob, FRIENDS).status_code == 404
    assert shares(client) == []


def test_after_the_stop_link_an_address_gets_no_more_shares_and_the_sender_cannot_tell(sharing):
    client, server, alice, url = sharing
    assert share(client, url, alice, ["bob@example.net"]).status_code == 202
    [mail] = wait_for(lambda: [m for m in server.messages if m["To"] == "bob@example.net"])
    link = mail["List-Unsubscribe"].strip("<>")
    assert link in parts(mail)["text/plain"] and link in parts(mail)["text/html"]
    stop = "/" + link.split("/", 3)[3]
    page = client.get(stop)
    assert page.status_code == 200 and "Stop these messages" in page.text
    assert client.get(stop).status_code == 200 and len(shares(client)) == 1, "opening the link stops nothing"
    r = client.post(stop)  # what a mail client's one-click unsubscribe sends: no cookie, no CSRF token
    assert r.status_code == 200 and "Nobody can send you events" in r.text
    assert client.post(stop).status_code == 200, "a second click is no error"
    again = share(client, url, alice, ["BOB@example.net", "carol@example.net"])
    assert again.status_code == 202 and again.json() == {"addresses": 2}, "the same answer as for anyone"
    wait_for(lambda: len(shares(client)) == 3 and all(row.state == "done" for row in notifications(client)))
    assert sorted(m["To"] for m in server.messages if m["Subject"] == mail["Subject"]) == [
        "bob@example.net", "carol@example.net"], "bob's second share was not sent"
    assert client.post(stop[:-3] + "xyz").status_code == 422, "a forged link stops nothing"


def test_a_member_shares_from_the_event_page_in_their_page_language(sharing):
    client, server, alice, url = sharing
    event_page = url.removeprefix("/api/v1").removesuffix("/share-by-email")
    assert "share-by-email" not in client.get(event_page).text, "visitors are offered nothing"
    french_member(client, "zoe@example.org", "zoe")
    page = client.get(event_page)
    assert f'href="{event_page}/share-by-email"' in page.text
    refused = submit(client, f"{event_page}/share-by-email", f"{event_page}/share-by-email",
                     {"identity": "zoe", "addresses": "bob@example.net\nx@example.net\r\nBcc: y@example.net"})
    assert refused.status_code == 422 and field_error(refused.text, "share", "addresses").startswith("Bcc: y@")
    assert shares(client) == []
    done = submit(client, f"{event_page}/share-by-email", f"{event_page}/share-by-email",
                  {"identity": "zoe", "addresses": "bob@example.net\ncarol@example.net"})
    assert done.status_code == 200 and "2" in done.text
    [mail, _] = wait_for(lambda: len(got := [m for m in server.messages if m["To"] in FRIENDS]) == 2 and got)
    assert mail["Content-Language"] == "fr" and "a partagé un événement avec vous" in mail["Subject"]
    assert "zoe@example.org" not in mail.as_string()
