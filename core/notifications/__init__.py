"""Messages to a person's private address (confirmation links, participation news).

Core never sends email itself: it writes a notification into the outbox, and the
worker offers it to ``convene_deliver_notification`` implementations (the email plugin,
the push plugin) in core.notifications.delivery. News about events is written by
core.notifications.news, under the topics of core.notifications.topics that each
identity turns on or off (core.notifications.preferences).
Because delivery always goes through the worker, the time a request takes never
reveals whether a notification was produced (and so which identities share an account).
"""

from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from core import outbox


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


# notifications of a fan-out travel this many to an outbox row (core.notifications.delivery)
PER_ROW = 50


async def notify(session: AsyncSession, notification: Notification) -> None:
    await outbox.enqueue(session, "notification", msgspec.to_builtins(notification))


async def notify_many(session: AsyncSession, notifications: list[dict[str, Any]]) -> None:
    """Many notifications (as ``msgspec.to_builtins`` made them) in the caller's transaction, ``PER_ROW``
    to an outbox row: a worker then pays one claim and one commit for fifty mails, not for each."""
    await outbox.enqueue_all(session, "notifications", [
        {"notifications": notifications[start:start + PER_ROW]} for start in range(0, len(notifications), PER_ROW)])
