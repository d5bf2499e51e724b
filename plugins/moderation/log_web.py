"""The action log's page, ``/admin/log``: every moderator's action, newest first, filtered as the API is.

Each line says who (the moderator's address: staff know each other), what, on which thing
(its label then, linked while it exists), why and for which report, and whether it was
undone; a hiding or a suspension still in force has its "Undo" form. Staff only.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Response, get
from litestar.params import Parameter
from sqlalchemy import select

from core.accounts.models import Account
from core.auth import Caller
from core.context import Ctx
from core.errors import DomainError
from core.events.listing import Page
from core.web import render
from core.web.forms import FormState, refused
from core.web.slots import MenuLink
from plugins.moderation.actions import UNDONE_BY
from plugins.moderation.logbook import LogFilters, log_page
from plugins.moderation.roles import require_staff

LOG_PAGE = "/admin/log"
PER_PAGE = 50
NO_FILTER = LogFilters()
MENU_LINKS = [MenuLink("Moderation log", LOG_PAGE, role=role) for role in ("moderator", "administrator")]


async def log_page_response(ctx: Ctx, web: Caller, form: FormState, filters: LogFilters = NO_FILTER,
                            page_number: int = 1) -> Response:
    """The log page; ``form`` is the state of its filter or undo form."""
    try:
        found = await log_page(ctx, filters, page_number, PER_PAGE)
    except DomainError as exc:  # a filter that names nothing: the page says so, with no lines
        form = refused("filter", exc, {"action": filters.action, "target": filters.target})
        found = Page([], 0, page_number, PER_PAGE)
    moderator_ids = {line.moderator_account_id for line in found.items} - {None}
    rows = await ctx.session.execute(select(Account.id, Account.email).where(Account.id.in_(moderator_ids)))
    moderators = dict(rows.all())  # a Result has keys(): dict() would read it as a mapping
    query = {"action": filters.action, "target": filters.target,
             "moderator": "" if filters.moderator is None else str(filters.moderator)}
    return render.page("moderation/log.html", web, form, log=found, moderators=moderators, undoable=UNDONE_BY,
                filters=query)


@get(LOG_PAGE, include_in_schema=False)
async def log(ctx: Ctx, web: Caller, action: Annotated[str, Parameter(max_length=40)] = "",
              target: Annotated[str, Parameter(max_length=2048)] = "",
              moderator: Annotated[int | None, Parameter(ge=1, le=2**53)] = None,
              page: Annotated[int, Parameter(ge=1, le=10_000)] = 1) -> Response:
    web.require_account()
    require_staff(ctx)
    filters = LogFilters(action.strip(), target.strip(), moderator)
    form = FormState("filter", {"action": filters.action, "target": filters.target})
    return await log_page_response(ctx, web, form, filters, page)


HANDLERS: list[Any] = [log]
