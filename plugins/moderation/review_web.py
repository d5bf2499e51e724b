"""The review page, ``/admin/review``: accounts waiting for approval, events and comments held.

Each has its button (approve, show again) posting to the action form route (actions_web.py),
so approving and releasing are actions like any other, in the log. Staff only.
"""

from __future__ import annotations

from typing import Any

from litestar import Response, get

from core.auth import Caller
from core.context import Ctx
from core.web.render import page
from core.web.slots import MenuLink
from plugins.moderation.review import waiting
from plugins.moderation.roles import require_staff

REVIEW_PAGE = "/admin/review"
MENU_LINKS = [MenuLink("Waiting for review", REVIEW_PAGE, role=role) for role in ("moderator", "administrator")]


@get(REVIEW_PAGE, include_in_schema=False)
async def review(ctx: Ctx, web: Caller) -> Response:
    web.require_account()
    require_staff(ctx)
    return page("moderation/review.html", web, waiting=await waiting(ctx))


HANDLERS: list[Any] = [review]
