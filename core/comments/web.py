"""Comment pages and actions: post or reply from the event page, edit one's own, delete.

A refused comment (empty, too long, refused by a content policy) comes back on the
event page in the form it was typed in (the main form or a reply), text kept.
"""

from __future__ import annotations

from litestar import Response, get, post

from core.auth import Caller
from core.comments import service
from core.comments.models import Comment
from core.context import Ctx
from core.errors import Forbidden
from core.events.listing import visible_event
from core.events.models import Event
from core.events.web import event_page, event_url
from core.identities.service import own_identity
from core.web.forms import Form, FormState, attempt, text
from core.web.render import done, page


def _anchor(event: Event, comment: Comment) -> str:
    return f"{event_url(event)}#c-{comment.uuid}"


@post("/events/{uuid:str}/comments", include_in_schema=False)
async def post_comment(ctx: Ctx, web: Caller, uuid: str, data: Form) -> Response:
    account = web.require_account()
    event = await visible_event(ctx, uuid)
    reply_to = text(data, "in_reply_to") or None
    form = f"reply-{reply_to}" if reply_to else "comment"

    async def act() -> Response:
        author = await own_identity(ctx, account, text(data, "identity") or None)
        comment = await service.post_comment(ctx, author, event, text(data, "text"), reply_to)
        await ctx.session.flush()  # the comment's uuid is known once it is written
        return done(_anchor(event, comment), "comment-held" if comment.held_at else "comment-posted")

    return await attempt(ctx, web, form, data, act, lambda state: event_page(ctx, web, event, state), event)


async def _own_comment(ctx: Ctx, web: Caller, uuid: str, comment: str) -> tuple[Event, Comment]:
    """The event and a comment on it that one of my identities wrote (and that still exists)."""
    web.require_account()
    event = await visible_event(ctx, uuid)
    found = await service.comment_by_uuid(ctx, event, comment)
    if found.author_id not in web.identity_ids or found.is_deleted:
        raise Forbidden("only the author may edit this comment")
    return event, found


def _edit_page(me: Caller, event: Event, comment: Comment, form: FormState) -> Response:
    return page("comment_edit.html", me, form, event=event, comment=comment)


@get("/events/{uuid:str}/comments/{comment:str}/edit", include_in_schema=False)
async def edit_form(ctx: Ctx, web: Caller, uuid: str, comment: str) -> Response:
    event, found = await _own_comment(ctx, web, uuid, comment)
    return _edit_page(web, event, found, FormState("edit", {"text": found.text}))


@post("/events/{uuid:str}/comments/{comment:str}/edit", include_in_schema=False)
async def edit(ctx: Ctx, web: Caller, uuid: str, comment: str, data: Form) -> Response:
    event, found = await _own_comment(ctx, web, uuid, comment)

    async def act() -> Response:
        await service.edit_comment(ctx, found, text(data, "text"))
        return done(_anchor(event, found), "comment-edited")

    return await attempt(ctx, web, "edit", data, act, lambda form: _edit_page(web, event, found, form), event, found)


@post("/events/{uuid:str}/comments/{comment:str}/delete", include_in_schema=False)
async def delete(ctx: Ctx, web: Caller, uuid: str, comment: str) -> Response:
    """The author deletes their comment, the organiser any; replies stay in their thread."""
    web.require_account()
    event = await visible_event(ctx, uuid)
    found = await service.comment_by_uuid(ctx, event, comment)
    await service.delete_comment(ctx, event, found)
    return done(_anchor(event, found), "comment-deleted")


HANDLERS = [post_comment, edit_form, edit, delete]
