"""Which rendered feeds a change makes stale, forgotten as the change is made.

Called from the lifecycle hooks (plugins.ical.__init__), inside the transaction that
made the change, so the very next poll renders the feed again. An event touches the
instance's feeds, its organiser's, and the private feeds of everyone in it (their own
and their accounts'); an identity's new name touches every feed that names it.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from core.accounts.models import Account
from core.context import Ctx
from core.events.models import Event, Participation
from core.identities.models import Identity
from plugins.ical import feed_cache
from plugins.ical.tokens import hashes_for


def _public_keys(identities: Iterable[Identity]) -> set[str]:
    keys = {feed_cache.instance_key(fmt) for fmt in feed_cache.FORMATS}
    for identity in identities:
        if identity.is_local:
            keys |= {feed_cache.identity_key(identity.username, fmt) for fmt in feed_cache.FORMATS}
    return keys


async def _private_keys(ctx: Ctx, identity_ids: set[int]) -> set[str]:
    return {feed_cache.private_key(secret, fmt) for secret in await hashes_for(ctx, identity_ids)
            for fmt in feed_cache.FORMATS}


async def _forget(ctx: Ctx, keys: set[str]) -> None:
    await feed_cache.forget(feed_cache.feed_store(ctx.runtime), keys)


async def event_changed(ctx: Ctx, event: Event) -> None:
    """The event's title, times, status or visibility changed, or it came or went."""
    taking_part = set(await ctx.session.scalars(
        select(Participation.identity_id).where(Participation.event_id == event.id)))
    organizer = await ctx.session.get_one(Identity, event.organizer_id)
    await _forget(ctx, _public_keys([organizer]) | await _private_keys(ctx, {event.organizer_id, *taking_part}))


async def participation_changed(ctx: Ctx, participation: Participation) -> None:
    """Someone joined or left: only their private feeds change (public feeds show no participants)."""
    await _forget(ctx, await _private_keys(ctx, {participation.identity_id}))


async def identity_changed(ctx: Ctx, identity: Identity) -> None:
    """A name changed, or the identity goes: its feeds, the instance's, and the private feeds of the
    people in its events (they name it as organiser)."""
    organised = select(Event.id).where(Event.organizer_id == identity.id)
    guests = set(await ctx.session.scalars(
        select(Participation.identity_id).where(Participation.event_id.in_(organised))))
    await _forget(ctx, _public_keys([identity]) | await _private_keys(ctx, {identity.id, *guests}))


async def account_changed(ctx: Ctx, account: Account) -> None:
    """An account was held or released: its identities' events come or go everywhere."""
    identities = list(await ctx.session.scalars(select(Identity).where(Identity.account_id == account.id)))
    await _forget(ctx, _public_keys(identities) | await _private_keys(ctx, {i.id for i in identities}))


async def held_or_released(ctx: Ctx, kind: str, target: object) -> None:
    if kind == "event" and isinstance(target, Event):
        await event_changed(ctx, target)
    elif kind == "account" and isinstance(target, Account):
        await account_changed(ctx, target)
