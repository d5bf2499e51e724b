"""Who may act, and on what: suspensions and moderator powers, asked by every service that acts.

Two questions, both decision hooks a moderation plugin answers:

* ``convene_can_act(ctx, identity, action)``: may this identity act at all? A suspended
  identity (or one of a suspended account) is refused every action; nothing is asked
  of the core itself, which suspends no one.
* ``convene_can_moderate(ctx, action, target)``: may ``ctx.viewer`` do this to something
  that is not theirs? The core lets only the owner (the organiser, the author, the
  identity's account) act; a plugin *grants* more by answering ``allow`` (and records
  the action in its log), and any deny still wins.

Actions are named ``<thing>.<verb>``; docs/hooks.md lists them.
"""

from __future__ import annotations

from typing import Any

from core.context import Ctx
from core.errors import Forbidden
from core.i18n import N_
from core.identities.models import Identity


async def require_can_act(ctx: Ctx, identity: Identity, action: str) -> None:
    """Refuse (403, with the plugins' reasons) when ``identity`` may not act now."""
    await ctx.require_allowed("convene_can_act", identity=identity, action=action)


async def may_moderate(ctx: Ctx, action: str, target: Any) -> bool:
    """Whether a plugin grants ``ctx.viewer`` this action on someone else's ``target``."""
    return (await ctx.decide("convene_can_moderate", action=action, target=target)).granted


async def require_moderator(ctx: Ctx, action: str, target: Any) -> None:
    """Refuse (403) unless a plugin grants ``ctx.viewer`` this moderator's action (hold, release, approve)."""
    if not await may_moderate(ctx, action, target):
        raise Forbidden(N_("only moderators may do this"))


async def require_owner_or_moderator(ctx: Ctx, action: str, target: Any, owner_id: int | None,
                                     refusal: str = N_("only its owner may do this")) -> None:
    """The owner (one of the viewer's identities is ``owner_id``) may; anyone else only when a plugin grants it."""
    if ctx.viewer.holds(owner_id):
        return
    if not await may_moderate(ctx, action, target):
        raise Forbidden(refusal)
