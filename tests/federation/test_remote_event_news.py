"""Our members who take part in another server's event hear of its changes and cancellation.

The organiser's server sends Updates; the copy here changes, and its local participants
get the same mails as for an event organised here (tests/test_participation_news.py),
through the email plugin and a real SMTP server on loopback.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import select

from core.app import create_app
from core.events.models import Event, Participation
from core.identities.models import Identity
from core.notifications.models import EventChangeNotice
from core.web.templating import local_moment
from email_fixtures import email_plugins
from helpers import outbox_rows, sign_up, wait_for
from peer_fixtures import PUBLIC_URL, RemoteActor, federating_settings, run
from plugins.federation_activitypub.models import ApObject
from smtp_fixtures import Recorder, smtp_server
from test_participation_news import news_to, settle_now
from test_remote_events import activity, event_object, send


@pytest.fixture
def mail(data_dir: Any) -> Iterator[tuple[TestClient, Recorder]]:
    with smtp_server() as (controller, server):
        settings = federating_settings(data_dir, plugins=email_plugins(controller.port))
        with TestClient(create_app(settings), base_url=PUBLIC_URL) as client:
            yield client, server


def take_part(client: TestClient, username: str, ap_id: str) -> None:
    """``username`` takes part in the copy of ``ap_id`` (as the organiser's Accept would have made it)."""

    async def work(session: Any) -> None:
        event_id = await session.scalar(select(ApObject.local_id).where(ApObject.ap_id == ap_id))
        identity_id = await session.scalar(select(Identity.id).where(Identity.username == username))
        session.add(Participation(event_id=event_id, identity_id=identity_id, role="participant"))
        await session.commit()

    run(client, work)


def test_an_update_and_a_cancellation_from_the_organisers_server_reach_our_participants(
    mail: tuple[TestClient, Recorder], mallory: RemoteActor
) -> None:
    client, server = mail
    obj = event_object(mallory)
    send(client, mallory, activity(mallory, "Create", obj))
    bob = sign_up(client, "bob@example.org", "bob")
    assert client.patch("/api/v1/account", headers=bob, json={"locale": "fr"}).status_code == 200
    take_part(client, "bob", obj["id"])

    moved = {**obj, "startTime": obj["startTime"].replace("T18:00", "T19:30"), "updated": "2030-01-01T00:00:00Z"}
    send(client, mallory, activity(mallory, "Update", moved, number=2))
    wait_for(lambda: run(client, lambda session: session.scalar(select(EventChangeNotice.event_id))))
    settle_now(client)
    [(subject, text)] = news_to(client, server, "bob@example.org")
    assert subject == "Nouvel horaire ou nouveau lieu pour «\u00a0Bike repair café\u00a0»"
    new_start = datetime.fromisoformat(moved["startTime"])
    assert f"Début\u00a0: {local_moment(new_start, 'Europe/Paris', 'fr', 'full')}" in text

    cancelled = {**moved, "ical:status": "CANCELLED", "updated": "2030-01-02T00:00:00Z"}
    send(client, mallory, activity(mallory, "Update", cancelled, number=3))
    [_moved, (subject, text)] = news_to(client, server, "bob@example.org")
    assert subject == "Annulé\u00a0: «\u00a0Bike repair café\u00a0»"
    assert f"@mallory@{mallory.host}" in text
    assert [row.payload["news"]["kind"] for row in outbox_rows(client, "notify_event_people")] == [
        "event_changed", "event_cancelled"]
    assert run(client, lambda session: session.scalar(select(Event.status))) == "cancelled"
