"""What embeds show (the JSON feed, the iframe page, the web component): a calendar's
upcoming public events, as many as the site owner asked for, within a bound.

A calendar is an identity's (``/@name/...``) or the instance's. The events are the
ones an anonymous visitor may see (plugins.ical.selection), never more: an embed is
read by anyone, on any site. "Upcoming" means not over yet, so an event under way stays.
"""

from __future__ import annotations

from typing import Annotated

from litestar.params import Parameter

from core.context import Ctx
from core.errors import NotFound
from core.events.models import Event
from core.identities.models import Identity
from core.identities.service import local_identity
from plugins.ical.selection import public_events
from plugins.ical.vevent import location_text

DEFAULT_LIMIT = 10
MAX_LIMIT = 50
# ``?limit=``: how many events an embed shows, 1 to MAX_LIMIT
Limit = Annotated[int, Parameter(ge=1, le=MAX_LIMIT, description="how many upcoming events, at most")]


async def calendar_owner(ctx: Ctx, handle: str) -> Identity:
    """The local identity of a ``/@name/...`` path; any other first segment is simply not found."""
    if not handle.startswith("@"):
        raise NotFound("no such page")
    return await local_identity(ctx, handle[1:])


async def upcoming(ctx: Ctx, owner: Identity | None, limit: int) -> list[Event]:
    """The soonest ``limit`` public events of ``owner`` (None: of the instance) that are not over."""
    return (await public_events(ctx, owner, past_days=0, cap=limit)).events


def place_of(event: Event) -> str:
    """Where the event happens as one line ("" when it has no address: online only, or not said)."""
    return location_text(event) if event.has_address else ""
