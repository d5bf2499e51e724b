"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when
``CONVENE_TEST_DATABASE_URL`` is set), an instance with its embedded worker, and
helpers that act as a person would through the API.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import select

from core.app import create_app
from core.db.migrate import upgrade
from core.models import metadata
from core.outbox import OutboxRow
from core.settings import Settings, settings_from_dict

PG_URL = os.environ.get("CONVENE_TEST_DATABASE_URL", "")
SECRET = "test-secret-key-that-is-long-enough-for-convene"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """SQLite: one migrated file copied for each test. PostgreSQL: migrate once, truncate per test."""
    if PG_URL:
        upgrade(settings_from_dict({"secret_key": SECRET, "database_url": PG_URL}))
        return None
    folder = tmp_path_factory.mktemp("template")
    settings = settings_from_dict({"secret_key": SECRET, "data_dir": str(folder)})
    upgrade(settings)
    return folder / "convene.sqlite3"


def _truncate_postgres() -> None:
    import asyncio

    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(PG_URL.replace("+asyncpg", ""))
        tables = ", ".join(t.name for t in metadata.sorted_tables)
        await conn.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
        await conn.close()

    asyncio.run(run())


def make_settings(data_dir: Path, **overrides: Any) -> Settings:
    raw: dict[str, Any] = {"secret_key": SECRET, "data_dir": str(data_dir), "public_url": "http://testserver.local"}
    if PG_URL:
        raw["database_url"] = PG_URL
    raw.update(overrides)
    return settings_from_dict(raw)


@pytest.fixture
def data_dir(tmp_path: Path, migrated_template: Path | None) -> Path:
    if migrated_template is None:
        _truncate_postgres()
    else:
        shutil.copy(migrated_template, tmp_path / "convene.sqlite3")
    return tmp_path


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return make_settings(data_dir)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="http://testserver.local") as test_client:
        yield test_client


# -- acting as people --------------------------------------------------------------


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


def new_event(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"title": "Book club", "begins_at": "2031-05-01T18:00:00", "timezone": "Europe/Paris", "publish": True}
    body.update(fields)
    r = client.post("/api/v1/events", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def field_errors(response) -> dict[str, str]:  # noqa: ANN001
    return {e["field"]: e["message"] for e in response.json().get("errors", [])}

