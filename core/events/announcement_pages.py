"""The organiser's announcement form on the event page (core.events.announcements)."""

from __future__ import annotations

from litestar import Response, post

from core.auth import Caller
from core.context import Ctx
from core.events import listing
from core.events.announcements import announce
from core.events.web import event_page, event_url
from core.web.forms import Form, attempt, text
from core.web.render import done


@post("/events/{uuid:str}/announcements", include_in_schema=False)
async def send_announcement(ctx: Ctx, web: Caller, uuid: str, data: Form) -> Response:
    """Write to the event's people; a refusal (too long, too many) shows the form again with the text kept."""
    web.require_account()
    event = await listing.visible_event(ctx, uuid)

    async def act() -> Response:
        await announce(ctx, event, text(data, "audience"), text(data, "text"))
        return done(event_url(event) + "#announcements", "announcement-sent")

    return await attempt(ctx, web, "announce", data, act, lambda form: event_page(ctx, web, event, form), event)


HANDLERS = [send_announcement]
