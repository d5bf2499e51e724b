"""The life of an event: draft, publish, edit, cancel, delete, and review.

Every change is first put to the plugins: ``convene_can_save_event`` gets the event as
it would be and what changes, ``convene_check_content`` its text. Any deny refuses
the whole action (the request's transaction rolls back, nothing is written). A hold
publishes nothing: the event is kept, out of sight of everyone but its organiser,
until a moderator releases it, and the lifecycle hook the change would have fired
(published, or updated with what changed since it was last shown) fires then.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from msgspec import UNSET
from sqlalchemy import select

from core.context import Ctx
from core.db.base import utcnow
from core.db.claim import claim
from core.db.insert_new import insert_new
from core.decisions import Verdict
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.events.extensions import checked_extra, save_extra
from core.events.listing import event_key
from core.events.models import DeletedEvent, Event, Participation, Tag
from core.events.validation import EventInput, clean_event_input
from core.i18n import stored_messages
from core.identities.models import Identity
from core.media import BANNER_SIDE, remove_image, store_image
from core.notifications import participation_news
from core.notifications.event_changes import drop_notice, event_edited
from core.permissions import require_can_act, require_moderator, require_owner_or_moderator
from core.sanitize import plain_text
from core.viewer import Viewer

# columns whose previous values are kept as ISO text while an event is held (a JSON column)
_DATETIME_FIELDS = ("begins_at", "ends_at")


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


async def apply_values(ctx: Ctx, event: Event, values: dict[str, Any]) -> dict[str, Any]:
    """Set cleaned column values (and tag slugs) on ``event``; returns each changed field's previous value."""
    changed: dict[str, Any] = {}
    for key, value in values.items():
        if key == "tags":
            tags = await _tags(ctx, value)
            before = [t.slug for t in event.tags]
            if before != [t.slug for t in tags]:
                event.tags = tags
                changed["tags"] = before
        elif getattr(event, key) != value:
            changed[key] = getattr(event, key)
            setattr(event, key, value)
    if event.id is not None and changed.keys() - {"participant_count"}:
        event.sequence += 1
    return changed


def organises(viewer: Viewer, event: Event) -> bool:
    return viewer.holds(event.organizer_id)


def require_organiser(viewer: Viewer, event: Event) -> None:
    if not organises(viewer, event):
        raise Forbidden("only the organiser may do this")


async def _judged(ctx: Ctx, event: Event, action: str, changed: dict[str, Any]) -> Verdict:
    """Every plugin's answer on saving ``event`` (``action``: create, publish, update)."""
    answers = await ctx.call("convene_can_save_event", event=event, action=action, changed=changed)
    if action != "update" or "title" in changed or "description" in changed:
        answers += await ctx.call("convene_check_content", author=event.organizer, kind="event",
                                  text=f"{event.title}\n{event.description}")
    return Verdict.of(answers)


async def _verdict(ctx: Ctx, event: Event, action: str, changed: dict[str, Any]) -> Verdict:
    """``_judged``, where a refusal raises: the person saving reads why."""
    verdict = await _judged(ctx, event, action, changed)
    if verdict.denied:
        raise Forbidden(verdict.reason)
    return verdict


async def create_event(ctx: Ctx, organizer: Identity, data: EventInput, publish: bool = False) -> Event:
    """A draft (nothing public yet: a hold asked for now waits for publishing), published at once if asked."""
    await require_can_act(ctx, organizer, "event.create")
    values = clean_event_input(data, None)
    extra = checked_extra(ctx, data.extra) if data.extra is not UNSET else {}
    event = Event(organizer_id=organizer.id, organizer=organizer, draft=True, tags=[])
    ctx.session.add(event)
    await apply_values(ctx, event, values)
    await _verdict(ctx, event, "create", dict.fromkeys(values))
    ctx.session.add(Participation(event=event, identity=organizer, role="creator"))
    await save_extra(ctx, event, extra)
    await ctx.emit("convene_event_created", event=event)
    if publish:
        await publish_event(ctx, event)
    return event


async def update_event(ctx: Ctx, event: Event, data: EventInput) -> dict[str, Any]:
    """Apply the fields given; returns each changed field's previous value."""
    await require_can_act(ctx, event.organizer, "event.update")
    if event.is_cancelled:
        raise Conflict("a cancelled event cannot be edited")
    values = clean_event_input(data, event)
    extra = checked_extra(ctx, data.extra) if data.extra is not UNSET else {}
    changed = await apply_values(ctx, event, values)
    if changed:
        verdict = await _verdict(ctx, event, "update", changed)
        await _changed(ctx, event, changed, verdict)
        await event_edited(ctx, event, changed)
    if extra:
        await save_extra(ctx, event, extra)
        ctx.pages_changed(event)
    return changed


async def set_banner(ctx: Ctx, event: Event, data: bytes | None) -> None:
    """Replace (or with None, remove) the event's banner picture."""
    await require_can_act(ctx, event.organizer, "event.update")
    changed = {"banner": event.banner}
    verdict = await _verdict(ctx, event, "update", changed)
    new = None
    if data is not None:
        new = await store_image(ctx, "banners", data, "banner", ctx.settings.limits.banner_max_bytes,
                                BANNER_SIDE)
    remove_image(ctx, event.banner)
    event.banner = new
    event.sequence += 1
    await _changed(ctx, event, changed, verdict)


async def _changed(ctx: Ctx, event: Event, changed: dict[str, Any], verdict: Verdict) -> None:
    """After an edit: tell plugins, or keep what changed for the release when the event is (now) held."""
    event.updated_at = utcnow()
    ctx.pages_changed(event)
    if event.draft:
        return
    if event.held_at is not None:
        _remember_while_held(event, changed)
    elif verdict.held:
        await _hold(ctx, event, verdict.reasons, changed)
    else:
        await ctx.emit("convene_event_updated", event=event, changed=changed)


async def publish_event(ctx: Ctx, event: Event) -> None:
    """Publish a draft; when a plugin holds it, it waits for a moderator (``event.held_at`` says so)."""
    await require_can_act(ctx, event.organizer, "event.publish")
    if not event.draft:
        raise Conflict("this event is already published")
    verdict = await _verdict(ctx, event, "publish", {})
    event.draft = False
    ctx.pages_changed(event)
    if verdict.held:
        await _hold(ctx, event, verdict.reasons, None)
        return
    event.published_at = utcnow()
    await ctx.emit("convene_event_published", event=event)


async def cancel_event(ctx: Ctx, event: Event, message: str = "") -> None:
    await require_can_act(ctx, event.organizer, "event.cancel")
    if event.draft:
        raise Conflict("a draft cannot be cancelled; delete it instead")
    if event.is_cancelled:
        raise Conflict("this event is already cancelled")
    if len(message) > 1000:
        raise InvalidInput.field("message", "must be at most 1000 characters")
    event.status = "cancelled"
    event.cancellation_message = plain_text(message)
    event.updated_at = utcnow()
    event.sequence += 1
    ctx.pages_changed(event)
    await drop_notice(ctx, event)
    await participation_news.cancelled(ctx, event)
    await ctx.emit("convene_event_cancelled", event=event)


async def delete_event(ctx: Ctx, event: Event) -> None:
    """The organiser deletes an event, or a moderator a plugin grants it to (``event.delete``)."""
    await require_owner_or_moderator(ctx, "event.delete", event, event.organizer_id,
                                     "only the organiser may do this")
    if not await _delete(ctx, event):
        raise NotFound("no such event")


async def _delete(ctx: Ctx, event: Event) -> bool:
    """Delete ``event`` unless a concurrent request deleted it first (then False, nothing written)."""
    if not await claim(ctx.session, Event, event.id):
        return False
    ctx.pages_changed(event)
    await drop_notice(ctx, event)
    await ctx.emit("convene_event_deleted", event=event)
    if event.published_at is not None and event.visibility != "private":
        # only an address anyone could have been given; a draft's or private event's stays unknown
        ctx.session.add(DeletedEvent(uuid=event.uuid))
    remove_image(ctx, event.banner)
    await ctx.session.delete(event)
    await ctx.session.flush()
    return True


async def delete_events_of(ctx: Ctx, identity: Identity) -> None:
    """Every event an identity organises, as it goes (its deletion was allowed already)."""
    for event in await ctx.session.scalars(select(Event).where(Event.organizer_id == identity.id)):
        await _delete(ctx, event)


async def event_by_uuid(ctx: Ctx, value: str) -> Event | None:
    """Any event by its uuid, seen or not: for moderators' tools, which decide themselves who may see it."""
    return await ctx.session.scalar(select(Event).where(Event.uuid == event_key(value)))


async def was_deleted(ctx: Ctx, value: str) -> bool:
    """Whether ``value`` is the uuid of a public or unlisted event deleted here."""
    try:
        key = event_key(value)
    except NotFound:  # not a uuid: nothing was deleted under it
        return False
    return await ctx.session.get(DeletedEvent, key) is not None


# -- review ---------------------------------------------------------------------------


async def _hold(ctx: Ctx, event: Event, reasons: tuple[str, ...], changed: dict[str, Any] | None) -> None:
    """Keep the event out of sight until released; ``changed`` is None when it was never shown."""
    event.held_at = utcnow()
    event.held_reasons = stored_messages(reasons)
    event.held_changes = None if changed is None else _stored(changed)
    ctx.pages_changed(event)
    await ctx.emit("convene_held", kind="event", target=event, reasons=list(reasons))


def _remember_while_held(event: Event, changed: dict[str, Any]) -> None:
    """An edit of a held event: the oldest previous value of each field is the one last shown."""
    if event.held_changes is not None:
        event.held_changes = {**_stored(changed), **event.held_changes}


def _stored(changed: dict[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, datetime) else value for key, value in changed.items()}


def _restored(stored: dict[str, Any]) -> dict[str, Any]:
    return {key: datetime.fromisoformat(value) if key in _DATETIME_FIELDS and value else value
            for key, value in stored.items()}


async def review_arrived_event(ctx: Ctx, event: Event, changed: dict[str, Any] | None) -> bool:
    """Put the copy of another server's event to the plugins as a local one is put (``publish`` when it
    is new, ``changed`` None; ``update`` with what changed). A hold keeps it out of sight until a
    moderator releases it, and so does a refusal: nobody here can be told why, so a moderator
    decides. True when the event is (still) held, so the caller tells nobody of the change yet."""
    verdict = await _judged(ctx, event, "publish" if changed is None else "update", changed or {})
    if event.held_at is not None:
        if changed:
            _remember_while_held(event, changed)
        return True
    if verdict.held or verdict.denied:
        await _hold(ctx, event, verdict.reasons, changed)
        return True
    return False


async def hold_event(ctx: Ctx, event: Event, reason: str) -> None:
    """A moderator takes a shown event out of sight for review (``event.hold``)."""
    await require_moderator(ctx, "event.hold", event)
    if event.draft or event.held_at is not None:
        raise Conflict("this event is not shown")
    await _hold(ctx, event, (reason,), {})


async def release_event(ctx: Ctx, event: Event) -> None:
    """A moderator releases a held event (``event.release``): it is shown, and plugins hear of it as
    published (never shown before) or updated (with what changed since it was last shown)."""
    await require_moderator(ctx, "event.release", event)
    if event.held_at is None:
        raise Conflict("this event is not held for review")
    changes = event.held_changes
    event.held_at, event.held_reasons, event.held_changes = None, [], None
    ctx.pages_changed(event)
    await ctx.emit("convene_released", kind="event", target=event)
    if changes is None:
        event.published_at = utcnow()
        await ctx.emit("convene_event_published", event=event)
    else:
        await ctx.emit("convene_event_updated", event=event, changed=_restored(changes))
