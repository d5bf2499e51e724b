from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

from core.api.rules import rule
from core.context import Ctx
from core.events.extensions import load_extra
from core.events.models import JOIN_MODES, ROLES, STATUSES, VISIBILITIES, Event, Participation
from core.events.validation import EventInput
from core.i18n import loaded_message
from core.identities.schemas import IdentityName, IdentityOut, identity_out
from core.settings import Settings
from core.web.slots import Link, event_links


class AddressOut(msgspec.Struct):
    name: str
    street: str
    postal_code: str
    locality: str
    region: str
    country: str
    latitude: float | None
    longitude: float | None


class ReviewOut(msgspec.Struct):
    held_since: datetime
    reasons: list[str]


class EventOut(msgspec.Struct):
    uuid: UUID
    url: str
    title: str
    description: str
    begins_at: datetime
    ends_at: datetime | None
    timezone: str
    address: AddressOut | None
    online_url: str
    banner_url: str | None
    tags: list[str]
    category: str
    status: Annotated[str, rule(enum=list(STATUSES))]
    visibility: Annotated[str, rule(enum=list(VISIBILITIES))]
    join_mode: Annotated[str, rule(enum=list(JOIN_MODES))]
    external_participation_url: str
    max_participants: int | None
    participant_count: int
    remaining_places: int | None
    comments_enabled: bool
    draft: bool
    cancellation_message: str
    organizer: IdentityOut
    published_at: datetime | None
    updated_at: datetime
    links: list[Link]
    # what plugins add: their event fields (core.events.extensions) and convene_event_json's keys
    extra: dict[str, object] = {}
    # set while the event waits for a moderator's review (only its organiser and moderators see it then)
    review: ReviewOut | None = None


class EventPage(msgspec.Struct):
    items: list[EventOut]
    total: int
    page: int
    per_page: int


class EventCreate(EventInput, forbid_unknown_fields=True):
    """An event to create, as ``identity`` (one of yours; your default when left out)."""

    identity: IdentityName | None = None
    publish: bool = False


class CancelInput(msgspec.Struct, forbid_unknown_fields=True):
    message: Annotated[str, Meta(max_length=1000)] = ""


class ParticipationOut(msgspec.Struct):
    uuid: UUID
    event: UUID
    identity: IdentityOut
    role: Annotated[str, rule(enum=list(ROLES))]
    message: str | None
    created_at: datetime


class JoinInput(msgspec.Struct, forbid_unknown_fields=True):
    identity: IdentityName | None = None
    message: Annotated[str, Meta(max_length=1000)] = ""


async def events_out(ctx: Ctx, events: list[Event]) -> list[EventOut]:
    """Events as the API answers them; each plugin field is loaded once for all of them."""
    extras = await load_extra(ctx, events)
    return [await _event_out(ctx, event, extras[event.id]) for event in events]


async def event_out(ctx: Ctx, event: Event) -> EventOut:
    return (await events_out(ctx, [event]))[0]


async def _event_out(ctx: Ctx, event: Event, extra: dict[str, object]) -> EventOut:
    settings = ctx.settings
    address = None
    if event.has_address:
        address = AddressOut(event.address_name, event.address_street, event.address_postal_code,
                             event.address_locality, event.address_region, event.address_country,
                             event.latitude, event.longitude)
    await ctx.call("convene_event_json", event=event, data=extra)
    review = None
    if event.held_at is not None:
        review = ReviewOut(event.held_at, [str(loaded_message(reason)) for reason in event.held_reasons])
    return EventOut(
        uuid=event.uuid, url=settings.url(f"/events/{event.uuid}"), title=event.title, description=event.description,
        begins_at=event.begins_at, ends_at=event.ends_at, timezone=event.timezone, address=address,
        online_url=event.online_url,
        banner_url=settings.url(f"/media/{event.banner}") if event.banner else (event.banner_url or None),
        tags=[t.slug for t in event.tags], category=event.category, status=event.status, visibility=event.visibility,
        join_mode=event.join_mode, external_participation_url=event.external_participation_url,
        max_participants=event.max_participants, participant_count=event.participant_count,
        remaining_places=event.remaining_places, comments_enabled=event.comments_enabled, draft=event.draft,
        cancellation_message=event.cancellation_message, organizer=identity_out(event.organizer, settings),
        published_at=event.published_at, updated_at=event.updated_at, links=await event_links(ctx, event),
        extra=extra, review=review,
    )


def participation_out(p: Participation, settings: Settings, show_message: bool) -> ParticipationOut:
    return ParticipationOut(p.uuid, p.event.uuid, identity_out(p.identity, settings), p.role,
                            p.message if show_message else None, p.created_at)
