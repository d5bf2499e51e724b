"""Messages to a person's private address (confirmation links, participation news).

Core never sends email itself: it writes a notification into the outbox, and the
worker offers it to ``convene_deliver_notification`` implementations (the email plugin).
With none enabled, the message and its link are logged so an operator can act.
Because delivery always goes through the worker, the time a request takes never
reveals whether a notification was produced (and so which identities share an account).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from core import outbox

if TYPE_CHECKING:
    from core.context import Ctx

log = logging.getLogger("convene.notifications")


class Notification(msgspec.Struct, frozen=True):
    kind: str  # confirm_email, reset_password, change_email, participation_approved, ...
    to_email: str
    subject: str
    text: str
    link: str = ""
    locale: str = "en"


async def notify(session: AsyncSession, notification: Notification) -> None:
    await outbox.enqueue(session, "notification", msgspec.to_builtins(notification))


async def deliver_notification(ctx: Ctx, payload: dict[str, Any]) -> None:
    """The ``notification`` outbox handler: offer the message to every channel plugin."""
    notification = msgspec.convert(payload, Notification)
    delivered = await ctx.call("convene_deliver_notification", notification=notification)
    if not any(delivered):
        log.warning(
            "no notification channel enabled; message for %s: %s %s",
            notification.to_email, notification.subject, notification.link,
        )
