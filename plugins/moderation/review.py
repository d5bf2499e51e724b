"""What waits for a moderator: accounts held for approval, events and comments held for review.

The policies (policies.py), other plugins' decisions and moderators' hidings put them here
(the core's ``held_at``); approving and releasing go through actions.py, so each is a line
in the log. Oldest first: who waited longest is seen first. Staff only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from core.accounts.models import Account
from core.comments.models import Comment
from core.context import Ctx
from core.events.models import Event
from plugins.moderation.roles import require_staff

SHOWN = 200  # of each kind: a queue longer than that is worked from its oldest end


@dataclass(frozen=True)
class HeldComment:
    comment: Comment
    event: Event


@dataclass(frozen=True)
class Waiting:
    accounts: list[Account]
    events: list[Event]
    comments: list[HeldComment]


async def waiting(ctx: Ctx) -> Waiting:
    require_staff(ctx)
    accounts = await ctx.session.scalars(
        select(Account).where(Account.held_at.is_not(None)).order_by(Account.held_at, Account.id).limit(SHOWN))
    events = await ctx.session.scalars(
        select(Event).where(Event.held_at.is_not(None), Event.draft.is_(False))
        .order_by(Event.held_at, Event.id).limit(SHOWN))
    comments = await ctx.session.execute(
        select(Comment, Event).join(Event, Event.id == Comment.event_id)
        .where(Comment.held_at.is_not(None), Comment.deleted_at.is_(None))
        .order_by(Comment.held_at, Comment.id).limit(SHOWN))
    return Waiting(list(accounts), list(events), [HeldComment(c, e) for c, e in comments])
