"""``/about``: who runs this instance and its rules, from the instance settings, with the sections
plugins add (``convene_about_sections``: the published terms and policies)."""

from __future__ import annotations

from litestar import Response, get

from core.auth import Caller
from core.context import Ctx
from core.web.render import page
from core.web.slots import page_slot, slot_fragments


@get("/about", include_in_schema=False)
async def about(ctx: Ctx, web: Caller) -> Response:
    return page("about.html", web, sections=await slot_fragments(ctx, page_slot(ctx), "convene_about_sections"))
