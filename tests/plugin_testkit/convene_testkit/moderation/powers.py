"""Who is a moderator here, and the log line each of their actions leaves."""

from __future__ import annotations

from typing import Any

from convene_testkit.moderation.models import ModerationLog
from core.context import Ctx
from core.viewer import Viewer

MODERATOR_ROLES = ("moderator", "administrator")


def is_moderator(viewer: Viewer) -> bool:
    return viewer.role in MODERATOR_ROLES


def described(target: Any) -> str:
    """A log line's target: ``event <uuid>``, ``comment <uuid>``, ``identity <id>``, ``account <id>``."""
    key = getattr(target, "uuid", None) or target.id
    return f"{type(target).__name__.lower()} {key}"


def record(ctx: Ctx, action: str, target: Any) -> None:
    """Log the action in the transaction that does it: an action undone leaves no line."""
    account = ctx.viewer.account
    ctx.session.add(ModerationLog(account_id=account.id if account else None, action=action, target=described(target)))
