"""A reminder one day before the event, for anonymous participants who are counted.

The core reminds members as long before as each chose; people without an account have
no settings page, so they get the core's default lead time. The periodic job
``email.anonymous_reminders`` (every 5 minutes) mails those whose event begins within a
day and marks them reminded; moving the event's start clears the mark, so the reminder
goes again for the new time.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from core.context import Ctx
from core.db.base import utcnow
from core.events.models import Event
from core.periodic import PeriodicTask
from plugins.email.anonymous import mails
from plugins.email.anonymous.models import AnonymousParticipation

LEAD_TIME = timedelta(days=1)


async def send_reminders(ctx: Ctx) -> None:
    now = utcnow()
    rows = await ctx.session.scalars(
        select(AnonymousParticipation).join(Event, Event.id == AnonymousParticipation.event_id)
        .where(AnonymousParticipation.role == "participant", AnonymousParticipation.reminded_at.is_(None),
               Event.status != "cancelled", Event.begins_at > now, Event.begins_at <= now + LEAD_TIME)
        .order_by(AnonymousParticipation.id)
    )
    for row in list(rows):
        row.reminded_at = now
        await mails.send(ctx, row, "anonymous_reminder")


async def event_moved(ctx: Ctx, event: Event, changed: dict[str, Any]) -> None:
    """A new start: those already reminded will be reminded again, in time for it."""
    if "begins_at" in changed:
        await ctx.session.execute(update(AnonymousParticipation).where(AnonymousParticipation.event_id == event.id)
                                  .values(reminded_at=None))


REMINDERS = PeriodicTask("email.anonymous_reminders", timedelta(minutes=5), send_reminders)
