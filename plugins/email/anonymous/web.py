"""Pages of anonymous participation: the join form, the confirm and cancel links, the organiser's buttons.

The links open a page with a button (GET shows, POST acts), so a mail scanner that
fetches every link confirms or cancels nothing. Visitors' forms carry no CSRF token
(the event page they sit on is cached for every visitor): the join form is checked by
where the browser says it comes from, as the language switcher is, and the confirm and
cancel buttons are authorised by the signed token they post back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, Response, get, post

from core.auth import Caller, client_address
from core.context import Ctx
from core.errors import DomainError, Forbidden
from core.events.listing import visible_event
from core.events.models import Event
from core.events.service import require_organiser
from core.events.web import event_page, event_url
from core.web.forms import Form, FormState, attempt, text
from core.web.language import reader_language, sent_from_this_site
from core.web.render import done, page
from plugins.email.anonymous import service
from plugins.email.anonymous.models import AnonymousParticipation

JOIN_PAGE, LINK_PAGE = "email/anonymous/join.html", "email/anonymous/link.html"


def _join_page(web: Caller, event: Event, form: FormState) -> Response:
    return page(JOIN_PAGE, web, form, event=event)


@get("/events/{uuid:str}/anonymous-join", include_in_schema=False)
async def join_form(ctx: Ctx, web: Caller, uuid: str) -> Response:
    return _join_page(web, await service.open_event(ctx, uuid), FormState("anonymous"))


@post("/events/{uuid:str}/anonymous-join", include_in_schema=False, exclude_from_csrf=True)
async def join(ctx: Ctx, web: Caller, request: Request[Any, Any, Any], uuid: str, data: Form) -> Response:
    if not sent_from_this_site(request, ctx.settings):
        raise Forbidden("this form was sent from another site")
    event = await service.open_event(ctx, uuid)

    async def act() -> Response:
        await service.join(ctx, event, text(data, "email"), text(data, "name"), text(data, "message"),
                           reader_language(request), client_address(request))
        return page(JOIN_PAGE, web, event=event, sent=True)

    return await attempt(ctx, web, "anonymous", data, act, lambda form: _join_page(web, event, form), event)


async def _link_page(ctx: Ctx, web: Caller, action: str, token: str, outcome: Awaitable[dict[str, Any]]) -> Response:
    """The confirm or cancel page showing ``outcome``; a bad link, a gone participation or a full event
    say so instead, writing nothing."""
    try:
        shown = await outcome
    except DomainError as exc:
        ctx.session.expunge_all()  # first, as core.app does: a rollback would expire who is logged in
        await ctx.session.rollback()
        return page(LINK_PAGE, web, FormState(action, errors={"_form": exc.message}, status_code=exc.status_code),
                    action=action, token=token)
    return page(LINK_PAGE, web, FormState(action), action=action, token=token, **shown)


async def _about(ctx: Ctx, action: str, token: str) -> dict[str, Any]:
    """What a link is about, for its page with the button; nothing is written."""
    row = await service.for_link(ctx, action, token)
    return {"event": row.event, "role": row.role}


async def _confirmed(ctx: Ctx, token: str) -> dict[str, Any]:
    row, outcome = await service.confirm(ctx, token)
    return {"event": row.event, "role": row.role, "outcome": outcome}


async def _cancelled(ctx: Ctx, token: str) -> dict[str, Any]:
    return {"event": await service.cancel(ctx, token), "outcome": "cancelled"}


@get("/anonymous/confirm/{token:str}", include_in_schema=False)
async def confirm_page(ctx: Ctx, web: Caller, token: str) -> Response:
    return await _link_page(ctx, web, "confirm", token, _about(ctx, "confirm", token))


@post("/anonymous/confirm/{token:str}", include_in_schema=False, exclude_from_csrf=True)
async def confirm(ctx: Ctx, web: Caller, token: str) -> Response:
    return await _link_page(ctx, web, "confirm", token, _confirmed(ctx, token))


@get("/anonymous/cancel/{token:str}", include_in_schema=False)
async def cancel_page(ctx: Ctx, web: Caller, token: str) -> Response:
    return await _link_page(ctx, web, "cancel", token, _about(ctx, "cancel", token))


@post("/anonymous/cancel/{token:str}", include_in_schema=False, exclude_from_csrf=True)
async def cancel(ctx: Ctx, web: Caller, token: str) -> Response:
    return await _link_page(ctx, web, "cancel", token, _cancelled(ctx, token))


async def _decide(ctx: Ctx, web: Caller, uuid: str, key: str,
                  decision: Callable[[Ctx, AnonymousParticipation], Awaitable[None]], confirmation: str) -> Response:
    web.require_account()
    event = await visible_event(ctx, uuid)
    require_organiser(web.viewer, event)
    row = await service.of_event(ctx, event, key)

    async def act() -> Response:
        await decision(ctx, row)
        return done(event_url(event), confirmation)

    return await attempt(ctx, web, "participants", {}, act, lambda form: event_page(ctx, web, event, form), event)


@post("/events/{uuid:str}/anonymous-participations/{key:str}/approve", include_in_schema=False)
async def approve(ctx: Ctx, web: Caller, uuid: str, key: str) -> Response:
    return await _decide(ctx, web, uuid, key, service.approve, "approved")


@post("/events/{uuid:str}/anonymous-participations/{key:str}/reject", include_in_schema=False)
async def reject(ctx: Ctx, web: Caller, uuid: str, key: str) -> Response:
    return await _decide(ctx, web, uuid, key, service.reject, "rejected")


HANDLERS = [join_form, join, confirm_page, confirm, cancel_page, cancel, approve, reject]
