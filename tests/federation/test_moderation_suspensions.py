"""Suspensions across instances, over real HTTP on loopback between two Convene instances.

A local identity suspended is deleted on the servers that know it (its copy and its
events gone there) and comes back there when the suspension is lifted; a remote
domain suspended is blocked and what is stored from it is purged by the worker, in
batches; a remote identity or domain limited reaches only its followers here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import select

from core.accounts.models import Account
from core.context import Ctx
from core.events.models import Event
from core.identities.models import Identity
from core.identities.service import identities_of
from core.viewer import Viewer
from helpers import future, wait_for
from live_fixtures import in_transaction, member, two_instances
from peer_fixtures import sweep
from plugins.federation_activitypub import domain_moderation
from plugins.federation_activitypub.policy import ApDomainRule
from plugins.moderation.models import ModerationAction
from plugins.moderation.suspensions import suspend_identity, unsuspend_identity
from test_moderation_flags import live_moderator

EVENT = {"title": "Picnic", "begins_at": future(hour=12), "timezone": "Europe/Paris", "publish": True}
AP = {"Accept": "application/activity+json"}


def host(app: Litestar) -> str:
    return app.state.settings.public_url.removeprefix("http://")


def remote_titles(app: Litestar) -> list[str]:
    """The titles of the remote events ``app`` stores."""
    async def load(ctx: Ctx) -> list[str]:
        return list(await ctx.session.scalars(
            select(Event.title).join(Identity, Identity.id == Event.organizer_id).where(Identity.domain != "")))

    return in_transaction(app.state.settings, load)


def remote_handles(app: Litestar) -> list[str]:
    async def load(ctx: Ctx) -> list[str]:
        return sorted(i.handle for i in await ctx.session.scalars(select(Identity).where(Identity.domain != "")))

    return in_transaction(app.state.settings, load)


def as_moderator(app: Litestar, email: str, work: Callable[[Ctx, Identity], Awaitable[None]], username: str) -> None:
    """Run ``work`` as the moderator ``email`` on ``username`` (a local identity), then send what it queued."""
    async def act(ctx: Ctx) -> None:
        account = await ctx.session.scalar(select(Account).where(Account.email == email))
        identities = await identities_of(ctx, account)
        target = await ctx.session.scalar(select(Identity).where(Identity.username == username, Identity.domain == ""))
        await work(ctx.as_viewer(Viewer.member(account, identities, identities[0])), target)

    in_transaction(app.state.settings, act)
    sweep(app)


@contextmanager
def followed_event(data_dir: Path, other: Path) -> Iterator[tuple[Litestar, Litestar, dict[str, str], dict[str, Any]]]:
    """``first``'s carol follows ``second``'s alice and holds a copy of alice's event."""
    with two_instances(data_dir, other) as (first, second):
        alice = member(second, "alice@example.org", "alice")
        carol = member(first, "carol@example.org", "carol")
        r = httpx.post(f"{first.state.settings.public_url}/api/v1/identities/carol/follow",
                       json={"target": f"@alice@{host(second)}"}, headers=carol, timeout=20)
        assert r.status_code == 202, r.text
        wait_for(lambda: httpx.get(f"{second.state.settings.public_url}/@alice/followers").json()["totalItems"] == 1)
        event = httpx.post(f"{second.state.settings.public_url}/api/v1/events", json=EVENT, headers=alice).json()
        wait_for(lambda: remote_titles(first) == ["Picnic"], timeout=20)
        yield first, second, carol, event


def test_a_suspension_deletes_the_actor_on_the_other_instance_and_lifting_it_brings_it_back(
        data_dir: Path, tmp_path: Path) -> None:
    with followed_event(data_dir, tmp_path / "other-instance") as (first, second, _, _):
        live_moderator(second, "mod@example.org", "mod")
        as_moderator(second, "mod@example.org", lambda ctx, alice: suspend_identity(ctx, alice, "spam"), "alice")
        wait_for(lambda: remote_handles(first) == [], timeout=20)
        assert remote_titles(first) == []
        assert httpx.get(f"{second.state.settings.public_url}/@alice", headers=AP).status_code == 404
        as_moderator(second, "mod@example.org", lambda ctx, alice: unsuspend_identity(ctx, alice), "alice")
        wait_for(lambda: remote_handles(first) == [f"alice@{host(second)}"], timeout=20)
        assert httpx.get(f"{second.state.settings.public_url}/@alice", headers=AP).status_code == 200


def test_a_domain_suspension_blocks_it_and_purges_its_stored_copies_in_batches(
        data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(domain_moderation, "BATCH", 1)  # one actor per job: each job queues the next
    with followed_event(data_dir, tmp_path / "other-instance") as (first, second, carol, _):
        member(second, "bob@example.org", "bob")
        api = f"{first.state.settings.public_url}/api/v1/admin/domains/127.0.0.1"
        found = httpx.get(f"{first.state.settings.public_url}/api/v1/search", params={"q": f"@bob@{host(second)}"},
                          headers=carol, timeout=20)
        assert found.status_code == 200, found.text
        assert remote_handles(first) == [f"alice@{host(second)}", f"bob@{host(second)}"]
        assert httpx.post(f"{api}/suspend", json={"reason": "spam farm"}, headers=carol).status_code == 403
        assert httpx.post(f"{api}/suspend", json={}).status_code == 401
        moderator = live_moderator(first, "mod@example.org", "mod")
        r = httpx.post(f"{api}/suspend", json={"reason": "spam farm"}, headers=moderator)
        assert r.status_code == 200 and r.json() == {"domain": "127.0.0.1", "policy": "suspend"}, r.text
        wait_for(lambda: remote_handles(first) == [], timeout=20)
        assert remote_titles(first) == []
        assert httpx.post(f"{api}/suspend", json={}, headers=moderator).status_code == 409
        rules = in_transaction(first.state.settings, lambda ctx: _rows(ctx, ApDomainRule))
        assert [(rule.domain, rule.kind, rule.reason) for rule in rules] == [("127.0.0.1", "block", "spam farm")]
        assert httpx.post(f"{api}/unsuspend", json={}, headers=moderator).status_code == 200
        assert httpx.post(f"{api}/unsuspend", json={}, headers=moderator).status_code == 409
        lines = in_transaction(first.state.settings, lambda ctx: _rows(ctx, ModerationAction))
    assert [(line.action, line.target_ref, line.reason) for line in lines] == [
        ("domain.suspend", "127.0.0.1", "spam farm"), ("domain.lift", "127.0.0.1", "")]


def test_a_limited_remote_identity_or_domain_reaches_only_its_followers_here(data_dir: Path, tmp_path: Path) -> None:
    with followed_event(data_dir, tmp_path / "other-instance") as (first, second, carol, event):
        base = first.state.settings.public_url
        copy = httpx.get(f"{base}/api/v1/search", params={"q": event["url"]}, headers=carol).json()["uuid"]
        moderator = live_moderator(first, "mod@example.org", "mod")
        dave = member(first, "dave@example.org", "dave")  # who does not follow alice

        def shown(headers: dict[str, str]) -> int:
            return httpx.get(f"{base}/api/v1/events/{copy}", headers=headers).status_code

        alice = f"{base}/api/v1/admin/remote-identities/alice@{host(second)}"
        r = httpx.post(f"{alice}/limit", json={"reason": "noisy"}, headers=moderator)
        assert r.status_code == 200 and r.json()["state"] == "limited", r.text
        assert (shown({}), shown(dave), shown(carol)) == (404, 404, 200)
        assert httpx.post(f"{alice}/limit", json={}, headers=moderator).status_code == 409
        assert httpx.post(f"{alice}/suspend", json={}, headers=moderator).status_code == 200
        assert (shown({}), shown(carol)) == (404, 404)
        assert httpx.post(f"{alice}/unsuspend", json={}, headers=moderator).status_code == 200
        assert (shown({}), shown(dave)) == (200, 200)
        assert httpx.post(f"{base}/api/v1/admin/remote-identities/nobody@nowhere.example/limit", json={},
                          headers=moderator).status_code == 404
        domain = f"{base}/api/v1/admin/domains/127.0.0.1"
        assert httpx.post(f"{domain}/limit", json={"reason": "noisy"}, headers=moderator).status_code == 200
        assert (shown({}), shown(dave), shown(carol)) == (404, 404, 200)
        admin = live_moderator(first, "root@example.org", "ada", role="administrator")
        policy = httpx.get(f"{base}/api/v1/admin/federation/domains", headers=admin).json()
        assert [(rule["domain"], rule["kind"]) for rule in policy["rules"]] == [("127.0.0.1", "limit")]
        assert httpx.post(f"{domain}/unsuspend", json={}, headers=moderator).status_code == 200
        assert shown({}) == 200


async def _rows(ctx: Ctx, model: Any) -> list[Any]:
    return list(await ctx.session.scalars(select(model).order_by(*model.__table__.primary_key.columns)))
