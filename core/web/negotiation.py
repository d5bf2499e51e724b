"""Letting plugins answer a public page's URL in another format (e.g. ActivityStreams JSON).

``/@name`` and ``/events/uuid`` are both a page for people and, to other servers, the
id of an actor or an object. The core renders HTML; a plugin that recognises the
request (its Accept header) answers instead through ``convene_negotiate``.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response

from core.context import Ctx
from core.errors import NotFound


async def negotiated(ctx: Ctx, request: Request, kind: str, key: str, find: Any) -> tuple[Response | None, Any]:
    """Look the object up (None when not found) and offer it to plugins first.

    Returns a plugin's response, or ``(None, obj)`` for the HTML page; raises NotFound
    when no plugin answered and there is no object.
    """
    try:
        obj = await find()
    except NotFound:
        obj = None
    answers = await ctx.call("convene_negotiate", request=request, kind=kind, key=key, obj=obj)
    answer = answers[0] if answers else None
    if answer is None and obj is None:
        raise NotFound(f"no such {kind}")
    return answer, obj
