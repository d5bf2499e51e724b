"""The home page: upcoming public events, soonest first, with a search and tag filter."""

from __future__ import annotations

from typing import Annotated

from litestar import Response, get
from litestar.params import QueryParameter

from core.auth import Caller
from core.context import Ctx
from core.events.service import EventFilter, paginate, public_listing
from core.web.render import page

EVENTS_PER_PAGE = 20


@get("/", include_in_schema=False)
async def home(
    ctx: Ctx, web: Caller,
    number: Annotated[int, QueryParameter(name="page", ge=1, le=10_000)] = 1,
    q: Annotated[str, QueryParameter(max_length=100)] = "",
    tag: Annotated[str, QueryParameter(max_length=40)] = "",
) -> Response:
    """``q`` searches titles and towns; ``tag`` is a tag's slug (the links on event pages)."""
    listing = await paginate(ctx, public_listing(EventFilter(text=q.strip(), tag=tag)), number, EVENTS_PER_PAGE)
    return page("home.html", web, events=listing, q=q, tag=tag)
