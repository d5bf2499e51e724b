"""Forwarding a report about another instance's content to that instance, as federation allows.

The moderator decides, from the report's page or the API: the copy goes through
``moderation_forward_report``, which the federation plugin answers by queueing a
``Flag`` from the instance actor, so the reporter is never named; the reporter's
words go only when the moderator ticks it. A report is forwarded once (claimed with
a conditional update, so two moderators at the same moment send one Flag), never when
what it reports lives here, and each forward is a line in the action log (target:
the domain it went to).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Response, post
from sqlalchemy import update

from core.api.openapi import refusals
from core.auth import Caller, signed_in
from core.context import Ctx
from core.db.base import rowcount, utcnow
from core.errors import Conflict, NotFound
from core.i18n import N_
from core.web.forms import Form, text
from core.web.render import done
from plugins.moderation.actionlog import record
from plugins.moderation.models import Report
from plugins.moderation.roles import require_staff

# a report's id in a path: more digits than a database integer holds names no report
ID_DIGITS = 9


async def forward_report(ctx: Ctx, report_id: str, with_comment: bool) -> Report:
    """Send report ``report_id`` to the reported thing's instance; 409 when local, already sent, or impossible."""
    require_staff(ctx)
    number = int(report_id) if report_id.isascii() and report_id.isdigit() and len(report_id) <= ID_DIGITS else None
    report = await ctx.session.get(Report, number) if number is not None else None
    if report is None:
        raise NotFound(N_("no such report"))
    if not report.reported_domain:
        raise Conflict(N_("this report is about something of this instance: there is no other instance to tell"))
    claimed = await ctx.session.execute(
        update(Report).where(Report.id == report.id, Report.forwarded_at.is_(None)).values(forwarded_at=utcnow())
        .execution_options(synchronize_session=False))
    if rowcount(claimed) != 1:
        raise Conflict(N_("this report was forwarded already"))
    await ctx.session.refresh(report)
    sent = await ctx.call("moderation_forward_report", report=report, comment=report.comment if with_comment else "")
    if True not in sent:
        raise Conflict(N_("this report cannot be forwarded: federation is off here, or the reported instance is not known"))
    record(ctx, "report.forward", report.reported_domain, report_id=report.id)
    return report


class ForwardIn(msgspec.Struct, forbid_unknown_fields=True):
    with_comment: bool = False
    """Send the reporter's words too (never who they are)."""


class ForwardOut(msgspec.Struct):
    id: int
    forwarded_at: datetime
    domain: str


@post("/api/v1/admin/reports/{report_id:str}/forward", status_code=200, tags=["moderation"], guards=[signed_in],
      responses=refusals(403, 404, 409))
async def forward_api(ctx: Ctx, api: Caller, report_id: str, data: ForwardIn) -> ForwardOut:
    """Forward a report about remote content to its instance, as a ``Flag`` from this instance (staff only)."""
    report = await forward_report(ctx, report_id, data.with_comment)
    assert report.forwarded_at is not None
    return ForwardOut(report.id, report.forwarded_at, report.reported_domain)


@post("/admin/reports/{report_id:str}/forward", include_in_schema=False)
async def forward_form(ctx: Ctx, web: Caller, report_id: str, data: Form) -> Response:
    """The report page's button (templates/moderation/report_forward.html)."""
    web.require_account()
    report = await forward_report(ctx, report_id, text(data, "with_comment") == "yes")
    return done(f"/admin/reports/{report.id}", "forwarded")


def forwarding_handlers() -> list[Any]:
    return [forward_api, forward_form]
