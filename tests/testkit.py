"""Instances with the test plugins of tests/plugin_testkit enabled, and the people their tests need.

The plugins are a separate distribution (``convene-testkit``) that scripts/test.sh
installs like any third-party plugin; a test enables the ones it is about. Importing
their models here puts their tables in the metadata conftest truncates on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import convene_testkit.dress_code.models  # noqa: F401 - the plugins' tables, in the metadata
import convene_testkit.policy.models  # noqa: F401
from convene_testkit.moderation.models import ModerationLog
from litestar.testing import TestClient
from sqlalchemy import select

from core.accounts.models import Account
from core.accounts.service import create_account
from core.app import create_app
from core.context import Ctx
from core.identities.service import create_identity, identities_of
from core.settings import DEFAULT_PLUGINS
from core.viewer import ANONYMOUS, Viewer
from helpers import make_settings
from webhelpers import confirm_link, submit

T = TypeVar("T")
PASSWORD = "correct horse"
# a policy that holds nobody's events: tests about holding say how young an account must be
NO_HOLD = {"hold_accounts_younger_than_hours": 0}
# the default plugins but our own moderation: the test plugins are proved on their own
DEFAULTS_BUT_MODERATION = [name for name in DEFAULT_PLUGINS if name != "moderation"]


@contextmanager
def instance(data_dir: Path, *plugins: str, **configs: dict[str, Any]) -> Iterator[TestClient]:
    """An instance with the default plugins (but moderation) and these test plugins, configured by
    ``configs`` (``testkit_policy={...}``); the policy holds nobody unless its config says so."""
    table: dict[str, Any] = {"enabled": [*DEFAULTS_BUT_MODERATION, *plugins], **configs}
    if "testkit_policy" in plugins:
        table["testkit_policy"] = {**NO_HOLD, **configs.get("testkit_policy", {})}
    app = create_app(make_settings(data_dir, plugins=table))
    with TestClient(app, base_url="http://testserver.local") as client:
        yield client


def in_transaction(client: TestClient, work: Callable[[Ctx], Awaitable[T]], viewer: Viewer = ANONYMOUS) -> T:
    """Run a service call as ``viewer`` in one committed transaction, on the instance's loop."""

    async def run() -> T:
        async with client.app.state.sessionmaker() as session:
            result = await work(Ctx(session, client.app.state.runtime, viewer))
            await session.commit()
            return result

    with client.portal() as portal:
        return portal.call(run)


def rows(client: TestClient, model: type[T]) -> list[T]:
    """Every row of one of the plugins' tables, oldest first."""

    async def read(ctx: Ctx) -> list[T]:
        return list(await ctx.session.scalars(select(model).order_by(*model.__table__.primary_key.columns)))

    return in_transaction(client, read)


def as_member(email: str) -> Callable[[Ctx], Awaitable[Viewer]]:
    """The viewer an account's requests would have (to call a service as that person)."""

    async def load(ctx: Ctx) -> Viewer:
        account = await ctx.session.scalar(select(Account).where(Account.email == email))
        identities = await identities_of(ctx, account)
        return Viewer.member(account, identities, identities[0])

    return load


def viewer_of(client: TestClient, email: str) -> Viewer:
    return in_transaction(client, as_member(email))


def moderator(client: TestClient, email: str, username: str, role: str = "moderator") -> dict[str, str]:
    """An account of role moderator (or ``role``), as an operator makes it; returns API auth headers."""

    async def create(ctx: Ctx) -> None:
        account = await create_account(ctx, email, PASSWORD, role=role, confirmed=True)
        await create_identity(ctx, account, username)

    in_transaction(client, create)
    r = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def web_log_in(client: TestClient, email: str) -> None:
    """Log in through the form, whatever language the page is in."""
    response = submit(client, "/login", "/login", {"email": email, "password": PASSWORD})
    assert response.status_code == 200 and 'action="/logout"' in response.text, response.text


def french_member(client: TestClient, email: str, username: str) -> None:
    """Someone whose browser asks for French signs up through the form (the account keeps French) and logs in."""
    client.headers["Accept-Language"] = "fr-FR,fr;q=0.9"
    r = submit(client, "/signup", "/signup", {"email": email, "password": PASSWORD, "username": username})
    assert r.status_code == 200, r.text
    assert client.get(confirm_link(client, email)).status_code == 200
    web_log_in(client, email)


def log_lines(client: TestClient) -> list[tuple[str, str]]:
    """The moderation log as (action, target) pairs, oldest first."""
    return [(line.action, line.target) for line in rows(client, ModerationLog)]
