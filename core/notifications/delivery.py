"""The ``notification`` and ``notifications`` outbox jobs: offer each message to every channel plugin.

A single message (an account mail, news for one person) is a row of its own. A fan-out
writes its messages fifty to a row (``core.notifications.notify_many``): the worker
claims, commits and finishes once for fifty mails, the costs that bounded one worker to
about 50 mails a second when each mail was a row. Within a row, a message that fails
for a reason that may pass (the SMTP server said 4xx, or hung up) becomes a row of its
own, tried again later with the outbox's back-off, and the others go on; after a few
failures in a row the server is taken to be down and the rest wait in rows of their
own too, rather than each waiting out its timeout now. Nothing already sent is sent
again, unless the worker dies mid-row: delivery stays at least once, as for any row.

With no channel enabled, an account mail and its link are logged so an operator can act
(news is not even written then: core.notifications.news.has_channel).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import msgspec
from sqlalchemy import select, tuple_

from core import outbox
from core.context import Ctx
from core.notifications import Notification
from core.notifications.models import NotificationPreference
from core.notifications.preferences import topics

log = logging.getLogger("convene.notifications")

# failures in a row after which the rest of a row's messages wait in rows of their own
GIVE_UP_AFTER = 3


async def deliver_notification(ctx: Ctx, payload: dict[str, Any]) -> None:
    """The ``notification`` outbox handler: one message."""
    notification = msgspec.convert(payload, Notification)
    if notification in await _unwanted(ctx, [notification]):
        _dropped(notification)
        return
    await _offer(ctx, notification)


async def deliver_notifications(ctx: Ctx, payload: dict[str, Any]) -> None:
    """The ``notifications`` outbox handler: the messages of a fan-out, in order."""
    notifications = msgspec.convert(payload["notifications"], list[Notification])
    unwanted = await _unwanted(ctx, notifications)
    failures = 0
    for position, notification in enumerate(notifications):
        if notification in unwanted:
            _dropped(notification)
            continue
        try:
            await _offer(ctx, notification)
            failures = 0
        except Exception as exc:  # noqa: BLE001  (what a channel raises is transient, as for any outbox job)
            log.warning("%s to %s failed, tried again later: %r", notification.kind, notification.to_email, exc)
            failures += 1
            if failures >= GIVE_UP_AFTER:
                await _later(ctx, notifications[position:])
                return
            await _later(ctx, [notification])


async def _offer(ctx: Ctx, notification: Notification) -> None:
    delivered = await ctx.call("convene_deliver_notification", notification=notification)
    if not any(delivered):
        log.warning(
            "no notification channel enabled; message for %s: %s %s",
            notification.to_email, notification.subject, notification.link,
        )


async def _later(ctx: Ctx, notifications: Iterable[Notification]) -> None:
    for notification in notifications:
        await outbox.enqueue(ctx.session, "notification", msgspec.to_builtins(notification), delay=outbox.backoff(1))


async def _unwanted(ctx: Ctx, notifications: list[Notification]) -> set[Notification]:
    """The news among ``notifications`` whose topic its identity turned off, or that no plugin offers any
    more; account mails always go. Asked at delivery, so "unsubscribe" also stops what is already queued."""
    known = topics(ctx)
    news = [n for n in notifications if n.topic and n.identity_id is not None]
    if not news:
        return set()
    pairs = {(n.identity_id, n.topic) for n in news}
    chosen = await ctx.session.execute(
        select(NotificationPreference.identity_id, NotificationPreference.topic, NotificationPreference.value)
        .where(tuple_(NotificationPreference.identity_id, NotificationPreference.topic).in_(pairs)))
    off = {(identity_id, topic) for identity_id, topic, value in chosen
           if topic in known and known[topic].chosen(value) == "off"}
    return {n for n in news if n.topic not in known or (n.identity_id, n.topic) in off}


def _dropped(notification: Notification) -> None:
    log.debug("%s to identity %s dropped: its %s are turned off", notification.kind, notification.identity_id,
              notification.topic)
