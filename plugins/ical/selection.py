"""Which events a public calendar carries: one query for feeds and embeds alike.

A public feed or embed is read by anyone, so it is chosen as an anonymous visitor
sees events (core.events.listing.visible_events): public, published, not held, and
nothing a plugin's ``convene_filter_events`` hides. Calendars keep a little of the past
(an event of last week stays in the calendar it was added to), so the window starts
``past_days`` before now; the cap keeps the soonest events and says it cut the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Select, select

from core.context import Ctx
from core.db.base import utcnow
from core.events.listing import last_moment, visible_events
from core.events.models import Event
from core.identities.models import Identity
from core.viewer import ANONYMOUS


@dataclass(frozen=True)
class Selection:
    events: list[Event]
    # more events matched than the cap let through (the latest ones were left out)
    cut: bool
    cap: int


async def public_query(ctx: Ctx, organizer: Identity | None, past_days: int) -> Select[Any]:
    """Public events of ``organizer`` (None: of the whole instance, remote ones it shows included)
    that end after ``past_days`` ago, soonest first."""
    since = utcnow() - timedelta(days=past_days)
    query = select(Event).where(Event.draft.is_(False), Event.visibility == "public", last_moment() >= since)
    if organizer is not None:
        query = query.where(Event.organizer_id == organizer.id)
    return (await visible_events(ctx.as_viewer(ANONYMOUS), query)).order_by(Event.begins_at, Event.id)


async def first_events(ctx: Ctx, query: Select[Any], cap: int) -> Selection:
    """The first ``cap`` events of ``query``, and whether there were more."""
    events = list((await ctx.session.scalars(query.limit(cap + 1))).unique())
    return Selection(events[:cap], len(events) > cap, cap)


async def public_events(ctx: Ctx, organizer: Identity | None, past_days: int, cap: int) -> Selection:
    return await first_events(ctx, await public_query(ctx, organizer, past_days), cap)
