"""The moderation queue in the API: ``/api/v1/admin/reports`` and below it.

Moderators and administrators only: visitors get 401 (no token), members 403. Every
answer comes from queue.py, the same service as the queue's pages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, delete, get, post
from litestar.params import Parameter
from litestar.status_codes import HTTP_204_NO_CONTENT
from msgspec import Meta

from core.api.openapi import refusals
from core.auth import Caller, signed_in
from core.context import Ctx
from plugins.moderation import queue
from plugins.moderation.models import NOTE_MAX, ModerationAction, Report, ReportNote

ReportId = Annotated[str, Parameter(max_length=12)]


class ReportSummaryOut(msgspec.Struct):
    id: int
    created_at: datetime
    status: str
    category: str
    """``rule`` (one of the instance's: see ``rule_id`` and ``rule_text``), ``spam``, ``illegal`` or ``other``."""
    rule_id: int | None
    rule_text: str
    """The rule's words when it was picked."""
    target_kind: str
    target_url: str
    """The address that was reported."""
    reported: str
    """The reported identity's handle (the organiser, the author, or the profile), as it was then."""
    reported_account_id: int | None
    """For a local account: the filter ``account`` finds every report about it."""
    reported_domain: str
    """The reported thing's instance; ``""`` for this one."""
    origin_domain: str
    """The instance a ``Flag`` came from; ``""`` for a report made here."""
    assigned_account_id: int | None
    decided_at: datetime | None


class NoteOut(msgspec.Struct):
    id: int
    author_account_id: int | None
    text: str
    created_at: datetime


class ActionOut(msgspec.Struct):
    id: int
    at: datetime
    moderator_account_id: int | None
    action: str
    target_kind: str
    target_label: str
    reason: str
    reversed_at: datetime | None


class ReportOut(ReportSummaryOut):
    comment: str
    """The reporter's words."""
    snapshot: dict[str, Any]
    """The reported thing as it was when reported."""
    live_url: str | None
    """Where the reported thing is now, if it still exists."""
    forwarded_at: datetime | None
    notes: list[NoteOut]
    actions: list[ActionOut]
    """The action log's lines done about this report."""


class ReportPageOut(msgspec.Struct):
    items: list[ReportSummaryOut]
    total: int
    page: int
    per_page: int
    counts: dict[str, int]
    """How many reports are open, resolved and closed (whatever the filters)."""


class NoteIn(msgspec.Struct, forbid_unknown_fields=True):
    text: Annotated[str, Meta(min_length=1, max_length=NOTE_MAX)]


def _summary_fields(report: Report) -> dict[str, Any]:
    return {"id": report.id, "created_at": report.created_at, "status": report.status, "category": report.category,
            "rule_id": report.rule_id, "rule_text": report.rule_text, "target_kind": report.target_kind,
            "target_url": report.target_url, "reported": (report.snapshot or {}).get("author", ""),
            "reported_account_id": report.reported_account_id, "reported_domain": report.reported_domain,
            "origin_domain": report.origin_domain, "assigned_account_id": report.assigned_account_id,
            "decided_at": report.decided_at}


def note_out(note: ReportNote) -> NoteOut:
    return NoteOut(note.id, note.author_account_id, note.text, note.created_at)


def action_out(line: ModerationAction) -> ActionOut:
    return ActionOut(line.id, line.at, line.moderator_account_id, line.action, line.target_kind, line.target_label,
                     line.reason, line.reversed_at)


async def report_out(ctx: Ctx, report: Report) -> ReportOut:
    found = await queue.detail(ctx, report)
    return ReportOut(**_summary_fields(report), comment=report.comment, snapshot=report.snapshot,
                     live_url=found.live_url, forwarded_at=report.forwarded_at,
                     notes=[note_out(n) for n in found.notes], actions=[action_out(a) for a in found.actions])


class ReportQueueController(Controller):
    path = "/api/v1/admin/reports"
    tags = ["moderation"]
    guards = [signed_in]

    @get("", responses=refusals(403))
    async def list_reports(
        self, ctx: Ctx, api: Caller, status: Literal["open", "resolved", "closed", ""] = "open",
        rule: Annotated[str, Parameter(max_length=20)] = "", domain: Annotated[str, Parameter(max_length=253)] = "",
        account: Annotated[int | None, Parameter(ge=1, le=2**31 - 1)] = None,
        assigned: Literal["me", ""] = "", page: Annotated[int, Parameter(ge=1, le=10_000)] = 1,
        per_page: Annotated[int, Parameter(ge=1, le=queue.MAX_PER_PAGE)] = 20,
    ) -> ReportPageOut:
        """Reports, newest first: by ``status`` (``""``: all), ``rule`` (a rule's id, or spam, illegal, other),
        ``domain`` (the reported thing's instance; ``local`` for this one), reported ``account``, ``assigned=me``."""
        chosen = queue.QueueFilter(status, rule, domain, account, assigned == "me")
        found = await queue.reports(ctx, chosen, page, per_page)
        return ReportPageOut([ReportSummaryOut(**_summary_fields(r)) for r in found.items], found.total,
                             found.page, found.per_page, await queue.counts(ctx))

    @get("/{report_id:str}", responses=refusals(403))
    async def show(self, ctx: Ctx, api: Caller, report_id: ReportId) -> ReportOut:
        """A report: the snapshot as reported, the notes, the log's lines about it, the live link."""
        return await report_out(ctx, await queue.report_by_id(ctx, report_id))

    @post("/{report_id:str}/notes", status_code=201, responses=refusals(403))
    async def add_note(self, ctx: Ctx, api: Caller, report_id: ReportId, data: NoteIn) -> NoteOut:
        """Add a private note (only moderators and administrators read them)."""
        return note_out(await queue.add_note(ctx, await queue.report_by_id(ctx, report_id), data.text))

    @post("/{report_id:str}/assign", status_code=200, responses=refusals(403))
    async def assign(self, ctx: Ctx, api: Caller, report_id: ReportId) -> ReportOut:
        """Assign the report to yourself."""
        report = await queue.report_by_id(ctx, report_id)
        await queue.assign(ctx, report)
        return await report_out(ctx, report)

    @delete("/{report_id:str}/assign", status_code=HTTP_204_NO_CONTENT, responses=refusals(403))
    async def unassign(self, ctx: Ctx, api: Caller, report_id: ReportId) -> None:
        """Leave the report to nobody."""
        await queue.unassign(ctx, await queue.report_by_id(ctx, report_id))

    @post("/{report_id:str}/resolve", status_code=200, responses=refusals(403, 409))
    async def resolve(self, ctx: Ctx, api: Caller, report_id: ReportId) -> ReportOut:
        """Something was done: the report leaves the queue and the reporter is told (409 unless open)."""
        report = await queue.report_by_id(ctx, report_id)
        await queue.decide(ctx, report, "resolved")
        return await report_out(ctx, report)

    @post("/{report_id:str}/close", status_code=200, responses=refusals(403, 409))
    async def close(self, ctx: Ctx, api: Caller, report_id: ReportId) -> ReportOut:
        """Nothing to do: the report leaves the queue and the reporter is told (409 unless open)."""
        report = await queue.report_by_id(ctx, report_id)
        await queue.decide(ctx, report, "closed")
        return await report_out(ctx, report)

    @post("/{report_id:str}/reopen", status_code=200, responses=refusals(403, 409))
    async def reopen(self, ctx: Ctx, api: Caller, report_id: ReportId) -> ReportOut:
        """Put a resolved or closed report back in the queue (409 if it is open); the reporter is told."""
        report = await queue.report_by_id(ctx, report_id)
        await queue.reopen(ctx, report)
        return await report_out(ctx, report)


def queue_api_handlers() -> list[Any]:
    return [ReportQueueController]
