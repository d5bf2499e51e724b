"""Joining an event with an email address, confirming, cancelling, and the organiser's decisions.

One service behind the pages and the API. The answer to a join never says whether the
address already takes part (the mail does, to its owner only). A confirmed participant
of a free event takes a place through the core's capacity path (``take_place``: one
conditional UPDATE), so they count in ``participant_count`` like members do, and so in
the numbers other servers see; their address and name stay in this plugin's table.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Literal

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from core.context import Ctx
from core.db.base import rowcount, utcnow
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.events.listing import visible_event
from core.events.models import Event
from core.events.participation import MESSAGE_MAX, give_place_back, take_place
from core.i18n import N_, Message
from core.ratelimit import HOUR, limit
from core.sanitize import plain_text
from plugins.email.addresses import InvalidAddress, single_address
from plugins.email.anonymous import mails, tokens
from plugins.email.anonymous.links import CONFIRM_FOR
from plugins.email.anonymous.models import AnonymousEvent, AnonymousParticipation
from plugins.email.mailer import PLUGIN_NAME

NAME_MAX = 100
EMAIL_MAX = 320
JOINS_PER_HOUR_PER_CLIENT = 20
MAILS_PER_HOUR_PER_ADDRESS = 3
RATE_REFUSAL = N_("too many requests; try again later")
CLOSED = N_("this event does not take participants without an account")


def instance_allows(ctx: Ctx) -> bool:
    return bool(ctx.config(PLUGIN_NAME).anonymous_participation)


def welcomes(event: Event) -> bool:
    """What the event itself must be: organised here, published and shown, not cancelled, joined here."""
    return (event.organizer.is_local and not event.draft and event.held_at is None
            and not event.is_cancelled and event.join_mode != "external")


async def switched_on(ctx: Ctx, event: Event) -> bool:
    return await ctx.session.get(AnonymousEvent, event.id) is not None


async def accepts(ctx: Ctx, event: Event) -> bool:
    """Both switches (the instance's and the event's) are on, and the event is one people can join."""
    return instance_allows(ctx) and welcomes(event) and await switched_on(ctx, event)


async def open_event(ctx: Ctx, uuid_text: str) -> Event:
    """The event to join by address: 404 when the instance does not offer it, 403 when this event does not."""
    if not instance_allows(ctx):
        raise NotFound("no such page")
    event = await visible_event(ctx, uuid_text)
    if not await accepts(ctx, event):
        raise Forbidden(CLOSED)
    return event


def checked_input(email: str, name: str, message: str) -> tuple[str, str, str]:
    """The address (one plain address, lowercased), the name and the message, or a 422 naming each bad field."""
    errors: dict[str, str] = {}
    address = ""
    if len(email) > EMAIL_MAX:
        errors["email"] = Message("must be at most %(count)s characters", count=EMAIL_MAX)
    else:
        try:
            address = single_address(email.strip()).lower()
        except InvalidAddress:
            errors["email"] = N_("enter one email address, like name@example.org")
    name, message = plain_text(name), plain_text(message)
    if len(name) > NAME_MAX:
        errors["name"] = Message("must be at most %(count)s characters", count=NAME_MAX)
    if len(message) > MESSAGE_MAX:
        errors["message"] = Message("must be at most %(count)s characters", count=MESSAGE_MAX)
    if errors:
        raise InvalidInput(errors)
    return address, name, message


def _address_key(address: str) -> str:
    return hashlib.sha256(address.encode()).hexdigest()[:40]


async def join(ctx: Ctx, event: Event, email: str, name: str, message: str, locale: str, client: str) -> None:
    """Mail a confirmation link, or (to an address that already joined) a note saying so: the caller's
    answer is the same either way. Rate limited per client and per address."""
    address, name, message = checked_input(email, name, message)
    await limit(ctx, f"anonymous:ip:{client}", JOINS_PER_HOUR_PER_CLIENT, HOUR, RATE_REFUSAL)
    await limit(ctx, f"anonymous:address:{_address_key(address)}", MAILS_PER_HOUR_PER_ADDRESS, HOUR, RATE_REFUSAL)
    if event.is_full:
        raise Conflict("this event is full")
    row = await ctx.session.scalar(select(AnonymousParticipation).where(
        AnonymousParticipation.event_id == event.id, AnonymousParticipation.email == address))
    if row is None:
        row = AnonymousParticipation(event=event, email=address, name=name, message=message, locale=locale)
        try:
            async with ctx.session.begin_nested():
                ctx.session.add(row)
        except IntegrityError:  # the same address joined at the same moment: that one's link stands
            return
        await mails.send(ctx, row, "anonymous_confirm")
    elif row.role == "unconfirmed":  # a lost mail: a fresh link, with what they typed this time
        row.name, row.message, row.locale, row.created_at = name, message, locale, utcnow()  # purged from the new link's expiry
        await mails.send(ctx, row, "anonymous_confirm")
    elif row.role != "rejected":
        await mails.send(ctx, row, "anonymous_already")


async def _by_token(ctx: Ctx, purpose: str, token: str) -> AnonymousParticipation | None:
    key = tokens.read(ctx.settings.secret_key, purpose, token)
    return await ctx.session.scalar(select(AnonymousParticipation).where(AnonymousParticipation.uuid == key))


async def for_link(ctx: Ctx, purpose: str, token: str) -> AnonymousParticipation:
    """The participation a genuine link names (400 for a forged or expired one, 404 once it is gone)."""
    row = await _by_token(ctx, purpose, token)
    if row is None:
        raise NotFound("this participation no longer exists: it was cancelled, or not confirmed in time")
    return row


Confirmed = Literal["participant", "not_approved", "already"]


async def confirm(ctx: Ctx, token: str) -> tuple[AnonymousParticipation, Confirmed]:
    """Count the participant (free event) or put them in the organiser's queue (restricted event).

    A second click changes nothing and says so; a full event refuses (409) and writes nothing."""
    row = await for_link(ctx, "confirm", token)
    if row.role != "unconfirmed":
        return row, "already"
    event = row.event
    if not await accepts(ctx, event):
        raise Conflict(CLOSED if welcomes(event) else N_("this event no longer takes participants"))
    role = "participant" if event.join_mode == "free" else "not_approved"
    if not await _move(ctx, row, ("unconfirmed",), role, confirmed_at=utcnow()):
        return row, "already"  # the same link, clicked twice at once: the other click confirmed it
    if role == "participant":
        await take_place(ctx, event)  # a full event raises: the request rolls back, the row stays unconfirmed
        await counted(ctx, event)
    elif event.is_full:
        raise Conflict("this event is full")
    else:
        ctx.pages_changed(event)
    await mails.send(ctx, row, "anonymous_confirmed" if row.role == "participant" else "anonymous_waiting")
    if row.role == "not_approved":
        await mails.tell_organiser(ctx, event, row, "anonymous_join_request")
    return row, row.role  # type: ignore[return-value]


async def cancel(ctx: Ctx, token: str) -> Event | None:
    """Leave: the place goes back and the row is deleted. None when it was already gone (a second click)."""
    row = await _by_token(ctx, "cancel", token)
    if row is None:
        return None
    event = row.event
    gone = await ctx.session.execute(delete(AnonymousParticipation).where(
        AnonymousParticipation.id == row.id, AnonymousParticipation.role == row.role,
    ).execution_options(synchronize_session=False))
    if rowcount(gone) != 1:  # a concurrent click or decision got there first; the next click sees its outcome
        raise Conflict(N_("this participation changed meanwhile: open the link again"))
    if row.role == "participant":
        await give_place_back(ctx, event)
        await counted(ctx, event)
    if row.role in ("participant", "not_approved"):
        await mails.tell_organiser(ctx, event, row, "anonymous_left")
    ctx.session.expunge(row)
    ctx.pages_changed(event)
    return event


# -- the organiser ----------------------------------------------------------------------


async def listed(ctx: Ctx, event: Event) -> list[AnonymousParticipation]:
    """The confirmed ones (unconfirmed addresses are nobody's business yet), oldest first."""
    rows = await ctx.session.scalars(select(AnonymousParticipation).where(
        AnonymousParticipation.event_id == event.id, AnonymousParticipation.role != "unconfirmed",
    ).order_by(AnonymousParticipation.created_at, AnonymousParticipation.id))
    return list(rows)


async def of_event(ctx: Ctx, event: Event, key: str) -> AnonymousParticipation:
    try:
        wanted = uuid.UUID(key)
    except ValueError:
        raise NotFound("no such participation") from None
    row = await ctx.session.scalar(select(AnonymousParticipation).where(
        AnonymousParticipation.uuid == wanted, AnonymousParticipation.event_id == event.id,
        AnonymousParticipation.role != "unconfirmed"))
    if row is None:
        raise NotFound("no such participation")
    return row


async def counted(ctx: Ctx, event: Event) -> None:
    """The count changed: pages show it at once, and plugins that carry it elsewhere (federation) are told."""
    ctx.pages_changed(event)
    await ctx.emit("convene_participant_count_changed", event=event)


async def _move(ctx: Ctx, row: AnonymousParticipation, roles: tuple[str, ...], to: str, **values: object) -> bool:
    """Change the row's role if it still holds one of ``roles``: one conditional UPDATE, so of two
    concurrent clicks or decisions only one moves it (and takes or gives back a place)."""
    moved = await ctx.session.execute(
        update(AnonymousParticipation).where(AnonymousParticipation.id == row.id, AnonymousParticipation.role.in_(roles))
        .values(role=to, **values).execution_options(synchronize_session=False))
    await ctx.session.refresh(row)
    return rowcount(moved) == 1


async def approve(ctx: Ctx, row: AnonymousParticipation) -> None:
    if row.event.is_cancelled:
        raise Conflict("this event is cancelled")
    if not await _move(ctx, row, ("not_approved", "rejected"), "participant"):
        raise Conflict("this participation is not waiting for approval")
    await take_place(ctx, row.event)
    await counted(ctx, row.event)
    await mails.send(ctx, row, "anonymous_approved")


async def reject(ctx: Ctx, row: AnonymousParticipation) -> None:
    if await _move(ctx, row, ("participant",), "rejected"):
        await give_place_back(ctx, row.event)
        await counted(ctx, row.event)
    elif not await _move(ctx, row, ("not_approved",), "rejected"):
        raise Conflict("this participation cannot be rejected")
    ctx.pages_changed(row.event)
    await mails.send(ctx, row, "anonymous_rejected")


# -- upkeep and news ------------------------------------------------------------------------


async def purge_unconfirmed(ctx: Ctx) -> None:
    """Forget addresses whose link expired unopened: they never counted, and were never confirmed to be theirs."""
    await ctx.session.execute(delete(AnonymousParticipation).where(
        AnonymousParticipation.role == "unconfirmed", AnonymousParticipation.created_at < utcnow() - CONFIRM_FOR))


AUDIENCES = {"going": ("participant",), "pending": ("not_approved",), "all": ("participant", "not_approved")}


async def following(ctx: Ctx, event: Event, audience: str) -> list[AnonymousParticipation]:
    rows = await ctx.session.scalars(select(AnonymousParticipation).where(
        AnonymousParticipation.event_id == event.id, AnonymousParticipation.role.in_(AUDIENCES.get(audience, ()))
    ).order_by(AnonymousParticipation.id))
    return list(rows)
