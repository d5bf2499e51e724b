"""Telling participants that an event's time or place changed: once, after the edits settle.

An organiser often saves several times in a row (a typo in the street, then the right
hour). Each save that touches the time or the place upserts the event's
``EventChangeNotice``: the first save keeps the values from before it (the state
participants last knew), every save moves ``due_at`` to ``SETTLE`` from now. The
periodic job ``core.event_change_notices`` (every minute) sends the notices that fell
due, comparing what participants knew with what the event says now: one mail for the
whole series, and none when the edits put everything back. A held event keeps its
notice until a moderator releases it; a cancelled or deleted event drops it (the
cancellation says enough).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update

from core.context import Ctx
from core.db.base import rowcount, utcnow
from core.db.insert_new import insert_new
from core.events.models import Event, Participation
from core.i18n import N_
from core.notifications.models import EventChangeNotice
from core.notifications.news import News, notify_event_people
from core.notifications.participation_news import cancelled, event_link
from core.notifications.topics import EVENT_CHANGES

# how long after the last save participants are told: edits made within it make one message
SETTLE = timedelta(minutes=10)
TIME_FIELDS = ("begins_at", "ends_at")
ADDRESS_FIELDS = ("address_name", "address_street", "address_postal_code", "address_locality", "address_region",
                  "address_country")
WATCHED = (*TIME_FIELDS, "timezone", *ADDRESS_FIELDS, "online_url")
DUE_BATCH = 200


async def event_edited(ctx: Ctx, event: Event, changed: dict[str, Any]) -> None:
    """After a save of a published event: note a change of time or place (``changed``: each
    changed field's previous value), and have the reminder sent again when the time moved."""
    if event.draft or not any(field in WATCHED for field in changed):
        return
    if "begins_at" in changed:
        await ctx.session.execute(update(Participation).where(Participation.event_id == event.id)
                                  .values(reminded_at=None).execution_options(synchronize_session=False))
    due_at = utcnow() + SETTLE
    before = {field: _stored(changed[field] if field in changed else getattr(event, field)) for field in WATCHED}
    # move the notice of an earlier save on (its values stay the first ones), else start one;
    # a notice the job sends and deletes meanwhile makes the update miss: then start a new one
    for _attempt in range(2):
        moved = await ctx.session.execute(update(EventChangeNotice).where(EventChangeNotice.event_id == event.id)
                                          .values(due_at=due_at).execution_options(synchronize_session=False))
        if rowcount(moved) == 1 or await insert_new(ctx.session, EventChangeNotice.event_id, {
                "event_id": event.id, "previous": before, "due_at": due_at}) is not None:
            return


async def copy_changed(ctx: Ctx, event: Event, changed: dict[str, Any]) -> None:
    """Another server changed its event (an Update came for our copy): our members who take
    part hear of a cancellation at once, and of a new time or place as of an edit here."""
    if event.is_cancelled:
        if "status" in changed:
            await drop_notice(ctx, event)
            await cancelled(ctx, event)
        return
    await event_edited(ctx, event, changed)


async def drop_notice(ctx: Ctx, event: Event) -> None:
    """The event is cancelled or deleted: a change waiting to be told is no news any more."""
    await ctx.session.execute(delete(EventChangeNotice).where(EventChangeNotice.event_id == event.id)
                              .execution_options(synchronize_session=False))


async def send_due_notices(ctx: Ctx) -> None:
    """The periodic job: tell the people of each event whose edits settled what changed."""
    now = utcnow()
    due = await ctx.session.execute(
        select(EventChangeNotice.event_id, EventChangeNotice.due_at, EventChangeNotice.previous)
        .join(Event, Event.id == EventChangeNotice.event_id)
        .where(EventChangeNotice.due_at <= now, Event.held_at.is_(None))
        .order_by(EventChangeNotice.due_at).limit(DUE_BATCH)
    )
    for event_id, due_at, previous in due.all():
        # taken only if no save moved it on since it was read
        taken = await ctx.session.execute(delete(EventChangeNotice).where(
            EventChangeNotice.event_id == event_id, EventChangeNotice.due_at == due_at))
        event = await ctx.session.get(Event, event_id)
        if rowcount(taken) != 1 or event is None or event.is_cancelled:
            continue
        news = change_news(ctx, event, previous)
        if news is not None:
            await notify_event_people(ctx, event, "all", news)


def change_news(ctx: Ctx, event: Event, previous: dict[str, Any]) -> News | None:
    """What changed between ``previous`` (as participants knew the event) and now; None when nothing did."""
    lines: list[str] = []
    dates: dict[str, str] = {}
    begins_before, ends_before = _moment(previous.get("begins_at")), _moment(previous.get("ends_at"))
    if begins_before is not None and begins_before != event.begins_at:
        lines.append(N_("Begins: %(begins)s (was %(begins_before)s)"))
        dates.update(begins=event.begins_at.isoformat(), begins_before=begins_before.isoformat())
    if ends_before != event.ends_at and event.ends_at is not None:
        lines.append(N_("Ends: %(ends)s"))
        dates["ends"] = event.ends_at.isoformat()
    place, place_before = event_place(event), _place_of(previous)
    if place != place_before:
        lines.append(N_("Place: %(place)s") if place else N_("The event no longer gives a place."))
    if event.online_url != previous.get("online_url", event.online_url):
        lines.append(N_("Online: %(online_url)s") if event.online_url else N_("The event no longer gives an online link."))
    if not lines:
        return None
    return News(
        kind="event_changed", topic=EVENT_CHANGES.name,
        subject=N_("New time or place for “%(title)s”"),
        text=N_("The organiser of “%(title)s” changed the time or place of the event:"),
        lines=tuple(lines), link=event_link(ctx, event), timezone=event.timezone, dates=dates,
        values={"title": event.title, "place": place, "online_url": event.online_url},
    )


def event_place(event: Event) -> str:
    return _place_of({field: getattr(event, field) for field in ADDRESS_FIELDS})


def _place_of(values: dict[str, Any]) -> str:
    """An address on one line, as people write it: name, street, postal code and town, region, country."""
    town = " ".join(part for part in (values.get("address_postal_code"), values.get("address_locality")) if part)
    parts = (values.get("address_name"), values.get("address_street"), town, values.get("address_region"),
             values.get("address_country"))
    return ", ".join(part for part in parts if part)


def _stored(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
