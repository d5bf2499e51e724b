"""Fan-out and delivery over real HTTP: who receives what, retries, domain health, restarts.

The followers live on a loopback server whose inbox answers what each test sets.
Time is moved on by making outbox rows (or a domain's failing period) older in the
database, then sweeping: the worker runs exactly as it would hours later.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar.testing import TestClient
from sqlalchemy import select, update

from core import outbox
from core.app import create_app
from core.db.base import utcnow
from core.outbox import OutboxRow
from core.settings import Settings
from helpers import PG_URL, SECRET, new_event, next_in, sign_up, wait_for
from peer_fixtures import PUBLIC_URL, RemoteActor, federating_settings, host_actor, run, signed_post, sweep
from plugins.federation_activitypub.models import ApDomain
from security_fixtures import LocalServer, answer

ALICE = f"{PUBLIC_URL}/@alice"



def followed_by(client: TestClient, follower: RemoteActor, number: int = 1) -> None:
    """``follower`` follows alice, as its server would: a signed Follow, then our Accept."""
    accepted = len(follower.deliveries())
    body, headers = signed_post(follower, "/inbox", follower.follow(ALICE, number))
    assert client.post("/inbox", content=body, headers=headers).status_code == 202
    wait_for(lambda: len(follower.deliveries()) == accepted + 1)


def event_activities(actor: RemoteActor) -> list[dict[str, Any]]:
    return [a for a in actor.activities() if a["type"] != "Accept"]


def deliveries(client: TestClient) -> list[OutboxRow]:
    async def rows(session: Any) -> list[OutboxRow]:
        query = select(OutboxRow).where(OutboxRow.kind == "ap_deliver").order_by(OutboxRow.id)
        return list(await session.scalars(query))

    return run(client, rows)


def queued_types(client: TestClient) -> list[str]:
    """The activities queued for delivery so far: the request that caused one has written its row."""
    return [row.payload["activity"]["type"] for row in deliveries(client)]


def domain(client: TestClient, name: str) -> ApDomain | None:
    return run(client, lambda s: s.get(ApDomain, name))


def make_due(client: TestClient) -> None:
    """Pending retries become due now, as they would after their back-off."""

    async def due(session: Any) -> None:
        await session.execute(update(OutboxRow).where(OutboxRow.state == "pending").values(next_attempt_at=utcnow()))
        await session.commit()

    run(client, due)
    sweep(client.app)


def answers(*statuses: int) -> Callable[[BaseHTTPRequestHandler], None]:
    """An inbox answering these statuses in turn, then the last one forever."""
    remaining = list(statuses)

    def respond(handler: BaseHTTPRequestHandler) -> None:
        answer(remaining.pop(0) if len(remaining) > 1 else remaining[0], b"")(handler)

    return respond


def test_event_lifecycle_reaches_followers_once_per_shared_inbox(
    instance: TestClient, mallory: RemoteActor, local_server: LocalServer, other_key: rsa.RSAPrivateKey
) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    followed_by(instance, mallory)
    followed_by(instance, host_actor(local_server, "trent", other_key))
    new_event(instance, alice, title="Private", visibility="private")
    new_event(instance, alice, title="Draft", publish=False)
    assert queued_types(instance) == ["Accept", "Accept"], "neither the private event nor the draft is queued"
    noon = next_in(6, hour=12)  # in June, when Paris is UTC+2
    event = new_event(instance, alice, title="Picnic", begins_at=noon.isoformat())
    wait_for(lambda: event_activities(mallory))
    instance.patch(f"/api/v1/events/{event['uuid']}", json={"title": "Picnic by the lake"}, headers=alice)
    instance.post(f"/api/v1/events/{event['uuid']}/cancel", json={"message": "rain"}, headers=alice)
    instance.delete(f"/api/v1/events/{event['uuid']}", headers=alice)
    assert queued_types(instance) == ["Accept", "Accept", "Create", "Update", "Update", "Delete"], \
        "one row per activity: both followers share one inbox"
    wait_for(lambda: len(event_activities(mallory)) == 4)
    # two worker threads deliver concurrently: the order of arrival is not guaranteed (nor in ActivityPub)
    activities = event_activities(mallory)
    [create] = [a for a in activities if a["type"] == "Create"]
    [delete] = [a for a in activities if a["type"] == "Delete"]
    updates = [a for a in activities if a["type"] == "Update"]
    [update_] = [a for a in updates if a["object"]["ical:status"] != "CANCELLED"]
    [cancel] = [a for a in updates if a["object"]["ical:status"] == "CANCELLED"]
    assert [r.path for r in mallory.deliveries() if b'"Accept"' not in r.body] == ["/inbox"] * 4, "one shared inbox"
    assert create["type"] == "Create" and create["actor"] == ALICE
    assert create["object"]["type"] == "Event" and create["object"]["name"] == "Picnic"
    assert create["object"]["startTime"].startswith(f"{noon.date()}T10:00:00")
    assert update_["type"] == "Update" and update_["object"]["name"] == "Picnic by the lake"
    assert cancel["type"] == "Update" and cancel["object"]["ical:status"] == "CANCELLED"
    assert cancel["id"] != update_["id"], "each Update has its own id, or receivers drop the second"
    assert delete["type"] == "Delete" and delete["object"] == {
        "id": create["object"]["id"], "type": "Tombstone", "formerType": "Event"}
    outbox = instance.get("/@alice/outbox").json()
    assert outbox["totalItems"] == 0, "the deleted event left the outbox; private and draft ones never were"


def test_the_outbox_lists_public_events_as_creates(instance: TestClient) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    new_event(instance, alice, title="Unlisted", visibility="unlisted")
    new_event(instance, alice, title="Picnic")
    outbox = instance.get("/@alice/outbox", headers={"Accept": "application/activity+json"})
    assert outbox.headers["content-type"].startswith("application/activity+json")
    items = outbox.json()["orderedItems"]
    assert outbox.json()["totalItems"] == 1 and [i["object"]["name"] for i in items] == ["Picnic"]
    assert instance.get("/@nobody/outbox").status_code == 404
    assert instance.get("/@alice/following").json()["totalItems"] == 0


def test_a_server_error_is_retried_until_delivered(instance: TestClient, mallory: RemoteActor) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    followed_by(instance, mallory)
    mallory.server.routes["/inbox"] = answers(500, 202)
    new_event(instance, alice)
    wait_for(lambda: deliveries(instance)[-1].attempts == 1 and deliveries(instance)[-1].state == "pending")
    failing = domain(instance, mallory.host)
    assert failing is not None and failing.failing_since is not None and not failing.unavailable
    make_due(instance)
    wait_for(lambda: deliveries(instance)[-1].state == "done")
    assert len(event_activities(mallory)) == 2, "the failed attempt, then the delivery"
    assert domain(instance, failing.domain).failing_since is None


@pytest.mark.parametrize("status", [404, 410, 401])
def test_a_refusal_is_not_retried(instance: TestClient, mallory: RemoteActor, status: int) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    followed_by(instance, mallory)
    mallory.server.routes["/inbox"] = answer(status, b"")
    new_event(instance, alice)
    wait_for(lambda: deliveries(instance)[-1].state == "dead")
    refused = deliveries(instance)[-1]
    assert f"HTTP {status}" in refused.last_error and refused.attempts == 1
    assert [row.state for row in deliveries(instance)] == ["done", "dead"], "no row is left for the sweeper to retry"
    assert len(event_activities(mallory)) == 1


def test_a_domain_failing_for_too_long_is_skipped_until_it_speaks_again(
    instance: TestClient, mallory: RemoteActor
) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    followed_by(instance, mallory)
    name = mallory.host
    mallory.server.routes["/inbox"] = answer(503, b"")
    new_event(instance, alice, title="First")
    wait_for(lambda: (domain(instance, name) or ApDomain()).failing_since is not None)

    async def failing_for_days(session: Any) -> None:
        await session.execute(update(ApDomain).values(failing_since=utcnow() - timedelta(hours=49)))
        await session.commit()

    run(instance, failing_for_days)
    make_due(instance)
    wait_for(lambda: domain(instance, name).unavailable)
    tried = len(event_activities(mallory))
    new_event(instance, alice, title="Second")
    wait_for(lambda: deliveries(instance)[-1].state == "dead")
    assert "unavailable" in deliveries(instance)[-1].last_error
    assert len(event_activities(mallory)) == tried, "nothing was sent to an unavailable domain"

    mallory.server.routes["/inbox"] = answer(202, b"")
    followed_by(instance, mallory, number=2)  # any signed activity: the domain speaks again
    assert not domain(instance, name).unavailable
    new_event(instance, alice, title="Third")
    wait_for(lambda: "Third" in [a["object"]["name"] for a in event_activities(mallory)])


def test_a_delivery_waits_in_the_database_for_a_worker(settings_with_peers: Settings, mallory: RemoteActor) -> None:
    with TestClient(create_app(settings_with_peers), base_url=PUBLIC_URL) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        followed_by(client, mallory)
    with TestClient(create_app(settings_with_peers, run_worker=False), base_url=PUBLIC_URL) as client:
        new_event(client, alice, title="Published while no worker ran")
        assert [row.state for row in deliveries(client)] == ["done", "pending"], "the Accept went; the Create waits"
    assert event_activities(mallory) == []
    with TestClient(create_app(settings_with_peers), base_url=PUBLIC_URL):
        wait_for(lambda: event_activities(mallory))
    assert event_activities(mallory)[0]["object"]["name"] == "Published while no worker ran"


def hang_while_reading_the_first_create(mallory: RemoteActor, released: threading.Event) -> None:
    """mallory's inbox reads the first Create and answers nothing until ``released``; then 202 to everything."""

    def respond(handler: BaseHTTPRequestHandler) -> None:
        if len(event_activities(mallory)) == 1:
            released.wait(60)
        answer(202, b"")(handler)

    mallory.server.routes["/inbox"] = respond


def test_a_delivery_cut_off_by_a_killed_worker_goes_again_soon_with_the_same_id(
    settings_with_peers: Settings, mallory: RemoteActor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker dies after the inbox read the Create but before it answered. Its lease lapses
    unrenewed, the periodic sweep has the row run again, and the receiver gets the same id twice:
    it can drop the second copy."""
    with TestClient(create_app(settings_with_peers), base_url=PUBLIC_URL) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        followed_by(client, mallory)
    monkeypatch.setattr(outbox, "LEASE_SECONDS", 1)  # a 30 s lease lapsing, in one second
    released = threading.Event()
    hang_while_reading_the_first_create(mallory, released)
    with TestClient(create_app(settings_with_peers, run_worker=False), base_url=PUBLIC_URL) as client:
        new_event(client, alice, title="Picnic")
        row = deliveries(client)[-1]
        tasks = client.app.state.tasks

        async def start() -> asyncio.Future[str | None]:
            return asyncio.ensure_future(tasks.process_row(row.id))

        async def kill() -> None:
            job.cancel()
            await asyncio.wait([job])

        job = tasks.run_coroutine(start())
        wait_for(lambda: event_activities(mallory))
        tasks.run_coroutine(kill())
        released.set()
        claimed = deliveries(client)[-1]
        assert claimed.state == "running" and claimed.attempts == 1, "a killed worker records nothing"
        wait_for(lambda: deliveries(client)[-1].claimed_until < utcnow())
        assert tasks.run_coroutine(tasks.sweep()) == 1, "the sweep that runs every few seconds, not only at start"
        assert tasks.run_coroutine(tasks.process_row(row.id)) == "done"
    first, again = event_activities(mallory)
    assert first["type"] == "Create" and first["object"]["name"] == "Picnic"
    assert again["id"] == first["id"] == row.payload["activity"]["id"], "fixed when the row was written"


def test_a_worker_process_killed_mid_delivery_is_replaced_within_seconds(
    data_dir: Any, tmp_path: Any, mallory: RemoteActor
) -> None:
    """Production mode: `convene worker` processes take deliveries from Redis. One is killed
    (SIGKILL) while the inbox reads its Create; a new worker sends the Create again, with the
    same id, once the dead one's lease lapses, long before the old claim's five minutes."""
    redis_url = os.environ.get("CONVENE_TEST_REDIS_URL")
    assert redis_url, "set CONVENE_TEST_REDIS_URL (scripts/test.sh starts a Redis server)"
    database_url = PG_URL or f"sqlite+aiosqlite:///{data_dir / 'convene.sqlite3'}"
    config = tmp_path / "worker.toml"
    config.write_text(f'secret_key = "{SECRET}"\ndata_dir = "{data_dir}"\ndatabase_url = "{database_url}"\n'
                      f'broker_url = "{redis_url}"\npublic_url = "{PUBLIC_URL}"\n'
                      "[plugins.federation_activitypub]\nallow_private_addresses = true\n")
    # the workers hold 3 s leases instead of 30 s, so that the test waits seconds, not half a minute
    start = ("import core.outbox as o; o.LEASE_SECONDS, o.RENEW_SECONDS = 3, 1; "
             "from core.cli import main; main()")

    def worker(name: str) -> subprocess.Popen[bytes]:
        log = (tmp_path / f"{name}.log").open("wb")
        return subprocess.Popen([sys.executable, "-c", start, "--config", str(config), "worker", "--threads", "2"],
                                stdout=log, stderr=subprocess.STDOUT)

    released = threading.Event()
    workers = [worker("first")]
    try:
        settings = federating_settings(data_dir, broker_url=redis_url, database_url=database_url)
        with TestClient(create_app(settings), base_url=PUBLIC_URL) as client:
            alice = sign_up(client, "alice@example.org", "alice")
            followed_by(client, mallory)
            hang_while_reading_the_first_create(mallory, released)
            new_event(client, alice, title="Picnic")
            wait_for(lambda: event_activities(mallory), timeout=30)
            workers[0].kill()
            workers[0].wait(timeout=30)
            released.set()
            workers.append(worker("second"))
            wait_for(lambda: len(event_activities(mallory)) == 2, timeout=40)
            wait_for(lambda: deliveries(client)[-1].state == "done")
            row = deliveries(client)[-1]
    finally:
        released.set()
        for process in workers:
            process.kill()
            process.wait(timeout=30)
    first, again = event_activities(mallory)
    assert first["type"] == "Create" and again["id"] == first["id"] == row.payload["activity"]["id"]
    assert row.attempts == 2, "the killed worker's attempt, then the new worker's"


@pytest.fixture
def settings_with_peers(data_dir: Any) -> Settings:
    return federating_settings(data_dir)
