"""Joining and leaving events, and the organiser's approvals.

Capacity is held by ``events.participant_count``, which only ever changes through a
conditional UPDATE (``... WHERE participant_count < max_participants``). The database
applies it atomically, so concurrent joins cannot overbook on PostgreSQL or SQLite,
and the count shown on the page needs no aggregate query.

An event organised on another server (its organiser is a remote identity) has its
places counted there: our copy shows what that server last said. Joining it here is
always a request (a plugin asks the organiser's server, and its answer approves or
rejects it), and nothing done here changes the copy's count.

A change of the count is a change of the event (``updated_at``): servers holding a
copy tell a late, older Update from the newest by it.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from core.context import Ctx
from core.db.base import rowcount, utcnow
from core.errors import Conflict, InvalidInput, NotFound
from core.events.models import COUNTED_ROLES, Event, Participation
from core.i18n import Message
from core.identities.models import Identity
from core.notifications import participation_news
from core.permissions import require_can_act
from core.sanitize import plain_text

MESSAGE_MAX = 1000


async def take_place(ctx: Ctx, event: Event) -> None:
    """Count one more participant, or refuse (409) when the event is full: one conditional UPDATE, so
    concurrent joins cannot overbook. Plugins that hold participants of their own (anonymous ones) use it too.
    A remote event's places are counted by its own server: nothing changes here."""
    if not event.organizer.is_local:
        return
    result = await ctx.session.execute(
        update(Event)
        .where(Event.id == event.id)
        .where((Event.max_participants.is_(None)) | (Event.participant_count < Event.max_participants))
        .values(participant_count=Event.participant_count + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        raise Conflict("this event is full")
    await ctx.session.refresh(event, ["participant_count", "updated_at"])


async def give_place_back(ctx: Ctx, event: Event) -> None:
    """Count one participant fewer (never below zero); the counterpart of ``take_place``."""
    if not event.organizer.is_local:
        return
    await ctx.session.execute(
        update(Event).where(Event.id == event.id, Event.participant_count > 0)
        .values(participant_count=Event.participant_count - 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    await ctx.session.refresh(event, ["participant_count", "updated_at"])


async def participation_of(ctx: Ctx, event: Event, identity: Identity) -> Participation | None:
    return await ctx.session.scalar(
        select(Participation).where(Participation.event_id == event.id, Participation.identity_id == identity.id)
    )


async def join(ctx: Ctx, identity: Identity, event: Event, message: str = "") -> Participation:
    await require_can_act(ctx, identity, "participation.join")
    if len(message) > MESSAGE_MAX:
        raise InvalidInput.field("message", Message("must be at most %(count)s characters", count=MESSAGE_MAX))
    if event.draft:
        raise NotFound("no such event")
    if event.is_cancelled:
        raise Conflict("this event is cancelled")
    if event.join_mode == "external":
        raise Conflict(Message("people join this event on another site: %(url)s", url=event.external_participation_url))
    existing = await participation_of(ctx, event, identity)
    if existing is not None:
        if existing.role == "rejected":
            raise Conflict("the organiser declined your participation")
        raise Conflict("you already take part in this event with this identity")
    await ctx.require_allowed("convene_can_join_event", identity=identity, event=event)
    role = "participant" if event.join_mode == "free" and event.organizer.is_local else "not_approved"
    if role == "participant":
        await take_place(ctx, event)
    elif event.is_full:
        raise Conflict("this event is full")
    participation = Participation(event=event, identity=identity, role=role, message=plain_text(message))
    ctx.session.add(participation)
    try:
        await ctx.session.flush()
    except IntegrityError:  # the same identity joined concurrently; the request rolls back
        raise Conflict("you already take part in this event with this identity") from None
    ctx.pages_changed(participation.event)
    await participation_news.join_requested(ctx, participation)
    await ctx.emit("convene_participation_requested", participation=participation)
    return participation


async def leave(ctx: Ctx, identity: Identity, event: Event) -> None:
    participation = await participation_of(ctx, event, identity)
    if participation is None or participation.role == "rejected":
        raise NotFound("you do not take part in this event")
    if participation.role == "creator":
        raise Conflict("the organiser cannot leave their own event; cancel or delete it")
    await participation_news.left(ctx, participation)
    await _remove(ctx, participation)


async def _remove(ctx: Ctx, participation: Participation) -> None:
    if participation.takes_a_place:
        await give_place_back(ctx, participation.event)
    ctx.pages_changed(participation.event)
    await ctx.emit("convene_participation_cancelled", participation=participation)
    await ctx.session.delete(participation)


async def leave_all(ctx: Ctx, identity: Identity) -> None:
    """Give back every place an identity holds (when the identity is deleted)."""
    rows = await ctx.session.scalars(
        select(Participation).where(Participation.identity_id == identity.id, Participation.role != "creator")
    )
    for participation in list(rows):
        await _remove(ctx, participation)


async def participation_for_event(ctx: Ctx, event: Event, participation_uuid: str) -> Participation:
    try:
        key = uuid.UUID(participation_uuid)
    except ValueError:
        raise NotFound("no such participation") from None
    participation = await ctx.session.scalar(
        select(Participation).where(Participation.uuid == key, Participation.event_id == event.id)
    )
    if participation is None:
        raise NotFound("no such participation")
    return participation


async def approve(ctx: Ctx, participation: Participation) -> None:
    await require_can_act(ctx, participation.event.organizer, "participation.decide")
    if participation.role not in ("not_approved", "rejected"):
        raise Conflict("this participation is not waiting for approval")
    if participation.event.is_cancelled:
        raise Conflict("this event is cancelled")
    await take_place(ctx, participation.event)
    participation.role = "participant"
    participation.updated_at = utcnow()
    ctx.pages_changed(participation.event)
    await participation_news.decided(ctx, participation, approved=True)
    await ctx.emit("convene_participation_approved", participation=participation)


async def reject(ctx: Ctx, participation: Participation) -> None:
    await require_can_act(ctx, participation.event.organizer, "participation.decide")
    if participation.role in ("creator", "rejected"):
        raise Conflict("this participation cannot be rejected")
    if participation.role in COUNTED_ROLES:
        await give_place_back(ctx, participation.event)
    participation.role = "rejected"
    participation.updated_at = utcnow()
    ctx.pages_changed(participation.event)
    await participation_news.decided(ctx, participation, approved=False)
    await ctx.emit("convene_participation_rejected", participation=participation)


async def participants(ctx: Ctx, event: Event) -> list[Participation]:
    rows = await ctx.session.scalars(
        select(Participation).where(Participation.event_id == event.id).order_by(Participation.created_at, Participation.id)
    )
    return list(rows)
