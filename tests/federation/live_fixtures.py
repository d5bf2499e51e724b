"""Convene instances served over real HTTP on loopback, for tests against other servers.

A peer (Fedify, another Convene) reaches the instance by its public URL and fetches
what it links to, so the public URL must be the live server's own. Requests go over
HTTP (``httpx``); the database is read and accounts are made the way an operator's
script does it (``core.scripting.run_in_transaction``), never through the app's own
event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from litestar import Litestar

from core.accounts.service import create_account, open_credential
from core.app import create_app
from core.context import Ctx
from core.db.migrate import upgrade
from core.identities.service import create_identity
from core.scripting import run_in_transaction
from core.settings import Settings
from liveserver import serve
from peer_fixtures import federating_settings

T = TypeVar("T")


@contextmanager
def live_instance(data_dir: Path, **overrides: Any) -> Iterator[Litestar]:
    """A federating instance on a loopback port; ``app.state.settings.public_url`` is its URL."""
    settings = federating_settings(data_dir, **overrides)
    app = create_app(settings)
    with serve(app) as url:
        # tests/liveserver.py picks the port itself: the URL is known only now, before any request
        settings.public_url = url
        yield app


@contextmanager
def two_instances(data_dir: Path, other: Path) -> Iterator[tuple[Litestar, Litestar]]:
    """Two live instances with their own databases (the second one's in ``other``)."""
    database_url = f"sqlite+aiosqlite:///{other / 'convene.sqlite3'}"
    upgrade(federating_settings(other, database_url=database_url))
    with live_instance(data_dir) as first, live_instance(other, database_url=database_url) as second:
        yield first, second


def in_transaction(settings: Settings, work: Callable[[Ctx], Awaitable[T]]) -> T:
    return asyncio.run(run_in_transaction(settings, work))


def member(app: Litestar, email: str, username: str) -> dict[str, str]:
    """A confirmed account with one identity, as an operator creates it; returns API auth headers."""

    async def create(ctx: Ctx) -> str:
        account = await create_account(ctx, email, "correct horse", confirmed=True)
        await create_identity(ctx, account, username)
        return await open_credential(ctx, account, "api")

    return {"Authorization": f"Bearer {in_transaction(app.state.settings, create)}"}
