"""The home page is the explore page: upcoming public events, local and federated,
soonest first, with filters by text, dates, category, tag and online or in person."""

from __future__ import annotations

from typing import Annotated

from litestar import Response, get
from litestar.params import QueryParameter

from core.auth import Caller
from core.context import Ctx
from core.events.listing import SHOWS_EVENTS, events_page, public_listing
from core.events.models import CATEGORIES
from core.web.explore import ExploreFilters
from core.web.forms import FormState
from core.web.render import page

EVENTS_PER_PAGE = 20
Short = Annotated[str, QueryParameter(max_length=100)]


@get("/", include_in_schema=False, opt=SHOWS_EVENTS)
async def home(
    ctx: Ctx, web: Caller,
    number: Annotated[int, QueryParameter(name="page", ge=1, le=10_000)] = 1,
    q: Short = "", tag: Short = "", category: Short = "", attendance: Short = "",
    first_day: Annotated[str, QueryParameter(name="from", max_length=100)] = "",
    last_day: Annotated[str, QueryParameter(name="to", max_length=100)] = "",
) -> Response:
    """``q`` searches titles and towns; ``tag`` is a tag's slug (the links on event pages)."""
    values = {"q": q, "from": first_day, "to": last_day, "category": category, "tag": tag, "attendance": attendance}
    filters = ExploreFilters(values, web.account.timezone if web.account else "UTC")
    listing = await events_page(ctx, public_listing(filters.event_filter()), number, EVENTS_PER_PAGE)
    form = FormState("explore", values, filters.errors, 400 if filters.errors else 200)
    return page("home.html", web, form, events=listing, filters=filters, categories=CATEGORIES)
