"""The life of an event: draft, publish, edit, cancel, delete; who may see it; listings."""

from __future__ import annotations

import uuid as uuid_module
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, exists, func, or_, select

from core.context import Ctx
from core.db.base import utcnow
from core.db.insert_new import insert_new
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.events.models import ATTENDING_ROLES, DeletedEvent, Event, Participation, Tag, event_tags
from core.events.validation import EventInput, clean_event_input
from core.identities.models import Identity
from core.media import remove_image, store_image
from core.sanitize import plain_text
from core.viewer import Viewer

MAX_PER_PAGE = 100


async def _tags(ctx: Ctx, slugs: list[str]) -> list[Tag]:
    """The tags of these slugs, made when new; two events bringing the same new tag at
    once both get it (``ON CONFLICT DO NOTHING``) instead of one failing on the unique slug."""
    if not slugs:
        return []
    query = select(Tag).where(Tag.slug.in_(slugs))
    found = {t.slug: t for t in await ctx.session.scalars(query)}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        for slug in missing:
            await insert_new(ctx.session, Tag.id, {"slug": slug, "title": slug})
        found = {t.slug: t for t in await ctx.session.scalars(query)}
    return [found[s] for s in slugs]


async def apply_values(ctx: Ctx, event: Event, values: dict[str, Any]) -> list[str]:
    """Set cleaned column values (and tag slugs) on ``event``; returns the names that changed."""
    changed = []
    for key, value in values.items():
        if key == "tags":
            tags = await _tags(ctx, value)
            if [t.slug for t in event.tags] != [t.slug for t in tags]:
                event.tags = tags
                changed.append("tags")
        elif getattr(event, key) != value:
            setattr(event, key, value)
            changed.append(key)
    return changed


async def event_by_uuid(ctx: Ctx, value: str | uuid_module.UUID) -> Event:
    try:
        key = value if isinstance(value, uuid_module.UUID) else uuid_module.UUID(str(value))
    except ValueError:
        raise NotFound("no such event") from None
    event = await ctx.session.scalar(select(Event).where(Event.uuid == key))
    if event is None:
        raise NotFound("no such event")
    return event


async def was_deleted(ctx: Ctx, value: str) -> bool:
    """Whether ``value`` is the uuid of a public or unlisted event deleted here."""
    try:
        key = uuid_module.UUID(value)
    except ValueError:
        return False
    return await ctx.session.get(DeletedEvent, key) is not None


def is_organiser(viewer: Viewer, event: Event) -> bool:
    return event.organizer_id in viewer.identity_ids


async def can_view(ctx: Ctx, viewer: Viewer, event: Event) -> bool:
    if is_organiser(viewer, event):
        return True
    if event.draft:
        return False
    if event.visibility == "private":
        if not viewer.identity_ids:
            return False
        attending = await ctx.session.scalar(select(exists().where(
            Participation.event_id == event.id, Participation.identity_id.in_(viewer.identity_ids),
            Participation.role.in_(ATTENDING_ROLES))))
        if not attending:
            return False
    verdict = await ctx.decide("convene_can_view_event", viewer=viewer.identity, event=event)
    return verdict.outcome == "allow"


async def visible_event(ctx: Ctx, viewer: Viewer, value: str | uuid_module.UUID) -> Event:
    """The event if this viewer may see it; otherwise the same 404 as an unknown uuid."""
    event = await event_by_uuid(ctx, value)
    if not await can_view(ctx, viewer, event):
        raise NotFound("no such event")
    return event


def require_organiser(viewer: Viewer, event: Event) -> None:
    if not is_organiser(viewer, event):
        raise Forbidden("only the organiser may do this")


async def create_event(ctx: Ctx, organizer: Identity, data: EventInput, publish: bool = False) -> Event:
    values = clean_event_input(data, None)
    await ctx.require_allowed("convene_can_create_event", identity=organizer, data=values)
    await ctx.require_allowed("convene_check_content", author=organizer, kind="event",
                      text=f"{values.get('title', '')}\n{values.get('description', '')}")
    event = Event(organizer_id=organizer.id, organizer=organizer, draft=True, tags=[])
    ctx.session.add(event)
    await apply_values(ctx, event, values)
    ctx.session.add(Participation(event=event, identity=organizer, role="creator"))
    await ctx.emit("convene_event_created", event=event)
    if publish:
        await publish_event(ctx, event)
    return event


async def update_event(ctx: Ctx, event: Event, data: EventInput) -> list[str]:
    if event.is_cancelled:
        raise Conflict("a cancelled event cannot be edited")
    values = clean_event_input(data, event)
    if "title" in values or "description" in values:
        await ctx.require_allowed("convene_check_content", author=event.organizer, kind="event",
                          text=f"{values.get('title', event.title)}\n{values.get('description', event.description)}")
    changed = await apply_values(ctx, event, values)
    if changed:
        event.updated_at = utcnow()
        ctx.pages_changed(event)
        if not event.draft:
            await ctx.emit("convene_event_updated", event=event, changed=changed)
    return changed


async def set_banner(ctx: Ctx, event: Event, data: bytes | None) -> None:
    """Replace (or with None, remove) the event's banner picture."""
    new = None
    if data:
        new = store_image(ctx.settings.media_dir, "banners", data, "banner", ctx.settings.limits.banner_max_bytes, 1920)
    remove_image(ctx.settings.media_dir, event.banner)
    event.banner = new
    event.updated_at = utcnow()
    ctx.pages_changed(event)
    if not event.draft:
        await ctx.emit("convene_event_updated", event=event, changed=["banner"])


async def publish_event(ctx: Ctx, event: Event) -> None:
    if not event.draft:
        raise Conflict("this event is already published")
    await ctx.require_allowed("convene_can_create_event", identity=event.organizer, data={"title": event.title})
    event.draft = False
    event.published_at = utcnow()
    ctx.pages_changed(event)
    await ctx.emit("convene_event_published", event=event)


async def cancel_event(ctx: Ctx, event: Event, message: str = "") -> None:
    if event.draft:
        raise Conflict("a draft cannot be cancelled; delete it instead")
    if event.is_cancelled:
        raise Conflict("this event is already cancelled")
    if len(message) > 1000:
        raise InvalidInput.field("message", "must be at most 1000 characters")
    event.status = "cancelled"
    event.cancellation_message = plain_text(message)
    event.updated_at = utcnow()
    ctx.pages_changed(event)
    await ctx.emit("convene_event_cancelled", event=event)


async def delete_event(ctx: Ctx, event: Event) -> None:
    ctx.pages_changed(event)
    await ctx.emit("convene_event_deleted", event=event)
    if not event.draft and event.visibility != "private":
        # only an address anyone could have been given; a draft's or private event's stays unknown
        ctx.session.add(DeletedEvent(uuid=event.uuid))
    remove_image(ctx.settings.media_dir, event.banner)
    await ctx.session.delete(event)
    await ctx.session.flush()


async def delete_events_of(ctx: Ctx, identity: Identity) -> None:
    for event in await ctx.session.scalars(select(Event).where(Event.organizer_id == identity.id)):
        await delete_event(ctx, event)


# -- listings ---------------------------------------------------------------------


@dataclass(frozen=True)
class EventFilter:
    text: str = ""
    tag: str = ""
    category: str = ""
    starts_after: datetime | None = None
    starts_before: datetime | None = None
    online: bool | None = None


def last_moment():  # noqa: ANN201 - a SQL expression
    """When an event is over: its end, or its start when it has none (matches ix_events_upcoming)."""
    return func.coalesce(Event.ends_at, Event.begins_at)


def public_listing(filters: EventFilter) -> Select:
    """Published public events that have not ended, soonest first."""
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


def my_listing(identity_ids: frozenset[int], kind: str) -> Select:
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


async def paginate(ctx: Ctx, query: Select, page: int, per_page: int) -> Page:
    if page < 1:
        raise InvalidInput.field("page", "must be 1 or more")
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidInput.field("per_page", f"must be between 1 and {MAX_PER_PAGE}")
    total = await ctx.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list((await ctx.session.scalars(query.limit(per_page).offset((page - 1) * per_page))).unique())
    return Page(items, total or 0, page, per_page)
