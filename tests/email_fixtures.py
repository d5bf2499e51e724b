"""Instances with the email plugin pointed at a test SMTP server, and what their outbox and tables hold."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from litestar.testing import TestClient
from sqlalchemy import select, update

from core.app import create_app
from core.db.base import utcnow
from core.outbox import OutboxRow
from core.settings import DEFAULT_PLUGINS
from helpers import make_settings, outbox_rows
from plugins.email.models import EmailRefusal

FROM = "events@testserver.local"


def email_plugins(port: int, **email: Any) -> dict[str, Any]:
    return {"enabled": [*DEFAULT_PLUGINS, "email"],
            "email": {"smtp_host": "127.0.0.1", "smtp_port": port, "from_address": FROM, **email}}


@contextmanager
def mailing_instance(data_dir: Path, port: int, **email: Any) -> Iterator[TestClient]:
    app = create_app(make_settings(data_dir, plugins=email_plugins(port, **email)))
    with TestClient(app, base_url="http://testserver.local") as client:
        yield client


def notifications(client: TestClient) -> list[OutboxRow]:
    """Every notification written, in order: a row of its own, or one of a fan-out's row of fifty
    (shown as a row of its own, with the state of the row that carries it)."""
    found: list[OutboxRow] = []
    for row in outbox_rows(client):
        if row.kind == "notification":
            found.append(row)
        elif row.kind == "notifications":
            found.extend(OutboxRow(id=row.id, kind="notification", payload=payload, state=row.state,
                                   attempts=row.attempts, last_error=row.last_error)
                         for payload in row.payload["notifications"])
    return found


def refusals(client: TestClient) -> list[EmailRefusal]:
    async def load() -> list[EmailRefusal]:
        async with client.app.state.sessionmaker() as session:
            return list(await session.scalars(select(EmailRefusal).order_by(EmailRefusal.id)))

    with client.portal() as portal:
        return portal.call(load)


def retry_now(client: TestClient) -> None:
    """The back-off of every pending row has elapsed: the sweeper hands them to the worker now."""
    tasks = client.app.state.tasks

    async def due() -> None:
        async with tasks.sessionmaker() as session:
            await session.execute(update(OutboxRow).where(OutboxRow.state == "pending").values(next_attempt_at=utcnow()))
            await session.commit()
        await tasks.sweep(grace=timedelta())

    tasks.run_coroutine(due())


def link_in(text: str) -> str:
    """The instance link a mail's text carries."""
    found = re.search(r"http://testserver\.local/\S+", text)
    assert found, text
    return found.group(0)
