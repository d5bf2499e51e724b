"""The moderators' forms post here (with the page's CSRF token, as every form of the site).

Holding and releasing are the core's services, which ask ``convene_can_moderate``
(this plugin grants and logs it); suspending is the plugin's own action, so it checks
the role itself and writes its log line.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Response, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect

from convene_testkit.moderation.models import Suspension
from convene_testkit.moderation.powers import is_moderator, record
from core.auth import Caller
from core.context import Ctx
from core.errors import Forbidden, NotFound
from core.events.models import Event
from core.events.service import event_by_uuid, hold_event, release_event
from core.i18n import N_
from core.identities.service import find_local_identity

FormData = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
HELD_BY_A_MODERATOR = N_("held by a moderator")


async def _event(ctx: Ctx, web: Caller, uuid: str) -> Event:
    web.require_account()
    event = await event_by_uuid(ctx, uuid)
    if event is None:
        raise NotFound("no such event")
    return event


@post("/testkit/events/{uuid:str}/hold", include_in_schema=False)
async def hold(ctx: Ctx, web: Caller, uuid: str, data: FormData) -> Response:
    event = await _event(ctx, web, uuid)
    await hold_event(ctx, event, data.get("reason", "").strip() or HELD_BY_A_MODERATOR)
    return Redirect(f"/events/{event.uuid}", status_code=303)


@post("/testkit/events/{uuid:str}/release", include_in_schema=False)
async def release(ctx: Ctx, web: Caller, uuid: str) -> Response:
    event = await _event(ctx, web, uuid)
    await release_event(ctx, event)
    return Redirect(f"/events/{event.uuid}", status_code=303)


@post("/testkit/identities/{username:str}/suspend", include_in_schema=False)
async def suspend(ctx: Ctx, web: Caller, username: str, data: FormData) -> Response:
    web.require_account()
    if not is_moderator(ctx.viewer):
        raise Forbidden("only moderators may do this")
    identity = await find_local_identity(ctx, username)
    if identity is None:
        raise NotFound("no such identity")
    ctx.session.add(Suspension(identity_id=identity.id, reason=data.get("reason", "").strip()[:500]))
    record(ctx, "identity.suspend", identity)
    return Redirect("/", status_code=303)


HANDLERS: list[Any] = [hold, release, suspend]
