"""The per-event switch, ``extra.anonymous_participation``: off unless the organiser turns it on.

Stored as the presence of a row in ``email_anonymous_events``; ``null`` or ``false`` removes
it. Shown in the event form only while the instance offers anonymous participation.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from core.context import Ctx
from core.events.extensions import EventField
from core.events.models import Event
from plugins.email.anonymous.models import AnonymousEvent

NAME = "anonymous_participation"


async def load(ctx: Ctx, events: list[Event]) -> dict[int, bool]:
    rows = await ctx.session.scalars(select(AnonymousEvent.event_id)
                                     .where(AnonymousEvent.event_id.in_([event.id for event in events])))
    return dict.fromkeys(rows, True)


async def save(ctx: Ctx, event: Event, value: bool | None) -> None:
    await ctx.session.execute(delete(AnonymousEvent).where(AnonymousEvent.event_id == event.id))
    if value:
        ctx.session.add(AnonymousEvent(event_id=event.id))
    ctx.pages_changed(event)


FIELD = EventField(NAME, bool | None, load, save)
