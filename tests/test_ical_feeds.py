"""Public ICS feeds: an identity's and the instance's, their window and cap, what they never
show, and the conditional answers that keep calendar clients' polls cheap.

Every feed is read with icalendar and with vobject (an independent parser).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from uuid import UUID

import icalendar
import vobject
from litestar.testing import TestClient
from sqlalchemy import select

from core.context import Ctx
from core.events.models import Event
from helpers import future, new_event, sign_up
from testkit import in_transaction, instance

ICS = "text/calendar; charset=utf-8"


def parsed(response) -> icalendar.Calendar:  # noqa: ANN001
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == ICS
    vobject.readOne(response.text)  # the second parser reads it too
    return icalendar.Calendar.from_ical(response.content)


def titles(response) -> list[str]:  # noqa: ANN001
    return [str(v["summary"]) for v in parsed(response).walk("VEVENT")]


def set_times(client: TestClient, uuid: str, begins: datetime, ends: datetime) -> None:
    """Move an event into the past (the API refuses to create one there)."""

    async def move(ctx: Ctx) -> None:
        row = await ctx.session.scalar(select(Event).where(Event.uuid == UUID(uuid)))
        row.begins_at, row.ends_at = begins, ends

    in_transaction(client, move)


def test_an_identity_feed_holds_its_public_events_and_is_valid(data_dir):
    with instance(data_dir) as client:
        bob = sign_up(client, "bob@example.org", "bob")
        alice = sign_up(client, "alice@example.org", "alice")
        new_event(client, bob, title="Book club")
        new_event(client, bob, title="Secret dinner", visibility="private")
        new_event(client, bob, title="Unfinished", publish=False)
        new_event(client, alice, title="Alice's picnic")
        r = client.get("/@bob/feed/ics")
        assert titles(r) == ["Book club"]
        calendar = parsed(r)
        assert str(calendar["name"]) == "bob"
        assert str(calendar["url"]) == "http://testserver.local/@bob"
        assert calendar["refresh-interval"].dt == timedelta(minutes=60)
        assert "cut" not in str(calendar["description"]) and "soonest" not in str(calendar["description"])
        assert sorted(titles(client.get("/feed/instance/ics"))) == ["Alice's picnic", "Book club"]


def test_unknown_remote_or_malformed_identities_have_no_feed(data_dir):
    with instance(data_dir) as client:
        sign_up(client, "bob@example.org", "bob")
        for path in ("/@nobody/feed/ics", "/bob/feed/ics", "/@bob@elsewhere.example/feed/ics",
                     "/@bob/feed/pdf", "/feed/instance/pdf", "/@bob/feed/atom/extra"):
            assert client.get(path).status_code == 404, path


def test_the_window_keeps_a_month_of_the_past_and_the_cap_keeps_the_soonest(data_dir):
    with instance(data_dir, ical={"feed_max_events": 2}) as client:
        bob = sign_up(client, "bob@example.org", "bob")
        old = new_event(client, bob, title="Long ago")
        recent = new_event(client, bob, title="Last week")
        now = datetime.now(UTC)
        set_times(client, old["uuid"], now - timedelta(days=40), now - timedelta(days=40) + timedelta(hours=2))
        set_times(client, recent["uuid"], now - timedelta(days=7), now - timedelta(days=7) + timedelta(hours=2))
        new_event(client, bob, title="Soon", begins_at=future(days=3))
        new_event(client, bob, title="Later", begins_at=future(days=60))
        r = client.get("/@bob/feed/ics")
        assert titles(r) == ["Last week", "Soon"]
        description = str(parsed(r)["description"])
        assert "The 2 soonest events; more at http://testserver.local/@bob" in description


def test_a_poll_with_the_etag_gets_304_and_an_edit_shows_at_once(data_dir):
    with instance(data_dir) as client:
        bob = sign_up(client, "bob@example.org", "bob")
        event = new_event(client, bob, title="Book club")
        first = client.get("/@bob/feed/ics")
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        again = client.get("/@bob/feed/ics", headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == etag
        assert client.get("/@bob/feed/ics", headers={"If-Modified-Since": modified}).status_code == 304
        r = client.patch(f"/api/v1/events/{event['uuid']}", json={"title": "Poetry club"}, headers=bob)
        assert r.status_code == 200, r.text
        changed = client.get("/@bob/feed/ics", headers={"If-None-Match": etag})
        assert changed.status_code == 200
        assert titles(changed) == ["Poetry club"]
        assert changed.headers["etag"] != etag
        instance_feed = client.get("/feed/instance/ics", headers={"If-None-Match": etag})
        assert titles(instance_feed) == ["Poetry club"]


def test_if_none_match_wins_over_if_modified_since(data_dir):
    with instance(data_dir) as client:
        bob = sign_up(client, "bob@example.org", "bob")
        new_event(client, bob)
        first = client.get("/feed/instance/ics")
        later = format_datetime(datetime.now(UTC) + timedelta(days=1), usegmt=True)
        stale = client.get("/feed/instance/ics", headers={"If-None-Match": '"other"', "If-Modified-Since": later})
        assert stale.status_code == 200
        assert client.get("/feed/instance/ics", headers={"If-None-Match": f'"x", {first.headers["etag"]}'}).status_code == 304
        assert client.get("/feed/instance/ics", headers={"If-Modified-Since": "not a date"}).status_code == 200


def test_profiles_and_the_about_page_offer_the_feeds(data_dir):
    with instance(data_dir) as client:
        sign_up(client, "bob@example.org", "bob")
        profile = client.get("/@bob").text
        for link in ("webcal://testserver.local/@bob/feed/ics", "http://testserver.local/@bob/feed/ics",
                     "http://testserver.local/@bob/feed/atom"):
            assert f'href="{link}"' in profile
        about = client.get("/about").text
        assert 'href="webcal://testserver.local/feed/instance/ics"' in about
        assert 'href="http://testserver.local/feed/instance/atom"' in about
