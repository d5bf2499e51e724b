"""Staff's tools in page slots, and the notice a suspended person reads on their own pages.

* event sidebar: hide (or show again) and delete the event, with a reason and "tell them";
* under each comment that is not theirs: hide and delete;
* profile sidebar: warn or suspend the identity (a suspended one is undone from the log or its
  report). A whole account is suspended from its report (report_actions.html) or the API,
  never from a profile: a profile's page must not tell which account holds it;
* the owner of a suspended identity sees on its profile and in their settings that it is
  suspended and why: it still logs in, and learns why it cannot act;
* where new accounts wait for approval (``approve_accounts``), the sign-up form says so before
  anyone signs up, and logging in says so until a moderator approves.

Every form posts to ``/admin/actions`` (actions_web.py) and comes back to the page. Pages of
members are never cached, so these fragments reach nobody else.
"""

from __future__ import annotations

from core.comments.models import Comment
from core.context import Ctx
from core.events.models import Event
from core.identities.models import Identity
from core.plugins import hookimpl
from core.web.slots import Fragment, Slot
from plugins.moderation.roles import is_staff
from plugins.moderation.suspensions import suspension_of


def _tell(ctx: Ctx) -> bool:
    return bool(ctx.config("moderation").tell_reported)


@hookimpl(specname="convene_event_sidebar")
async def event_tools(ctx: Ctx, slot: Slot, event: Event) -> Fragment | None:
    if not is_staff(ctx.viewer) or event.draft:
        return None
    return Fragment(slot.render("moderation/actions_event_tools.html", event=event, tell=_tell(ctx)))


@hookimpl(specname="convene_comment_actions")
async def comment_tools(ctx: Ctx, slot: Slot, comments: list[Comment]) -> dict[int, Fragment] | None:
    if not is_staff(ctx.viewer) or not comments:
        return None
    event = await ctx.session.get_one(Event, comments[0].event_id)
    return {comment.id: Fragment(slot.render("moderation/actions_comment_tools.html", comment=comment, event=event))
            for comment in comments if not comment.is_deleted and not ctx.viewer.holds(comment.author_id)}


@hookimpl(specname="convene_profile_sidebar")
async def profile_tools(ctx: Ctx, slot: Slot, identity: Identity) -> Fragment | None:
    suspension = await suspension_of(ctx, identity)
    if ctx.viewer.holds(identity.id):
        if suspension is None:
            return None
        return Fragment(slot.render("moderation/actions_suspended_notice.html", suspension=suspension))
    if not is_staff(ctx.viewer):
        return None
    # a suspended profile is hidden from staff too: it is unsuspended from the log or its report
    return Fragment(slot.render("moderation/actions_profile_tools.html", identity=identity, tell=_tell(ctx)))


@hookimpl(specname="convene_signup_fields")
async def approval_notice(ctx: Ctx, slot: Slot) -> Fragment | None:
    if not ctx.config("moderation").approve_accounts:
        return None
    return Fragment(slot.render("moderation/actions_approval_notice.html"))


@hookimpl(specname="convene_settings_sections")
async def suspended_notice(ctx: Ctx, slot: Slot) -> Fragment | None:
    identity = ctx.viewer.identity
    suspension = await suspension_of(ctx, identity) if identity is not None else None
    if suspension is None:
        return None
    return Fragment(slot.render("moderation/actions_suspended_notice.html", suspension=suspension))
