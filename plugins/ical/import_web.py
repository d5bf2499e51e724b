"""The import pages: one per identity in the settings (``/settings/imports/{username}``).

Upload an .ics file (imported in the background: the page lists the latest uploads,
"waiting", "importing", then each one's report with its errors at their lines),
subscribe to a URL, see each subscription's last fetch with its errors and their
lines, queue a fetch of one now, remove one. Forms carry the page's CSRF token like every form of the site; only the account
holding the identity reaches its page (anyone else gets the 404 of an unknown name).
The settings page links to each of the account's identities' pages
(``convene_settings_sections``): that page is the account's own, seen by nobody else.
"""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.response import Redirect

from core.auth import Caller
from core.context import Ctx
from core.errors import InvalidInput
from core.i18n import Message
from core.identities.models import Identity
from core.identities.service import identities_of
from core.web.forms import Form, FormState, UploadForm, attempt, checked, text, uploaded
from core.web.render import page
from core.web.slots import Fragment, Slot
from plugins.ical import subscriptions, uploads
from plugins.ical.claims import is_claimed
from plugins.ical.import_api import mine, refused_calendar
from plugins.ical.importing import PLUGIN_NAME
from plugins.ical.parse_errors import CalendarRefused

BASE = "/settings/imports/{username:str}"


def page_path(identity: Identity) -> str:
    return f"/settings/imports/{identity.username}"


async def _page(ctx: Ctx, web: Caller, identity: Identity, form: FormState) -> Response:
    return page("ical/imports.html", web, form, identity=identity, uploads=await uploads.uploads_of(ctx, identity),
                subscriptions=await subscriptions.subscriptions_of(ctx, identity), is_claimed=is_claimed,
                max_bytes=ctx.config(PLUGIN_NAME).import_max_bytes)


@get(BASE, include_in_schema=False)
async def imports_page(ctx: Ctx, web: Caller, username: str) -> Response:
    return await _page(ctx, web, await mine(ctx, web, username), FormState("upload"))


@post(f"{BASE}/upload", include_in_schema=False)
async def upload(ctx: Ctx, web: Caller, username: str, data: UploadForm) -> Response:
    """Queue the import of the chosen file; the page it comes back to shows its progress, then its report."""
    identity = await mine(ctx, web, username)

    async def act() -> Response:
        limit = ctx.config(PLUGIN_NAME).import_max_bytes
        content = await uploaded(data, "data", limit)
        if content is None:
            raise InvalidInput.field("data", "choose an .ics file")
        if len(content) > limit:
            raise InvalidInput.field("data", Message("the calendar is larger than %(limit)s bytes", limit=limit))
        try:
            await uploads.queue_upload(ctx, identity, content, checked(data, "publish"))
        except CalendarRefused as exc:
            raise refused_calendar(exc) from None
        return Redirect(page_path(identity), status_code=303)

    return await attempt(ctx, web, "upload", data, act,
                         lambda form: _page(ctx, web, identity, form), identity)


@post(f"{BASE}/subscriptions", include_in_schema=False)
async def subscribe(ctx: Ctx, web: Caller, username: str, data: Form) -> Response:
    identity = await mine(ctx, web, username)

    async def act() -> Response:
        await subscriptions.subscribe(ctx, identity, text(data, "url"), checked(data, "publish"))
        return Redirect(page_path(identity), status_code=303)

    return await attempt(ctx, web, "subscribe", data, act,
                         lambda form: _page(ctx, web, identity, form), identity)


@post(f"{BASE}/subscriptions/{{subscription_id:str}}/refresh", include_in_schema=False)
async def refresh(ctx: Ctx, web: Caller, username: str, subscription_id: str, data: Form) -> Response:
    """Queue a fetch now; the page it comes back to says it is under way, then shows the outcome. While one
    is queued or under way already, the page says so."""
    identity = await mine(ctx, web, username)
    subscription = await subscriptions.subscription_of(ctx, identity, subscription_id)

    async def act() -> Response:
        await subscriptions.queue_refresh(ctx, subscription)
        return Redirect(page_path(identity), status_code=303)

    return await attempt(ctx, web, "refresh", data, act, lambda form: _page(ctx, web, identity, form), identity)


@post(f"{BASE}/subscriptions/{{subscription_id:str}}/remove", include_in_schema=False)
async def remove(ctx: Ctx, web: Caller, username: str, subscription_id: str) -> Response:
    identity = await mine(ctx, web, username)
    await subscriptions.unsubscribe(ctx, await subscriptions.subscription_of(ctx, identity, subscription_id))
    return Redirect(page_path(identity), status_code=303)


async def settings_section(ctx: Ctx, slot: Slot) -> Fragment | None:
    """Links to the import page of each of the account's identities."""
    account = ctx.viewer.account
    if account is None:
        return None
    identities = await identities_of(ctx, account)
    return Fragment(slot.render("ical/import_settings_section.html", identities=identities), shared=False)


def import_web_handlers() -> list[Any]:
    return [imports_page, upload, subscribe, refresh, remove]
