"""Inbound Create, Update and Delete of events: signed posts from a loopback peer, processed by the worker."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar.testing import TestClient
from sqlalchemy import select

from core.app import create_app
from core.events.models import Event
from helpers import field_errors, next_in, sign_up, wait_for
from peer_fixtures import PUBLIC_URL, RemoteActor, federating_settings, host_actor, run, signed_post
from plugins.federation_activitypub.models import ApInboxActivity, ApObject
from security_fixtures import LocalServer
from testkit import moderator

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
INTEROP = Path(__file__).resolve().parents[1] / "fixtures" / "interop"
DAY = next_in(5).date()  # of the remote events: ahead, in May, when Paris is UTC+2 as their offsets say



def event_object(actor: RemoteActor, number: int = 1, **fields: Any) -> dict[str, Any]:
    return {
        "id": actor.server.url(f"/events/{number}"), "type": "Event", "attributedTo": actor.id, "to": [PUBLIC],
        "name": "Bike repair café", "content": "<p>Bring your bike</p>", "startTime": f"{DAY}T18:00:00+02:00",
        "endTime": f"{DAY}T20:00:00+02:00", "timezone": "Europe/Paris", "maximumAttendeeCapacity": 12,
        "location": {"type": "Place", "name": "Atelier", "address": {
            "type": "PostalAddress", "streetAddress": "3 rue Vélo", "addressLocality": "Lyon"}},
        "tag": [{"type": "Hashtag", "name": "#Bikes"}], **fields,
    }


def activity(actor: RemoteActor, kind: str, obj: Any, number: int = 1) -> dict[str, Any]:
    return {"id": f"{actor.id}#{kind.lower()}/{number}", "type": kind, "actor": actor.id, "to": [PUBLIC], "object": obj}


def send(client: TestClient, actor: RemoteActor, payload: dict[str, Any]) -> None:
    """Post ``payload`` signed by ``actor`` and wait for the worker to process it."""
    body, headers = signed_post(actor, "/inbox", payload)
    assert client.post("/inbox", content=body, headers=headers).status_code == 202
    wait_for(lambda: outcome(client, payload["id"]))


def outcome(client: TestClient, activity_id: str) -> str:
    async def load(session: Any) -> str:
        return await session.scalar(select(ApInboxActivity.outcome).where(ApInboxActivity.activity_id == activity_id))

    return run(client, load) or ""


def refused(client: TestClient, payload: dict[str, Any], reason: str) -> bool:
    """Whether the worker refused ``payload`` for ``reason``."""
    found = outcome(client, payload["id"])
    return found.startswith("refused: ") and reason in found


def stored(client: TestClient, ap_id: str) -> dict[str, Any] | None:
    """The API's view of the local copy of ``ap_id``, None when there is none."""

    async def load(session: Any) -> str | None:
        uuid = await session.scalar(
            select(Event.uuid).join(ApObject, ApObject.local_id == Event.id).where(ApObject.ap_id == ap_id))
        return str(uuid) if uuid else None

    uuid = run(client, load)
    return client.get(f"/api/v1/events/{uuid}").json() if uuid else None


def test_a_created_event_is_stored_with_its_place_and_organiser(instance: TestClient, mallory: RemoteActor) -> None:
    obj = event_object(mallory)
    send(instance, mallory, activity(mallory, "Create", obj))
    event = stored(instance, obj["id"])
    assert event is not None
    assert event["title"] == "Bike repair café" and event["timezone"] == "Europe/Paris"
    assert event["begins_at"].startswith(f"{DAY}T16:00:00")
    assert event["address"]["name"] == "Atelier" and event["address"]["locality"] == "Lyon"
    assert event["organizer"]["handle"] == f"mallory@{mallory.host}"
    assert event["tags"] == ["bikes"] and event["max_participants"] == 12
    assert event["visibility"] == "public" and not event["draft"]
    page = instance.get(f"/events/{event['uuid']}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Bike repair café" in page.text and f"mallory@{mallory.host}" in page.text


def test_update_cancel_and_delete_change_the_same_row(instance: TestClient, mallory: RemoteActor) -> None:
    obj = event_object(mallory)
    send(instance, mallory, activity(mallory, "Create", obj))
    uuid = stored(instance, obj["id"])["uuid"]
    send(instance, mallory, activity(mallory, "Update", {**obj, "name": "Bike café", "ical:status": "CANCELLED"}))
    event = stored(instance, obj["id"])
    assert event["uuid"] == uuid and event["title"] == "Bike café" and event["status"] == "cancelled"
    send(instance, mallory, activity(mallory, "Delete", {"id": obj["id"], "type": "Tombstone"}))
    assert stored(instance, obj["id"]) is None
    assert instance.get(f"/api/v1/events/{uuid}").status_code == 404
    page = instance.get(f"/events/{uuid}")
    assert page.status_code == 410, "a reader following the copy's old link learns it was deleted"


def test_someone_elses_event_cannot_be_changed_or_deleted(
    instance: TestClient, mallory: RemoteActor, local_server: LocalServer, other_key: rsa.RSAPrivateKey
) -> None:
    obj = event_object(mallory)
    send(instance, mallory, activity(mallory, "Create", obj))
    intruder = host_actor(local_server, "intruder", other_key)
    forged = activity(intruder, "Update", {**obj, "name": "Hijacked", "attributedTo": intruder.id})
    send(instance, intruder, forged)
    assert outcome(instance, forged["id"]).startswith("refused: ") and "another actor" in outcome(instance, forged["id"])
    claimed = activity(intruder, "Update", {**obj, "name": "Hijacked"}, number=2)
    send(instance, intruder, claimed)
    assert refused(instance, claimed, "only a group's members on its host may"), "a person speaks for no other"
    new = activity(intruder, "Create", event_object(mallory, 2), number=3)
    send(instance, intruder, new)
    assert refused(instance, new, "only a group's members on its host may")
    deletion = activity(intruder, "Delete", obj["id"])
    send(instance, intruder, deletion)
    assert refused(instance, deletion, "only a group's members on its host may")
    assert stored(instance, obj["id"])["title"] == "Bike repair café"
    assert stored(instance, new["object"]["id"]) is None


def test_a_delete_before_its_create_is_remembered(instance: TestClient, mallory: RemoteActor) -> None:
    obj = event_object(mallory)
    send(instance, mallory, activity(mallory, "Delete", obj["id"]))
    create = activity(mallory, "Create", obj)
    send(instance, mallory, create)
    assert outcome(instance, create["id"]).startswith("ignored: ")
    assert stored(instance, obj["id"]) is None


@pytest.mark.parametrize(("fields", "reason"), [
    ({"endTime": f"{DAY}T17:00:00+02:00"}, "endTime is not after startTime"),
    ({"timezone": "Mars/Olympus"}, "unknown timezone"),
])
def test_unusable_events_are_refused_and_not_stored(
    instance: TestClient, mallory: RemoteActor, fields: dict[str, str], reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    obj = event_object(mallory, **fields)
    create = activity(mallory, "Create", obj)
    send(instance, mallory, create)
    assert outcome(instance, create["id"]).startswith("refused: ") and reason in outcome(instance, create["id"])
    assert any(create["id"] in r.getMessage() and reason in r.getMessage() for r in caplog.records)
    assert stored(instance, obj["id"]) is None


@pytest.mark.parametrize(("name", "place"), [
    ("mobilizon-post-activity.json", "locality"),
    ("gancio-event-activity.json", "name"),
])
def test_real_peer_events_are_stored_with_their_place(
    instance: TestClient, mallory: RemoteActor, name: str, place: str
) -> None:
    """A real payload, moved onto the loopback peer's host so it can be signed by its actor."""
    payload = json.loads((INTEROP / name).read_text())
    original = payload["object"]["id"]
    text = json.dumps(payload).replace(payload["actor"], mallory.id)
    payload = json.loads(text.replace(original, mallory.server.url("/events/real")))
    send(instance, mallory, payload)
    event = stored(instance, payload["object"]["id"])
    assert event is not None, outcome(instance, payload["id"])
    assert event["address"][place] and event["title"] == payload["object"]["name"]


def search(client: TestClient, headers: dict[str, str], q: str) -> Any:
    return client.get("/api/v1/search", params={"q": q}, headers=headers)


def test_search_stores_a_remote_event_and_refuses_what_it_cannot_use(
    instance: TestClient, mallory: RemoteActor
) -> None:
    obj = event_object(mallory)
    mallory.server.serve_document("/events/1", obj)
    mallory.server.serve_document("/events/2", event_object(mallory, 2, timezone="Mars/Olympus"))
    alice = sign_up(instance, "alice@example.org", "alice")
    assert search(instance, {}, obj["id"]).status_code == 401
    found = search(instance, alice, obj["id"])
    assert found.status_code == 200, found.text
    assert found.json() == stored(instance, obj["id"])
    for q, reason in ((mallory.server.url("/events/2"), "unknown timezone"), ("not a handle", "@name@host"),
                      (mallory.server.url("/events/missing"), "404")):
        r = search(instance, alice, q)
        assert r.status_code == 422 and reason in field_errors(r)["q"], r.text


def test_search_refuses_a_blocked_domain(data_dir: Path, mallory: RemoteActor) -> None:
    plugins = {"enabled": ["federation_activitypub"], "federation_activitypub": {"blocked_domains": ["127.0.0.1"]}}
    with TestClient(create_app(federating_settings(data_dir, plugins=plugins)), base_url=PUBLIC_URL) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        r = search(client, alice, event_object(mallory)["id"])
        assert r.status_code == 422 and "does not federate with" in field_errors(r)["q"]
    assert mallory.server.received == []


def test_search_answers_our_own_identities_without_fetching(instance: TestClient) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    host = PUBLIC_URL.removeprefix("http://")
    for q in (f"@alice@{host}", f"alice@{host}", f"{PUBLIC_URL}/@alice"):
        r = search(instance, alice, q)
        assert r.status_code == 200 and r.json()["handle"] == "alice", r.text
    r = search(instance, alice, f"@nobody@{host}")
    assert r.status_code == 422 and "no such event or identity" in field_errors(r)["q"]


def test_a_banner_and_attachments_are_shown_by_their_remote_urls(instance: TestClient, mallory: RemoteActor) -> None:
    obj = event_object(mallory, attachment=[
        {"type": "Link", "mediaType": "text/html", "name": "Website", "href": "https://meet.example/room"},
        {"type": "Link", "mediaType": "text/html", "name": "Route map", "href": "https://maps.example/route"},
        {"type": "Document", "mediaType": "image/png", "name": "Banner", "url": "https://pictures.example/banner.png"},
    ])
    send(instance, mallory, activity(mallory, "Create", obj))
    event = stored(instance, obj["id"])
    assert event["banner_url"] == "https://pictures.example/banner.png"
    assert event["online_url"] == "https://meet.example/room"
    assert {"label": "Route map", "url": "https://maps.example/route", "rel": "nofollow noopener noreferrer",
            "media_type": "text/html", "group": ""} in event["links"]
    page = instance.get(f"/events/{event['uuid']}", headers={"Accept": "text/html"}).text
    assert '<img class="banner" src="https://pictures.example/banner.png"' in page and 'referrerpolicy="no-referrer"' in page
    assert 'href="https://maps.example/route" rel="nofollow noopener noreferrer"' in page and ">Route map</a>" in page


def test_a_banner_that_is_no_https_url_is_left_out_and_logged(
    instance: TestClient, mallory: RemoteActor, caplog: pytest.LogCaptureFixture
) -> None:
    obj = event_object(mallory, image={"type": "Image", "url": "javascript:alert(1)"},
                       attachment=[{"type": "Link", "name": "Tickets", "href": "data:text/html,<script>x</script>"}])
    create = activity(mallory, "Create", obj)
    send(instance, mallory, create)
    event = stored(instance, obj["id"])
    attached = [link for link in event["links"] if link["group"] != "Add to calendar"]  # the calendar plugin's own
    assert event["title"] == "Bike repair café" and event["banner_url"] is None and attached == []
    assert "left out: attachment[0].url is not an http(s) URL; image.url is not an http(s) URL" in outcome(
        instance, create["id"])
    assert any(obj["id"] in r.getMessage() and "image.url is not an http(s) URL" in r.getMessage() for r in caplog.records)
    assert "javascript:" not in instance.get(f"/events/{event['uuid']}", headers={"Accept": "text/html"}).text


def test_a_cancelled_remote_event_shows_it_is_cancelled_and_cannot_be_joined(
    instance: TestClient, mallory: RemoteActor
) -> None:
    """Mobilizon sends a cancellation as ``ical:status`` (and ``status``) CANCELLED, without a message."""
    obj = event_object(mallory)
    send(instance, mallory, activity(mallory, "Create", obj))
    alice = sign_up(instance, "alice@example.org", "alice")
    send(instance, mallory, activity(mallory, "Update", {**obj, "ical:status": "CANCELLED", "status": "CANCELLED"}))
    event = stored(instance, obj["id"])
    assert event["status"] == "cancelled" and event["cancellation_message"] == ""
    page = instance.get(f"/events/{event['uuid']}", headers={**alice, "Accept": "text/html"}).text
    assert "This event is cancelled." in page and "/join" not in page


def test_events_from_a_held_domain_wait_for_review_until_a_moderator_releases_them(
        data_dir: Path, mallory: RemoteActor) -> None:
    """The instance's policies judge other servers' events as they judge its members' (moderation's
    ``hold_domains``): a held one is shown to nobody until a moderator releases it."""
    plugins = {"enabled": ["federation_activitypub", "moderation"],
               "moderation": {"hold_domains": [mallory.host.split(":")[0]]}}
    with TestClient(create_app(federating_settings(data_dir, plugins=plugins)), base_url=PUBLIC_URL) as client:
        obj = event_object(mallory)
        send(client, mallory, activity(mallory, "Create", obj))
        assert stored(client, obj["id"])["status_code"] == 404, "held: shown to nobody"
        uuid = run(client, lambda session: session.scalar(select(Event.uuid).where(Event.held_at.is_not(None))))
        mona = moderator(client, "mona@example.org", "mona")
        released = client.post("/api/v1/admin/actions", headers=mona,
                               json={"action": "release", "target": f"/events/{uuid}", "reason": "a real café"})
        assert released.status_code == 201, released.text
        assert stored(client, obj["id"])["title"] == "Bike repair café"


def test_an_event_with_refused_words_is_held_for_a_moderator_not_shown(data_dir: Path, mallory: RemoteActor) -> None:
    """A member is told a refusal; another server cannot be, so its event waits for a moderator instead."""
    plugins = {"enabled": ["federation_activitypub", "moderation"], "moderation": {"refused_words": ["casino"]}}
    with TestClient(create_app(federating_settings(data_dir, plugins=plugins)), base_url=PUBLIC_URL) as client:
        casino, fine = event_object(mallory, 1, name="Casino night"), event_object(mallory, 2)
        send(client, mallory, activity(mallory, "Create", casino, 1))
        send(client, mallory, activity(mallory, "Create", fine, 2))
        assert stored(client, casino["id"])["status_code"] == 404
        assert stored(client, fine["id"])["title"] == "Bike repair café"
        reasons = run(client, lambda session: session.scalar(select(Event.held_reasons).where(Event.held_at.is_not(None))))
        assert "casino" in json.dumps(reasons)
