"""API: joining and leaving events, and the organiser's participant list and approvals."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.params import QueryParameter
from litestar.status_codes import HTTP_204_NO_CONTENT

from core.api.openapi import refusals
from core.auth import Caller, signed_in
from core.context import Ctx
from core.errors import Forbidden, NotFound
from core.events import participation as participations
from core.events.listing import visible_event
from core.events.models import Participation
from core.events.schemas import JoinInput, ParticipationOut, participation_out
from core.events.service import organises, require_organiser
from core.identities.service import USERNAME_MAX, own_identity

IdentityParam = Annotated[str | None, QueryParameter(name="identity", max_length=USERNAME_MAX)]


class ParticipationController(Controller):
    path = "/api/v1/events/{uuid:str}"
    tags = ["participation"]

    @post("/participations", status_code=201, guards=[signed_in], responses=refusals(403, 409))
    async def join(self, ctx: Ctx, api: Caller, uuid: str, data: JoinInput) -> ParticipationOut:
        """Join as one of your identities. Restricted events answer with role ``not_approved``."""
        identity = await own_identity(ctx, api.require_account(), data.identity)
        event = await visible_event(ctx, uuid)
        participation = await participations.join(ctx, identity, event, data.message)
        return participation_out(participation, ctx.settings, show_message=True)

    @delete("/participations", status_code=HTTP_204_NO_CONTENT, guards=[signed_in], responses=refusals(409, 422))
    async def leave(self, ctx: Ctx, api: Caller, uuid: str, identity: IdentityParam = None) -> None:
        who = await own_identity(ctx, api.require_account(), identity)
        await participations.leave(ctx, who, await visible_event(ctx, uuid))

    @get("/participation", guards=[signed_in], responses=refusals(422))
    async def mine(self, ctx: Ctx, api: Caller, uuid: str, identity: IdentityParam = None) -> ParticipationOut:
        """Your own status in this event (404 when you do not take part)."""
        who = await own_identity(ctx, api.require_account(), identity)
        found = await participations.participation_of(ctx, await visible_event(ctx, uuid), who)
        if found is None:
            raise NotFound("you do not take part in this event")
        return participation_out(found, ctx.settings, show_message=True)

    @get("/participations", guards=[signed_in], responses=refusals(403))
    async def list_all(self, ctx: Ctx, api: Caller, uuid: str) -> list[ParticipationOut]:
        """Everyone who asked to join, with their messages: for the organiser only."""
        api.require_account()
        event = await visible_event(ctx, uuid)
        if not organises(api.viewer, event):
            raise Forbidden("only the organiser sees the participant list")
        return [participation_out(p, ctx.settings, show_message=True) for p in await participations.participants(ctx, event)]

    @post("/participations/{participation:str}/approve", status_code=200, guards=[signed_in],
          responses=refusals(403, 409))
    async def approve(self, ctx: Ctx, api: Caller, uuid: str, participation: str) -> ParticipationOut:
        return await _decide(ctx, api, uuid, participation, participations.approve)

    @post("/participations/{participation:str}/reject", status_code=200, guards=[signed_in],
          responses=refusals(403, 409))
    async def reject(self, ctx: Ctx, api: Caller, uuid: str, participation: str) -> ParticipationOut:
        return await _decide(ctx, api, uuid, participation, participations.reject)


async def _decide(ctx: Ctx, api: Caller, uuid: str, participation: str,
                  action: Callable[[Ctx, Participation], Awaitable[None]]) -> ParticipationOut:
    """The organiser approves or rejects one participation of their event."""
    event = await visible_event(ctx, uuid)
    require_organiser(api.viewer, event)
    found = await participations.participation_for_event(ctx, event, participation)
    await action(ctx, found)
    return participation_out(found, ctx.settings, show_message=True)
