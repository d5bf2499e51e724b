"""The moderation plugin's own hooks, for other plugins to carry its decisions further.

Federation implements them to tell other instances (a suspension as ``Delete`` of the
actor, an unsuspension as its ``Update``); any plugin may. An implementation marks
itself ``@hookimpl(optionalhook=True)`` so it still starts where moderation is off.
Each runs inside the moderator's transaction: enqueue, never block. Documented in
docs/hooks.md with the core's hooks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from sqlalchemy import Select

    from core.comments.models import Comment
    from core.context import Ctx
    from core.events.models import Event
    from core.identities.models import Identity
    from plugins.moderation.models import Report

hookspec = pluggy.HookspecMarker("convene")


@hookspec
async def moderation_identity_suspended(ctx: Ctx, identity: Identity) -> None:
    """A local identity was suspended (alone or with its account): its public content is gone for others."""


@hookspec
async def moderation_identity_unsuspended(ctx: Ctx, identity: Identity) -> None:
    """A local identity's suspension was lifted: its public content is shown again."""


@hookspec
async def moderation_federation_policy(ctx: Ctx) -> list[dict[str, str]]:
    """Return the domains this instance blocks or allows, as ``{"domain", "kind", "reason"}``, to publish them."""


@hookspec
async def moderation_resolve_target(ctx: Ctx, url: str) -> Event | Comment | Identity | None:
    """The stored event, comment or identity that ``url`` names (an ActivityPub id), or None when unknown."""


@hookspec
async def moderation_forward_report(ctx: Ctx, report: Report, comment: str) -> bool | None:
    """Send ``report`` to the reported thing's instance, without its reporter (``comment``: the words sent, or "");
    True when it was queued, False when it cannot go (no known inbox), None when not this plugin's business."""


@hookspec
async def moderation_domain_policy(ctx: Ctx, domain: str, policy: str, reason: str) -> bool | None:
    """Apply a moderator's decision on a remote ``domain``: ``suspend`` (no exchange, its stored copies purged),
    ``limit`` (its content reaches only its followers here) or ``lift``; True when applied, None when not
    this plugin's business; raises ``Conflict`` when the domain's state already is that."""


@hookspec
async def moderation_followed_identities(ctx: Ctx) -> Select[Any] | None:
    """The ids of the identities that the viewer's identities follow (a subquery), or None: limited identities
    and domains reach only their followers."""
