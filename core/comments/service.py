"""Posting, editing, deleting and listing threaded comments."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select, update

from core.context import Ctx
from core.db.base import utcnow
from core.comments.models import Comment
from core.errors import Forbidden, InvalidInput, NotFound
from core.events.models import Event
from core.i18n import Message
from core.identities.models import Identity
from core.sanitize import rich_text

TEXT_MAX = 5000


def _clean(text: str) -> str:
    if len(text) > TEXT_MAX:
        raise InvalidInput.field("text", Message("must be at most %(count)s characters", count=TEXT_MAX))
    clean = rich_text(text)
    if not clean:
        raise InvalidInput.field("text", "this field is required")
    return clean


async def comment_by_uuid(ctx: Ctx, event: Event, value: str) -> Comment:
    try:
        key = uuid.UUID(value)
    except ValueError:
        raise NotFound("no such comment") from None
    comment = await ctx.session.scalar(select(Comment).where(Comment.uuid == key, Comment.event_id == event.id))
    if comment is None:
        raise NotFound("no such comment")
    return comment


async def post_comment(ctx: Ctx, author: Identity, event: Event, text: str, in_reply_to: str | None = None) -> Comment:
    if not event.comments_enabled:
        raise Forbidden("comments are closed on this event")
    clean = _clean(text)
    parent = None
    if in_reply_to:
        try:
            parent = await comment_by_uuid(ctx, event, in_reply_to)
        except NotFound:
            raise InvalidInput.field("in_reply_to", "no such comment on this event") from None
        if parent.is_deleted:
            raise InvalidInput.field("in_reply_to", "this comment was deleted")
    await ctx.require_allowed("convene_check_content", author=author, kind="comment", text=clean)
    comment = Comment(event_id=event.id, author=author, author_id=author.id, text=clean,
                      in_reply_to_id=parent.id if parent else None)
    ctx.session.add(comment)
    ctx.pages_changed(event)
    await ctx.emit("convene_comment_created", comment=comment)
    return comment


async def edit_comment(ctx: Ctx, editor_ids: frozenset[int], comment: Comment, text: str) -> None:
    if comment.author_id not in editor_ids or comment.is_deleted:
        raise Forbidden("only the author may edit this comment")
    clean = _clean(text)
    await ctx.require_allowed("convene_check_content", author=comment.author, kind="comment", text=clean)
    comment.text, comment.updated_at = clean, utcnow()
    ctx.pages_changed(await ctx.session.get_one(Event, comment.event_id))
    await ctx.emit("convene_comment_updated", comment=comment)


async def delete_comment(ctx: Ctx, actor_ids: frozenset[int], event: Event, comment: Comment) -> None:
    """The author, or the event's organiser, removes a comment; its replies stay in place."""
    if comment.author_id not in actor_ids and event.organizer_id not in actor_ids:
        raise Forbidden("only the author or the organiser may delete this comment")
    if comment.is_deleted:
        raise NotFound("no such comment")
    comment.text, comment.deleted_at = "", utcnow()
    ctx.pages_changed(event)
    await ctx.emit("convene_comment_deleted", comment=comment)


async def anonymise_comments_of(ctx: Ctx, identity: Identity) -> None:
    """When an identity goes, its comments lose their text and author; threads stay whole."""
    await ctx.session.execute(
        update(Comment).where(Comment.author_id == identity.id)
        .values(text="", deleted_at=utcnow(), author_id=None).execution_options(synchronize_session=False)
    )


@dataclass
class Thread:
    comment: Comment
    replies: list["Thread"] = field(default_factory=list)


async def comment_threads(ctx: Ctx, event: Event) -> list[Thread]:
    rows = list(await ctx.session.scalars(
        select(Comment).where(Comment.event_id == event.id).order_by(Comment.created_at, Comment.id)))
    nodes = {c.id: Thread(c) for c in rows}
    roots: list[Thread] = []
    for c in rows:
        parent = nodes.get(c.in_reply_to_id) if c.in_reply_to_id else None
        (parent.replies if parent else roots).append(nodes[c.id])
    return roots
