"""Remote events: Create, Update and Delete of events published on other servers.

A remote event is a core ``Event`` row organised by the remote identity, published,
with an ``ApObject`` mapping its ActivityPub id to the row. The core's lifecycle
hooks are not called (they are the core services' own, and would send the event to
our followers as if it were ours): rows are written here directly, and the pages
they show are marked changed so the anonymous page cache forgets them on commit. Our
members who take part hear of an Update's new time or place, or of a cancellation, as
they would of an edit here (core.notifications.event_changes.copy_changed).

Only the actor an event is attributed to may create, change or delete it, or a member
of that actor when it is a group (``acting_for``), and only on its own host; a Delete
that arrives before its Create leaves a tombstone, so the late Create is ignored.
An event made private on its server is deleted there too (Convene sends the Delete of
a deleted event), and may be made public again: a tombstone dates the deletion (by the
Tombstone's ``deleted`` when it has one, our clock's now otherwise), and an event whose
``updated`` is later comes back, while a Create, Update or dated Delete older than
what we hold is one that arrived late, and is ignored.

The banner and the other attachments are kept as URLs (``banner_url``, ``attachments``)
and never fetched by this server: readers' browsers load the banner over https from
its own server, and the attachments are links on the event page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select

from core.context import Ctx
from core.db.base import utcnow
from core.events.models import DeletedEvent, Event
from core.events.service import apply_values, review_arrived_event
from core.events.validation import tag_slug
from core.guarded_http import FetchError, TransportFailure, host_of
from core.notifications.event_changes import copy_changed
from core.web.slots import Link
from plugins.federation_activitypub.models import ApActor, ApObject
from plugins.federation_activitypub.parse import Refused, RemoteEvent, deletion_time, parse_event, ref
from plugins.federation_activitypub.remote_actors import remote_actors

COLUMN_URL_MAX = 500
log = logging.getLogger(__name__)


async def on_create_or_update(ctx: Ctx, activity: dict[str, Any], sender: ApActor) -> str:
    """Create{Event} or Update{Event}: both store the event's current state, by its id."""
    obj = activity.get("object")
    if not isinstance(obj, dict):
        raise Refused("the event must be embedded in the activity")
    remote = parse_event(obj)
    return await store_and_report(ctx, remote, await acting_for(ctx, sender, remote.attributed_to))


async def acting_for(ctx: Ctx, sender: ApActor, actor_id: str) -> ApActor:
    """The actor ``sender`` may speak for here: itself, or a Group on its own host.

    Mobilizon attributes a group's events to the group and sends them as the member
    who wrote them (``actor``), or as the group. We cannot see a remote group's
    members, so we trust its host, as we already do for every object on that host
    (the event id must be there too): its server holds its actors' keys and checked
    the member's role before publishing. A person on another host never speaks for
    the group, and a person never speaks for another person: the named actor is
    fetched now and must be a Group.
    """
    if actor_id == sender.ap_id:
        return sender
    if host_of(actor_id) != host_of(sender.ap_id):
        raise Refused(f"{sender.ap_id} cannot act for {actor_id}, an actor on another host")
    actors = remote_actors(ctx)
    with refusing_fetch_errors(actor_id):
        document = await actors.fetch_document(actor_id)
    if document.get("type") != "Group":
        raise Refused(f"{sender.ap_id} cannot act for {actor_id}: only a group's members on its host may")
    return await actors.from_document(document)


@contextmanager
def refusing_fetch_errors(url: str) -> Iterator[None]:
    """A fetch the peer answered with something unusable is ``Refused``; a network failure raises, to retry."""
    try:
        yield
    except TransportFailure:
        raise
    except FetchError as exc:
        raise Refused(f"cannot use {url}: {exc.disclosed()}") from exc  # it may reach a search page


async def store_and_report(ctx: Ctx, remote: RemoteEvent, organiser: ApActor) -> str:
    """Store ``remote`` for ``organiser`` and say what became of it, for the activity's outcome."""
    if await store_remote_event(ctx, remote, organiser) is None:
        return f"ignored: {remote.ap_id} was deleted"
    left_out = f" (left out: {'; '.join(remote.dropped)})" if remote.dropped else ""
    return f"stored event {remote.ap_id}{left_out}"


async def on_delete(ctx: Ctx, activity: dict[str, Any], sender: ApActor) -> str:
    """Delete of an event (by id, Tombstone or Event): tombstone it, whether or not we have it."""
    obj = activity.get("object")
    ap_id = ref(obj, "object")
    _check_same_host(ap_id, sender)
    dated = deletion_time(obj)
    deleted = dated or utcnow()
    record = await record_of(ctx, ap_id)
    if record is None:
        ctx.session.add(ApObject(ap_id=ap_id, kind="event", local_id=None, deleted_at=deleted))
        return f"remembered deletion of {ap_id}"
    if record.deleted_at is not None:
        record.deleted_at = max(record.deleted_at, deleted)  # so no version between the two comes back
        return f"ignored: {ap_id} was already deleted"
    event = await ctx.session.get(Event, record.local_id) if record.local_id is not None else None
    if event is not None:
        await _check_may_delete(ctx, event, sender, ap_id)
        if dated is not None and event.updated_at > dated:
            return f"ignored: {ap_id} was deleted before the version we hold (this Delete arrived late)"
        await _drop_copy(ctx, event)
    record.deleted_at, record.local_id = deleted, None
    return f"deleted {ap_id}"


async def forget_event(ctx: Ctx, event: Event) -> None:
    """Delete the copy of a remote event whose organiser is gone; its id stays as a tombstone."""
    record = await ctx.session.scalar(select(ApObject).where(ApObject.kind == "event", ApObject.local_id == event.id))
    if record is not None:
        record.deleted_at, record.local_id = utcnow(), None
    await _drop_copy(ctx, event)


async def _drop_copy(ctx: Ctx, event: Event) -> None:
    """Delete our copy; its page here says the event was deleted (410), as a local one's does."""
    ctx.pages_changed(event)
    ctx.session.add(DeletedEvent(uuid=event.uuid))
    await ctx.session.delete(event)


async def store_remote_event(ctx: Ctx, remote: RemoteEvent, organiser: ApActor) -> Event | None:
    """Insert or update the local copy of ``remote``; None when its id is a tombstone it does not postdate."""
    _check_same_host(remote.ap_id, organiser)
    for reason in remote.dropped:
        log.warning("remote event %s: left out %s", remote.ap_id, reason)
    record = await record_of(ctx, remote.ap_id)
    if record is not None and record.deleted_at is not None:
        if remote.updated is None or remote.updated <= record.deleted_at:
            return None
        record.deleted_at = None  # made public again after it was made private there: it comes back
    event = await ctx.session.get(Event, record.local_id) if record is not None and record.local_id else None
    if event is None:
        event = Event(organizer_id=organiser.identity_id, draft=False, published_at=utcnow(), tags=[])
        ctx.session.add(event)
        await apply_values(ctx, event, _columns(remote))
        event.updated_at = remote.updated or utcnow()
        await ctx.session.flush()
        if record is None:
            ctx.session.add(ApObject(ap_id=remote.ap_id, kind="event", local_id=event.id))
        else:
            record.local_id = event.id
        changed: dict[str, Any] | None = None
    else:
        _check_organiser(event, organiser, remote.ap_id)
        if remote.updated is not None and remote.updated < event.updated_at:
            log.info("remote event %s: an Update older than our copy arrived late; ignored", remote.ap_id)
            return event
        changed = await apply_values(ctx, event, _columns(remote))
        if changed or remote.updated is not None:
            event.updated_at = remote.updated or utcnow()
    await ctx.session.refresh(event, ["organizer"])
    # judged by the instance's policies as a member's event is: new, or changed
    held = changed != {} and await review_arrived_event(ctx, event, changed)
    if changed is not None and not held:
        await copy_changed(ctx, event, changed)
    ctx.pages_changed(event)
    return event


def _columns(remote: RemoteEvent) -> dict[str, Any]:
    """The Event columns that ``remote`` sets."""
    for field, url in (("onlineUrl", remote.online_url), ("externalParticipationUrl", remote.external_participation_url)):
        if len(url) > COLUMN_URL_MAX:
            raise Refused(f"{field} is longer than {COLUMN_URL_MAX} characters")
    place = remote.place
    return {
        "title": remote.title, "description": remote.description, "begins_at": remote.begins_at,
        "ends_at": remote.ends_at, "timezone": remote.timezone,
        "address_name": place.name if place else "", "address_street": place.street if place else "",
        "address_postal_code": place.postal_code if place else "", "address_locality": place.locality if place else "",
        "address_region": place.region if place else "", "address_country": place.country if place else "",
        "latitude": place.latitude if place else None, "longitude": place.longitude if place else None,
        "online_url": remote.online_url, "status": remote.status, "join_mode": remote.join_mode,
        "external_participation_url": remote.external_participation_url,
        "max_participants": remote.max_participants, "participant_count": remote.participant_count or 0,
        "comments_enabled": remote.comments_enabled, "category": remote.category,
        "visibility": "public" if remote.public else "unlisted",
        "tags": list(dict.fromkeys(slug for slug in map(tag_slug, remote.tags) if slug)),
        "banner_url": remote.banner_url,
        "attachments": [{"name": a.name, "url": a.url, "media_type": a.media_type} for a in remote.attachments],
    }


def attachment_links(event: Event) -> list[Link]:
    """A remote event's attachments, as links on its page that tell their server nothing of where they were."""
    return [Link(a["name"] or a["url"], a["url"], rel="nofollow noopener noreferrer", media_type=a["media_type"])
            for a in event.attachments]


async def record_of(ctx: Ctx, ap_id: str) -> ApObject | None:
    """What we know of the object ``ap_id``: its local row's id, or its tombstone; None when nothing."""
    return await ctx.session.scalar(select(ApObject).where(ApObject.ap_id == ap_id))


def _check_same_host(ap_id: str, actor: ApActor) -> None:
    """An actor speaks only for objects on its own server (and never for ours)."""
    if host_of(ap_id) != host_of(actor.ap_id):
        raise Refused(f"{ap_id} is not on the host of {actor.ap_id}")


def _check_organiser(event: Event, actor: ApActor, ap_id: str) -> None:
    if event.organizer_id != actor.identity_id:
        raise Refused(f"{ap_id} belongs to another actor than {actor.ap_id}")


async def _check_may_delete(ctx: Ctx, event: Event, sender: ApActor, ap_id: str) -> None:
    """The organiser deletes its event; a group's event may also be deleted by its members on its host."""
    if event.organizer_id == sender.identity_id:
        return
    organiser = await ctx.session.scalar(select(ApActor.ap_id).where(ApActor.identity_id == event.organizer_id))
    if organiser is None:
        raise Refused(f"{ap_id} belongs to another actor than {sender.ap_id}")
    await acting_for(ctx, sender, organiser)

