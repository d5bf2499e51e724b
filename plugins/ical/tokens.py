"""The secret addresses of private feeds: made, shown again, replaced, revoked, resolved.

A private feed's address ends in a secret: the HMAC-SHA256 of the row's random nonce
with the instance's secret key. The settings page recomputes it to show the address
on a second device; a copy of the database (nonces and the secrets' SHA-256) gives
nobody an address without the key. An address is found by its secret's SHA-256, then
checked by comparing digests in constant time; an unknown, replaced or revoked secret
gets the same 404. Changing ``secret_key`` retires every address.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, delete, select

from core.accounts.models import Account
from core.context import Ctx
from core.errors import NotFound
from core.identities.models import Identity
from core.identities.service import identities_of
from plugins.ical.models import FeedToken

SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")  # 32 bytes, base64url without padding
_PURPOSE = b"convene ical private feed\x00"


def secret_of(secret_key: str, nonce: str) -> str:
    """The address's secret for ``nonce``: only the holder of the instance's key can compute it."""
    digest = hmac.new(secret_key.encode(), _PURPOSE + nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def secret_hash(secret: str) -> str:
    """What the table keeps to find an address (and what cache keys name it by)."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class PrivateFeed:
    """One member's feed: their account's (``identity`` None) or one identity's, and its secret."""

    token: FeedToken
    account: Account
    identity: Identity | None
    secret: str


async def resolve(ctx: Ctx, secret: str) -> PrivateFeed:
    """The feed at this secret; NotFound, the same for every wrong one."""
    if not SECRET_PATTERN.fullmatch(secret):
        raise NotFound("no such feed")
    token = await ctx.session.scalar(select(FeedToken).where(FeedToken.secret_hash == secret_hash(secret)))
    expected = secret_of(ctx.settings.secret_key, token.nonce if token else "")
    if token is None or not hmac.compare_digest(expected.encode(), secret.encode()):
        raise NotFound("no such feed")
    account = await ctx.session.get_one(Account, token.account_id)
    identity = await ctx.session.get_one(Identity, token.identity_id) if token.identity_id is not None else None
    return PrivateFeed(token, account, identity, secret)


def _scope(account: Account, identity: Identity | None) -> ColumnElement[bool]:
    return and_(FeedToken.account_id == account.id,
                FeedToken.identity_id.is_(None) if identity is None else FeedToken.identity_id == identity.id)


async def feeds_of(ctx: Ctx, account: Account) -> list[PrivateFeed]:
    """The account's feeds (its own first, then its identities' in their usual order)."""
    identities = await identities_of(ctx, account)
    order: dict[int | None, int] = {None: -1, **{identity.id: rank for rank, identity in enumerate(identities)}}
    by_id = {identity.id: identity for identity in identities}
    tokens = await ctx.session.scalars(select(FeedToken).where(FeedToken.account_id == account.id))
    found = [PrivateFeed(t, account, by_id.get(t.identity_id) if t.identity_id else None,
                         secret_of(ctx.settings.secret_key, t.nonce)) for t in tokens]
    return sorted(found, key=lambda feed: order.get(feed.token.identity_id, len(order)))


async def renew(ctx: Ctx, account: Account, identity: Identity | None) -> tuple[PrivateFeed, list[str]]:
    """A new address for the account's (or the identity's) feed; the old one, if any, stops at once.
    Also the secret hashes that stopped (their cached feeds must go)."""
    stopped = await revoke(ctx, account, identity)
    nonce = secrets.token_hex(32)
    secret = secret_of(ctx.settings.secret_key, nonce)
    token = FeedToken(account_id=account.id, identity_id=identity.id if identity else None,
                      nonce=nonce, secret_hash=secret_hash(secret))
    ctx.session.add(token)
    await ctx.session.flush()
    return PrivateFeed(token, account, identity, secret), stopped


async def revoke(ctx: Ctx, account: Account, identity: Identity | None) -> list[str]:
    """Stop the account's (or the identity's) feed; the secret hashes that stopped (none: there was no feed)."""
    hashes = list(await ctx.session.scalars(select(FeedToken.secret_hash).where(_scope(account, identity))))
    if hashes:
        await ctx.session.execute(delete(FeedToken).where(_scope(account, identity)))
    return hashes


async def hashes_for(ctx: Ctx, identity_ids: set[int]) -> list[str]:
    """The secret hashes of every private feed that may show events of these identities: their own,
    and their accounts' (an account's feed gathers all its identities)."""
    if not identity_ids:
        return []
    accounts = select(Identity.account_id).where(Identity.id.in_(identity_ids), Identity.account_id.is_not(None))
    query = select(FeedToken.secret_hash).where(
        FeedToken.identity_id.in_(identity_ids)
        | (FeedToken.identity_id.is_(None) & FeedToken.account_id.in_(accounts)))
    return list(await ctx.session.scalars(query))
