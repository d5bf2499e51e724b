"""Filing a report: who reports what, for which rule, and the snapshot the moderators will read.

The one way a report enters the queue, whether a member files it (form or API), an
anonymous visitor does (where allowed) or another instance's ``Flag`` brings it. The
reported thing is copied as it is now (``snapshot``), so an edit or a deletion after
the report hides nothing from the moderators.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.comments.models import Comment
from core.context import Ctx
from core.errors import Forbidden, InvalidInput
from core.events.models import Event
from core.i18n import N_
from core.identities.models import Identity
from plugins.moderation.models import CATEGORIES, COMMENT_MAX, InstanceRule, Report

Target = Event | Comment | Identity


def snapshot_of(target: Target) -> dict[str, Any]:
    """What the moderators need to judge ``target`` later, as plain JSON."""
    if isinstance(target, Event):
        return {"kind": "event", "title": target.title, "description": target.description,
                "begins_at": target.begins_at.isoformat(), "timezone": target.timezone,
                "place": ", ".join(p for p in (target.address_name, target.address_locality) if p),
                "online_url": target.online_url, "author": target.organizer.handle,
                "author_name": target.organizer.name}
    if isinstance(target, Comment):
        author = target.author
        return {"kind": "comment", "text": target.text, "created_at": target.created_at.isoformat(),
                "author": author.handle if author else "", "author_name": author.name if author else ""}
    return {"kind": "identity", "author": target.handle, "author_name": target.name, "bio": target.bio}


def owner_of(target: Target) -> Identity | None:
    """Whose the reported thing is: the organiser, the author, or the identity itself."""
    if isinstance(target, Event):
        return target.organizer
    if isinstance(target, Comment):
        return target.author
    return target


async def file_report(ctx: Ctx, target: Target, target_url: str, category: str, comment: str = "",
                      rule_id: int | None = None, reporter: Identity | None = None, origin_domain: str = "",
                      remote_activity_id: str | None = None) -> Report:
    """Put a report in the queue. ``reporter``: one of the viewer's identities, or None (anonymous, or
    ``origin_domain`` for another instance's Flag). Checks the rule and the comment's length."""
    if reporter is not None and not ctx.viewer.holds(reporter.id):
        raise Forbidden(N_("you can only report as one of your own identities"))
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise InvalidInput({"comment": N_("at most 1000 characters")})
    rule = await _rule(ctx, category, rule_id)
    owner = owner_of(target)
    report = Report(
        category=category, rule_id=rule.id if rule else None, rule_text=rule.text if rule else "", comment=comment,
        reporter_identity_id=reporter.id if reporter else None, origin_domain=origin_domain,
        remote_activity_id=remote_activity_id, target_kind=snapshot_of(target)["kind"], target_url=target_url,
        event_id=target.id if isinstance(target, Event) else (target.event_id if isinstance(target, Comment) else None),
        comment_id=target.id if isinstance(target, Comment) else None,
        reported_identity_id=owner.id if owner else None, reported_account_id=owner.account_id if owner else None,
        reported_domain=owner.domain if owner else "", snapshot=snapshot_of(target),
    )
    ctx.session.add(report)
    await ctx.session.flush()
    return report


async def _rule(ctx: Ctx, category: str, rule_id: int | None) -> InstanceRule | None:
    if category not in CATEGORIES:
        raise InvalidInput({"rule": N_("choose one of the instance's rules, or spam, illegal or other")})
    if category != "rule":
        return None
    rule = await ctx.session.scalar(select(InstanceRule).where(InstanceRule.id == rule_id)) if rule_id else None
    if rule is None:
        raise InvalidInput({"rule": N_("this rule does not exist here")})
    return rule
