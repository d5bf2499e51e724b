"""A member's private feeds, as the settings page and the API manage them.

One service behind both: which feed a request means (the account's, or one of its own
identities': another account's identity is simply not found, so nothing tells whose it
is), a new address (the old one stops, its rendered copies go at once), revocation,
and the addresses shown: https for a download, webcal for one-click subscription.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.accounts.models import Account
from core.context import Ctx
from core.errors import InvalidInput, NotFound
from core.identities.models import Identity
from core.identities.service import own_identity
from core.settings import Settings
from plugins.ical import feed_cache, tokens
from plugins.ical.tokens import PrivateFeed


@dataclass(frozen=True)
class Addresses:
    ics: str
    webcal: str
    atom: str


def addresses(settings: Settings, path: str) -> Addresses:
    """The addresses of the feed at ``path`` (``/feed/...``, without the format)."""
    ics = settings.url(f"{path}/ics")
    webcal = "webcal://" + ics.split("://", 1)[1]
    return Addresses(ics, webcal, settings.url(f"{path}/atom"))


def private_addresses(settings: Settings, feed: PrivateFeed) -> Addresses:
    return addresses(settings, f"/feed/private/{feed.secret}")


async def whose(ctx: Ctx, account: Account, username: str | None) -> Identity | None:
    """The identity a request names (None: the account's feed); NotFound unless it is the account's own."""
    if not username:
        return None
    try:
        return await own_identity(ctx, account, username)
    except InvalidInput:
        raise NotFound("no such identity") from None


async def _forget(ctx: Ctx, hashes: list[str]) -> None:
    await feed_cache.stop(feed_cache.feed_store(ctx.runtime), hashes)


async def renew(ctx: Ctx, account: Account, username: str | None) -> PrivateFeed:
    """A new address for the feed (made if there was none); the old address answers 404 from now on."""
    feed, stopped = await tokens.renew(ctx, account, await whose(ctx, account, username))
    await _forget(ctx, stopped)
    return feed


async def revoke(ctx: Ctx, account: Account, username: str | None) -> None:
    """Stop the feed; NotFound when there is none."""
    stopped = await tokens.revoke(ctx, account, await whose(ctx, account, username))
    if not stopped:
        raise NotFound("no such feed")
    await _forget(ctx, stopped)
