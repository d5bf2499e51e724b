"""The feed: upcoming events of the people a member's identities follow, wherever they are.

Following is the federation plugin's (``ApFollow``), so the feed is too: a page in the
main menu and its API twin. Only accepted follows count, and only events that were
published to followers (public or unlisted; private events never travel).
"""

from __future__ import annotations

from typing import Any

from litestar import Response, get
from sqlalchemy import Select, select

from core.auth import Caller, signed_in
from core.context import Ctx
from core.db.base import utcnow
from core.events import listing
from core.events.api import PageNumber, PerPage, page_out
from core.events.models import Event
from core.events.schemas import EventPage
from core.events.web import PageNumber as WebPageNumber
from core.web.render import page
from core.web.slots import MenuLink
from plugins.federation_activitypub.fanout import FEDERATED_VISIBILITIES
from plugins.federation_activitypub.models import ApFollow

PER_PAGE = 20
MENU_LINK = MenuLink("Following", "/feed")


def followed_events(identity_ids: frozenset[int]) -> Select:
    followed = select(ApFollow.followed_id).where(ApFollow.follower_id.in_(identity_ids), ApFollow.accepted)
    return (
        select(Event)
        .where(Event.organizer_id.in_(followed), Event.draft.is_(False), Event.visibility.in_(FEDERATED_VISIBILITIES),
               listing.last_moment() >= utcnow())
        .order_by(Event.begins_at, Event.id)
    )


@get("/api/v1/me/feed", tags=["federation"], opt=listing.SHOWS_EVENTS, guards=[signed_in])
async def feed_api(ctx: Ctx, api: Caller, page: PageNumber = 1, per_page: PerPage = PER_PAGE) -> EventPage:
    """Upcoming events of the people your identities follow, soonest first."""
    api.require_account()
    return await page_out(ctx, await listing.events_page(ctx, followed_events(api.identity_ids), page, per_page))


@get("/feed", include_in_schema=False, opt=listing.SHOWS_EVENTS)
async def feed_page(ctx: Ctx, web: Caller, number: WebPageNumber = 1) -> Response:
    web.require_account()
    events = await listing.events_page(ctx, followed_events(web.identity_ids), number, PER_PAGE)
    return page("federation/feed.html", web, events=events)


def feed_handlers() -> list[Any]:
    return [feed_api, feed_page]
