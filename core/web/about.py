"""``/about``: who runs this instance and its rules, from the instance settings."""

from __future__ import annotations

from litestar import Response, get

from core.auth import Caller
from core.web.render import page


@get("/about", include_in_schema=False)
async def about(web: Caller) -> Response:
    return page("about.html", web)
