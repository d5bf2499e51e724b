"""API: threaded comments on an event."""

from __future__ import annotations

import uuid as uuid_module
from datetime import datetime
from typing import Annotated

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.status_codes import HTTP_204_NO_CONTENT
from msgspec import Meta

from core.api.openapi import refusals
from core.auth import Caller, signed_in
from core.comments import service
from core.comments.service import TEXT_MAX, Thread
from core.context import Ctx
from core.events.listing import SHOWS_EVENTS, visible_event
from core.identities.schemas import IdentityName, IdentityOut, identity_out
from core.identities.service import own_identity
from core.settings import Settings


class CommentOut(msgspec.Struct):
    uuid: uuid_module.UUID
    author: IdentityOut | None
    text: str
    deleted: bool
    created_at: datetime
    updated_at: datetime
    replies: list[CommentOut] = []


class CommentInput(msgspec.Struct, forbid_unknown_fields=True):
    text: Annotated[str, Meta(min_length=1, max_length=TEXT_MAX)]
    identity: IdentityName | None = None
    in_reply_to: Annotated[str, Meta(max_length=36)] | None = None


class CommentEdit(msgspec.Struct, forbid_unknown_fields=True):
    text: Annotated[str, Meta(min_length=1, max_length=TEXT_MAX)]


def _out(thread: Thread, settings: Settings) -> CommentOut:
    c = thread.comment
    return CommentOut(c.uuid, identity_out(c.author, settings) if c.author else None, c.text, c.is_deleted,
                      c.created_at, c.updated_at, [_out(r, settings) for r in thread.replies])


class CommentController(Controller):
    path = "/api/v1/events/{uuid:str}/comments"
    tags = ["comments"]

    @get("", opt=SHOWS_EVENTS)
    async def list_comments(self, ctx: Ctx, api: Caller, uuid: str) -> list[CommentOut]:
        """Comments as threads: each top-level comment with its replies, oldest first."""
        event = await visible_event(ctx, uuid)
        return [_out(t, ctx.settings) for t in await service.comment_threads(ctx, event)]

    @post("", status_code=201, guards=[signed_in], responses=refusals(403))
    async def post_comment(self, ctx: Ctx, api: Caller, uuid: str, data: CommentInput) -> CommentOut:
        author = await own_identity(ctx, api.require_account(), data.identity)
        event = await visible_event(ctx, uuid)
        comment = await service.post_comment(ctx, author, event, data.text, data.in_reply_to)
        return _out(Thread(comment), ctx.settings)

    @patch("/{comment:str}", guards=[signed_in], responses=refusals(403))
    async def edit(self, ctx: Ctx, api: Caller, uuid: str, comment: str, data: CommentEdit) -> CommentOut:
        api.require_account()
        event = await visible_event(ctx, uuid)
        found = await service.comment_by_uuid(ctx, event, comment)
        await service.edit_comment(ctx, found, data.text)
        return _out(Thread(found), ctx.settings)

    @delete("/{comment:str}", status_code=HTTP_204_NO_CONTENT, guards=[signed_in], responses=refusals(403))
    async def remove(self, ctx: Ctx, api: Caller, uuid: str, comment: str) -> None:
        api.require_account()
        event = await visible_event(ctx, uuid)
        await service.delete_comment(ctx, event, await service.comment_by_uuid(ctx, event, comment))
