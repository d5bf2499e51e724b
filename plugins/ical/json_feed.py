"""A calendar's upcoming public events as a JSON Feed 1.1 (https://jsonfeed.org/version/1.1),
for web pages of other sites: the ``<convene-events>`` component reads it, and anyone
may build their own list from it.

``/@{name}/feed/json`` and ``/feed/instance/json``. Each item carries what a calendar
needs in an ``_convene`` extension object (JSON Feed's rule for extensions: a key
starting with an underscore): start and end in the event's own zone, the zone, the
place, the online link, the status and the event's page.

The feed is public and read from any origin (``Access-Control-Allow-Origin: *``),
without credentials, and it never sets a cookie (``NO_COOKIES``: no CSRF cookie
either). Refusals are JSON too, with the same CORS header, so a page elsewhere can
read why (an unknown name: 404; a ``limit`` out of bounds: 400).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from litestar import Request, Response, get
from litestar.exceptions import HTTPException, ValidationException
from litestar.types import ExceptionHandlersMap

from core.api.openapi import ErrorOut, FieldError
from core.context import Ctx
from core.errors import DomainError, InvalidInput, field_of_message
from core.events.listing import SHOWS_EVENTS
from core.events.models import Event
from core.identities.models import Identity
from core.web.session import NO_COOKIES
from core.web.structured_data import banner_image_url, event_page_url
from plugins.ical.upcoming import DEFAULT_LIMIT, Limit, calendar_owner, place_of, upcoming
from plugins.ical.vevent import description_text, profile_url, uid_of

VERSION = "https://jsonfeed.org/version/1.1"
MEDIA_TYPE = "application/feed+json"
# read by pages of any site, never with credentials; cheap to fetch again a minute later
OPEN_TO_ANY_SITE = {"Access-Control-Allow-Origin": "*", "Cross-Origin-Resource-Policy": "cross-origin"}
FEED_HEADERS = {**OPEN_TO_ANY_SITE, "Cache-Control": "public, max-age=60"}


class Author(msgspec.Struct):
    name: str
    url: str


class ConveneFields(msgspec.Struct):
    """The ``_convene`` extension: what a calendar shows, beyond a post's fields."""

    start: str  # RFC 3339, in the event's zone
    end: str | None
    timezone: str  # IANA name
    place: str  # "" when the event has no address
    online: str | None  # the link to join online, if any
    status: str  # confirmed, tentative or cancelled
    url: str  # the event's page


class Item(msgspec.Struct, omit_defaults=True):
    id: str
    url: str
    title: str
    content_text: str
    date_published: str
    date_modified: str
    authors: list[Author]
    convene: ConveneFields = msgspec.field(name="_convene")
    image: str | None = None
    tags: list[str] = []


class JsonFeed(msgspec.Struct, omit_defaults=True):
    version: str
    title: str
    home_page_url: str
    feed_url: str
    items: list[Item]
    description: str = ""
    authors: list[Author] = []


def _in_zone(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).isoformat()


def item_of(ctx: Ctx, event: Event) -> Item:
    page = event_page_url(event, ctx.settings)
    return Item(
        id=uid_of(ctx, event), url=page, title=event.title, content_text=description_text(event.description),
        date_published=(event.published_at or event.created_at).isoformat(), date_modified=event.updated_at.isoformat(),
        authors=[Author(event.organizer.name, profile_url(ctx, event.organizer))],
        image=banner_image_url(event, ctx.settings) or None, tags=[tag.title for tag in event.tags],
        convene=ConveneFields(
            start=_in_zone(event.begins_at, event.timezone),
            end=_in_zone(event.ends_at, event.timezone) if event.ends_at is not None else None,
            timezone=event.timezone, place=place_of(event), online=event.online_url or None,
            status=event.status, url=page),
    )


async def feed_of(ctx: Ctx, owner: Identity | None, limit: int) -> JsonFeed:
    """The feed of ``owner``'s calendar (None: the instance's), its ``limit`` soonest events."""
    events = await upcoming(ctx, owner, limit)
    items = [item_of(ctx, event) for event in events]
    instance = ctx.settings.instance
    if owner is None:
        return JsonFeed(VERSION, instance.name, ctx.settings.url("/"), ctx.settings.url("/feed/instance/json"), items,
                        description=instance.description)
    home = profile_url(ctx, owner)
    return JsonFeed(VERSION, f"{owner.name} · {instance.name}", home, ctx.settings.url(f"/@{owner.handle}/feed/json"),
                    items, authors=[Author(owner.name, home)])


def feed_response(feed: JsonFeed) -> Response[bytes]:
    return Response(msgspec.json.encode(feed), media_type=MEDIA_TYPE, headers=FEED_HEADERS)


def json_refusal(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    """A refusal as the API words it (``ErrorOut``), readable from any site: never an HTML page in a feed."""
    fields: list[FieldError] = []
    if isinstance(exc, ValidationException):
        status, detail = 400, "invalid input"
        for extra in exc.extra if isinstance(exc.extra, list) else []:
            if isinstance(extra, dict):
                field, message = field_of_message(str(extra.get("message", "invalid")), str(extra.get("key", "query")))
                fields.append(FieldError(field, message))
    elif isinstance(exc, DomainError):
        status, detail = exc.status_code, str(exc.message)
        if isinstance(exc, InvalidInput):
            fields = [FieldError(field, str(message)) for field, message in exc.errors.items()]
    elif isinstance(exc, HTTPException):
        status, detail = exc.status_code, exc.detail
    else:
        raise exc
    return Response(msgspec.json.encode(ErrorOut(status, detail, fields)), status_code=status,
                    media_type="application/json", headers=OPEN_TO_ANY_SITE)


JSON_REFUSALS: ExceptionHandlersMap = {ValidationException: json_refusal, DomainError: json_refusal, HTTPException: json_refusal}
FEED_OPT = {**SHOWS_EVENTS, **NO_COOKIES}


@get("/{handle:str}/feed/json", include_in_schema=False, opt=FEED_OPT, exception_handlers=JSON_REFUSALS)
async def identity_feed(ctx: Ctx, handle: str, limit: Limit = DEFAULT_LIMIT) -> Response[bytes]:
    """An identity's upcoming public events (``/@name/feed/json``)."""
    return feed_response(await feed_of(ctx, await calendar_owner(ctx, handle), limit))


@get("/feed/instance/json", include_in_schema=False, opt=FEED_OPT, exception_handlers=JSON_REFUSALS)
async def instance_feed(ctx: Ctx, limit: Limit = DEFAULT_LIMIT) -> Response[bytes]:
    """The instance's upcoming public events, those from other servers it shows included."""
    return feed_response(await feed_of(ctx, None, limit))


def json_feed_handlers() -> list[Any]:
    return [identity_feed, instance_feed]
