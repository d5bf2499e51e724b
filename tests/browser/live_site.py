"""A Convene instance served over real HTTP for the browser, and what an operator or a
mail box gives the people in the tests.

The browser reaches the instance only over HTTP. What a person would get another way
(an account an operator made, the link in an email) is read or written through the
core's services in a transaction of their own, as an operator's script would do it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from core.accounts.service import create_account, open_credential
from core.app import create_app
from core.context import Ctx
from core.identities.service import create_identity
from core.outbox import OutboxRow
from core.scripting import run_in_transaction
from core.settings import Settings
from helpers import future, make_settings
from liveserver import free_port, serve

PASSWORD = "correct horse"


@dataclass(frozen=True)
class Person:
    """A confirmed account with its first identity, and an API token to set the scene quickly."""

    email: str
    username: str
    api_headers: dict[str, str]


@dataclass(frozen=True)
class Site:
    url: str
    settings: Settings

    async def member(self, email: str, username: str, display_name: str = "") -> Person:
        """An account made by an operator (``convene users create``): confirmed, one identity."""

        async def create(ctx: Ctx) -> str:
            account = await create_account(ctx, email, PASSWORD, confirmed=True)
            await create_identity(ctx, account, username, display_name)
            return await open_credential(ctx, account, "api")

        token = await run_in_transaction(self.settings, create)
        return Person(email, username, {"Authorization": f"Bearer {token}"})

    async def emailed_link(self, email: str, kind: str) -> str:
        """The path of the newest link of this kind sent to ``email`` (the outbox holds the email)."""

        async def newest(ctx: Ctx) -> str | None:
            rows = await ctx.session.scalars(select(OutboxRow).where(OutboxRow.kind == "notification")
                                             .order_by(OutboxRow.id.desc()))
            return next((row.payload["link"] for row in rows
                         if row.payload["to_email"] == email and row.payload["kind"] == kind), None)

        link = await run_in_transaction(self.settings, newest)
        assert link, f"no {kind} email was sent to {email}"
        assert link.startswith(self.url), link
        return link.removeprefix(self.url)

    async def api(self, person: Person, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """Set the scene through the JSON API (what the test is not about)."""
        async with httpx.AsyncClient(base_url=self.url, headers=person.api_headers) as client:
            response = await client.request(method, f"/api/v1{path}", json=body)
        assert response.is_success, response.text
        return response.json() if response.content else {}

    async def event(self, organiser: Person, **fields: Any) -> dict[str, Any]:
        """A published event organised by ``organiser``; ``fields`` override the defaults."""
        body = {"title": "Book club", "begins_at": future(), "timezone": "Europe/Paris",
                "description": "<p>We read <em>Middlemarch</em>.</p>", "publish": True,
                "address": {"name": "Library", "street": "1 rue des Livres", "postal_code": "75001",
                            "locality": "Paris", "country": "France"}, **fields}
        return await self.api(organiser, "POST", "/events", body)


@contextmanager
def live_site(data_dir: Path, **overrides: Any) -> Iterator[Site]:
    """The instance on a free loopback port; its public URL is that address, so emailed links open."""
    port = free_port()
    settings = make_settings(data_dir, public_url=f"http://127.0.0.1:{port}", **overrides)
    with serve(create_app(settings), port) as url:
        yield Site(url, settings)
