"""Reading the action log: newest first, filtered, a page at a time (the log page and the API share it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from core.context import Ctx
from core.errors import InvalidInput
from core.events.listing import Page
from core.i18n import N_
from plugins.moderation import action_targets as targets
from plugins.moderation.models import ModerationAction

MAX_PER_PAGE = 100
# the log names actions ``<kind>.<verb>``; other plugins add theirs (a domain's suspension), so any such name filters
ACTION_NAME = re.compile(r"[a-z_]{1,19}\.[a-z_]{1,20}")


@dataclass(frozen=True)
class LogFilters:
    """``action`` as the log names it (``event.hold``); ``target`` as a moderator gives it (an address,
    an account id); ``moderator``: an account id. Empty values do not filter."""

    action: str = ""
    target: str = ""
    moderator: int | None = None


async def _query(ctx: Ctx, filters: LogFilters) -> Select[Any]:
    query = select(ModerationAction)
    if filters.action:
        if not ACTION_NAME.fullmatch(filters.action):
            raise InvalidInput.field("action", N_("an action of the log is named like event.hold"))
        query = query.where(ModerationAction.action == filters.action)
    if filters.target.strip():
        kind, ref = await targets.log_key(ctx, filters.target)
        query = query.where(ModerationAction.target_kind == kind, ModerationAction.target_ref == ref)
    if filters.moderator is not None:
        query = query.where(ModerationAction.moderator_account_id == filters.moderator)
    return query


async def log_page(ctx: Ctx, filters: LogFilters, page: int, per_page: int) -> Page:
    """One page of the log's lines (the listing's ``Page``, as events are paged)."""
    query = await _query(ctx, filters)
    total = await ctx.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = await ctx.session.scalars(
        query.order_by(ModerationAction.id.desc()).offset((page - 1) * per_page).limit(per_page))
    return Page(list(rows), total, page, per_page)
