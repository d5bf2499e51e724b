"""What moderation keeps about a member, in their "download my data" document.

The versions of the documents they accepted, and the reports their identities filed
(what, under which rule, their words, where it stands). Nothing about the other side:
not who handled a report, not the moderators' notes, not what was reported about them
(that would tell them who reported, which the queue never does).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from core.accounts.models import Account
from core.context import Ctx
from core.identities.models import Identity
from plugins.moderation.acceptance import accepted
from plugins.moderation.models import Report


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


async def moderation_data(ctx: Ctx, account: Account) -> dict[str, Any]:
    reports = await ctx.session.execute(
        select(Report, Identity.username).join(Identity, Report.reporter_identity_id == Identity.id)
        .where(Identity.account_id == account.id).order_by(Report.id))
    return {
        "accepted_documents": [{"document": row.kind, "version": row.version, "accepted_at": _iso(row.accepted_at)}
                               for row in await accepted(ctx, account.id)],
        "reports_filed": [{"identity": username, "target": report.target_url, "rule": report.rule_text or report.category,
                           "comment": report.comment, "status": report.status, "filed_at": _iso(report.created_at),
                           "decided_at": _iso(report.decided_at)} for report, username in reports],
    }
