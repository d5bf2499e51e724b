"""The moderation queue's pages: ``/admin/reports`` (filters, counts per status) and each report's page.

The same service as the API (queue.py). Visitors are sent to log in, members refused
(403). A report's page leaves room for the actions on the reported thing and person,
which another part of the plugin provides (``moderation/report_actions.html``, with
``report`` in its context); without it the page still works.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Response, get, post
from litestar.params import Parameter
from sqlalchemy import select

from core.auth import Caller
from core.context import Ctx
from core.errors import InvalidInput
from core.i18n import N_
from core.web.forms import Form, FormState, attempt, text
from core.web.render import done, page
from core.web.slots import MenuLink
from plugins.moderation import queue
from plugins.moderation.models import REPORT_STATUSES, InstanceRule
from plugins.moderation.roles import require_staff

PAGE = "/admin/reports"
MENU_LINKS = [MenuLink("Reports", PAGE, role=role) for role in ("moderator", "administrator")]
ReportId = Annotated[str, Parameter(max_length=12)]


def _account(value: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit() and len(value) <= 9):
        raise InvalidInput({"account": N_("must be a number")})
    return int(value)


@get(PAGE, include_in_schema=False)
async def queue_page(
    ctx: Ctx, web: Caller, status: Annotated[str, Parameter(max_length=10)] = "open",
    rule: Annotated[str, Parameter(max_length=20)] = "", domain: Annotated[str, Parameter(max_length=253)] = "",
    account: Annotated[str, Parameter(max_length=12)] = "", assigned: Annotated[str, Parameter(max_length=5)] = "",
    page_number: Annotated[int, Parameter(query="page", ge=1, le=10_000)] = 1,
) -> Response:
    web.require_account()
    require_staff(ctx)
    if status not in (*REPORT_STATUSES, ""):
        status = "open"
    chosen = queue.QueueFilter(status, rule, domain, _account(account), assigned == "me")
    found = await queue.reports(ctx, chosen, page_number, 20)
    rules = list(await ctx.session.scalars(select(InstanceRule).order_by(InstanceRule.position, InstanceRule.id)))
    filters = {"status": status, "rule": rule, "domain": domain, "account": account, "assigned": assigned}
    return page("moderation/queue.html", web, FormState("filter", filters), found=found, counts=await queue.counts(ctx),
                rules=rules, filters=filters)


async def _report_page(ctx: Ctx, me: Caller, report_id: str, form: FormState) -> Response:
    report = await queue.report_by_id(ctx, report_id)
    found = await queue.detail(ctx, report)
    return page("moderation/queue_report.html", me, form, report=report, detail=found)


@get(f"{PAGE}/{{report_id:str}}", include_in_schema=False)
async def report_page(ctx: Ctx, web: Caller, report_id: ReportId) -> Response:
    web.require_account()
    return await _report_page(ctx, web, report_id, FormState("note"))


def _change(path: str, key: str, change: Any) -> Any:
    """A one-button change of a report: staff only, back to its page with a confirmation."""

    @post(f"{PAGE}/{{report_id:str}}/{path}", include_in_schema=False, name=f"moderation-report-{path}")
    async def handler(ctx: Ctx, web: Caller, report_id: ReportId, data: Form) -> Response:
        web.require_account()
        here = f"{PAGE}/{report_id}"

        async def act() -> Response:
            await change(ctx, await queue.report_by_id(ctx, report_id))
            return done(here, key)

        return await attempt(ctx, web, path, data, act, lambda form: _report_page(ctx, web, report_id, form))

    return handler


async def _add_note(ctx: Ctx, web: Caller, report_id: str, data: dict[str, Any]) -> Response:
    async def act() -> Response:
        await queue.add_note(ctx, await queue.report_by_id(ctx, report_id), text(data, "text"))
        return done(f"{PAGE}/{report_id}", "note-added")

    return await attempt(ctx, web, "note", data, act, lambda form: _report_page(ctx, web, report_id, form))


@post(f"{PAGE}/{{report_id:str}}/notes", include_in_schema=False)
async def add_note(ctx: Ctx, web: Caller, report_id: ReportId, data: Form) -> Response:
    web.require_account()
    return await _add_note(ctx, web, report_id, data)


async def _resolve(ctx: Ctx, report: Any) -> None:
    await queue.decide(ctx, report, "resolved")


async def _close(ctx: Ctx, report: Any) -> None:
    await queue.decide(ctx, report, "closed")


CHANGES = [_change("assign", "assigned", queue.assign), _change("unassign", "unassigned", queue.unassign),
           _change("resolve", "resolved", _resolve), _change("close", "closed", _close),
           _change("reopen", "reopened", queue.reopen)]


def queue_web_handlers() -> list[Any]:
    return [queue_page, report_page, add_note, *CHANGES]
