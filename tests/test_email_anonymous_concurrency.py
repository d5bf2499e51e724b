"""Anonymous confirmations under concurrency, over real HTTP (PostgreSQL in the PostgreSQL run):
the last places are never overbooked, and one link clicked many times at once counts once."""

from __future__ import annotations

import asyncio

import httpx

from core.app import create_app
from email_fixtures import email_plugins
from helpers import confirm_account, future, make_settings, wait_for
from liveserver import serve
from plugins.email.anonymous.links import CONFIRM_PATH
from smtp_fixtures import parts, smtp_server

PASSWORD = "correct horse"


def confirm_paths(server, addresses: list[str]) -> dict[str, str]:  # noqa: ANN001
    """Each address's confirm link (as a path), once every one of their mails arrived."""
    def found() -> dict[str, str]:
        paths = {}
        for mail in server.messages:
            for word in parts(mail)["text/plain"].split():
                if CONFIRM_PATH in word:
                    paths[mail["To"]] = "/" + word.split("/", 3)[3]
        return paths if all(address in paths for address in addresses) else {}

    return wait_for(found)


def test_concurrent_confirmations_never_overbook_and_a_link_clicked_at_once_counts_once(data_dir):
    with smtp_server() as (controller, server):
        settings = make_settings(data_dir, plugins=email_plugins(controller.port, anonymous_participation=True))
        with serve(create_app(settings)) as base:
            people = [f"p{n}@example.org" for n in range(8)]

            async def setup() -> str:
                async with httpx.AsyncClient(base_url=base, timeout=60) as http:
                    r = await http.post("/api/v1/accounts", json={"email": "org@example.org", "password": PASSWORD,
                                                                  "username": "org"})
                    assert r.status_code == 201, r.text
                    await confirm_account(settings, "org@example.org")
                    token = (await http.post("/api/v1/auth/token", json={"email": "org@example.org",
                                                                        "password": PASSWORD})).json()["token"]
                    event = (await http.post("/api/v1/events", headers={"Authorization": f"Bearer {token}"}, json={
                        "title": "Three places", "begins_at": future(), "max_participants": 3, "publish": True,
                        "extra": {"anonymous_participation": True}})).json()
                    for person in people:
                        r = await http.post(f"/api/v1/events/{event['uuid']}/anonymous-participations",
                                            json={"email": person})
                        assert r.status_code == 202, r.text
                    return event["uuid"]

            uuid = asyncio.run(setup())
            paths = confirm_paths(server, people)

            async def race() -> tuple[list[int], list[int], int]:
                async with httpx.AsyncClient(base_url=base, timeout=60) as http:
                    same = await asyncio.gather(*[http.post(paths[people[0]]) for _ in range(6)])
                    others = await asyncio.gather(*[http.post(paths[person]) for person in people[1:]])
                    final = (await http.get(f"/api/v1/events/{uuid}")).json()
                    return [r.status_code for r in same], [r.status_code for r in others], final["participant_count"]

            same, others, counted = asyncio.run(race())
    assert same == [200] * 6, "the extra clicks say 'already confirmed'"
    assert others.count(200) == 2 and others.count(409) == 5, others
    assert counted == 3
