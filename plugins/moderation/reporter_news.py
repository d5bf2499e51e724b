"""What a reporter hears of their report: resolved, closed, or opened again, in their language.

Only a local identity hears (an anonymous reporter left no address; another
instance's reporter is that instance's business), under a topic of its own that each
identity may turn off. The message names the reported thing as the snapshot has it, and
never the moderator nor the reported person's other identities.
"""

from __future__ import annotations

from core.context import Ctx
from core.i18n import N_
from core.identities.models import Identity
from core.notifications.news import News, notify_identity
from core.notifications.topics import Topic
from plugins.moderation.models import Report

REPORTS_TOPIC = Topic("moderation_reports", N_("What the moderators decided about my reports"))
SUBJECT = N_("Your report about %(what)s")
TEXTS = {
    "resolved": N_("The moderators of %(instance)s reviewed your report about %(what)s and acted on it. "
                   "Thank you for reporting it."),
    "closed": N_("The moderators of %(instance)s reviewed your report about %(what)s and closed it without "
                 "action. Thank you for reporting it."),
    "open": N_("The moderators of %(instance)s opened your report about %(what)s again."),
}


def reported_thing(report: Report) -> str:
    """The reported thing as a reader recognises it: the event's title, else the author's handle."""
    snapshot = report.snapshot or {}
    if snapshot.get("title"):
        return str(snapshot["title"])
    return f"@{snapshot.get('author', '')}"


async def tell_reporter(ctx: Ctx, report: Report) -> None:
    """Tell the reporter where their report stands now (in the moderator's transaction, through the outbox)."""
    if report.reporter_identity_id is None:
        return
    reporter = await ctx.session.get(Identity, report.reporter_identity_id)
    if reporter is None or not reporter.is_local:
        return
    values = {"what": reported_thing(report), "instance": ctx.settings.instance.name}
    await notify_identity(ctx, reporter, News(
        kind=f"moderation_report_{report.status}", topic=REPORTS_TOPIC.name, subject=SUBJECT,
        text=TEXTS[report.status], values=values))
