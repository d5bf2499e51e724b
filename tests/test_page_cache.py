"""Anonymous event pages come from a cache that every change to what they show empties."""

from __future__ import annotations

import re

from sqlalchemy import update

from core.events.models import Event
from helpers import new_event, sign_up
from webhelpers import log_in


def _retitle_behind_the_cache(client, uuid: str, title: str) -> None:
    """Change the row without the services, as if the page had been read from the database."""

    async def run() -> None:
        async with client.app.state.sessionmaker() as session:
            await session.execute(update(Event).where(Event.title != "").values(title=title))
            await session.commit()

    with client.portal() as portal:
        portal.call(run)


def participants_shown(page: str) -> str:
    """The text of the page's "Participants" fact (the <dd> after its <dt>), spaces collapsed."""
    found = re.search(r"<dt>Participants</dt>\s*<dd>(.*?)</dd>", page, re.S)
    assert found, "the page shows no participant count"
    return " ".join(found[1].split())


def test_anonymous_page_is_cached_and_changes_empty_it(client):
    alice = sign_up(client, "alice@example.org", "alice")
    bob = sign_up(client, "bob@example.org", "bob")
    event = new_event(client, alice, title="Picnic", max_participants=5)
    url = f"/events/{event['uuid']}"
    client.cookies.clear()
    assert "Picnic" in client.get(url).text

    _retitle_behind_the_cache(client, event["uuid"], "Renamed behind")
    assert "Picnic" in client.get(url).text, "the second anonymous read is served from the cache"

    client.patch(f"/api/v1/events/{event['uuid']}", headers=alice, json={"title": "Picnic in the park"})
    page = client.get(url).text
    assert "Picnic in the park" in page, "an edit empties the cached page"
    assert participants_shown(page) == "0 going · 5 of 5 places left"

    client.post(f"/api/v1/events/{event['uuid']}/participations", headers=bob, json={})
    page = client.get(url).text
    assert participants_shown(page) == "1 going · 4 of 5 places left", "a participation empties it"
    assert "Picnic in the park" in page
    client.post(f"/api/v1/events/{event['uuid']}/comments", headers=bob, json={"text": "Bringing lemonade"})
    assert "Bringing lemonade" in client.get(url).text, "a comment empties it too"

    client.delete(f"/api/v1/events/{event['uuid']}", headers=alice)
    assert client.get(url).status_code == 410, "a deleted event is not served from the cache"


def header_of(page: str) -> str:
    """The page's header (who is acting), not its <head> (the event's metadata names the organiser)."""
    return page.split("<body")[1].split("<main")[0]


def test_signed_in_readers_and_other_formats_never_get_the_anonymous_copy(client):
    alice = sign_up(client, "alice@example.org", "alice")
    event = new_event(client, alice, title="Choir")
    url = f"/events/{event['uuid']}"
    client.cookies.clear()
    anonymous = client.get(url).text
    assert "@alice" not in header_of(anonymous), "the anonymous header names nobody"

    log_in(client, "alice@example.org")
    signed_in = client.get(url).text
    assert "@alice" in header_of(signed_in), "a signed-in reader gets their own page"
    assert client.get(url + "?done=event-published").status_code == 200
    activity = client.get(url, headers={"Accept": "application/activity+json"})
    assert activity.headers["content-type"].startswith("application/activity+json")
