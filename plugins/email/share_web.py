"""Share by email through the API and a page, and the link that stops shared events to an address.

The API and the form call the same service (share.py). The form's page is linked from
the event page's sidebar for members; visitors see nothing (they cannot share). The stop
link acts only on POST, as core's unsubscribe page: a mail scanner fetching every link
stops nothing, and a mail client's one-click unsubscribe (RFC 8058) posts to it without
cookies, so it needs no CSRF token: the signed token is the authority.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get, post
from msgspec import Meta

from core.api.openapi import refusals
from core.auth import Caller, signed_in
from core.context import Ctx
from core.errors import InvalidInput
from core.events.models import Event
from core.identities.schemas import IdentityName
from core.identities.service import own_identity
from core.notifications.web import INVALID_LINK
from core.web.forms import Form, FormState, attempt, text
from core.web.language import reader_language
from core.web.render import page
from plugins.email.share import event_to_share, opt_out, read_opt_out_token, share_event

SHARE_PAGE = "email/share_event.html"
OPT_OUT_PAGE = "email/share_opt_out.html"


class ShareInput(msgspec.Struct, forbid_unknown_fields=True):
    addresses: Annotated[list[Annotated[str, Meta(max_length=1000)]], Meta(max_length=100)]
    identity: IdentityName | None = None


class ShareOut(msgspec.Struct):
    """How many addresses the link was sent to (the same whether an address stopped shared events or not)."""

    addresses: int


@post("/api/v1/events/{uuid:str}/share-by-email", status_code=202, guards=[signed_in], tags=["events"],
      responses=refusals(429))
async def share_by_api(ctx: Ctx, api: Caller, uuid: str, data: ShareInput) -> ShareOut:
    """Mail a public or unlisted event's link to a few addresses, as one of my identities; the mail is a
    fixed text in my language. Limited per send and per hour (429 with Retry-After)."""
    account = api.require_account()
    sender = await own_identity(ctx, account, data.identity)
    event = await event_to_share(ctx, uuid)
    return ShareOut(await share_event(ctx, account, sender, event, data.addresses, account.locale))


def _share_page(web: Caller, event: Event, form: FormState, sent: int = 0) -> Response[Any]:
    return page(SHARE_PAGE, web, form, event=event, sent=sent)


@get("/events/{uuid:str}/share-by-email", include_in_schema=False)
async def share_form(ctx: Ctx, web: Caller, uuid: str) -> Response[Any]:
    web.require_account()
    return _share_page(web, await event_to_share(ctx, uuid), FormState("share"))


@post("/events/{uuid:str}/share-by-email", include_in_schema=False)
async def share_by_form(ctx: Ctx, web: Caller, request: Request[Any, Any, Any], uuid: str,
                        data: Form) -> Response[Any]:
    """Addresses one a line; the page comes back saying how many were written to, or what to fix."""
    account = web.require_account()
    event = await event_to_share(ctx, uuid)

    async def act() -> Response[Any]:
        sender = await own_identity(ctx, account, text(data, "identity") or None)
        count = await share_event(ctx, account, sender, event, text(data, "addresses").splitlines(),
                                  reader_language(request))
        return _share_page(web, event, FormState("share", {"identity": sender.username}), sent=count)

    return await attempt(ctx, web, "share", data, act, lambda form: _share_page(web, event, form), event)


@get("/mail/stop-shared-events/{token:str}", include_in_schema=False)
async def opt_out_page(ctx: Ctx, web: Caller, token: str) -> Response[Any]:
    _read(ctx, token)
    return page(OPT_OUT_PAGE, web, token=token, stopped=False)


@post("/mail/stop-shared-events/{token:str}", include_in_schema=False, exclude_from_csrf=True, status_code=200)
async def opt_out_now(ctx: Ctx, web: Caller, token: str) -> Response[Any]:
    await opt_out(ctx, _read(ctx, token))
    return page(OPT_OUT_PAGE, web, token=token, stopped=True)


def _read(ctx: Ctx, token: str) -> str:
    found = read_opt_out_token(ctx.settings, token)
    if found is None:
        raise InvalidInput.field("token", INVALID_LINK)
    return found


HANDLERS = [share_by_api, share_form, share_by_form, opt_out_page, opt_out_now]
