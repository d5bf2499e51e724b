"""Devices that receive an account's notifications: checked, stored, listed, removed.

Everything a browser sends is checked before anything is stored (a refusal writes
nothing): the endpoint is an https URL whose host leads only to public addresses (the
core's guard, asked now so the person sees the refusal, and again at each push since a
name may move); the keys are what RFC 8291 needs: the browser's P-256 public key as an
uncompressed point (65 bytes) and a 16-byte authentication secret, in base64url.
A refusal for the network's sake says only that the endpoint cannot be reached (the
reason goes to the operator's log), as ``core.guarded_http.FetchError.disclosed`` does.
"""

from __future__ import annotations

import binascii
import logging

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import delete, func, select

from core.accounts.models import Account
from core.context import Ctx
from core.db.base import rowcount
from core.errors import Conflict, InvalidInput, NotFound
from core.guarded_http import BlockedDestination, FetchError, check_destination, normalize_url
from core.i18n import N_
from plugins.webpush.models import PushSubscription
from plugins.webpush.pusher import pusher
from plugins.webpush.vapid import b64url_decode

log = logging.getLogger("convene.webpush")

DEVICES_PER_ACCOUNT = 20
P256DH_BYTES = 65
AUTH_BYTES = 16

NOT_A_URL = N_("the endpoint is not a usable URL")
NOT_HTTPS = N_("the endpoint must be an https URL")
UNREACHABLE = N_("this push endpoint cannot be reached from this instance")
BAD_P256DH = N_("must be the browser's P-256 public key: 65 bytes in base64url")
BAD_AUTH = N_("must be the 16-byte authentication secret in base64url")
TOO_MANY = N_("this account already receives notifications on 20 devices: turn one off first")
NOT_SUBSCRIBED = N_("this device does not receive this account's notifications")


def _decoded(text: str) -> bytes | None:
    try:
        return b64url_decode(text)
    except (binascii.Error, ValueError):
        return None


def _valid_p256dh(text: str) -> bool:
    raw = _decoded(text)
    if raw is None or len(raw) != P256DH_BYTES:
        return False
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        return False
    return True


async def _checked_endpoint(ctx: Ctx, endpoint: str) -> tuple[str | None, str]:
    """The endpoint as stored, or None and the reason to give."""
    try:
        url = normalize_url(endpoint)
    except BlockedDestination:
        return None, NOT_A_URL
    if url.scheme != "https":
        return None, NOT_HTTPS
    try:
        await check_destination(str(url), pusher(ctx).policy)
    except FetchError as exc:
        if not exc.describes_network:
            return None, NOT_A_URL
        log.warning("refused a push endpoint without saying why: %s", exc.reason)
        return None, UNREACHABLE
    return str(url), ""


async def subscribe(ctx: Ctx, account: Account, endpoint: str, p256dh: str, auth: str) -> PushSubscription:
    """Store a browser's subscription for ``account`` (the same endpoint again updates its keys)."""
    errors: dict[str, str] = {}
    if not _valid_p256dh(p256dh):
        errors["keys.p256dh"] = BAD_P256DH
    raw_auth = _decoded(auth)
    if raw_auth is None or len(raw_auth) != AUTH_BYTES:
        errors["keys.auth"] = BAD_AUTH
    stored_endpoint, reason = await _checked_endpoint(ctx, endpoint)
    if stored_endpoint is None:
        errors["endpoint"] = reason
    if errors:
        raise InvalidInput(errors)
    assert stored_endpoint is not None
    row = await ctx.session.scalar(select(PushSubscription).where(PushSubscription.endpoint == stored_endpoint))
    if row is None:
        if await _device_count(ctx, account) >= DEVICES_PER_ACCOUNT:
            raise Conflict(TOO_MANY)
        row = PushSubscription(account_id=account.id, endpoint=stored_endpoint, p256dh=p256dh, auth=auth)
        ctx.session.add(row)
    else:  # the browser subscribed again (new keys), or signed in to another account on this device
        row.account_id, row.p256dh, row.auth = account.id, p256dh, auth
    await ctx.session.flush()
    return row


async def unsubscribe(ctx: Ctx, account: Account, endpoint: str) -> None:
    try:
        stored_endpoint = str(normalize_url(endpoint))
    except BlockedDestination:
        raise NotFound(NOT_SUBSCRIBED) from None
    removed = await ctx.session.execute(delete(PushSubscription).where(
        PushSubscription.account_id == account.id, PushSubscription.endpoint == stored_endpoint))
    if not rowcount(removed):
        raise NotFound(NOT_SUBSCRIBED)


async def devices(ctx: Ctx, account: Account) -> list[PushSubscription]:
    return list(await ctx.session.scalars(
        select(PushSubscription).where(PushSubscription.account_id == account.id).order_by(PushSubscription.id)))


async def _device_count(ctx: Ctx, account: Account) -> int:
    found = await ctx.session.scalar(select(func.count()).where(PushSubscription.account_id == account.id))
    return int(found or 0)
