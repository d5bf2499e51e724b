"""API: events (public listing, create, edit, publish, cancel, delete) and "my events"."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from litestar import Controller, delete, get, patch, post, put
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from core.api.openapi import refusals
from core.api.uploads import PictureUpload
from core.auth import Caller, signed_in
from core.context import Ctx
from core.events import listing, service
from core.events.models import Event
from core.events.schemas import CancelInput, EventCreate, EventOut, EventPage, event_out, events_out
from core.events.validation import EventInput
from core.identities.service import own_identity

PageNumber = Annotated[int, Parameter(ge=1, le=10_000)]
PerPage = Annotated[int, Parameter(ge=1, le=listing.MAX_PER_PAGE)]
# checked by listing.my_listing (a 422 naming the choices), documented here
MyTab = Annotated[str, Parameter(max_length=20, schema_extra={"enum": list(listing.MY_TABS)})]


async def page_out(ctx: Ctx, page: listing.Page) -> EventPage:
    """A page of events as the API answers it."""
    return EventPage(await events_out(ctx, page.items), page.total, page.page, page.per_page)


async def _organised(ctx: Ctx, caller: Caller, uuid: str) -> Event:
    caller.require_account()
    event = await listing.visible_event(ctx, uuid)
    service.require_organiser(caller.viewer, event)
    return event


class EventController(Controller):
    path = "/api/v1/events"
    tags = ["events"]

    @get("", opt=listing.SHOWS_EVENTS, responses=refusals(422))  # a date outside the years the instance takes
    async def list_public(
        self, ctx: Ctx, page: PageNumber = 1, per_page: PerPage = 20, text: Annotated[str, Parameter(max_length=100)] = "",
        tag: Annotated[str, Parameter(max_length=40)] = "", category: Annotated[str, Parameter(max_length=40)] = "",
        starts_after: datetime | None = None, starts_before: datetime | None = None, online: bool | None = None,
    ) -> EventPage:
        """Upcoming public events, soonest first, with optional filters."""
        filters = listing.EventFilter(text, tag, category, starts_after, starts_before, online)
        return await page_out(ctx, await listing.events_page(ctx, listing.public_listing(filters), page, per_page))

    @post("", status_code=201, guards=[signed_in], responses=refusals(403))
    async def create(self, ctx: Ctx, api: Caller, data: EventCreate) -> EventOut:
        """Create an event as one of your identities; it stays a draft unless ``publish`` is true."""
        organizer = await own_identity(ctx, api.require_account(), data.identity)
        fields = {f: getattr(data, f) for f in EventInput.__struct_fields__}
        event = await service.create_event(ctx, organizer, EventInput(**fields), publish=data.publish)
        return await event_out(ctx, event)

    @get("/{uuid:str}", opt=listing.SHOWS_EVENTS)
    async def show(self, ctx: Ctx, api: Caller, uuid: str) -> EventOut:
        return await event_out(ctx, await listing.visible_event(ctx, uuid))

    @patch("/{uuid:str}", guards=[signed_in], responses=refusals(403, 409))
    async def update(self, ctx: Ctx, api: Caller, uuid: str, data: EventInput) -> EventOut:
        """Change some fields; fields left out keep their value."""
        event = await _organised(ctx, api, uuid)
        await service.update_event(ctx, event, data)
        return await event_out(ctx, event)

    @put("/{uuid:str}/banner", guards=[signed_in], responses=refusals(403, 409))
    async def set_banner(
        self, ctx: Ctx, api: Caller, uuid: str,
        data: Annotated[PictureUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> EventOut:
        """Upload a banner (multipart file part ``data``): PNG, JPEG, GIF or WebP, checked and re-encoded."""
        event = await _organised(ctx, api, uuid)
        await service.set_banner(ctx, event, await data.data.read(ctx.settings.limits.banner_max_bytes + 1))
        return await event_out(ctx, event)

    @post("/{uuid:str}/publish", status_code=200, guards=[signed_in], responses=refusals(403, 409))
    async def publish(self, ctx: Ctx, api: Caller, uuid: str) -> EventOut:
        event = await _organised(ctx, api, uuid)
        await service.publish_event(ctx, event)
        return await event_out(ctx, event)

    @post("/{uuid:str}/cancel", status_code=200, guards=[signed_in], responses=refusals(403, 409))
    async def cancel(self, ctx: Ctx, api: Caller, uuid: str, data: CancelInput) -> EventOut:
        event = await _organised(ctx, api, uuid)
        await service.cancel_event(ctx, event, data.message)
        return await event_out(ctx, event)

    @delete("/{uuid:str}", status_code=HTTP_204_NO_CONTENT, guards=[signed_in], responses=refusals(403))
    async def delete_event(self, ctx: Ctx, api: Caller, uuid: str) -> None:
        """The organiser deletes an event, or a moderator a plugin grants it to."""
        api.require_account()
        await service.delete_event(ctx, await listing.visible_event(ctx, uuid))


class MyEventsController(Controller):
    path = "/api/v1/me/events"
    tags = ["events"]

    @get("", opt=listing.SHOWS_EVENTS, guards=[signed_in], responses=refusals(422))
    async def mine(self, ctx: Ctx, api: Caller, kind: MyTab = "organising", page: PageNumber = 1,
                   per_page: PerPage = 20) -> EventPage:
        """Your events across all your identities: organising, going, pending, drafts or past."""
        api.require_account()
        query = listing.my_listing(api.identity_ids, kind)
        return await page_out(ctx, await listing.events_page(ctx, query, page, per_page))

