"""Moderators' decisions on a whole remote domain, kept as rules of the federation policy.

``suspend`` blocks the domain (an ``ApDomainRule`` of kind ``block``: nothing more goes
in or out, policy.py) and purges what is stored from it: its actors, with their events
(tombstoned, so a late copy is not taken in again), their places in our events and
the text of their comments (``actor_updates.forget``, as when an actor deletes
itself). The purge runs in the worker, ``BATCH`` actors per job, each job queueing the
next, so a large domain never holds one long transaction.
``limit`` keeps talking to the domain (a rule of kind ``limit``, which ``permits``
ignores) while its events and comments are shown only to those who follow their
author here (``limited_authors``, through the moderation plugin's filters).
``lift`` removes the moderators' rule; a rule of the configuration file stays.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.exc import IntegrityError

from core.context import Ctx
from core.errors import Conflict, InvalidInput
from core.i18n import Message
from core.identities.models import Identity
from core.outbox import enqueue
from plugins.federation_activitypub.actor_updates import forget
from plugins.federation_activitypub.actors import actor_row
from plugins.federation_activitypub.domains import InvalidDomain, normalize_domain
from plugins.federation_activitypub.instance import federation
from plugins.federation_activitypub.models import ApFollow
from plugins.federation_activitypub.policy import ApDomainRule

PURGE_JOB = "ap_purge_domain"
BATCH = 50
LIMIT = "limit"


async def apply(ctx: Ctx, domain: str, policy: str, reason: str) -> bool:
    """Suspend, limit or lift ``domain``; a ``Conflict`` when it is in that state already."""
    try:
        domain = normalize_domain(domain)
    except InvalidDomain as exc:
        raise InvalidInput.field("domain", exc.reason) from exc
    config = federation(ctx).config
    rule = await ctx.session.scalar(select(ApDomainRule).where(ApDomainRule.domain == domain))
    suspended = domain in config.blocked_domains or (rule is not None and rule.kind == "block")
    if policy == "lift":
        if rule is None or rule.kind not in ("block", LIMIT):
            raise Conflict(Message("%(domain)s is neither suspended nor limited here", domain=domain))
        await ctx.session.delete(rule)
        return True
    if suspended or (rule is not None and rule.kind == policy == LIMIT):
        raise Conflict(Message("%(domain)s is already suspended or limited", domain=domain))
    kind = "block" if policy == "suspend" else LIMIT
    if rule is None:
        try:
            async with ctx.session.begin_nested():  # a savepoint: another moderator may have won a moment ago
                ctx.session.add(ApDomainRule(domain=domain, kind=kind, reason=reason))
        except IntegrityError:
            raise Conflict(Message("%(domain)s is already suspended or limited", domain=domain)) from None
    else:
        rule.kind, rule.reason = kind, reason
    if kind == "block":
        await enqueue(ctx.session, PURGE_JOB, {"domain": domain})
    return True


def of_domain(domain: str) -> ColumnElement[bool]:
    """Identities of ``domain`` or of its subdomains, on any port."""
    escaped = domain.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(Identity.domain == domain, *(Identity.domain.like(pattern, escape="\\") for pattern in (
        f"{escaped}:%", f"%.{escaped}", f"%.{escaped}:%")))


async def purge_domain(ctx: Ctx, payload: dict[str, Any]) -> None:
    """The ``ap_purge_domain`` job: forget one batch of the domain's actors, then queue the next."""
    domain = payload["domain"]
    rule = await ctx.session.scalar(select(ApDomainRule.kind).where(ApDomainRule.domain == domain))
    if rule != "block":
        return  # lifted meanwhile: what is left stays
    identities = list(await ctx.session.scalars(
        select(Identity).where(of_domain(domain)).order_by(Identity.id).limit(BATCH)))
    for identity in identities:
        actor = await actor_row(ctx.session, identity.id)
        if actor is not None:
            await forget(ctx, actor)
        else:
            await ctx.session.delete(identity)
    if len(identities) == BATCH:
        await enqueue(ctx.session, PURGE_JOB, payload)


async def limited_authors(ctx: Ctx) -> Select[Any] | None:
    """The identities whose domain is limited (a subquery), or None when no domain is."""
    domains = list(await ctx.session.scalars(select(ApDomainRule.domain).where(ApDomainRule.kind == LIMIT)))
    return select(Identity.id).where(or_(*map(of_domain, domains))) if domains else None


async def shown_unless_limited(ctx: Ctx, author: Any) -> ColumnElement[bool] | None:
    """A filter condition: rows whose ``author`` is not of a limited domain, or whom the viewer follows."""
    limited = await limited_authors(ctx)
    if limited is None:
        return None
    shown = or_(author.is_(None), author.not_in(limited))
    if ctx.viewer.identity_ids:
        followed = select(ApFollow.followed_id).where(ApFollow.follower_id.in_(ctx.viewer.identity_ids),
                                                      ApFollow.accepted)
        shown = or_(shown, author.in_(followed), author.in_(ctx.viewer.identity_ids))
    return shown
