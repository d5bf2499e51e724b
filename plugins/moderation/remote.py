"""Moderating what comes from elsewhere: a remote identity or a whole domain, suspended or limited.

A remote identity is suspended like a local one (suspensions.py: what it sent is hidden
and its activities are refused, since processing them asks ``convene_can_act``) or
limited (a ``Suspension`` of kind ``limit``): its events and comments are shown only to
those who follow it here, which the federation plugin tells through
``moderation_followed_identities``. A domain is the federation plugin's to rule
(``moderation_domain_policy``: suspended, it is blocked and what is stored from it is
purged; limited, its content reaches only its followers here); without federation
there is no remote domain, and the API says so (409). Every change is a line in the
action log.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import post
from msgspec import Meta
from sqlalchemy import ColumnElement, delete, or_, select

from core.api.openapi import refusals
from core.auth import Caller, signed_in
from core.context import Ctx
from core.errors import Conflict, NotFound
from core.i18n import N_
from core.identities.models import Identity
from plugins.moderation.actionlog import record
from plugins.moderation.models import Suspension
from plugins.moderation.roles import require_staff
from plugins.moderation.suspensions import LIMIT, suspend_identity, unsuspend_identity

REASON_MAX = 500
DOMAIN_POLICIES = ("suspend", "limit", "lift")


async def domain_policy(ctx: Ctx, domain: str, policy: str, reason: str) -> None:
    """Suspend, limit or lift a remote domain (through federation); logged with the domain as target."""
    require_staff(ctx)
    if not await ctx.call("moderation_domain_policy", domain=domain, policy=policy, reason=reason):
        raise Conflict(N_("federation is off here: there are no remote domains to moderate"))
    record(ctx, f"domain.{policy}", domain.strip().lower(), reason)


async def remote_identity(ctx: Ctx, handle: str) -> Identity:
    """A stored remote identity by ``name@host`` (a leading @ allowed); 404 when unknown."""
    name, _, host = handle.strip().lstrip("@").partition("@")
    identity = await ctx.session.scalar(
        select(Identity).where(Identity.username == name, Identity.domain == host.lower(), Identity.domain != ""))
    if identity is None:
        raise NotFound(N_("no such remote identity here"))
    return identity


async def limit_identity(ctx: Ctx, identity: Identity, reason: str) -> None:
    """Its content reaches only those who follow it here; a suspended one stays suspended."""
    require_staff(ctx)
    if await ctx.session.scalar(select(Suspension.id).where(Suspension.identity_id == identity.id)) is not None:
        raise Conflict(N_("this identity is already suspended or limited"))
    ctx.session.add(Suspension(identity_id=identity.id, kind=LIMIT, reason=reason))
    record(ctx, "identity.limit", identity, reason)
    await ctx.session.flush()


async def suspend_remote(ctx: Ctx, identity: Identity, reason: str) -> None:
    """Suspend a remote identity, a limited one included (the suspension replaces the limit)."""
    require_staff(ctx)
    await ctx.session.execute(delete(Suspension).where(Suspension.identity_id == identity.id,
                                                       Suspension.kind == LIMIT))
    await suspend_identity(ctx, identity, reason)


async def shown_unless_limited(ctx: Ctx, author: Any) -> ColumnElement[bool]:
    """A filter condition: rows whose ``author`` is not limited, or is followed by (or is) the viewer."""
    limited = select(Suspension.identity_id).where(Suspension.kind == LIMIT, Suspension.identity_id.is_not(None))
    shown = or_(author.is_(None), author.not_in(limited))
    for followed in await ctx.call("moderation_followed_identities"):
        shown = or_(shown, author.in_(followed))
    if ctx.viewer.identity_ids:
        shown = or_(shown, author.in_(ctx.viewer.identity_ids))
    return shown


# --- the API -----------------------------------------------------------------------------


class ReasonIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, Meta(max_length=REASON_MAX)] = ""


class DomainOut(msgspec.Struct):
    domain: str
    policy: str


class RemoteIdentityOut(msgspec.Struct):
    handle: str
    state: str


DOMAIN_DOCS = {
    "suspend": "Suspend a domain: nothing more is exchanged with it and what is stored from it is removed.",
    "limit": "Limit a domain: its events and comments reach only those who follow their author here.",
    "lift": "Lift a domain's suspension or limit (a block of the configuration file stays).",
}
IDENTITY_DOCS = {
    "suspend": "Suspend a remote identity (name@host): what it sent is hidden and what it sends is refused.",
    "limit": "Limit a remote identity: its events and comments reach only those who follow it here.",
    "unsuspend": "Lift a remote identity's suspension or limit.",
}


def _domain_route(policy: str, path: str) -> Any:
    @post(f"/api/v1/admin/domains/{{domain:str}}/{path}", status_code=200, tags=["moderation"],
          guards=[signed_in], responses=refusals(403, 409), name=f"moderation-domain-{path}",
          summary=f"Domain: {path}", description=DOMAIN_DOCS[policy], operation_id=f"moderationDomain{path.title()}")
    async def handler(ctx: Ctx, api: Caller, domain: str, data: ReasonIn) -> DomainOut:
        api.require_account()
        await domain_policy(ctx, domain, policy, data.reason.strip())
        return DomainOut(domain.strip().lower(), policy)
    return handler


async def _identity_action(ctx: Ctx, api: Caller, handle: str, action: str, reason: str) -> RemoteIdentityOut:
    api.require_account()
    require_staff(ctx)
    identity = await remote_identity(ctx, handle)
    if action == "suspend":
        await suspend_remote(ctx, identity, reason)
    elif action == "limit":
        await limit_identity(ctx, identity, reason)
    else:
        await unsuspend_identity(ctx, identity, reason)
    return RemoteIdentityOut(identity.handle, {"suspend": "suspended", "limit": "limited"}.get(action, "shown"))


def _identity_route(action: str) -> Any:
    @post(f"/api/v1/admin/remote-identities/{{handle:str}}/{action}", status_code=200, tags=["moderation"],
          guards=[signed_in], responses=refusals(403, 404, 409), name=f"moderation-remote-identity-{action}",
          summary=f"Remote identity: {action}", description=IDENTITY_DOCS[action],
          operation_id=f"moderationRemoteIdentity{action.title()}")
    async def handler(ctx: Ctx, api: Caller, handle: str, data: ReasonIn) -> RemoteIdentityOut:
        return await _identity_action(ctx, api, handle, action, data.reason.strip())
    return handler


def remote_handlers() -> list[Any]:
    return [*(_domain_route(policy, path) for policy, path in (("suspend", "suspend"), ("limit", "limit"),
                                                                ("lift", "unsuspend"))),
            *(_identity_route(action) for action in ("suspend", "limit", "unsuspend"))]
