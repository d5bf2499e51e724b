"""A calendar's upcoming events inside other sites: the iframe page and the web component's files.

``/@{name}/embed`` and ``/embed/instance`` are small pages made to be framed by any
site (``FRAMABLE``): a plain list, in the reader's language, times in each event's own
zone, that needs no script, sets no cookie (``NO_COOKIES``), loads nothing but its own
stylesheet and opens event pages in a new tab. They hold no form and read no session:
every reader sees what an anonymous visitor sees, so being framed lets no site act for
a member. ``/embed/convene-events.js`` is the ``<convene-events>`` web component
(static/convene-events.js), loaded by pages elsewhere as a module, hence CORS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Response, get
from litestar.response import File, Template

from core.context import Ctx
from core.events.listing import SHOWS_EVENTS
from core.identities.models import Identity
from core.web.security_headers import FRAMABLE
from core.web.session import NO_COOKIES
from core.web.structured_data import event_page_url
from plugins.ical.json_feed import OPEN_TO_ANY_SITE
from plugins.ical.upcoming import DEFAULT_LIMIT, Limit, calendar_owner, place_of, upcoming
from plugins.ical.vevent import profile_url

STATIC = Path(__file__).resolve().parent / "static"
COMPONENT = STATIC / "convene-events.js"
STYLESHEET = STATIC / "convene-embed.css"
# a stable address pasted into other sites: kept a day, then revalidated (ETag) without blocking the page
ASSET_CACHE = "public, max-age=86400, stale-while-revalidate=604800"


@dataclass(frozen=True)
class Shown:
    """One event of the list, as the page shows it."""

    title: str
    url: str
    begins_at: datetime  # UTC; the page shows it in ``timezone``
    begins_in_zone: str  # RFC 3339 with the zone's offset, for <time datetime>
    timezone: str
    place: str
    online: bool
    cancelled: bool


async def _page(ctx: Ctx, owner: Identity | None, limit: int) -> Template:
    shown = [Shown(event.title, event_page_url(event, ctx.settings), event.begins_at,
                   event.begins_at.astimezone(ZoneInfo(event.timezone)).isoformat(), event.timezone,
                   place_of(event), bool(event.online_url), event.is_cancelled)
             for event in await upcoming(ctx, owner, limit)]
    name = owner.name if owner is not None else ctx.settings.instance.name
    home = profile_url(ctx, owner) if owner is not None else ctx.settings.url("/")
    return Template("ical/embed.html", context={"events": shown, "name": name, "home": home})


PAGE_OPT = {**SHOWS_EVENTS, **NO_COOKIES, **FRAMABLE}


@get("/{handle:str}/embed", include_in_schema=False, opt=PAGE_OPT)
async def identity_embed(ctx: Ctx, handle: str, limit: Limit = DEFAULT_LIMIT) -> Template:
    """An identity's upcoming public events, to frame in another site."""
    return await _page(ctx, await calendar_owner(ctx, handle), limit)


@get("/embed/instance", include_in_schema=False, opt=PAGE_OPT)
async def instance_embed(ctx: Ctx, limit: Limit = DEFAULT_LIMIT) -> Template:
    """The instance's upcoming public events, to frame in another site."""
    return await _page(ctx, None, limit)


def _asset(path: Path, media_type: str) -> Response[Any]:
    return File(path, media_type=media_type, content_disposition_type="inline", etag=None,
                headers={**OPEN_TO_ANY_SITE, "Cache-Control": ASSET_CACHE})


@get("/embed/convene-events.js", include_in_schema=False, opt=NO_COOKIES)
async def component() -> Response[Any]:
    """The web component, a module other sites load (so it is served with CORS)."""
    return _asset(COMPONENT, "text/javascript")


@get("/embed/convene-embed.css", include_in_schema=False, opt=NO_COOKIES)
async def stylesheet() -> Response[Any]:
    """The iframe page's stylesheet (its policy refuses inline styles, as every page's does)."""
    return _asset(STYLESHEET, "text/css")


def embed_handlers() -> list[Any]:
    return [identity_embed, instance_embed, component, stylesheet]
