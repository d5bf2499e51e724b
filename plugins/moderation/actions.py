"""Moderators' actions on content and people: the one service behind the API, the forms and the review page.

An action is a verb on a target (action_targets.py): hide, release or delete an event or a
comment; warn, suspend or unsuspend an identity; suspend, unsuspend or approve an
account. Each writes one line in the action log (actionlog.py), named as the core names
it (hiding is the core's ``event.hold``), before the core service runs: the service
asks ``convene_can_moderate``, which this plugin grants and would log, and finds the
line already written. A refused action rolls its line back with it.

Hiding and suspending can be undone (``reverse``): the undoing is a line of its own
naming the line it undoes, which gets ``reversed_at``; releasing or unsuspending
directly undoes the last such line as well. Deleting, warning and approving cannot.
The person concerned is told (telling.py) when the instance tells (``tell_reported``)
and the moderator leaves "tell them" ticked; a warning is always told, being nothing else.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.accounts.models import Account
from core.accounts.service import approve_account
from core.comments import service as comments
from core.comments.models import Comment
from core.context import Ctx
from core.db.base import utcnow
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.events import service as events
from core.events.models import Event
from core.i18n import N_
from core.identities.models import Identity
from plugins.moderation import action_targets as targets
from plugins.moderation import suspensions
from plugins.moderation.actionlog import described, record
from plugins.moderation.models import ModerationAction, Report
from plugins.moderation.roles import STAFF_ROLES, is_admin, require_staff
from plugins.moderation.telling import tell

REASON_MAX = 2000
HIDDEN_BY_A_MODERATOR = N_("hidden by a moderator")
# the verbs a moderator chooses, and the kinds of target each takes
VERBS: dict[str, tuple[str, ...]] = {
    "hide": ("event", "comment"), "release": ("event", "comment"), "delete": ("event", "comment"),
    "warn": ("identity",), "suspend": ("identity", "account"), "unsuspend": ("identity", "account"),
    "approve": ("account",),
}
# the log's name of a verb, where the core's differs
LOGGED_AS = {"hide": "hold"}
# a log line that can be undone, and the verb that undoes it
UNDONE_BY = {"event.hold": "release", "comment.hold": "release", "identity.suspend": "unsuspend",
             "account.suspend": "unsuspend"}
ACTIONS = sorted({f"{kind}.{LOGGED_AS.get(verb, verb)}" for verb, kinds in VERBS.items() for kind in kinds})


def logged_action(verb: str, kind: str) -> str:
    return f"{kind}.{LOGGED_AS.get(verb, verb)}"


async def act(ctx: Ctx, verb: str, target_text: str, reason: str = "", report_id: int | None = None,
              tell_them: bool = True) -> ModerationAction:
    """Do ``verb`` to the target a moderator gave; returns the log line. 403 for anyone but staff,
    422 for a wrong verb, target, reason or report, 409 when the target is not in a state for it."""
    require_staff(ctx)
    if verb not in VERBS:
        raise InvalidInput.field("action", N_("choose hide, release, delete, warn, suspend, unsuspend or approve"))
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise InvalidInput.field("reason", N_("the reason is too long"))
    if report_id is not None and await ctx.session.get(Report, report_id) is None:
        raise InvalidInput.field("report", N_("there is no such report"))
    target = await targets.found(ctx, target_text)
    kind = described(target)[0]
    if kind not in VERBS[verb]:
        raise InvalidInput.field("action", N_("this action does not apply to this target"))
    return await _perform(ctx, verb, target, reason, report_id, tell_them, None)


async def reverse(ctx: Ctx, line_id: str, reason: str = "", tell_them: bool = True) -> ModerationAction:
    """Undo the log line ``line_id`` (its number as the URL gives it: a hiding or a suspension);
    returns the undoing line."""
    require_staff(ctx)
    valid = line_id.isdigit() and len(line_id) <= 18
    line = await ctx.session.get(ModerationAction, int(line_id)) if valid else None
    if line is None:
        raise NotFound("no such action")
    if line.action not in UNDONE_BY:
        raise Conflict(N_("this action cannot be undone"))
    if line.reversed_at is not None:
        raise Conflict(N_("this action was undone already"))
    target = await targets.row_of(ctx, line.target_kind, line.target_ref)
    if target is None:
        raise Conflict(N_("what this action was about no longer exists"))
    return await _perform(ctx, UNDONE_BY[line.action], target, reason.strip()[:REASON_MAX], line.report_id,
                          tell_them, line)


async def _perform(ctx: Ctx, verb: str, target: Any, reason: str, report_id: int | None, tell_them: bool,
                   undoes: ModerationAction | None) -> ModerationAction:
    kind = described(target)[0]
    action = logged_action(verb, kind)
    await _may_touch(ctx, target)
    if undoes is None and verb in ("release", "unsuspend"):
        undoes = await _last_undoable(ctx, action, target)
    line = record(ctx, action, target, reason, report_id, reverses=undoes)
    owner, title = await _owner_and_title(ctx, target)
    if verb != "approve" and owner is not None and (verb == "warn" or (tell_them and ctx.config("moderation").tell_reported)):
        await tell(ctx, owner, action, reason, title, link=_link(ctx, target))
    await _DO[action](ctx, target, reason)
    if undoes is not None:
        undoes.reversed_at = utcnow()
    await ctx.session.flush()
    return line


async def _may_touch(ctx: Ctx, target: Any) -> None:
    """Nobody acts on their own account or profiles; only administrators act on staff's."""
    account_id = target.id if isinstance(target, Account) else (
        target.account_id if isinstance(target, Identity) else None)
    if account_id is None:
        return
    if ctx.viewer.account is not None and account_id == ctx.viewer.account.id:
        raise Forbidden(N_("moderators do not act on their own account"))
    account = target if isinstance(target, Account) else await ctx.session.get(Account, account_id)
    if account is not None and account.role in STAFF_ROLES and not is_admin(ctx.viewer):
        raise Forbidden(N_("only administrators act on moderators’ accounts"))


async def _last_undoable(ctx: Ctx, action: str, target: Any) -> ModerationAction | None:
    """The last line of the action this one undoes (a hiding for a release), still in force."""
    kind, ref, _ = described(target)
    undone = next(done for done, verb in UNDONE_BY.items()
                  if done.startswith(f"{kind}.") and logged_action(verb, kind) == action)
    return await ctx.session.scalar(
        select(ModerationAction).where(ModerationAction.action == undone, ModerationAction.target_kind == kind,
                                       ModerationAction.target_ref == ref, ModerationAction.reversed_at.is_(None))
        .order_by(ModerationAction.id.desc()).limit(1))


async def _owner_and_title(ctx: Ctx, target: Any) -> tuple[Identity | None, str]:
    """Who is told about ``target`` (an account through its default identity) and the event's title."""
    if isinstance(target, Event):
        return target.organizer, target.title
    if isinstance(target, Comment):
        event = await ctx.session.get_one(Event, target.event_id)
        return (await ctx.session.get(Identity, target.author_id) if target.author_id else None), event.title
    if isinstance(target, Identity):
        return target, ""
    return await ctx.session.scalar(select(Identity).where(Identity.account_id == target.id)
                                    .order_by(Identity.is_default.desc(), Identity.id).limit(1)), ""


def _link(ctx: Ctx, target: Any) -> str:
    if isinstance(target, Event):
        return ctx.settings.url(f"/events/{target.uuid}")
    if isinstance(target, Identity) and target.is_local:
        return ctx.settings.url(f"/@{target.username}")
    return ""


async def _delete_comment(ctx: Ctx, comment: Comment, _: str) -> None:
    await comments.delete_comment(ctx, await ctx.session.get_one(Event, comment.event_id), comment)


async def _warn(ctx: Ctx, identity: Identity, _: str) -> None:
    """A warning is its log line and the news told: nothing else changes."""


_DO: dict[str, Any] = {
    "event.hold": lambda ctx, event, reason: events.hold_event(ctx, event, reason or HIDDEN_BY_A_MODERATOR),
    "event.release": lambda ctx, event, _: events.release_event(ctx, event),
    "event.delete": lambda ctx, event, _: events.delete_event(ctx, event),
    "comment.hold": lambda ctx, comment, reason: comments.hold_comment(ctx, comment, reason or HIDDEN_BY_A_MODERATOR),
    "comment.release": lambda ctx, comment, _: comments.release_comment(ctx, comment),
    "comment.delete": _delete_comment,
    "identity.warn": _warn,
    "identity.suspend": suspensions.suspend_identity,
    "identity.unsuspend": suspensions.unsuspend_identity,
    "account.suspend": suspensions.suspend_account,
    "account.unsuspend": suspensions.unsuspend_account,
    "account.approve": lambda ctx, account, _: approve_account(ctx, account),
}
