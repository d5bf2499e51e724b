"""The explore page (the home page): upcoming public events, local and federated, with filters."""

from __future__ import annotations

import html
import re
from datetime import UTC, timedelta
from typing import Any

from litestar.testing import TestClient

from core.events.models import Event
from core.identities.models import Identity
from helpers import future, future_dt, new_event, sign_up
from webhelpers import field_error, field_value, log_in


def remote_event(client: TestClient, title: str, domain: str = "mobilizon.example", **columns: Any) -> str:
    """An event as federation stores one: a core Event whose organiser is an identity of another server."""

    async def store() -> str:
        async with client.app.state.sessionmaker() as session:
            organiser = Identity(username="rita", domain=domain, display_name="Rita")
            event = Event(organizer=organiser, title=title, begins_at=future_dt(30, 16).replace(tzinfo=UTC),
                          timezone="Europe/Berlin", draft=False, visibility="public", tags=[], **columns)
            session.add(event)
            await session.commit()
            return str(event.uuid)

    with client.portal() as portal:
        return portal.call(store)


def titles(page: str) -> list[str]:
    """The events listed, in order, as a visitor reads them."""
    return [html.unescape(t) for t in re.findall(r'<a href="/events/[0-9a-f-]{36}"><strong>([^<]*)</strong></a>', page)]


def explore(client: TestClient, query: str = "") -> str:
    response = client.get(f"/?{query}")
    assert response.status_code == 200, response.text
    return response.text


def test_local_and_federated_upcoming_public_events_soonest_first(client):
    alice = sign_up(client, "alice@example.org", "alice")
    new_event(client, alice, title="Later picnic", begins_at=future(60, 12))
    new_event(client, alice, title="Unlisted", visibility="unlisted")
    new_event(client, alice, title="A draft", publish=False)
    new_event(client, alice, title="Long gone", begins_at="2001-05-01T18:00:00")
    remote_event(client, "Critical mass")
    page = explore(client)
    assert titles(page) == ["Critical mass", "Later picnic"]
    assert "by Rita · from mobilizon.example" in page
    assert "2 upcoming events" in page


def test_every_filter_is_a_labelled_field_of_a_get_form(client):
    page = explore(client)
    form = re.search(r'<form class="filters" method="get" action="/".*?</form>', page, re.S).group(0)
    for name, label in [("q", "Search by title or town"), ("from", "From"), ("to", "Until"), ("category", "Category"),
                        ("tag", "Tag"), ("attendance", "Online or in person")]:
        assert f'<label for="explore-{name}">{label}</label>' in form
        assert f'id="explore-{name}" name="{name}"' in form
    assert 'type="date"' in form and "<script" not in page


def test_filters_by_text_dates_category_tag_and_attendance(client):
    alice = sign_up(client, "alice@example.org", "alice")
    chess, choir, talk = (future_dt(days) for days in (30, 32, 34))
    new_event(client, alice, title="Chess night", begins_at=chess.isoformat(), category="GAMES",
              address={"locality": "Lyon"})
    new_event(client, alice, title="Choir", begins_at=choir.isoformat(), category="MUSIC", tags=["Singing"],
              address={"locality": "Paris"})
    new_event(client, alice, title="Online talk", begins_at=talk.isoformat(), category="LEARNING",
              online_url="https://video.example/talk")
    after_chess = chess.date() + timedelta(days=1)
    assert titles(explore(client, "q=lyon")) == ["Chess night"], "text matches the town too"
    assert titles(explore(client, f"from={after_chess}&to={choir.date()}")) == ["Choir"], "the last day is included"
    assert titles(explore(client, f"from={after_chess}")) == ["Choir", "Online talk"]
    assert titles(explore(client, "category=MUSIC")) == ["Choir"]
    assert titles(explore(client, "tag=singing")) == ["Choir"]
    assert titles(explore(client, "tag=Singing")) == ["Choir"], "a typed tag is read as its slug"
    assert titles(explore(client, "attendance=online")) == ["Online talk"]
    assert titles(explore(client, "attendance=in_person")) == ["Chess night", "Choir"]
    combined = explore(client, f"attendance=in_person&from={after_chess}&category=MUSIC")
    assert titles(combined) == ["Choir"]
    assert field_value(combined, "explore", "from") == str(after_chess), "the form shows the filters in force"
    assert '<option value="MUSIC" selected>Music</option>' in combined
    assert '<option value="in_person" selected>In person</option>' in combined
    assert 'href="/">Show all events</a>' in combined
    assert "No upcoming events match." in explore(client, "q=nothing-like-this")


def test_dates_are_days_in_the_members_timezone(client):
    alice = sign_up(client, "alice@example.org", "alice")
    # 23:30 in Paris is 21:30 or 22:30 UTC, the same day; in Tokyo it is already the next day
    late = future_dt(hour=23, minute=30)
    that_day, next_day = late.date(), late.date() + timedelta(days=1)
    new_event(client, alice, title="Late show", begins_at=late.isoformat(), timezone="Europe/Paris")
    assert titles(explore(client, f"from={that_day}&to={that_day}")) == ["Late show"], "a visitor's days are UTC"
    client.patch("/api/v1/account", json={"timezone": "Asia/Tokyo"}, headers=alice)
    log_in(client, "alice@example.org")
    assert titles(explore(client, f"from={that_day}&to={that_day}")) == []
    assert titles(explore(client, f"from={next_day}&to={next_day}")) == ["Late show"]


def test_a_wrong_filter_is_named_next_to_its_field_and_the_others_still_apply(client):
    alice = sign_up(client, "alice@example.org", "alice")
    chess, choir = future_dt(30), future_dt(32)
    new_event(client, alice, title="Chess night", begins_at=chess.isoformat())
    new_event(client, alice, title="Choir", begins_at=choir.isoformat())
    response = client.get("/?q=choir&from=next+week&category=NOPE&attendance=both")
    assert response.status_code == 400
    assert field_error(response.text, "explore", "from") == "enter a date as YYYY-MM-DD"
    assert field_error(response.text, "explore", "category") == "choose a category from the list"
    assert field_error(response.text, "explore", "attendance") == "choose online or in person"
    assert titles(response.text) == ["Choir"]
    reversed_range = client.get(f"/?from={choir.date()}&to={chess.date()}")
    assert field_error(reversed_range.text, "explore", "to") == "the end must be on or after the start"


def test_pages_keep_the_filters_in_their_links(client):
    alice = sign_up(client, "alice@example.org", "alice")
    for day in range(1, 24):
        new_event(client, alice, title=f"Walk {day:02d}", begins_at=future(30 + day, 10), category="SPORTS",
                  address={"locality": "Annecy"})
    new_event(client, alice, title="Not a walk", category="MUSIC")
    first = explore(client, "q=walk&category=SPORTS")
    assert titles(first) == [f"Walk {day:02d}" for day in range(1, 21)]
    assert "Page 1 of 2" in first
    next_link = html.unescape(re.search(r'<a rel="next" href="([^"]+)"', first).group(1))
    assert next_link == "/?q=walk&category=SPORTS&page=2"
    second = explore(client, next_link.removeprefix("/?"))
    assert titles(second) == ["Walk 21", "Walk 22", "Walk 23"]
    assert html.unescape(re.search(r'<a rel="prev" href="([^"]+)"', second).group(1)) == "/?q=walk&category=SPORTS&page=1"


def test_filter_messages_are_in_the_readers_language(client):
    response = client.get("/?from=demain", headers={"Accept-Language": "fr"})
    assert field_error(response.text, "explore", "from") == "saisissez une date au format AAAA-MM-JJ"
