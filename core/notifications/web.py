"""The one-click link of every notification mail (RFC 8058), and its page.

Opening the link shows what it stops and a button; only the POST acts, so a mail
scanner that fetches every link stops nothing. A mail client's one-click unsubscribe
(``List-Unsubscribe-Post``) posts to the same address without cookies: the signed
token is the authority, so the form needs no CSRF token.
"""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post

from core.auth import Caller
from core.context import Ctx
from core.errors import DomainError
from core.i18n import N_
from core.identities.models import Identity
from core.notifications.preferences import read_unsubscribe_token, topics, unsubscribe
from core.web.render import page

INVALID_LINK = N_("this link is not valid: it may have been cut in two by your mail program")


@get("/notifications/unsubscribe/{token:str}", include_in_schema=False)
async def unsubscribe_page(ctx: Ctx, web: Caller, token: str) -> Response[Any]:
    identity_id, topic_name = _read(ctx, token)
    identity = await ctx.session.get(Identity, identity_id)
    topic = topics(ctx).get(topic_name)
    return page("unsubscribe.html", web, token=token, identity=identity, topic=topic, stopped=False)


@post("/notifications/unsubscribe/{token:str}", include_in_schema=False, exclude_from_csrf=True, status_code=200)
async def unsubscribe_now(ctx: Ctx, web: Caller, token: str) -> Response[Any]:
    identity_id, topic_name = _read(ctx, token)
    topic = await unsubscribe(ctx, identity_id, topic_name)
    identity = await ctx.session.get(Identity, identity_id)
    return page("unsubscribe.html", web, token=token, identity=identity, topic=topic, stopped=True)


def _read(ctx: Ctx, token: str) -> tuple[int, str]:
    found = read_unsubscribe_token(ctx.settings, token)
    if found is None:
        raise DomainError(INVALID_LINK)  # 400: the link itself is wrong, not something typed
    return found


HANDLERS = [unsubscribe_page, unsubscribe_now]
