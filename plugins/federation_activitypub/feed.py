"""The feed: upcoming events of the people a member's identities follow, wherever they are.

Following is the federation plugin's (``ApFollow``), so the feed is too: a page in the
main menu and its API twin. Only accepted follows count, and only events that were
published to followers (public or unlisted; private events never travel).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Response, get
from litestar.params import Parameter
from sqlalchemy import Select, select

from core.auth import Caller
from core.context import Ctx
from core.db.base import utcnow
from core.events import service
from core.events.models import Event
from core.events.schemas import EventPage, event_out
from core.web.render import page
from core.web.slots import MenuLink
from plugins.federation_activitypub.fanout import FEDERATED_VISIBILITIES
from plugins.federation_activitypub.models import ApFollow

PER_PAGE = 20
PageNumber = Annotated[int, Parameter(ge=1, le=10_000)]
MENU_LINK = MenuLink("Following", "/feed")


def followed_events(identity_ids: frozenset[int]) -> Select:
    followed = select(ApFollow.followed_id).where(ApFollow.follower_id.in_(identity_ids), ApFollow.accepted)
    return (
        select(Event)
        .where(Event.organizer_id.in_(followed), Event.draft.is_(False), Event.visibility.in_(FEDERATED_VISIBILITIES),
               service.last_moment() >= utcnow())
        .order_by(Event.begins_at, Event.id)
    )


@get("/api/v1/me/feed", tags=["federation"])
async def feed_api(ctx: Ctx, api: Caller, page: PageNumber = 1,
                   per_page: Annotated[int, Parameter(ge=1, le=service.MAX_PER_PAGE)] = PER_PAGE) -> EventPage:
    """Upcoming events of the people your identities follow, soonest first."""
    api.require_account()
    found = await service.paginate(ctx, followed_events(api.identity_ids), page, per_page)
    return EventPage([event_out(e, ctx.settings, ctx.pm) for e in found.items], found.total, found.page, found.per_page)


@get("/feed", include_in_schema=False)
async def feed_page(ctx: Ctx, web: Caller, number: Annotated[int, Parameter(query="page", ge=1, le=10_000)] = 1) -> Response:
    web.require_account()
    events = await service.paginate(ctx, followed_events(web.identity_ids), number, PER_PAGE)
    return page("federation/feed.html", web, events=events)


def feed_handlers() -> list[Any]:
    return [feed_api, feed_page]
