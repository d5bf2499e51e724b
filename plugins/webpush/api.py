"""The Web Push API: the instance's public key, and the signed-in account's devices.

A page subscribes in the browser with the key from ``GET /api/v1/push/key``, then
hands the browser's ``PushSubscription.toJSON()`` to ``POST /api/v1/me/push-subscriptions``.
The settings page does the same through its own cookie-and-CSRF routes (web.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import delete, get, post
from litestar.params import Parameter
from litestar.status_codes import HTTP_204_NO_CONTENT
from msgspec import Meta

from core.api.openapi import refusals
from core.auth import Caller, signed_in
from core.context import Ctx
from core.guarded_http import origin_of
from plugins.webpush import subscriptions
from plugins.webpush.models import ENDPOINT_MAX, PushSubscription
from plugins.webpush.pusher import engine_of, pusher
from plugins.webpush.vapid import b64url, public_key_bytes

TAGS = ["push"]


class PushKeysIn(msgspec.Struct, forbid_unknown_fields=True):
    p256dh: Annotated[str, Meta(min_length=1, max_length=100)]
    """The browser's P-256 public key, uncompressed (65 bytes), base64url."""
    auth: Annotated[str, Meta(min_length=1, max_length=40)]
    """The 16-byte authentication secret, base64url."""


class PushSubscriptionIn(msgspec.Struct, forbid_unknown_fields=True):
    """A browser's ``PushSubscription.toJSON()``."""

    endpoint: Annotated[str, Meta(min_length=1, max_length=ENDPOINT_MAX)]
    """The push service's URL for this browser: https, on a public address."""
    keys: PushKeysIn
    expirationTime: int | None = None  # noqa: N815 (the browser's name)
    """Ignored: a push service says a subscription ended by answering 404 or 410, and it is removed then."""


class PushDeviceOut(msgspec.Struct):
    """A device that receives this account's notifications (its endpoint is a secret: only its service shows)."""

    id: int
    service: str
    """The push service's origin, e.g. ``https://fcm.googleapis.com``."""
    created_at: datetime
    last_success_at: datetime | None


class PushKeyOut(msgspec.Struct):
    public_key: str
    """The VAPID public key (uncompressed P-256 point, base64url): the ``applicationServerKey`` to subscribe with."""


def device_out(device: PushSubscription) -> PushDeviceOut:
    return PushDeviceOut(device.id, origin_of(device.endpoint), device.created_at, device.last_success_at)


async def public_key(ctx: Ctx) -> str:
    return b64url(public_key_bytes(await pusher(ctx).key(engine_of(ctx))))


@get("/api/v1/push/key", tags=TAGS)
async def push_key(ctx: Ctx) -> PushKeyOut:
    """The instance's VAPID public key, for ``pushManager.subscribe``."""
    return PushKeyOut(await public_key(ctx))


@get("/api/v1/me/push-subscriptions", tags=TAGS, guards=[signed_in])
async def list_devices(ctx: Ctx, api: Caller) -> list[PushDeviceOut]:
    """The devices that receive this account's notifications."""
    return [device_out(d) for d in await subscriptions.devices(ctx, api.require_account())]


@post("/api/v1/me/push-subscriptions", status_code=201, tags=TAGS, guards=[signed_in], responses=refusals(409))
async def add_device(ctx: Ctx, api: Caller, data: PushSubscriptionIn) -> PushDeviceOut:
    """Send this account's notifications to a browser too (the same endpoint again updates its keys);
    409 beyond 20 devices."""
    device = await subscriptions.subscribe(ctx, api.require_account(), data.endpoint, data.keys.p256dh, data.keys.auth)
    return device_out(device)


@delete("/api/v1/me/push-subscriptions", status_code=HTTP_204_NO_CONTENT, tags=TAGS, guards=[signed_in],
        responses=refusals(404))
async def remove_device(
    ctx: Ctx, api: Caller, endpoint: Annotated[str, Parameter(min_length=1, max_length=ENDPOINT_MAX)]
) -> None:
    """Stop sending this account's notifications to the browser with this endpoint (404 if it gets none)."""
    await subscriptions.unsubscribe(ctx, api.require_account(), endpoint)


def api_handlers() -> list[Any]:
    return [push_key, list_devices, add_device, remove_device]
