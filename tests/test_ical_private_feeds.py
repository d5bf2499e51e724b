"""Private feeds: what a member organises or goes to, at a secret address they make, see
again, replace and stop; through the API and the settings page. An identity's feed
never shows or names another identity of the same account, and nobody else sees it.
"""

from __future__ import annotations

import re

import icalendar
import vobject
from litestar.testing import TestClient

from helpers import new_event, sign_up
from plugins.ical import feed_cache
from plugins.ical.models import FeedToken
from plugins.ical.tokens import secret_hash
from testkit import instance, rows
from webhelpers import log_in, second_browser, submit

FEEDS = "/api/v1/me/calendar-feeds"


def calendar(client: TestClient, url: str) -> icalendar.Calendar:
    r = client.get(url.removeprefix("http://testserver.local"))
    assert r.status_code == 200, r.text
    vobject.readOne(r.text)
    return icalendar.Calendar.from_ical(r.content)


def titles(client: TestClient, url: str) -> set[str]:
    return {str(v["summary"]) for v in calendar(client, url).walk("VEVENT")}


def make_feed(client: TestClient, headers: dict[str, str], identity: str | None = None) -> dict[str, str]:
    r = client.post(FEEDS, json={"identity": identity}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def people(client: TestClient) -> tuple[dict[str, str], dict[str, str]]:
    """Bob (with a second identity, "bobby") and Carol, who organises events Bob goes to."""
    bob = sign_up(client, "bob@example.org", "bob")
    r = client.post("/api/v1/identities", json={"username": "bobby", "display_name": "Bobby Tables"}, headers=bob)
    assert r.status_code == 201, r.text
    carol = sign_up(client, "carol@example.org", "carol")
    return bob, carol


def join(client: TestClient, headers: dict[str, str], event: dict[str, str], identity: str) -> None:
    r = client.post(f"/api/v1/events/{event['uuid']}/participations", json={"identity": identity}, headers=headers)
    assert r.status_code == 201, r.text


def test_the_account_feed_gathers_every_identity_and_an_identity_feed_only_its_own(data_dir):
    with instance(data_dir) as client:
        bob, carol = people(client)
        new_event(client, bob, title="Bob's own private dinner", visibility="private")
        new_event(client, bob, title="Bob's draft", publish=False)
        new_event(client, bob, title="Bobby's talk", identity="bobby")
        join(client, bob, new_event(client, carol, title="Carol's party"), "bobby")
        new_event(client, carol, title="Carol's other event")
        account_feed = make_feed(client, bob)
        assert account_feed["identity"] is None
        assert titles(client, account_feed["ics_url"]) == {"Bob's own private dinner", "Bobby's talk", "Carol's party"}
        bob_feed, bobby_feed = make_feed(client, bob, "bob"), make_feed(client, bob, "bobby")
        assert titles(client, bob_feed["ics_url"]) == {"Bob's own private dinner"}
        assert titles(client, bobby_feed["ics_url"]) == {"Bobby's talk", "Carol's party"}
        bobby_text = client.get(bobby_feed["ics_url"].removeprefix("http://testserver.local")).text
        assert "Bobby Tables" in bobby_text
        assert "@bob" not in bobby_text.replace("@bobby", "") and "bob@example.org" not in bobby_text
        assert bob_feed["webcal_url"] == "webcal://" + bob_feed["ics_url"].removeprefix("http://")


def test_a_new_address_stops_the_old_one_and_revoking_stops_it_at_once(data_dir):
    with instance(data_dir) as client:
        bob, _ = people(client)
        new_event(client, bob, title="Book club")
        first = make_feed(client, bob)
        old_path = first["ics_url"].removeprefix("http://testserver.local")
        assert client.get(old_path).status_code == 200  # now kept rendered: the old address must still stop
        second = make_feed(client, bob)
        assert second["ics_url"] != first["ics_url"]
        assert client.get(old_path).status_code == 404
        assert client.get(old_path.replace("/ics", "/atom")).status_code == 404
        assert titles(client, second["ics_url"]) == {"Book club"}
        listed = client.get(FEEDS, headers=bob).json()
        assert [feed["ics_url"] for feed in listed] == [second["ics_url"]]  # shown again, same address
        r = client.delete(FEEDS, headers=bob)
        assert r.status_code == 204
        assert client.get(second["ics_url"].removeprefix("http://testserver.local")).status_code == 404
        assert client.get(FEEDS, headers=bob).json() == []
        assert client.delete(FEEDS, headers=bob).status_code == 404


def test_wrong_secrets_get_the_same_404(data_dir):
    with instance(data_dir) as client:
        bob, _ = people(client)
        secret = make_feed(client, bob)["ics_url"].split("/")[-2]
        wrong = secret[:-1] + ("A" if secret[-1] != "A" else "B")
        answers = {client.get(f"/feed/private/{candidate}/ics").status_code
                   for candidate in (wrong, "x" * 43, "short", secret + "A", secret.lower())}
        assert answers == {404}
        assert client.get(f"/feed/private/{secret}/pdf").status_code == 404


def test_the_database_alone_does_not_give_the_addresses(data_dir):
    with instance(data_dir) as client:
        bob, _ = people(client)
        secret = make_feed(client, bob)["ics_url"].split("/")[-2]
        (token,) = rows(client, FeedToken)
        assert secret not in (token.nonce, token.secret_hash)
        assert client.get(f"/feed/private/{token.nonce}/ics").status_code == 404
        assert client.get(f"/feed/private/{token.secret_hash}/ics").status_code == 404


def test_nobody_manages_another_accounts_feeds(data_dir):
    with instance(data_dir) as client:
        bob, carol = people(client)
        make_feed(client, bob, "bobby")
        assert client.post(FEEDS, json={"identity": "bobby"}, headers=carol).status_code == 404
        assert client.post(FEEDS, json={"identity": "nobody"}, headers=carol).status_code == 404
        assert client.delete(FEEDS, params={"identity": "bobby"}, headers=carol).status_code == 404
        assert client.get(FEEDS, headers=carol).json() == []
        assert client.get(FEEDS).status_code == 401
        assert [feed["identity"] for feed in client.get(FEEDS, headers=bob).json()] == ["bobby"]


def test_joining_and_editing_show_at_once_in_the_private_feed(data_dir):
    with instance(data_dir) as client:
        bob, carol = people(client)
        feed = make_feed(client, bob)
        path = feed["ics_url"].removeprefix("http://testserver.local")
        first = client.get(path)
        party = new_event(client, carol, title="Carol's party")
        join(client, bob, party, "bob")
        joined = client.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert joined.status_code == 200 and "Carol's party" in joined.text
        r = client.patch(f"/api/v1/events/{party['uuid']}", json={"title": "Carol's big party"}, headers=carol)
        assert r.status_code == 200, r.text
        edited = client.get(path, headers={"If-None-Match": joined.headers["etag"]})
        assert edited.status_code == 200 and "Carol's big party" in edited.text
        assert client.get(path, headers={"If-None-Match": edited.headers["etag"]}).status_code == 304


def test_the_settings_page_makes_shows_and_stops_feeds(data_dir):
    with instance(data_dir) as client:
        people(client)
        web = second_browser(client)
        log_in(web, "bob@example.org")
        page = web.get("/settings").text
        assert "Calendar feeds" in page and "/feed/private/" not in page
        # the account's feed, which gathers every identity, warns that sharing it links them
        assert page.count("whoever has its address can tell they are one person’s") == 1
        r = submit(web, "/settings", "/settings/calendar-feeds", {"action": "renew", "identity": "bobby"})
        assert r.status_code == 200, r.text
        found = re.findall(r"webcal://testserver\.local/feed/private/([A-Za-z0-9_-]{43})/ics", r.text)
        assert len(found) == 1
        assert web.get("/settings").text.count(found[0]) >= 3  # shown again: webcal, https and Atom
        assert client.get(f"/feed/private/{found[0]}/ics").status_code == 200
        r = submit(web, "/settings", "/settings/calendar-feeds", {"action": "revoke", "identity": "bobby"})
        assert r.status_code == 200 and found[0] not in r.text
        assert client.get(f"/feed/private/{found[0]}/ics").status_code == 404
        carol_web = second_browser(client)
        log_in(carol_web, "carol@example.org")
        refused = submit(carol_web, "/settings", "/settings/calendar-feeds", {"action": "renew", "identity": "bobby"})
        assert refused.status_code == 404
        assert submit(web, "/settings", "/settings/calendar-feeds", {"action": "dance"}).status_code == 422
        assert rows(client, FeedToken) == []


def test_a_copy_made_by_a_poll_racing_the_revocation_is_not_served(data_dir):
    with instance(data_dir) as client:
        bob, _ = people(client)
        made = make_feed(client, bob)
        path = made["ics_url"].removeprefix("http://testserver.local")
        body = client.get(path).content
        assert client.delete(FEEDS, headers=bob).status_code == 204
        secret = path.split("/")[-2]
        store = feed_cache.feed_store(client.app.state.runtime)
        with client.portal() as portal:  # what a poll that read the row just before the commit would keep
            portal.call(feed_cache.keep, store, feed_cache.private_key(secret_hash(secret), "ics"), body)
        assert client.get(path).status_code == 404
