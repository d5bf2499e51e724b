"""The inbox forgets old processed activities, in batches, as a periodic task of the workers.

Rows are aged by writing their ``received_at`` in the past (one real signed activity
from a loopback peer is processed too), then the purge's period elapses.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import insert, select

from core.app import create_app
from core.db.base import utcnow
from core.settings import ConfigError
from helpers import run_periodic_task, sign_up
from peer_fixtures import PUBLIC_URL, RemoteActor, federating_settings, run
from plugins.federation_activitypub.models import ApInboxActivity
from plugins.federation_activitypub.purge import BATCH, PURGE_TASK
from plugins.federation_activitypub.retired_keys import ApRetiredKey
from test_remote_events import send

ALICE = f"{PUBLIC_URL}/@alice"


def received(client: TestClient, *rows: tuple[str, int, str]) -> None:
    """Activities received ``days`` ago with this outcome ("" = not processed yet)."""
    values = [{"activity_id": f"https://old.example/{name}", "actor": "https://old.example/users/x", "payload": {},
               "received_at": utcnow() - timedelta(days=days), "outcome": outcome} for name, days, outcome in rows]

    async def work(session: Any) -> None:
        await session.execute(insert(ApInboxActivity), values)
        await session.commit()

    run(client, work)


def kept(client: TestClient) -> list[str]:
    query = select(ApInboxActivity.activity_id).where(ApInboxActivity.activity_id.startswith("https://old.example/"))
    return sorted(a.removeprefix("https://old.example/") for a in run(client, lambda s: _all(s, query)))


async def _all(session: Any, query: Any) -> list[Any]:
    return list(await session.scalars(query))


def an_activity_arrives(client: TestClient, actor: RemoteActor) -> None:
    send(client, actor, actor.follow(ALICE))


def the_purge_runs(client: TestClient) -> None:
    run_periodic_task(client.app, PURGE_TASK.name)


def test_processed_activities_older_than_30_days_are_purged(instance: TestClient, mallory: RemoteActor) -> None:
    sign_up(instance, "alice@example.org", "alice")
    received(instance, ("old", 31, "alice followed"), ("old-refused", 40, "refused: no"), ("recent", 29, "done"),
             ("old-waiting", 31, ""))
    an_activity_arrives(instance, mallory)
    the_purge_runs(instance)
    assert kept(instance) == ["old-waiting", "recent"], "a row still waiting for the worker is never purged"
    assert run(instance, lambda s: s.scalar(select(ApInboxActivity.outcome).where(
        ApInboxActivity.activity_id == mallory.follow(ALICE)["id"]))), "the new activity was processed and kept"


def test_the_retention_is_configurable(data_dir: Path) -> None:
    plugins = {"enabled": ["federation_activitypub"], "federation_activitypub": {"inbox_retention_days": 7}}
    with TestClient(create_app(federating_settings(data_dir, plugins=plugins)), base_url=PUBLIC_URL) as client:
        received(client, ("eight", 8, "done"), ("six", 6, "done"))
        the_purge_runs(client)
        assert kept(client) == ["six"]


def test_a_retention_shorter_than_peers_retry_is_refused(data_dir: Path) -> None:
    plugins = {"enabled": ["federation_activitypub"], "federation_activitypub": {"inbox_retention_days": 2}}
    with pytest.raises(ConfigError) as refused:
        create_app(federating_settings(data_dir, plugins=plugins))
    assert "inbox_retention_days" in str(refused.value) and ">= 7" in str(refused.value)


def test_a_run_purges_batch_after_batch(instance: TestClient) -> None:
    received(instance, *((f"{n:04}", 31, "done") for n in range(2 * BATCH + 10)), ("recent", 3, "done"))
    the_purge_runs(instance)
    assert kept(instance) == ["recent"]


def test_keys_of_deleted_identities_are_forgotten_once_no_retry_needs_them(instance: TestClient) -> None:
    rows = [{"identity_id": n, "key_id": f"{PUBLIC_URL}/@gone{n}#main-key", "private_key_pem": "(pem)",
             "keep_until": utcnow() + timedelta(hours=hours)} for n, hours in ((901, -1), (902, 5))]

    async def work(session: Any) -> None:
        await session.execute(insert(ApRetiredKey), rows)
        await session.commit()

    run(instance, work)
    the_purge_runs(instance)
    assert run(instance, lambda s: _all(s, select(ApRetiredKey.identity_id))) == [902]
