"""The API of a member's private calendar feeds: ``/api/v1/me/calendar-feeds``.

Each account sees and manages only its own feeds: its account-wide one (``identity``
null) and one per identity. The addresses are secrets; they are shown only here and
on the settings page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import delete, get, post
from litestar.params import Parameter
from litestar.status_codes import HTTP_204_NO_CONTENT
from msgspec import Meta

from core.api.openapi import refusals
from core.auth import Caller, signed_in
from core.context import Ctx
from plugins.ical import private_feeds, tokens
from plugins.ical.tokens import PrivateFeed

TAGS = ["calendar"]
Username = Annotated[str, Meta(min_length=1, max_length=64)]


class CalendarFeedIn(msgspec.Struct, forbid_unknown_fields=True):
    identity: Username | None = None
    """One of your identities' usernames: that identity's feed; null: every identity's events together."""


class CalendarFeedOut(msgspec.Struct):
    """A private feed: whoever has one of its addresses reads the events it carries."""

    identity: str | None
    """The identity whose events it carries; null: all of the account's."""
    ics_url: str
    webcal_url: str
    """The same feed for one-click subscription in a calendar application."""
    atom_url: str
    created_at: datetime


def feed_out(ctx: Ctx, feed: PrivateFeed) -> CalendarFeedOut:
    urls = private_feeds.private_addresses(ctx.settings, feed)
    return CalendarFeedOut(feed.identity.username if feed.identity else None, urls.ics, urls.webcal, urls.atom,
                           feed.token.created_at)


@get("/api/v1/me/calendar-feeds", tags=TAGS, guards=[signed_in])
async def list_feeds(ctx: Ctx, api: Caller) -> list[CalendarFeedOut]:
    """Your private calendar feeds."""
    return [feed_out(ctx, feed) for feed in await tokens.feeds_of(ctx, api.require_account())]


@post("/api/v1/me/calendar-feeds", status_code=201, tags=TAGS, guards=[signed_in], responses=refusals(404))
async def renew_feed(ctx: Ctx, api: Caller, data: CalendarFeedIn) -> CalendarFeedOut:
    """A new address for a private feed (made if there was none): the previous address stops at once."""
    return feed_out(ctx, await private_feeds.renew(ctx, api.require_account(), data.identity))


@delete("/api/v1/me/calendar-feeds", status_code=HTTP_204_NO_CONTENT, tags=TAGS, guards=[signed_in],
        responses=refusals(404))
async def revoke_feed(
    ctx: Ctx, api: Caller, identity: Annotated[str | None, Parameter(min_length=1, max_length=64)] = None
) -> None:
    """Stop a private feed (``identity`` absent: the account's); its address answers 404 from now on."""
    await private_feeds.revoke(ctx, api.require_account(), identity)


def feeds_api_handlers() -> list[Any]:
    return [list_feeds, renew_feed, revoke_feed]
