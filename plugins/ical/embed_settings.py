"""``/settings/embed``: the snippets that put a calendar's events on another site, with a preview.

A member chooses a calendar (one of their own identities, or the instance's) and how
many events; the page shows the ``<iframe>`` snippet and the web component's snippet,
ready to copy, and both live below them. It is a plain GET form: no script is needed to
choose, and the address of the page says what it shows. Only the signed-in account's
own identities are offered, and only to that account: the page links no identity to
another for anyone else. The settings page links here (``convene_settings_sections``).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Response, get
from litestar.params import Parameter

from core.auth import Caller
from core.context import Ctx
from core.errors import InvalidInput
from core.i18n import N_
from core.web.render import page
from core.web.slots import Fragment, Slot

INSTANCE = "instance"
SUGGESTED_LIMIT = 5


def _calendar_paths(handle: str) -> tuple[str, str]:
    """The iframe page's and the JSON feed's paths of a calendar ("instance", or an identity's "@name")."""
    if handle == INSTANCE:
        return "/embed/instance", "/feed/instance/json"
    return f"/{handle}/embed", f"/{handle}/feed/json"


@get("/settings/embed", include_in_schema=False)
async def embed_settings(ctx: Ctx, web: Caller, calendar: Annotated[str, Parameter(max_length=70)] = "",
                         limit: Annotated[int, Parameter(ge=1, le=50)] = SUGGESTED_LIMIT) -> Response[Any]:
    web.require_account()
    choices = [f"@{identity.username}" for identity in web.identities] + [INSTANCE]
    current = web.current
    chosen = calendar or (f"@{current.username}" if current is not None else INSTANCE)
    if chosen not in choices:
        raise InvalidInput.field("calendar", N_("choose one of your identities or the instance"))
    embed_path, feed_path = _calendar_paths(chosen)
    return page("ical/embed_settings.html", web, choices=choices, chosen=chosen, limit=limit,
                iframe_url=ctx.settings.url(f"{embed_path}?limit={limit}"), embed_path=f"{embed_path}?limit={limit}",
                feed_url=ctx.settings.url(feed_path), script_url=ctx.settings.url("/embed/convene-events.js"))


async def embed_settings_section(ctx: Ctx, slot: Slot) -> Fragment | None:
    """The settings page's link to the snippets (members only; the same for every member)."""
    if ctx.viewer.account is None:
        return None
    return Fragment(slot.render("ical/embed_section.html"))


def embed_settings_handlers() -> list[Any]:
    return [embed_settings]
