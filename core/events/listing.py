"""Which events a viewer may see, and every listing of them.

One rule decides what anyone may see, for a single event as for a list: the core's
(published and not held for review, private ones only for the people taking part, the
organiser's own always), narrowed by every plugin's ``convene_filter_events``
condition. Pages, the API, feeds and the federation collections all go through
``visible_events`` (a single event through ``visible_event``, pages through
``events_page``), so what a plugin hides is hidden everywhere, and pagination still
counts right because the filter is part of the SQL query.
"""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select

from core.context import Ctx
from core.db.base import utcnow
from core.errors import InvalidInput, NotFound
from core.events.models import ATTENDING_ROLES, Event, Participation, Tag, event_tags
from core.events.validation import check_moment

MAX_PER_PAGE = 100
# ``opt`` of every route that shows events: tests find them all by it and prove each one filtered
SHOWS_EVENTS = {"shows_events": True}


async def visibility(ctx: Ctx) -> ColumnElement[bool]:
    """The condition an event row meets when ``ctx.viewer`` may see it."""
    viewer = ctx.viewer
    shown = and_(Event.draft.is_(False), Event.held_at.is_(None))
    if viewer.identity_ids:
        taking_part = Event.id.in_(select(Participation.event_id).where(
            Participation.identity_id.in_(viewer.identity_ids), Participation.role.in_(ATTENDING_ROLES)))
        rule = or_(Event.organizer_id.in_(viewer.identity_ids),
                   and_(shown, or_(Event.visibility != "private", taking_part)))
    else:
        rule = and_(shown, Event.visibility != "private")
    return and_(rule, *await ctx.call("convene_filter_events"))


async def visible_events(ctx: Ctx, query: Select[Any]) -> Select[Any]:
    """``query`` (a select of events) narrowed to what ``ctx.viewer`` may see."""
    return query.where(await visibility(ctx))


def event_key(value: str | uuid_module.UUID) -> uuid_module.UUID:
    try:
        return value if isinstance(value, uuid_module.UUID) else uuid_module.UUID(str(value))
    except ValueError:
        raise NotFound("no such event") from None


async def visible_event(ctx: Ctx, value: str | uuid_module.UUID) -> Event:
    """The event if ``ctx.viewer`` may see it; otherwise the same 404 as an unknown uuid.

    A moderator may be granted the sight of what others may not (``event.view``).
    """
    key = event_key(value)
    event = await ctx.session.scalar(await visible_events(ctx, select(Event).where(Event.uuid == key)))
    if event is None:
        hidden = await ctx.session.scalar(select(Event).where(Event.uuid == key))
        if hidden is None or not (await ctx.decide("convene_can_moderate", action="event.view", target=hidden)).granted:
            raise NotFound("no such event")
        event = hidden
    return event


@dataclass(frozen=True)
class EventFilter:
    text: str = ""
    tag: str = ""
    category: str = ""
    starts_after: datetime | None = None
    starts_before: datetime | None = None
    online: bool | None = None

    def __post_init__(self) -> None:
        """The bounds as the query compares them: in UTC (a naive one read as UTC), their years checked."""
        for name in ("starts_after", "starts_before"):
            if (value := getattr(self, name)) is not None:
                object.__setattr__(self, name, check_moment(value, "UTC", name))


def last_moment():  # noqa: ANN201 - a SQL expression
    """When an event is over: its end, or its start when it has none (matches ix_events_upcoming)."""
    return func.coalesce(Event.ends_at, Event.begins_at)


def public_listing(filters: EventFilter) -> Select[Any]:
    """Public events that have not ended, soonest first (unlisted ones are for those given the link)."""
    query = select(Event).where(Event.draft.is_(False), Event.visibility == "public", last_moment() >= utcnow())
    if filters.text:
        like = f"%{filters.text.lower()[:100]}%"
        query = query.where(or_(func.lower(Event.title).like(like), func.lower(Event.address_locality).like(like)))
    if filters.tag:
        query = query.where(Event.id.in_(select(event_tags.c.event_id).join(Tag).where(Tag.slug == filters.tag)))
    if filters.category:
        query = query.where(Event.category == filters.category)
    if filters.starts_after:
        query = query.where(Event.begins_at >= filters.starts_after)
    if filters.starts_before:
        query = query.where(Event.begins_at < filters.starts_before)
    if filters.online is True:
        query = query.where(Event.online_url != "")
    if filters.online is False:
        query = query.where(Event.address_locality != "")
    return query.order_by(Event.begins_at, Event.id)


MY_TABS = ("organising", "going", "pending", "drafts", "past")


def my_listing(identity_ids: frozenset[int], kind: str) -> Select[Any]:
    """The "My events" tabs: organising, going, pending, drafts, past."""
    ended = last_moment() < utcnow()
    organising = Event.organizer_id.in_(identity_ids)

    def with_role(*roles: str):  # noqa: ANN202
        return Event.id.in_(select(Participation.event_id).where(
            Participation.identity_id.in_(identity_ids), Participation.role.in_(roles)))

    queries = {
        "organising": select(Event).where(organising, Event.draft.is_(False), ~ended),
        "going": select(Event).where(with_role("participant", "moderator", "administrator"), ~ended, Event.draft.is_(False)),
        "pending": select(Event).where(with_role("not_approved"), ~ended),
        "drafts": select(Event).where(organising, Event.draft.is_(True)),
        "past": select(Event).where(or_(organising, with_role(*ATTENDING_ROLES)), ended, Event.draft.is_(False)),
    }
    if kind not in queries:
        raise InvalidInput.field("kind", f"must be one of: {', '.join(queries)}")
    order = Event.begins_at.desc() if kind == "past" else Event.begins_at
    return queries[kind].order_by(order, Event.id)


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)


async def events_page(ctx: Ctx, query: Select[Any], page: int, per_page: int) -> Page:
    """One page of ``query``'s events that ``ctx.viewer`` may see, with their total."""
    if page < 1:
        raise InvalidInput.field("page", "must be 1 or more")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidInput.field("per_page", f"must be between 1 and {MAX_PER_PAGE}")
    query = await visible_events(ctx, query)
    total = await ctx.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list((await ctx.session.scalars(query.limit(per_page).offset((page - 1) * per_page))).unique())
    return Page(items, total or 0, page, per_page)
