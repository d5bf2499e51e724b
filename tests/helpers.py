"""What tests do as people and operators would: sign up, create events, read emailed links.

Kept out of conftest.py so test modules in sub-folders (which may have a conftest of
their own) import them by one unambiguous name: ``from helpers import ...``.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

import asyncpg
from litestar.testing import TestClient
from sqlalchemy import select, update

from core.accounts.models import Account
from core.db.base import utcnow
from core.db.engine import make_engine
from core.models import metadata
from core.outbox import OutboxRow
from core.periodic import PeriodicRun, run_due
from core.plugins import available_plugins
from core.settings import DEFAULT_PLUGINS, Settings, settings_from_dict

PG_URL = os.environ.get("CONVENE_TEST_DATABASE_URL", "")
SECRET = "test-secret-key-that-is-long-enough-for-convene"
# every plugin installed here, the test plugins included: the test database has all their tables
EVERY_PLUGIN = {"enabled": sorted(available_plugins())}


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    raw: dict[str, Any] = {"secret_key": SECRET, "data_dir": str(data_dir), "public_url": "http://testserver.local"}
    if PG_URL:
        raw["database_url"] = PG_URL
    raw.update(overrides)
    return settings_from_dict(raw)


def empty_database(folder: Path, template: Path | None) -> None:
    """An empty migrated database for an instance whose data folder is ``folder``: a copy of the SQLite
    ``template``, or (no template) the PostgreSQL test database with every table emptied."""
    if template is not None:
        shutil.copy(template, folder / "convene.sqlite3")
        return

    async def truncate() -> None:
        conn = await asyncpg.connect(PG_URL.replace("+asyncpg", ""))
        await conn.execute(f"TRUNCATE {', '.join(t.name for t in metadata.sorted_tables)} RESTART IDENTITY CASCADE")
        await conn.close()

    asyncio.run(truncate())


def loopback_plugins(plugins: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``[plugins]`` table (the default plugins unless given) with federation allowed to reach loopback peers."""
    table = {"enabled": list(DEFAULT_PLUGINS), **(plugins or {})}
    table["federation_activitypub"] = {**table.get("federation_activitypub", {}), "allow_private_addresses": True}
    return table


def outbox_rows(client: TestClient, kind: str | None = None) -> list[OutboxRow]:
    async def load() -> list[OutboxRow]:
        async with client.app.state.sessionmaker() as session:
            query = select(OutboxRow).order_by(OutboxRow.id)
            if kind:
                query = query.where(OutboxRow.kind == kind)
            return list(await session.scalars(query))

    with client.portal() as portal:
        return portal.call(load)


def link_sent_to(client: TestClient, email: str, kind: str) -> str:
    """The link in the newest notification of this kind for this address (as the email would carry)."""
    rows = [r for r in outbox_rows(client, "notification") if r.payload["to_email"] == email and r.payload["kind"] == kind]
    assert rows, f"no {kind} notification for {email}"
    return rows[-1].payload["link"]


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def run_periodic_task(app: Any, name: str) -> None:
    """The period of the task ``name`` has elapsed: the workers' upkeep runs it now, as its next sweep would."""
    tasks = app.state.tasks
    chosen = [task for task in tasks.periodic if task.name == name]
    assert chosen, f"no periodic task {name!r} on this instance"

    async def run_now() -> list[str]:
        async with tasks.sessionmaker() as session:
            await session.execute(update(PeriodicRun).where(PeriodicRun.name == name).values(next_run_at=utcnow()))
            await session.commit()
        return await run_due(tasks.sessionmaker, chosen, lambda task: tasks.in_transaction(task.run))

    # the sweep a starting instance runs at once may take the period first: then ask again
    wait_for(lambda: tasks.run_coroutine(run_now()) == [name])


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.05):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


def sign_up(client: TestClient, email: str, username: str, password: str = "correct horse") -> dict[str, str]:
    """Sign up through the API, confirm through the emailed link, log in; returns auth headers."""
    r = client.post("/api/v1/accounts", json={"email": email, "password": password, "username": username})
    assert r.status_code == 201, r.text
    token = token_of(link_sent_to(client, email, "confirm_email"))
    r = client.post("/api/v1/accounts/confirm", json={"token": token})
    assert r.status_code == 200, r.text
    r = client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


async def confirm_account(settings: Settings, email: str) -> None:
    """Mark the account confirmed as its emailed link would (the link itself is tested elsewhere), for tests
    over real HTTP. Uses its own engine: the server's connections belong to the server's event loop."""
    engine = make_engine(settings)
    async with engine.begin() as conn:
        await conn.execute(update(Account).where(Account.email == email).values(confirmed_at=utcnow()))
    await engine.dispose()


def within_one_minute_window() -> None:
    """Login attempts are counted per clock minute: start far enough from its end that all of them
    fall in the same minute, or the count starts again halfway and the limit is never reached."""
    left = 60 - datetime.now(UTC).second
    if left < 20:
        time.sleep(left + 0.1)


def future_dt(days: int = 30, hour: int = 18, minute: int = 0) -> datetime:
    """A naive local date-time ``days`` after today: events stay upcoming whatever year the suite runs in."""
    return datetime.combine(date.today() + timedelta(days=days), clock(hour, minute))


def future(days: int = 30, hour: int = 18, minute: int = 0) -> str:
    """``future_dt`` as the API and the forms take it, e.g. ``2027-01-06T18:00:00``."""
    return future_dt(days, hour, minute).isoformat()


def next_in(month: int, weekday: int | None = None, hour: int = 18, minute: int = 0) -> datetime:
    """The first day of ``month`` at least a week ahead (on ``weekday``, 0 being Monday, if given).

    For tests whose meaning depends on the season (Europe/Paris is UTC+2 from April to
    September, UTC+1 from November to February) or on the weekday a page shows.
    """
    day = date.today() + timedelta(days=7)
    while day.month != month or (weekday is not None and day.weekday() != weekday):
        day += timedelta(days=1)
    return datetime.combine(day, clock(hour, minute))


def new_event(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"title": "Book club", "begins_at": future(), "timezone": "Europe/Paris", "publish": True}
    body.update(fields)
    r = client.post("/api/v1/events", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def field_errors(response) -> dict[str, str]:  # noqa: ANN001
    return {e["field"]: e["message"] for e in response.json().get("errors", [])}

