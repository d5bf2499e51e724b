"""The moderation queue: reports listed and filtered, their notes, who works on them, and where they stand.

Moderators and administrators only (roles.require_staff: members 403, visitors 401 at
the routes). A report is ``open`` until a moderator ``resolve``s it (something was done)
or ``close``s it (nothing to do); ``reopen`` puts it back. Resolving and closing are
told to the reporter when it is a local identity, in their language (reporter_news);
what the moderators do about the reported thing is the actions' business, written in
the action log with this report's id, which the report's page shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

from core.comments.models import Comment
from core.context import Ctx
from core.db.base import utcnow
from core.errors import Conflict, InvalidInput, NotFound
from core.events.models import Event
from core.i18n import N_
from core.identities.models import Identity
from plugins.moderation.filing import Target
from plugins.moderation.models import NOTE_MAX, REPORT_STATUSES, ModerationAction, Report, ReportNote
from plugins.moderation.reporter_news import tell_reporter
from plugins.moderation.roles import require_staff
from plugins.moderation.targets import live_url

MAX_PER_PAGE = 100
LOCAL = "local"


@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows: by status, rule (a rule's id, or spam, illegal, other), the reported thing's
    instance (``local`` for here), the reported account, and only the reports assigned to me."""

    status: str = "open"
    rule: str = ""
    domain: str = ""
    account: int | None = None
    assigned_to_me: bool = False

    def conditions(self, ctx: Ctx) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.status:
            if self.status not in REPORT_STATUSES:
                raise InvalidInput({"status": N_("choose open, resolved or closed")})
            found.append(Report.status == self.status)
        if self.rule:
            rule = self.rule.strip()
            if rule.isascii() and rule.isdigit() and len(rule) <= 9:
                found.append(Report.rule_id == int(rule))
            elif rule in ("spam", "illegal", "other"):
                found.append(Report.category == rule)
            else:
                raise InvalidInput({"rule": N_("choose one of the instance's rules, or spam, illegal or other")})
        if self.domain:
            domain = self.domain.strip().lower()
            found.append(Report.reported_domain == ("" if domain == LOCAL else domain))
        if self.account is not None:
            found.append(Report.reported_account_id == self.account)
        if self.assigned_to_me:
            account = ctx.viewer.account
            found.append(Report.assigned_account_id == (account.id if account else 0))
        return found


@dataclass(frozen=True)
class QueuePage:
    items: list[Report]
    total: int
    page: int
    per_page: int


async def reports(ctx: Ctx, chosen: QueueFilter, page: int = 1, per_page: int = 20) -> QueuePage:
    """One page of the reports ``chosen`` lets through, newest first."""
    require_staff(ctx)
    if page < 1:
        raise InvalidInput({"page": N_("must be 1 or more")})
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidInput({"per_page": N_("must be between 1 and 100")})
    query: Select[Any] = select(Report).where(*chosen.conditions(ctx))
    total = await ctx.session.scalar(select(func.count()).select_from(query.subquery()))
    items = await ctx.session.scalars(
        query.order_by(Report.created_at.desc(), Report.id.desc()).limit(per_page).offset((page - 1) * per_page))
    return QueuePage(list(items), total or 0, page, per_page)


async def counts(ctx: Ctx) -> dict[str, int]:
    """How many reports are open, resolved and closed."""
    require_staff(ctx)
    found = dict((await ctx.session.execute(select(Report.status, func.count()).group_by(Report.status))).all())
    return {status: found.get(status, 0) for status in REPORT_STATUSES}


async def report_by_id(ctx: Ctx, report_id: int | str) -> Report:
    """The report numbered ``report_id`` (from a path, as text: anything but a number is not found)."""
    require_staff(ctx)
    if isinstance(report_id, str):
        if not (report_id.isascii() and report_id.isdigit() and len(report_id) <= 9):
            raise NotFound(N_("no such report"))
        report_id = int(report_id)
    found = await ctx.session.get(Report, report_id)
    if found is None:
        raise NotFound(N_("no such report"))
    return found


@dataclass(frozen=True)
class ReportDetail:
    """A report with what its page shows: notes, the action log's lines about it, and the live link."""

    report: Report
    notes: list[ReportNote]
    actions: list[ModerationAction]
    live_url: str | None


async def detail(ctx: Ctx, report: Report) -> ReportDetail:
    require_staff(ctx)
    notes = await ctx.session.scalars(
        select(ReportNote).where(ReportNote.report_id == report.id).order_by(ReportNote.created_at, ReportNote.id))
    actions = await ctx.session.scalars(
        select(ModerationAction).where(ModerationAction.report_id == report.id)
        .order_by(ModerationAction.at, ModerationAction.id))
    target = await live_target(ctx, report)
    return ReportDetail(report, list(notes), list(actions),
                        await live_url(ctx, target, report.target_url) if target is not None else None)


async def live_target(ctx: Ctx, report: Report) -> Target | None:
    """The reported thing if it still exists (an edited one too: the snapshot keeps what was reported)."""
    if report.target_kind == "comment" and report.comment_id is not None:
        comment = await ctx.session.get(Comment, report.comment_id)
        return comment if comment is not None and comment.deleted_at is None else None
    if report.target_kind == "event" and report.event_id is not None:
        return await ctx.session.get(Event, report.event_id)
    if report.target_kind == "identity" and report.reported_identity_id is not None:
        return await ctx.session.get(Identity, report.reported_identity_id)
    return None


async def add_note(ctx: Ctx, report: Report, text: str) -> ReportNote:
    """A private note for the other moderators; the reporter and the reported never see it."""
    require_staff(ctx)
    text = text.strip()
    if not text:
        raise InvalidInput({"text": N_("write the note")})
    if len(text) > NOTE_MAX:
        raise InvalidInput({"text": N_("at most 2000 characters")})
    account = ctx.viewer.account
    note = ReportNote(report_id=report.id, author_account_id=account.id if account else None, text=text)
    ctx.session.add(note)
    await ctx.session.flush()
    return note


async def assign(ctx: Ctx, report: Report) -> None:
    """Take the report: the others see who works on it (taking it from someone else is allowed)."""
    require_staff(ctx)
    account = ctx.viewer.account
    report.assigned_account_id = account.id if account else None


async def unassign(ctx: Ctx, report: Report) -> None:
    require_staff(ctx)
    report.assigned_account_id = None


async def decide(ctx: Ctx, report: Report, status: str) -> None:
    """``resolved`` (something was done) or ``closed`` (nothing to do): 409 unless the report is open.
    The reporter is told."""
    require_staff(ctx)
    if report.status != "open":
        raise Conflict(N_("this report is not open"))
    account = ctx.viewer.account
    report.status, report.decided_at = status, utcnow()
    report.decided_by_account_id = account.id if account else None
    await tell_reporter(ctx, report)


async def reopen(ctx: Ctx, report: Report) -> None:
    """Put a resolved or closed report back in the queue (409 for an open one); the reporter is told."""
    require_staff(ctx)
    if report.status == "open":
        raise Conflict(N_("this report is already open"))
    report.status, report.decided_at, report.decided_by_account_id = "open", None, None
    await tell_reporter(ctx, report)
