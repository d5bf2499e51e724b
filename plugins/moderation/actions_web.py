"""Moderators' action forms: a page of its own (``/admin/actions/new``), and the form posts that
the log, the review page, the report page and the staff tools in page slots (tools_web.py) send.

The same service as the API (actions.py). A refused action shows the action page again with
what was typed and why; a done one goes back where the moderator was (``next``, a local path),
else to the log. Staff only: visitors are sent to log in, members refused (403).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Response, get, post
from litestar.params import Parameter

from core.auth import Caller
from core.context import Ctx
from core.errors import InvalidInput
from core.i18n import N_
from core.web.forms import Form, FormState, attempt, checked, text
from core.web.render import done, page, safe_next
from plugins.moderation import actions
from plugins.moderation.log_web import LOG_PAGE, log_page_response
from plugins.moderation.roles import require_staff

ACTION_PAGE = "/admin/actions"
Short = Annotated[str, Parameter(max_length=20)]
Address = Annotated[str, Parameter(max_length=2048)]


def staff_only(ctx: Ctx, web: Caller) -> None:
    web.require_account()
    require_staff(ctx)


def _report_id(data: dict[str, Any]) -> int | None:
    value = text(data, "report").strip()
    if not value:
        return None
    if not value.isdigit() or len(value) > 18:
        raise InvalidInput.field("report", N_("there is no such report"))
    return int(value)


def _back(data: dict[str, Any]) -> str:
    """Where the moderator was (``next``); the log when that was the page of what they just
    deleted or suspended, which is gone for them too."""
    back = safe_next(text(data, "next"), LOG_PAGE)
    if text(data, "action") in ("delete", "suspend") and back.split("#")[0] == text(data, "target").strip():
        return LOG_PAGE
    return back


def _action_page(web: Caller, form: FormState) -> Response:
    return page("moderation/actions.html", web, form)


@get(f"{ACTION_PAGE}/new", include_in_schema=False)
async def action_form(ctx: Ctx, web: Caller, action: Short = "", target: Address = "", report: Short = "") -> Response:
    staff_only(ctx, web)
    return _action_page(web, FormState("act", {"action": action, "target": target, "report": report, "tell": "on"}))


@post(ACTION_PAGE, include_in_schema=False)
async def act(ctx: Ctx, web: Caller, data: Form) -> Response:
    staff_only(ctx, web)

    async def run() -> Response:
        await actions.act(ctx, text(data, "action"), text(data, "target"), text(data, "reason"), _report_id(data),
                          checked(data, "tell"))
        return done(_back(data), "action-done")

    return await attempt(ctx, web, "act", data, run, lambda form: _action_page(web, form))


@post(f"{ACTION_PAGE}/{{line_id:str}}/reverse", include_in_schema=False)
async def reverse(ctx: Ctx, web: Caller, line_id: Annotated[str, Parameter(max_length=20)], data: Form) -> Response:
    staff_only(ctx, web)

    async def run() -> Response:
        await actions.reverse(ctx, line_id, text(data, "reason"), checked(data, "tell"))
        return done(LOG_PAGE, "action-reversed")

    return await attempt(ctx, web, "reverse", data, run, lambda form: log_page_response(ctx, web, form))


HANDLERS: list[Any] = [action_form, act, reverse]
