"""The home page: upcoming public events."""

from __future__ import annotations

from litestar import get
from litestar.response import Template

from core.auth import Caller
from core.context import Ctx
from core.events.service import EventFilter, paginate, public_listing


@get("/", include_in_schema=False)
async def home(ctx: Ctx, web: Caller, page: int = 1) -> Template:
    listing = await paginate(ctx, public_listing(EventFilter()), max(page, 1), 20)
    return Template("home.html", context={"page": listing, "caller": web})
