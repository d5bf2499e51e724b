"""Capacity holds under concurrent joins, over real HTTP (PostgreSQL in the PostgreSQL run), and so do
the things concurrent requests share: new tags, an event's change notice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import select

from core.app import create_app
from core.db.engine import make_engine
from core.notifications.models import EventChangeNotice
from helpers import confirm_account, future, make_settings
from liveserver import serve
from test_delete_concurrency import member

PASSWORD = "correct horse"


def test_concurrent_joins_never_overbook(data_dir):
    settings = make_settings(data_dir)
    app = create_app(settings)
    with serve(app) as base:
        async def scenario() -> tuple[list[int], dict]:
            async with httpx.AsyncClient(base_url=base, timeout=60) as http:
                headers = []
                for a in range(3):
                    email = f"p{a}@example.org"
                    r = await http.post("/api/v1/accounts", json={"email": email, "password": PASSWORD, "username": f"p{a}_0"})
                    assert r.status_code == 201, r.text
                    await confirm_account(settings, email)
                    token = (await http.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})).json()["token"]
                    h = {"Authorization": f"Bearer {token}"}
                    for i in range(1, 10):
                        r = await http.post("/api/v1/identities", headers=h, json={"username": f"p{a}_{i}"})
                        assert r.status_code == 201, r.text
                    headers.append(h)
                organiser = headers[0]
                event = (await http.post("/api/v1/events", headers=organiser, json={
                    "title": "Five places", "begins_at": future(), "max_participants": 5, "publish": True,
                })).json()
                joins = [
                    http.post(f"/api/v1/events/{event['uuid']}/participations", headers=headers[a],
                              json={"identity": f"p{a}_{i}"})
                    for a in range(3) for i in range(10) if (a, i) != (0, 0)
                ]
                answers = await asyncio.gather(*joins)
                final = (await http.get(f"/api/v1/events/{event['uuid']}")).json()
                listing = (await http.get(f"/api/v1/events/{event['uuid']}/participations", headers=organiser)).json()
                return [r.status_code for r in answers], {"event": final, "participants": listing}

        statuses, state = asyncio.run(scenario())
    assert statuses.count(201) == 5, statuses
    assert statuses.count(409) == len(statuses) - 5, statuses
    assert state["event"]["participant_count"] == 5 and state["event"]["remaining_places"] == 0
    assert sum(1 for p in state["participants"] if p["role"] == "participant") == 5


def test_concurrent_events_bringing_the_same_new_tag_are_all_created(data_dir):
    settings = make_settings(data_dir)
    app = create_app(settings)
    with serve(app) as base:
        async def scenario() -> tuple[list[int], list[list[str]]]:
            async with httpx.AsyncClient(base_url=base, timeout=60) as http:
                h = await member(http, settings, "tagger")
                creations = [
                    http.post("/api/v1/events", headers=h, json={
                        "title": f"Race {n}", "begins_at": future(), "tags": ["brand-new", f"own-{n}"],
                        "publish": True})
                    for n in range(12)
                ]
                answers = await asyncio.gather(*creations)
                return [a.status_code for a in answers], [a.json().get("tags", []) for a in answers]

        statuses, tags = asyncio.run(scenario())
    assert statuses == [201] * 12, statuses
    assert all("brand-new" in t for t in tags), tags


def test_concurrent_saves_keep_one_change_notice_with_the_first_values(data_dir):
    """Saves of one event at once (PostgreSQL in the PostgreSQL run): one notice, holding the time
    participants knew before any of them, and none of the saves fails on it."""
    settings = make_settings(data_dir)
    app = create_app(settings)
    original = future(days=30)
    with serve(app) as base:
        async def scenario() -> list[int]:
            async with httpx.AsyncClient(base_url=base, timeout=60) as http:
                h = await member(http, settings, "editor")
                event = (await http.post("/api/v1/events", headers=h, json={
                    "title": "Moving", "begins_at": original, "timezone": "UTC", "publish": True})).json()
                saves = [http.patch(f"/api/v1/events/{event['uuid']}", headers=h, json={"begins_at": future(days=31 + n)})
                         for n in range(8)]
                return [answer.status_code for answer in await asyncio.gather(*saves)]

        statuses = asyncio.run(scenario())

    async def kept() -> list[dict[str, Any]]:
        engine = make_engine(settings)
        async with engine.connect() as conn:
            rows = (await conn.execute(select(EventChangeNotice.previous))).scalars().all()
        await engine.dispose()
        return list(rows)

    assert statuses == [200] * 8, statuses
    [previous] = asyncio.run(kept())
    assert datetime.fromisoformat(previous["begins_at"]) == datetime.fromisoformat(original).replace(tzinfo=UTC)
