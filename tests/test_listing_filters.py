"""A plugin's listing filter hides an event on every route that shows events.

Every such route is marked ``opt=SHOWS_EVENTS``; the table below has a probe for each
one, and the test fails when a marked route has none (or a probe names a route that is
not marked). Bob organises two public events and Alice commented on both and follows
him: "Durian tasting" and the control, "Book club". Each probe first sees both events
on an instance without the policy (so it would notice the event), then, once
testkit_policy bans "durian" (as an operator switching it on), sees the control only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from litestar.testing import TestClient
from sqlalchemy import select

from core.context import Ctx
from core.events.listing import SHOWS_EVENTS
from core.identities.models import Identity
from helpers import new_event, sign_up
from plugins.federation_activitypub.models import ApFollow
from testkit import in_transaction, instance
from webhelpers import log_in, second_browser

ACTIVITY = {"Accept": "application/activity+json"}
FILTERED, CONTROL = "Durian tasting", "Book club"
BANNING_DURIAN = {"testkit_policy": {"banned_words": ["durian"]}}


@dataclass
class World:
    """Who and what the probes read, and the clients they read with."""

    anonymous: TestClient
    alice_web: TestClient
    bob_web: TestClient
    alice: dict[str, str]
    bob: dict[str, str]
    events: dict[str, dict[str, Any]]  # by title
    comments: dict[str, str]  # comment uuid, by the title of its event


def listed(text: str) -> set[str]:
    """Which of the two events a page or a document names."""
    return {title for title in (FILTERED, CONTROL) if title in text}


def each_event(read: Callable[[World, dict[str, Any]], bool]) -> Callable[[World], set[str]]:
    """A probe for a single-event route: the events for which ``read`` says it was shown."""
    return lambda world: {title for title, event in world.events.items() if read(world, event)}


def each_comment(read: Callable[[World, str], bool]) -> Callable[[World], set[str]]:
    return lambda world: {title for title, comment in world.comments.items() if read(world, comment)}


def event_url(event: dict[str, Any]) -> str:
    return f"http://testserver.local/events/{event['uuid']}"


PROBES: list[tuple[str, Callable[[World], set[str]]]] = [
    ("/", lambda w: listed(w.anonymous.get("/").text)),
    ("/api/v1/events", lambda w: listed(w.anonymous.get("/api/v1/events").text)),
    ("/api/v1/events/{uuid:str}", each_event(
        lambda w, e: w.anonymous.get(f"/api/v1/events/{e['uuid']}").status_code == 200)),
    ("/api/v1/me/events", lambda w: listed(w.anonymous.get("/api/v1/me/events", headers=w.bob).text)),
    ("/events/{uuid:str}", each_event(lambda w, e: w.anonymous.get(f"/events/{e['uuid']}").status_code == 200)),
    ("/events/{uuid:str}", each_event(
        lambda w, e: w.anonymous.get(f"/events/{e['uuid']}", headers=ACTIVITY).status_code == 200)),
    ("/my/events", lambda w: listed(w.bob_web.get("/my/events").text)),
    ("/{handle:str}", lambda w: listed(w.anonymous.get("/@bob").text)),
    ("/{handle:str}/outbox", lambda w: listed(w.anonymous.get("/@bob/outbox", headers=ACTIVITY).text)),
    ("/api/v1/search", each_event(lambda w, e: w.anonymous.get(
        "/api/v1/search", params={"q": event_url(e)}, headers=w.alice).status_code == 200)),
    ("/search", each_event(lambda w, e: w.alice_web.get(
        "/search", params={"q": event_url(e)}, follow_redirects=False).headers.get("location") == f"/events/{e['uuid']}")),
    ("/feed", lambda w: listed(w.alice_web.get("/feed").text)),
    ("/api/v1/me/feed", lambda w: listed(w.anonymous.get("/api/v1/me/feed", headers=w.alice).text)),
    ("/api/v1/events/{uuid:str}/announcements", each_event(
        lambda w, e: w.anonymous.get(f"/api/v1/events/{e['uuid']}/announcements").status_code == 200)),
    ("/api/v1/events/{uuid:str}/comments", each_event(
        lambda w, e: w.anonymous.get(f"/api/v1/events/{e['uuid']}/comments").status_code == 200)),
    ("/comments/{key:str}", each_comment(
        lambda w, c: w.anonymous.get(f"/comments/{c}", headers=ACTIVITY).status_code == 200)),
    ("/events/{key:str}/replies", each_event(
        lambda w, e: w.anonymous.get(f"/events/{e['uuid']}/replies", headers=ACTIVITY).status_code == 200)),
    ("/{handle:str}/feed/json", lambda w: listed(w.anonymous.get("/@bob/feed/json").text)),
    ("/feed/instance/json", lambda w: listed(w.anonymous.get("/feed/instance/json").text)),
    ("/{handle:str}/embed", lambda w: listed(w.anonymous.get("/@bob/embed").text)),
    ("/embed/instance", lambda w: listed(w.anonymous.get("/embed/instance").text)),
    ("/events/{uuid:str}/export/ics", each_event(
        lambda w, e: w.anonymous.get(f"/events/{e['uuid']}/export/ics").status_code == 200)),
    ("/feed/instance/ics", lambda w: listed(w.anonymous.get("/feed/instance/ics").text)),
    ("/feed/instance/atom", lambda w: listed(w.anonymous.get("/feed/instance/atom").text)),
    ("/{handle:str}/feed/ics", lambda w: listed(w.anonymous.get("/@bob/feed/ics").text)),
    ("/{handle:str}/feed/atom", lambda w: listed(w.anonymous.get("/@bob/feed/atom").text)),
    ("/feed/private/{secret:str}/ics", lambda w: listed(private_feed(w, "ics"))),
    ("/feed/private/{secret:str}/atom", lambda w: listed(private_feed(w, "atom"))),
]


def private_feed(world: World, fmt: str) -> str:
    """Bob's private calendar feed (a new address each time: the old one stops)."""
    made = world.anonymous.post("/api/v1/me/calendar-feeds", json={}, headers=world.bob).json()
    return world.anonymous.get(made[f"{fmt}_url"]).text


def routes_showing_events(client: TestClient) -> set[str]:
    """The paths of the routes marked ``opt=SHOWS_EVENTS``."""
    marker = next(iter(SHOWS_EVENTS))
    return {route.path for route in client.app.routes
            for handler in getattr(route, "route_handlers", []) if handler.opt.get(marker)}


def follow(client: TestClient, follower: str, followed: str) -> None:
    """An accepted follow between two local identities (how it came to be is the federation tests' matter)."""

    async def write(ctx: Ctx) -> None:
        ids = {i.username: i.id for i in await ctx.session.scalars(select(Identity))}
        ctx.session.add(ApFollow(follower_id=ids[follower], followed_id=ids[followed], activity_id="", accepted=True))

    in_transaction(client, write)


def world_of(client: TestClient, alice: dict[str, str], bob: dict[str, str],
             events: dict[str, dict[str, Any]], comments: dict[str, str]) -> World:
    client.cookies.clear()
    alice_web, bob_web = second_browser(client), second_browser(client)
    log_in(alice_web, "alice@example.org")
    log_in(bob_web, "bob@example.org")
    return World(client, alice_web, bob_web, alice, bob, events, comments)


def shown_on_each_probe(world: World) -> list[tuple[str, set[str]]]:
    return [(route, probe(world)) for route, probe in PROBES]


def test_a_listing_filter_hides_an_event_on_every_route_that_shows_events(data_dir):
    with instance(data_dir) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        bob = sign_up(client, "bob@example.org", "bob")
        events = {title: new_event(client, bob, title=title) for title in (FILTERED, CONTROL)}
        comments = {}
        for title, event in events.items():
            r = client.post(f"/api/v1/events/{event['uuid']}/comments", headers=alice, json={"text": "Count me in"})
            assert r.status_code == 201, r.text
            comments[title] = r.json()["uuid"]
        follow(client, "alice", "bob")
        before = shown_on_each_probe(world_of(client, alice, bob, events, comments))
        assert before == [(route, {FILTERED, CONTROL}) for route, _ in PROBES], "each probe sees both events"

    with instance(data_dir, "testkit_policy", **BANNING_DURIAN) as client:
        assert routes_showing_events(client) == {route for route, _ in PROBES}
        after = shown_on_each_probe(world_of(client, alice, bob, events, comments))
        assert after == [(route, {CONTROL}) for route, _ in PROBES]
