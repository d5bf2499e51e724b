"""Which events a private feed carries: what its owner organises or takes part in.

An account's feed gathers all its identities; an identity's feed only that identity's
events, chosen as that identity alone would see them, so it never shows (or hints at)
another identity of the same account. Drafts stay out (nobody can go to them); the
window and cap are the public feeds' (plugins.ical.selection).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select

from core.context import Ctx
from core.db.base import utcnow
from core.events.listing import last_moment, visible_events
from core.events.models import ATTENDING_ROLES, Event, Participation
from core.identities.models import Identity
from core.viewer import Viewer
from plugins.ical.selection import Selection
from plugins.ical.tokens import PrivateFeed


async def owner_identities(ctx: Ctx, feed: PrivateFeed) -> list[Identity]:
    if feed.identity is not None:
        return [feed.identity]
    return list(await ctx.session.scalars(select(Identity).where(Identity.account_id == feed.account.id)))


async def private_events(ctx: Ctx, feed: PrivateFeed, past_days: int, cap: int) -> Selection:
    """The feed's events that end after ``past_days`` ago, soonest first, at most ``cap``."""
    identities = await owner_identities(ctx, feed)
    ids = frozenset(identity.id for identity in identities)
    viewer = Viewer(feed.account, feed.identity, ids)
    taking_part = select(Participation.event_id).where(
        Participation.identity_id.in_(ids), Participation.role.in_(ATTENDING_ROLES))
    since = utcnow() - timedelta(days=past_days)
    query = select(Event).where(Event.draft.is_(False), last_moment() >= since,
                                or_(Event.organizer_id.in_(ids), Event.id.in_(taking_part)))
    query = await visible_events(ctx.as_viewer(viewer), query)
    events = list((await ctx.session.scalars(query.order_by(Event.begins_at, Event.id).limit(cap + 1))).unique())
    return Selection(events[:cap], len(events) > cap, cap)
