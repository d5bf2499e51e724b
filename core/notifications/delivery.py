"""The ``notification`` outbox job: offer each message to every channel plugin.

With no channel enabled, an account mail and its link are logged so an operator can act
(news is not even written then: core.notifications.news.has_channel).
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec

from core.context import Ctx
from core.notifications import Notification
from core.notifications.preferences import preference, topics

log = logging.getLogger("convene.notifications")


async def deliver_notification(ctx: Ctx, payload: dict[str, Any]) -> None:
    """The ``notification`` outbox handler: offer the message to every channel plugin."""
    notification = msgspec.convert(payload, Notification)
    if not await _wanted(ctx, notification):
        log.debug("%s to identity %s dropped: its %s are turned off", notification.kind, notification.identity_id,
                  notification.topic)
        return
    delivered = await ctx.call("convene_deliver_notification", notification=notification)
    if not any(delivered):
        log.warning(
            "no notification channel enabled; message for %s: %s %s",
            notification.to_email, notification.subject, notification.link,
        )


async def _wanted(ctx: Ctx, notification: Notification) -> bool:
    """Account mails always go; news goes while its topic is on for the identity it concerns
    (asked at delivery, so a click on "unsubscribe" also stops what is already queued)."""
    if not notification.topic or notification.identity_id is None:
        return True
    topic = topics(ctx).get(notification.topic)
    return topic is not None and await preference(ctx, notification.identity_id, topic) != "off"
