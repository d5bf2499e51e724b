"""Suspending an identity or a whole account: it cannot act, and its public content is gone for others.

Nothing is deleted: a suspension is a row here that the plugin's decision and filter
hooks read (``convene_can_act`` refuses, ``convene_filter_*`` hide), so lifting it
brings everything back. The owner still sees their own things, and why they cannot
act. Each change is a line in the action log, in the same transaction, and is told to
other plugins per identity (``moderation_identity_suspended``/``_unsuspended``:
federation sends ``Delete``/``Update`` of the actor).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, delete, or_, select

from core.accounts.models import Account
from core.context import Ctx
from core.errors import Conflict
from core.events.models import Event
from core.identities.models import Identity
from plugins.moderation.actionlog import record
from plugins.moderation.models import Suspension
from plugins.moderation.roles import require_staff

SUSPEND, LIMIT = "suspend", "limit"


def suspended_identities() -> Select[int]:
    """Ids of the identities that are suspended, themselves or through their account (a subquery)."""
    by_account = select(Suspension.account_id).where(Suspension.account_id.is_not(None), Suspension.kind == SUSPEND)
    by_identity = select(Suspension.identity_id).where(Suspension.identity_id.is_not(None), Suspension.kind == SUSPEND)
    return select(Identity.id).where(or_(Identity.id.in_(by_identity), Identity.account_id.in_(by_account)))


async def suspension_of(ctx: Ctx, identity: Identity) -> Suspension | None:
    """The suspension that stops ``identity`` (its own, or its account's), if any."""
    clauses = [Suspension.identity_id == identity.id]
    if identity.account_id is not None:
        clauses.append(Suspension.account_id == identity.account_id)
    return await ctx.session.scalar(
        select(Suspension).where(or_(*clauses), Suspension.kind == SUSPEND).limit(1))


async def suspend_identity(ctx: Ctx, identity: Identity, reason: str, report_id: int | None = None) -> None:
    require_staff(ctx)
    if await ctx.session.scalar(select(Suspension.id).where(Suspension.identity_id == identity.id)) is not None:
        raise Conflict("this identity is already suspended")
    ctx.session.add(Suspension(identity_id=identity.id, kind=SUSPEND, reason=reason))
    record(ctx, "identity.suspend", identity, reason, report_id)
    await _changed(ctx, [identity], "moderation_identity_suspended")


async def unsuspend_identity(ctx: Ctx, identity: Identity, reason: str = "") -> None:
    require_staff(ctx)
    removed = await ctx.session.execute(delete(Suspension).where(Suspension.identity_id == identity.id))
    if not removed.rowcount:  # type: ignore[attr-defined]
        raise Conflict("this identity is not suspended")
    record(ctx, "identity.unsuspend", identity, reason)
    await _changed(ctx, [identity], "moderation_identity_unsuspended")


async def suspend_account(ctx: Ctx, account: Account, reason: str, report_id: int | None = None) -> None:
    require_staff(ctx)
    if await ctx.session.scalar(select(Suspension.id).where(Suspension.account_id == account.id)) is not None:
        raise Conflict("this account is already suspended")
    ctx.session.add(Suspension(account_id=account.id, kind=SUSPEND, reason=reason))
    record(ctx, "account.suspend", account, reason, report_id)
    await _changed(ctx, await _identities_of(ctx, account), "moderation_identity_suspended")


async def unsuspend_account(ctx: Ctx, account: Account, reason: str = "") -> None:
    require_staff(ctx)
    removed = await ctx.session.execute(delete(Suspension).where(Suspension.account_id == account.id))
    if not removed.rowcount:  # type: ignore[attr-defined]
        raise Conflict("this account is not suspended")
    record(ctx, "account.unsuspend", account, reason)
    await _changed(ctx, await _identities_of(ctx, account), "moderation_identity_unsuspended")


async def _identities_of(ctx: Ctx, account: Account) -> list[Identity]:
    return list(await ctx.session.scalars(select(Identity).where(Identity.account_id == account.id)))


async def _changed(ctx: Ctx, identities: list[Identity], hook: str) -> None:
    """The identities' event pages change for everyone (cached copies go); other plugins are told."""
    await ctx.session.flush()
    ids = [identity.id for identity in identities]
    for event in await ctx.session.scalars(select(Event).where(Event.organizer_id.in_(ids))):
        ctx.pages_changed(event)
    for identity in identities:
        await ctx.call(hook, identity=identity)


def visible_unless_suspended(column: Any, ctx: Ctx) -> Any:
    """A filter condition: rows whose identity ``column`` is not suspended, or is one of the viewer's own."""
    shown = column.not_in(suspended_identities())
    if ctx.viewer.identity_ids:
        shown = or_(shown, column.in_(ctx.viewer.identity_ids))
    return shown
