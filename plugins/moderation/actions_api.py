"""The JSON API of moderators' actions and of the action log, under ``/api/v1/admin/actions``.

The same service as the forms (actions.py); moderators and administrators only:
members get 403, anonymous callers 401.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, get, post
from litestar.params import Parameter
from msgspec import Meta

from core.api.openapi import refusals
from core.auth import Caller, signed_in
from core.context import Ctx
from plugins.moderation import actions
from plugins.moderation.actions import ACTIONS, REASON_MAX
from plugins.moderation.logbook import MAX_PER_PAGE, LogFilters, log_page
from plugins.moderation.models import ModerationAction
from plugins.moderation.roles import require_staff

Verb = Literal["hide", "release", "delete", "warn", "suspend", "unsuspend", "approve"]


class ActionIn(msgspec.Struct, forbid_unknown_fields=True):
    action: Verb
    """hide, release or delete an event or a comment; warn, suspend or unsuspend an identity;
    suspend, unsuspend or approve an account."""
    target: Annotated[str, Meta(min_length=1, max_length=2048)]
    """The address of an event, a comment or a profile on this instance, or an account's id (``"42"``)."""
    reason: Annotated[str, Meta(max_length=REASON_MAX)] = ""
    report: Annotated[int, Meta(ge=1)] | None = None
    """The report this action answers, if any."""
    tell: bool = True
    """Tell the person concerned (when the instance tells at all); a warning is always told."""


class ReverseIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, Meta(max_length=REASON_MAX)] = ""
    tell: bool = True


class ActionOut(msgspec.Struct):
    id: int
    at: datetime
    moderator: int | None
    """The moderator's account id; null for what the instance did by itself."""
    action: str
    """As the core names it: ``event.hold`` (hide), ``event.release``, ``identity.suspend``..."""
    target_kind: str
    target_ref: str
    """An event's or comment's uuid, an identity's or account's id, a domain."""
    target_label: str
    """What the target was called then (a title, a handle), kept after it is gone."""
    reason: str
    report: int | None
    reverses: int | None
    reversed_at: datetime | None


class ActionPage(msgspec.Struct):
    items: list[ActionOut]
    total: int
    page: int
    per_page: int


def action_out(line: ModerationAction) -> ActionOut:
    return ActionOut(line.id, line.at, line.moderator_account_id, line.action, line.target_kind, line.target_ref,
                     line.target_label, line.reason, line.report_id, line.reverses_id, line.reversed_at)


ActionName = Annotated[str, Parameter(max_length=40, description=f"as the log names it: {', '.join(ACTIONS)}...")]


class ActionController(Controller):
    path = "/api/v1/admin/actions"
    tags = ["admin"]
    guards = [signed_in]

    @post("", status_code=201, responses=refusals(403, 409, 422))
    async def act(self, ctx: Ctx, api: Caller, data: ActionIn) -> ActionOut:
        """Act on an event, a comment, an identity or an account; answers the action log's line."""
        api.require_account()
        line = await actions.act(ctx, data.action, data.target, data.reason, data.report, data.tell)
        return action_out(line)

    @get("", responses=refusals(403, 422))
    async def log(self, ctx: Ctx, api: Caller, action: ActionName = "",
                  target: Annotated[str, Parameter(max_length=2048)] = "",
                  moderator: Annotated[int | None, Parameter(ge=1, le=2**53)] = None,
                  page: Annotated[int, Parameter(ge=1, le=10_000)] = 1,
                  per_page: Annotated[int, Parameter(ge=1, le=MAX_PER_PAGE)] = 50) -> ActionPage:
        """The action log, newest first; filtered by action, by target (as given to act) and by moderator."""
        api.require_account()
        require_staff(ctx)
        found = await log_page(ctx, LogFilters(action, target, moderator), page, per_page)
        return ActionPage([action_out(line) for line in found.items], found.total, found.page, found.per_page)

    @post("/{line_id:str}/reverse", status_code=201, responses=refusals(403, 404, 409))
    async def reverse(self, ctx: Ctx, api: Caller, line_id: Annotated[str, Parameter(max_length=20)],
                      data: ReverseIn) -> ActionOut:
        """Undo a hiding or a suspension; answers the new line, which names the one it undoes."""
        api.require_account()
        return action_out(await actions.reverse(ctx, line_id, data.reason, data.tell))


def api_handlers() -> list[Any]:
    return [ActionController]
