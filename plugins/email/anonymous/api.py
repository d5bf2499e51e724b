"""API of anonymous participation: joining with an address, and the organiser's list and decisions.

Confirming and cancelling are links in mails (pages, see web.py), so they have no API.
The organiser's list names people by the name they gave, never by their address (see
the plugin's docs: the instance mails them for the organiser, through announcements).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Request, get, post

from core.api.openapi import refusals
from core.auth import Caller, client_address, signed_in
from core.context import Ctx
from core.events.listing import visible_event
from core.events.service import require_organiser
from core.web.language import reader_language
from plugins.email.anonymous import service
from plugins.email.anonymous.models import AnonymousParticipation


class AnonymousJoinInput(msgspec.Struct, forbid_unknown_fields=True):
    email: str
    name: str = ""
    message: str = ""


class AnonymousJoinOut(msgspec.Struct):
    # always "check_your_mail": the answer never tells whether the address had already joined
    status: str


class AnonymousParticipationOut(msgspec.Struct):
    id: str
    name: str
    role: str
    message: str
    created_at: datetime
    confirmed_at: datetime | None
    joined_by: str = "email"


def participation_out(row: AnonymousParticipation) -> AnonymousParticipationOut:
    return AnonymousParticipationOut(id=str(row.uuid), name=row.name, role=row.role, message=row.message,
                                     created_at=row.created_at, confirmed_at=row.confirmed_at)


class AnonymousParticipationController(Controller):
    path = "/api/v1/events/{uuid:str}/anonymous-participations"
    tags = ["participation"]

    @post("/", status_code=202, responses=refusals(403, 404, 409, 429))
    async def join(self, ctx: Ctx, request: Request[Any, Any, Any], uuid: str,
                   data: AnonymousJoinInput) -> AnonymousJoinOut:
        """Join without an account: a confirmation link is mailed to ``email`` (in the request's language).
        Only a confirmed participation counts. 404 when the instance does not offer this, 403 when the event does not."""
        event = await service.open_event(ctx, uuid)
        await service.join(ctx, event, data.email, data.name, data.message, reader_language(request),
                           client_address(request))
        return AnonymousJoinOut("check_your_mail")

    @get("/", guards=[signed_in], responses=refusals(403))
    async def list_all(self, ctx: Ctx, api: Caller, uuid: str) -> list[AnonymousParticipationOut]:
        """People who joined by email and confirmed: for the organiser only, by name, without their address."""
        event = await visible_event(ctx, uuid)
        require_organiser(api.viewer, event)
        return [participation_out(row) for row in await service.listed(ctx, event)]

    @post("/{key:str}/approve", status_code=200, guards=[signed_in], responses=refusals(403, 409))
    async def approve(self, ctx: Ctx, api: Caller, uuid: str, key: str) -> AnonymousParticipationOut:
        return await _decide(ctx, api, uuid, key, service.approve)

    @post("/{key:str}/reject", status_code=200, guards=[signed_in], responses=refusals(403, 409))
    async def reject(self, ctx: Ctx, api: Caller, uuid: str, key: str) -> AnonymousParticipationOut:
        return await _decide(ctx, api, uuid, key, service.reject)


async def _decide(ctx: Ctx, api: Caller, uuid: str, key: str,
                  action: Callable[[Ctx, AnonymousParticipation], Awaitable[None]]) -> AnonymousParticipationOut:
    event = await visible_event(ctx, uuid)
    require_organiser(api.viewer, event)
    row = await service.of_event(ctx, event, key)
    await action(ctx, row)
    return participation_out(row)
