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
    """One message to one person, written in their language, whatever the channel.

    Account mails (``topic`` empty) always go; a notification under a ``topic`` goes only
    while the recipient's preference for it allows, checked again when it is delivered.
    """

    kind: str  # confirm_email, reset_password, change_email, participation_approved, ...
    to_email: str
    subject: str
    text: str
    link: str = ""
    locale: str = "en"
    # the recipient's account (None: an address without an account, e.g. an anonymous participant)
    account_id: int | None = None
    # the recipient's identity the news concerns: preferences are kept per identity
    identity_id: int | None = None
    # the preference this falls under (core.notifications.topics); "" for account mails
    topic: str = ""
    # one click stops this kind of message (RFC 8058 for mail); "" for account mails
    unsubscribe_url: str = ""


class Recipient(msgspec.Struct, frozen=True):
    """Someone a fan-out writes to. Plugins add address-only recipients (anonymous participants)
    through ``convene_notification_recipients``, with their own stop link."""

    email: str
    locale: str = "en"
    account_id: int | None = None
    identity_id: int | None = None
    unsubscribe_url: str = ""


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
