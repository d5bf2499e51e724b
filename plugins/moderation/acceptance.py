"""Members accept the terms and the code of conduct: at sign-up, and again after a material change.

Sign-up goes through the core's seam: the form's ``convene_signup_fields`` slot shows the
checkbox (``extra.accept_policies``), ``convene_check_sign_up`` refuses a sign-up without
it (a 422 naming the field, before anything is written), and ``convene_signed_up`` records
the versions accepted. An instance without terms nor code of conduct asks nothing.

After a material change (``PolicyDocument.accept_from``), a member whose accepted version
is older has that document *pending*: the web sends them to ``/policies/accept`` when they
log in (``convene_after_login``), and their identities may not act until they accept
(``convene_can_act`` refuses with a reason that says so), in the pages and the API alike.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.accounts.models import Account
from core.context import Ctx
from core.decisions import Decision
from core.errors import Conflict
from core.i18n import N_, Message
from core.identities.models import Identity
from plugins.moderation.documents import check_kind, documents
from plugins.moderation.models import ACCEPTED_KINDS, PolicyAcceptance, PolicyDocument

FIELD = "accept_policies"
PAGE = "/policies/accept"
# what a checkbox or a JSON field may say to mean yes
YES = (True, "on", "yes", "true", "1")
PENDING_REASON = N_("accept the new version of this instance's terms first (at /policies/accept)")


async def to_accept_at_sign_up(ctx: Ctx) -> list[PolicyDocument]:
    """The documents a new member accepts: the terms and the code of conduct, where written."""
    return [doc for kind, doc in (await documents(ctx)).items() if kind in ACCEPTED_KINDS]


async def check_sign_up(ctx: Ctx, extra: dict[str, Any]) -> dict[str, str] | None:
    if extra.get(FIELD) in YES or not await to_accept_at_sign_up(ctx):
        return None
    return {FIELD: N_("accept the terms and the code of conduct to sign up")}


async def record_sign_up(ctx: Ctx, account: Account) -> None:
    for document in await to_accept_at_sign_up(ctx):
        ctx.session.add(PolicyAcceptance(account_id=account.id, kind=document.kind, version=document.version))


async def pending(ctx: Ctx, account_id: int) -> list[PolicyDocument]:
    """The documents this account must accept again: materially changed since the version it accepted."""
    accepted = (select(func.max(PolicyAcceptance.version))
                .where(PolicyAcceptance.account_id == account_id, PolicyAcceptance.kind == PolicyDocument.kind)
                .scalar_subquery())
    query = (select(PolicyDocument)
             .where(PolicyDocument.kind.in_(ACCEPTED_KINDS), PolicyDocument.accept_from > 0,
                    func.coalesce(accepted, 0) < PolicyDocument.accept_from)
             .order_by(PolicyDocument.kind))
    return list(await ctx.session.scalars(query))


async def accepted(ctx: Ctx, account_id: int) -> list[PolicyAcceptance]:
    query = select(PolicyAcceptance).where(PolicyAcceptance.account_id == account_id).order_by(PolicyAcceptance.id)
    return list(await ctx.session.scalars(query))


async def accept(ctx: Ctx, account: Account, kind: str, version: int) -> PolicyAcceptance:
    """The member accepts ``version`` of a document: it must be the current one (409 otherwise, as the
    text they read is no longer the one in force). Accepting it again changes nothing."""
    kind = check_kind(kind)
    document = await ctx.session.get(PolicyDocument, kind)
    if document is None or kind not in ACCEPTED_KINDS:
        raise Conflict(Message("there is no %(kind)s to accept", kind=kind))
    if version != document.version:
        raise Conflict(Message("the current version is %(version)s; read it and accept that one",
                               version=document.version))
    same = select(PolicyAcceptance).where(
        PolicyAcceptance.account_id == account.id, PolicyAcceptance.kind == kind, PolicyAcceptance.version == version)
    existing = await ctx.session.scalar(same)
    if existing is not None:
        return existing
    acceptance = PolicyAcceptance(account_id=account.id, kind=kind, version=version)
    try:
        async with ctx.session.begin_nested():  # a savepoint: the same acceptance may arrive twice at once
            ctx.session.add(acceptance)
    except IntegrityError:
        return await ctx.session.scalar(same) or acceptance
    return acceptance


async def unless_pending(ctx: Ctx, identity: Identity) -> Decision | None:
    """``convene_can_act``: an account with a document to accept again acts once it has accepted it."""
    if identity.account_id is None or not await pending(ctx, identity.account_id):
        return None
    return Decision.deny(PENDING_REASON)
