"""Posting, editing, deleting and listing threaded comments.

Text goes through ``convene_check_content``: a deny refuses it, a hold keeps the
comment for a moderator's review, shown to its author alone, and the lifecycle hook
(created, or updated for a held edit) fires when a moderator releases it; the organiser
and the author answered hear of a new comment then (core.comments.news), not while it is held. Lists of
comments go through ``visible_comments``: held ones and what a plugin filters out
(``convene_filter_comments``) are hidden everywhere, pages, API and federation alike.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select, update

from core.comments.models import Comment
from core.comments.news import tell_of_comment
from core.context import Ctx
from core.db.base import utcnow
from core.decisions import Verdict
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.events.models import Event
from core.i18n import stored_messages
from core.identities.models import Identity
from core.permissions import require_can_act, require_moderator, require_owner_or_moderator
from core.sanitize import rich_text, written_text

TEXT_MAX = 5000


def _clean(text: str) -> str:
    return written_text(text, TEXT_MAX, rich_text)


async def comment_by_uuid(ctx: Ctx, event: Event, value: str) -> Comment:
    try:
        key = uuid.UUID(value)
    except ValueError:
        raise NotFound("no such comment") from None
    comment = await ctx.session.scalar(select(Comment).where(Comment.uuid == key, Comment.event_id == event.id))
    if comment is None:
        raise NotFound("no such comment")
    return comment


async def _content_verdict(ctx: Ctx, author: Identity, text: str) -> Verdict:
    verdict = await ctx.decide("convene_check_content", author=author, kind="comment", text=text)
    if verdict.denied:
        raise Forbidden(verdict.reason)
    return verdict


async def post_comment(ctx: Ctx, author: Identity, event: Event, text: str, in_reply_to: str | None = None) -> Comment:
    await require_can_act(ctx, author, "comment.post")
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
    verdict = await _content_verdict(ctx, author, clean)
    comment = Comment(event_id=event.id, author=author, author_id=author.id, text=clean,
                      in_reply_to_id=parent.id if parent else None)
    ctx.session.add(comment)
    ctx.pages_changed(event)
    if verdict.held:
        await _hold(ctx, comment, verdict.reasons, edit=False)
    else:
        await ctx.emit("convene_comment_created", comment=comment)
        await tell_of_comment(ctx, comment)
    return comment


async def edit_comment(ctx: Ctx, comment: Comment, text: str) -> None:
    """Its author (one of ``ctx.viewer``'s identities) changes a comment's text."""
    author = comment.author
    if author is None or not ctx.viewer.holds(author.id) or comment.is_deleted:
        raise Forbidden("only the author may edit this comment")
    await require_can_act(ctx, author, "comment.edit")
    clean = _clean(text)
    verdict = await _content_verdict(ctx, author, clean)
    comment.text, comment.updated_at = clean, utcnow()
    ctx.pages_changed(await ctx.session.get_one(Event, comment.event_id))
    if comment.held_at is not None:
        return
    if verdict.held:
        await _hold(ctx, comment, verdict.reasons, edit=True)
    else:
        await ctx.emit("convene_comment_updated", comment=comment)


async def delete_comment(ctx: Ctx, event: Event, comment: Comment) -> None:
    """The author or the event's organiser removes a comment, or a moderator a plugin grants it to
    (``comment.delete``); its replies stay in place."""
    if not ctx.viewer.holds(event.organizer_id):
        await require_owner_or_moderator(ctx, "comment.delete", comment, comment.author_id,
                                         "only the author or the organiser may delete this comment")
    if comment.is_deleted:
        raise NotFound("no such comment")
    comment.text, comment.deleted_at = "", utcnow()
    ctx.pages_changed(event)
    await ctx.emit("convene_comment_deleted", comment=comment)


async def _hold(ctx: Ctx, comment: Comment, reasons: tuple[str, ...], edit: bool) -> None:
    comment.held_at, comment.held_reasons, comment.held_edit = utcnow(), stored_messages(reasons), edit
    await ctx.emit("convene_held", kind="comment", target=comment, reasons=list(reasons))


async def hold_comment(ctx: Ctx, comment: Comment, reason: str) -> None:
    """A moderator takes a shown comment out of sight for review (``comment.hold``)."""
    await require_moderator(ctx, "comment.hold", comment)
    if comment.held_at is not None or comment.is_deleted:
        raise Conflict("this comment is not shown")
    ctx.pages_changed(await ctx.session.get_one(Event, comment.event_id))
    await _hold(ctx, comment, (reason,), edit=True)


async def release_comment(ctx: Ctx, comment: Comment) -> None:
    """A moderator releases a held comment (``comment.release``): it is shown, and plugins hear of it
    as posted, or as edited when it was shown before."""
    await require_moderator(ctx, "comment.release", comment)
    if comment.held_at is None:
        raise Conflict("this comment is not held for review")
    edit = comment.held_edit
    comment.held_at, comment.held_reasons, comment.held_edit = None, [], False
    ctx.pages_changed(await ctx.session.get_one(Event, comment.event_id))
    await ctx.emit("convene_released", kind="comment", target=comment)
    await ctx.emit("convene_comment_updated" if edit else "convene_comment_created", comment=comment)
    if not edit:
        await tell_of_comment(ctx, comment)


async def anonymise_comments_of(ctx: Ctx, identity: Identity) -> None:
    """When an identity goes, its comments lose their text and author; threads stay whole."""
    await ctx.session.execute(
        update(Comment).where(Comment.author_id == identity.id)
        .values(text="", deleted_at=utcnow(), author_id=None).execution_options(synchronize_session=False)
    )


@dataclass
class Thread:
    comment: Comment
    replies: list[Thread] = field(default_factory=list)

    def comments(self) -> list[Comment]:
        """This comment and every reply under it, in reading order."""
        return [self.comment, *(c for reply in self.replies for c in reply.comments())]


async def visible_comments(ctx: Ctx, query: Select[Any]) -> Select[Any]:
    """``query`` (a select of comments) narrowed to what ``ctx.viewer`` may see: held comments only
    by their author, and what every plugin's ``convene_filter_comments`` lets through."""
    shown: ColumnElement[bool] = Comment.held_at.is_(None)
    if ctx.viewer.identity_ids:
        shown = or_(shown, Comment.author_id.in_(ctx.viewer.identity_ids))
    return query.where(shown, *await ctx.call("convene_filter_comments"))


async def comment_threads(ctx: Ctx, event: Event) -> list[Thread]:
    query = select(Comment).where(Comment.event_id == event.id).order_by(Comment.created_at, Comment.id)
    rows = list(await ctx.session.scalars(await visible_comments(ctx, query)))
    nodes = {c.id: Thread(c) for c in rows}
    roots: list[Thread] = []
    for c in rows:
        parent = nodes.get(c.in_reply_to_id) if c.in_reply_to_id else None
        (parent.replies if parent else roots).append(nodes[c.id])
    return roots
