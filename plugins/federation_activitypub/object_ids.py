"""Which ActivityPub id names which event or comment here, both ways.

Our own events and comments have ids built from the public URL (``/events/{uuid}``,
``/comments/{uuid}``, in Mobilizon's shapes) and need no table; the local copies of
remote ones are found through ``ApObject`` (kind ``event`` or ``comment``). Only what
federates has an id: a draft or private event, and the comments on it, are unknown
to other servers, exactly as if they did not exist.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.comments.models import Comment
from core.events.models import Event
from core.settings import Settings
from plugins.federation_activitypub.fanout import federates
from plugins.federation_activitypub.models import ApObject

EVENTS_PATH, COMMENTS_PATH = "/events/", "/comments/"


@dataclass
class ReplyTarget:
    """What a Note answers: an event, or a comment on it (``parent``)."""

    event: Event
    parent: Comment | None = None


def local_comment_id(settings: Settings, comment: Comment) -> str:
    return settings.url(f"{COMMENTS_PATH}{comment.uuid}")


def is_shared(event: Event) -> bool:
    """A remote event, or a local one that federates: comments on it may travel."""
    return not event.organizer.is_local or federates(event)


async def record_of(session: AsyncSession, ap_id: str) -> ApObject | None:
    return await session.scalar(select(ApObject).where(ApObject.ap_id == ap_id))


async def event_ap_id(session: AsyncSession, settings: Settings, event: Event) -> str | None:
    """The id other servers know ``event`` by; None when it does not federate."""
    if event.organizer.is_local:
        return settings.url(f"{EVENTS_PATH}{event.uuid}") if federates(event) else None
    return await _remote_id(session, "event", event.id)


async def comment_ap_id(session: AsyncSession, settings: Settings, comment: Comment) -> str | None:
    """Ours for a local author's comment, the origin's for a remote one (None if unknown)."""
    if comment.author is not None and comment.author.is_local:
        return local_comment_id(settings, comment)
    return await _remote_id(session, "comment", comment.id)


async def local_event_at(session: AsyncSession, settings: Settings, ap_id: str) -> Event | None:
    """Our event that ``ap_id`` names, when it federates (never a draft or a private one)."""
    event_uuid = _local_uuid(settings, ap_id, EVENTS_PATH)
    event = await session.scalar(select(Event).where(Event.uuid == event_uuid)) if event_uuid else None
    return event if event is not None and event.organizer.is_local and federates(event) else None


async def reply_target(session: AsyncSession, settings: Settings, ap_id: str) -> ReplyTarget | None:
    """The event or comment that ``ap_id`` names here, or None when it names nothing we share."""
    if _local_uuid(settings, ap_id, EVENTS_PATH) is not None:
        event = await local_event_at(session, settings, ap_id)
        return ReplyTarget(event) if event is not None else None
    comment_uuid = _local_uuid(settings, ap_id, COMMENTS_PATH)
    if comment_uuid is not None:
        comment = await session.scalar(select(Comment).where(Comment.uuid == comment_uuid))
        return await _under_comment(session, comment)
    record = await record_of(session, ap_id)
    if record is None or record.deleted_at is not None or record.local_id is None:
        return None
    if record.kind == "event":
        event = await session.get(Event, record.local_id)
        return ReplyTarget(event) if event is not None else None
    if record.kind == "comment":
        return await _under_comment(session, await session.get(Comment, record.local_id))
    return None


async def _under_comment(session: AsyncSession, comment: Comment | None) -> ReplyTarget | None:
    if comment is None:
        return None
    event = await session.get_one(Event, comment.event_id)
    return ReplyTarget(event, comment) if is_shared(event) else None


async def _remote_id(session: AsyncSession, kind: str, local_id: int) -> str | None:
    return await session.scalar(
        select(ApObject.ap_id).where(ApObject.kind == kind, ApObject.local_id == local_id,
                                     ApObject.deleted_at.is_(None))
    )


def _local_uuid(settings: Settings, ap_id: str, path: str) -> uuid.UUID | None:
    prefix = settings.url(path)
    if not ap_id.startswith(prefix):
        return None
    try:
        return uuid.UUID(ap_id.removeprefix(prefix))
    except ValueError:
        return None
