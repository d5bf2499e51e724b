"""``convene_deliver_notification`` and the ``webpush.send`` job: a push to each of an account's devices.

The notification job only writes one outbox row per device, in its own transaction:
each push then succeeds, retries or ends on its own, so a push service that is down
never makes the email channel send its mail again (nor one device's failure another's).

A send's outcome, from the push service's answer (RFC 8030):
- 2xx: delivered (the subscription's ``last_success_at`` is set);
- 404, 410: the browser dropped the subscription; it is deleted and the job is done;
- 429, 5xx, no answer (timeout, refused connection): raised, the outbox backs off and retries;
- any other answer (400, 413, 403: a bad token or payload, a redirect): ``PermanentFailure``,
  since sending the same message again would meet the same answer.
An endpoint whose name now leads to a private address is refused by the guarded client,
for good.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select

from core.context import Ctx
from core.db.base import utcnow
from core.guarded_http import BlockedDestination, RefusedResponse, origin_of
from core.notifications import Notification
from core.outbox import PermanentFailure, enqueue_all
from plugins.webpush.message import encrypt, payload
from plugins.webpush.models import PushSubscription
from plugins.webpush.pusher import engine_of, pusher
from plugins.webpush.vapid import authorization

SEND_JOB = "webpush.send"
GONE = frozenset({404, 410})

log = logging.getLogger("convene.webpush")


class PushDeferred(Exception):
    """The push service cannot take the message now (429, 5xx): the outbox tries again later."""


async def deliver(ctx: Ctx, notification: Notification) -> bool | None:
    """One ``webpush.send`` row per device of the recipient's account; None when there is none to push to."""
    if notification.account_id is None:
        return None
    device_ids = list(await ctx.session.scalars(
        select(PushSubscription.id).where(PushSubscription.account_id == notification.account_id)))
    if not device_ids:
        return None
    body = payload(notification).decode("utf-8")
    await enqueue_all(ctx.session, SEND_JOB, [{"subscription_id": device_id, "payload": body} for device_id in device_ids])
    return True


async def send(ctx: Ctx, job: dict[str, Any]) -> None:
    """The ``webpush.send`` outbox handler: encrypt, sign, post, and act on the answer."""
    device = await ctx.session.get(PushSubscription, job["subscription_id"])
    if device is None:  # turned off, or found gone, since the row was written
        return
    push = pusher(ctx)
    key = await push.key(engine_of(ctx))
    headers = {
        "Content-Encoding": "aes128gcm",
        "TTL": str(push.config.ttl_seconds),
        "Urgency": "normal",
        "Authorization": authorization(key, origin_of(device.endpoint), push.subject),
    }
    body = encrypt(job["payload"].encode("utf-8"), device.p256dh, device.auth)
    try:
        response = await push.client().post(device.endpoint, body, headers=headers)
    except (BlockedDestination, RefusedResponse) as exc:
        raise PermanentFailure(f"push to {origin_of(device.endpoint)} refused: {exc.reason}") from exc
    if 200 <= response.status < 300:
        device.last_success_at = utcnow()
    elif response.status in GONE:
        log.info("push subscription %s is gone (%s): removed", device.id, response.status)
        await ctx.session.delete(device)
    elif response.status == 429 or response.status >= 500:
        raise PushDeferred(f"push service answered {response.status}")
    else:
        raise PermanentFailure(f"push service answered {response.status}: {response.body[:200]!r}")
