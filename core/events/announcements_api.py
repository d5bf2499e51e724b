"""API: the organiser's announcements to an event's people, and those the caller may read."""

from __future__ import annotations

import uuid as uuid_module
from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, get, post

from core.api.openapi import refusals
from core.api.rules import rule
from core.auth import Caller, signed_in
from core.context import Ctx
from core.events import announcements
from core.events.listing import SHOWS_EVENTS, visible_event
from core.events.models import Announcement


class AnnouncementInput(msgspec.Struct, forbid_unknown_fields=True):
    # the service checks both (a 422 naming the field), the document says what it accepts
    audience: Annotated[str, rule(enum=list(announcements.AUDIENCES))]
    text: Annotated[str, rule(min_length=1, max_length=announcements.TEXT_MAX)]


class AnnouncementOut(msgspec.Struct):
    uuid: uuid_module.UUID
    audience: Annotated[str, rule(enum=list(announcements.AUDIENCES))]
    text: str
    created_at: datetime


def _out(announcement: Announcement) -> AnnouncementOut:
    return AnnouncementOut(announcement.uuid, announcement.audience, announcement.text, announcement.created_at)


class AnnouncementController(Controller):
    path = "/api/v1/events/{uuid:str}/announcements"
    tags = ["announcements"]

    @get("", opt=SHOWS_EVENTS)
    async def list_announcements(self, ctx: Ctx, api: Caller, uuid: str) -> list[AnnouncementOut]:
        """The announcements you may read, newest first: all for the organiser, those written to your
        audience (going, pending or all) for a participant, none for anyone else."""
        event = await visible_event(ctx, uuid)
        return [_out(a) for a in await announcements.visible_announcements(ctx, event)]

    @post("", status_code=201, guards=[signed_in], responses=refusals(403, 409, 429))
    async def announce(self, ctx: Ctx, api: Caller, uuid: str, data: AnnouncementInput) -> AnnouncementOut:
        """The organiser writes to the event's people (``audience``: going, pending or all), by mail and on
        the event page. Plain text; rate-limited per event; only on the event's own server (409 otherwise)."""
        api.require_account()
        event = await visible_event(ctx, uuid)
        return _out(await announcements.announce(ctx, event, data.audience, data.text))
