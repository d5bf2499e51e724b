"""The action log: every moderator action, written in the transaction that does it.

A failed action rolls its line back with it. One action is one line: a moderation
service that records its action (with the reason and the report) and then calls a core
service, which asks ``convene_can_moderate`` and would record again, finds the line
already pending in the session and leaves it (``record`` is idempotent per
transaction, action and target).
"""

from __future__ import annotations

from typing import Any

from core.accounts.models import Account
from core.comments.models import Comment
from core.context import Ctx
from core.events.models import Event
from core.identities.models import Identity
from plugins.moderation.models import ModerationAction

LABEL_MAX = 300
_WRITTEN = "moderation.lines"  # session.info key: (transaction, lines written in it)


def described(target: Any) -> tuple[str, str, str]:
    """``(kind, ref, label)`` of a log line's target: what it is, how to find it, and what it was called."""
    if isinstance(target, Event):
        return "event", str(target.uuid), target.title
    if isinstance(target, Comment):
        return "comment", str(target.uuid), target.text[:80]
    if isinstance(target, Identity):
        return "identity", str(target.id), target.handle
    if isinstance(target, Account):
        return "account", str(target.id), f"account {target.id}"
    if isinstance(target, str):  # a domain
        return "domain", target, target
    raise TypeError(f"no log line for {type(target).__name__}")


def record(ctx: Ctx, action: str, target: Any, reason: str = "", report_id: int | None = None,
           reverses: ModerationAction | None = None) -> ModerationAction:
    """Log ``action`` on ``target`` by ``ctx.viewer`` (None: the instance itself); once per transaction."""
    kind, ref, label = described(target)
    written = _written_in_transaction(ctx)
    pending = written.get((action, kind, ref))
    if pending is not None:
        pending.reason = pending.reason or reason
        pending.report_id = pending.report_id or report_id
        return pending
    account = ctx.viewer.account
    line = ModerationAction(moderator_account_id=account.id if account else None, action=action, target_kind=kind,
                            target_ref=ref, target_label=label[:LABEL_MAX], reason=reason, report_id=report_id,
                            reverses_id=reverses.id if reverses else None)
    ctx.session.add(line)
    written[(action, kind, ref)] = line
    return line


def _written_in_transaction(ctx: Ctx) -> dict[tuple[str, str, str], ModerationAction]:
    """The lines this transaction wrote, flushed or not (a query in between autoflushes them, so
    ``session.new`` alone would forget them); a new transaction starts a new list."""
    transaction = ctx.session.sync_session.get_transaction()
    kept = ctx.session.info.get(_WRITTEN)
    if kept is None or kept[0] is not transaction:
        kept = ctx.session.info[_WRITTEN] = (transaction, {})
    return kept[1]
