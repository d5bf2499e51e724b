"""The service worker, the settings section and its cookie routes.

``/service-worker.js`` is served from the site's root so that it may control every page
(a worker's scope is at most its own folder); the file is the theme's
``static/service-worker.js``, so a theme may replace it. The settings section's script
(``static/push-settings.js``) subscribes in the browser and posts the subscription to
``/settings/push-subscriptions`` with the page's CSRF token: pages use the session
cookie, not an API token.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Response, get, post
from litestar.response import File
from litestar.status_codes import HTTP_204_NO_CONTENT
from msgspec import Meta

from core.auth import Caller
from core.context import Ctx
from core.errors import NotFound
from core.web.slots import Fragment, Slot
from core.web.templating import theme_dirs
from plugins.webpush import subscriptions
from plugins.webpush.api import PushSubscriptionIn, public_key
from plugins.webpush.models import ENDPOINT_MAX

WORKER_FILE = "service-worker.js"


class EndpointIn(msgspec.Struct, forbid_unknown_fields=True):
    endpoint: Annotated[str, Meta(min_length=1, max_length=ENDPOINT_MAX)]


@get("/service-worker.js", include_in_schema=False)
async def service_worker(ctx: Ctx) -> Response:
    for folder in theme_dirs(ctx.settings, "static"):
        if (folder / WORKER_FILE).is_file():
            # revalidated often: a browser checks for a new worker at most once a day anyway
            return File(folder / WORKER_FILE, media_type="text/javascript; charset=utf-8",
                        content_disposition_type="inline", headers={"Cache-Control": "no-cache"})
    raise NotFound("this theme has no service worker")


@post("/settings/push-subscriptions", status_code=HTTP_204_NO_CONTENT, include_in_schema=False)
async def subscribe_device(ctx: Ctx, web: Caller, data: PushSubscriptionIn) -> None:
    await subscriptions.subscribe(ctx, web.require_account(), data.endpoint, data.keys.p256dh, data.keys.auth)


@post("/settings/push-subscriptions/remove", status_code=HTTP_204_NO_CONTENT, include_in_schema=False)
async def unsubscribe_device(ctx: Ctx, web: Caller, data: EndpointIn) -> None:
    await subscriptions.unsubscribe(ctx, web.require_account(), data.endpoint)


async def settings_section(ctx: Ctx, slot: Slot) -> Fragment | None:
    account = ctx.viewer.account
    if account is None:
        return None
    devices = await subscriptions.devices(ctx, account)
    return Fragment(slot.render("webpush/settings_section.html", public_key=await public_key(ctx),
                                csrf_token=slot.csrf_token, devices=len(devices)), shared=False)


def web_handlers() -> list[Any]:
    return [service_worker, subscribe_device, unsubscribe_device]
