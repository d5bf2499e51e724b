"""The moderation plugin's own hooks, for other plugins to carry its decisions further.

Federation implements them to tell other instances (a suspension as ``Delete`` of the
actor, an unsuspension as its ``Update``); any plugin may. An implementation marks
itself ``@hookimpl(optionalhook=True)`` so it still starts where moderation is off.
Each runs inside the moderator's transaction: enqueue, never block. Documented in
docs/hooks.md with the core's hooks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from core.comments.models import Comment
    from core.context import Ctx
    from core.events.models import Event
    from core.identities.models import Identity

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
    """The stored copy of another instance's event, comment or actor at ``url``, to be reported; None if unknown."""
