"""Deleting one thing from many clients at once, over real HTTP (PostgreSQL in the PostgreSQL run).

Each deletion claims its row first with one conditional UPDATE (core.db.claim), so
exactly one request does the work and tells the followers; the others find the row
gone and answer 404, having written nothing (no unique-constraint 500 on the deleted
events' record or the federation tombstone).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from sqlalchemy import func, select

from core.app import create_app
from core.db.engine import make_engine
from core.events.models import DeletedEvent
from core.identities.models import Identity
from core.outbox import OutboxRow
from core.settings import Settings
from helpers import confirm_account, future, make_settings
from liveserver import serve
from plugins.federation_activitypub.models import ApActor, ApFollow

PASSWORD = "correct horse"
FOLLOWER_INBOX = "https://remote.example/inbox"


async def followed_by_a_remote_server(settings: Settings, username: str) -> None:
    """A remote actor follows ``username``, as an accepted Follow leaves it: deletions are sent there."""
    engine = make_engine(settings)
    async with engine.begin() as conn:
        followed = await conn.scalar(select(Identity.id).where(Identity.username == username, Identity.domain == ""))
        remote = (await conn.execute(Identity.__table__.insert().values(
            username="fan", domain="remote.example", display_name="", bio="", is_default=False)
            .returning(Identity.id))).scalar_one()
        await conn.execute(ApActor.__table__.insert().values(
            identity_id=remote, ap_id="https://remote.example/users/fan", inbox=FOLLOWER_INBOX, shared_inbox="",
            followers_url="", key_id="", public_key_pem="", url="", icon_url=""))
        await conn.execute(ApFollow.__table__.insert().values(
            follower_id=remote, followed_id=followed, activity_id=f"https://remote.example/follows/{username}",
            accepted=True))
    await engine.dispose()


async def deletes_sent(settings: Settings) -> list[dict[str, Any]]:
    engine = make_engine(settings)
    async with engine.connect() as conn:
        payloads = (await conn.scalars(select(OutboxRow.payload).where(OutboxRow.kind == "ap_deliver"))).all()
    await engine.dispose()
    return [p["activity"] for p in payloads if p["activity"]["type"] == "Delete"]


async def deleted_records(settings: Settings) -> int:
    engine = make_engine(settings)
    async with engine.connect() as conn:
        number = await conn.scalar(select(func.count()).select_from(DeletedEvent))
    await engine.dispose()
    return number or 0


async def member(http: httpx.AsyncClient, settings: Settings, username: str) -> dict[str, str]:
    email = f"{username}@example.org"
    r = await http.post("/api/v1/accounts", json={"email": email, "password": PASSWORD, "username": username})
    assert r.status_code == 201, r.text
    await confirm_account(settings, email)
    token = (await http.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def deleted_at_once(settings: Settings, clients: int,
                    prepare: Callable[[httpx.AsyncClient, dict[str, str]], Awaitable[str]]) -> list[int]:
    """Serve the instance; ada's ``prepare`` makes what to delete and returns its path; ``clients`` delete it at once."""
    with serve(create_app(settings, run_worker=False)) as base:
        async def scenario() -> list[int]:
            async with httpx.AsyncClient(base_url=base, timeout=60) as http:
                headers = await member(http, settings, "ada")
                path = await prepare(http, headers)
                answers = await asyncio.gather(*[http.delete(path, headers=headers) for _ in range(clients)])
                return [a.status_code for a in answers]

        return asyncio.run(scenario())


def test_ten_parallel_deletes_of_one_event_delete_it_once(data_dir):
    settings = make_settings(data_dir)

    async def an_event(http: httpx.AsyncClient, headers: dict[str, str]) -> str:
        await followed_by_a_remote_server(settings, "ada")
        r = await http.post("/api/v1/events", headers=headers, json={
            "title": "Gone soon", "begins_at": future(), "publish": True})
        assert r.status_code == 201, r.text
        return f"/api/v1/events/{r.json()['uuid']}"

    statuses = deleted_at_once(settings, 10, an_event)
    assert sorted(statuses) == [204] + [404] * 9, statuses
    assert asyncio.run(deleted_records(settings)) == 1
    assert [d["object"]["type"] for d in asyncio.run(deletes_sent(settings))] == ["Tombstone"]


def test_five_parallel_deletes_of_one_identity_delete_it_once(data_dir):
    settings = make_settings(data_dir)

    async def an_identity_with_an_event(http: httpx.AsyncClient, headers: dict[str, str]) -> str:
        r = await http.post("/api/v1/identities", headers=headers, json={"username": "ada_books"})
        assert r.status_code == 201, r.text
        await followed_by_a_remote_server(settings, "ada_books")
        r = await http.post("/api/v1/events", headers=headers, json={
            "title": "Book club", "begins_at": future(), "publish": True, "identity": "ada_books"})
        assert r.status_code == 201, r.text
        return "/api/v1/identities/ada_books"

    statuses = deleted_at_once(settings, 5, an_identity_with_an_event)
    assert sorted(statuses) == [204] + [404] * 4, statuses
    assert asyncio.run(deleted_records(settings)) == 1
    # the event's Delete (a Tombstone) and the actor's (its id)
    kinds = sorted(d["object"].get("type", "") if isinstance(d["object"], dict) else "actor"
                   for d in asyncio.run(deletes_sent(settings)))
    assert kinds == ["Tombstone", "actor"], kinds


def test_deleting_both_identities_of_an_account_at_once_keeps_one(data_dir):
    """The account keeps at least one identity even when its two are deleted in parallel: one 204, one 409."""
    settings = make_settings(data_dir)
    with serve(create_app(settings, run_worker=False)) as base:
        async def scenario() -> list[int]:
            async with httpx.AsyncClient(base_url=base, timeout=60) as http:
                headers = await member(http, settings, "ada")
                r = await http.post("/api/v1/identities", headers=headers, json={"username": "ada_books"})
                assert r.status_code == 201, r.text
                answers = await asyncio.gather(*[http.delete(f"/api/v1/identities/{name}", headers=headers)
                                                 for name in ("ada", "ada_books")])
                left = (await http.get("/api/v1/identities", headers=headers)).json()
                assert len(left) == 1, left
                return sorted(a.status_code for a in answers)

        assert asyncio.run(scenario()) == [204, 409]
