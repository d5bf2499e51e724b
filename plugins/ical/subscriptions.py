"""Calendars an identity subscribes to: checked when given, fetched again in the background.

Every fetch is an outbox job (``REFRESH_JOB``), queued by the periodic task when a
subscription is due or by "Fetch now", each after claiming the subscription
(claims.py): one fetch and import of a calendar at a time, a second "Fetch now" while
one is queued or running is a Conflict, and the periodic task skips claimed ones.

Every fetch goes through the core's guarded client (no private addresses, every
redirect checked, the body capped at ``import_max_bytes`` while it streams, the whole
exchange at ``import_timeout_seconds``) with a conditional GET: the ETag and
Last-Modified of the last calendar read are sent back, and a 304 changes nothing. A
URL whose host is written as a private address, or that redirects to one, is refused
with a message saying so (the person wrote that address, so naming it tells nothing);
a name that leads to a private address is refused like an unreachable server, so
subscriptions cannot map the instance's network. Fetches are few (at most
``REFRESH_BATCH`` queued every few minutes), so each opens its own client and closes it.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from core import __version__
from core.context import Ctx
from core.db.base import utcnow
from core.errors import Conflict, InvalidInput, NotFound
from core.guarded_http import (
    BlockedDestination,
    FetchError,
    FetchPolicy,
    FetchResponse,
    GuardedClient,
    RefusedAddress,
    RefusedResponse,
    TransportFailure,
    check_destination,
    is_public_address,
    normalize_url,
)
from core.i18n import Message
from core.identities.models import Identity
from core.outbox import enqueue
from core.periodic import PeriodicTask
from core.viewer import Viewer
from plugins.ical import claims
from plugins.ical.config import IcalConfig
from plugins.ical.import_models import URL_MAX, CalendarSubscription
from plugins.ical.importing import PLUGIN_NAME, import_calendar
from plugins.ical.parse_errors import CalendarRefused, Problem

MAX_SUBSCRIPTIONS = 20  # per identity
REFRESH_BATCH = 20  # subscriptions one run of the periodic task queues at most
REFRESH_JOB = "ical.refresh"  # the outbox job of one subscription's fetch and import
ACCEPT = "text/calendar, text/plain;q=0.5, */*;q=0.1"
UNREACHABLE = Message("the calendar cannot be fetched: its server does not answer, or its address is not public")


class PrivateAddress(BlockedDestination):
    """A URL (or a redirect) whose host is written as a private address."""


def fetch_policy(ctx: Ctx) -> FetchPolicy:
    """What a subscription's fetch may reach and take: the import limits of ``[plugins.ical]``."""
    config: IcalConfig = ctx.config(PLUGIN_NAME)
    return FetchPolicy(
        allow_private=config.allow_private_addresses, max_body_bytes=config.import_max_bytes,
        total_timeout=config.import_timeout_seconds,
        user_agent=f"Convene/{__version__} (+{ctx.settings.public_url}/)",
    )


def _refuse_private_literal(policy: FetchPolicy, url: httpx.URL) -> None:
    try:
        address = ipaddress.ip_address(url.host)
    except ValueError:
        return  # a name: the guarded client checks what it resolves to
    allowed = policy.allow_private or is_public_address(address) or any(
        address in ipaddress.ip_network(network) for network in policy.allowed_networks)
    if not allowed:
        raise PrivateAddress(Message("%(host)s is a private address: only calendars on the public internet "
                                     "can be subscribed to", host=url.host))


def _said(exc: FetchError) -> str:
    """What the importer is told of a failed fetch."""
    if isinstance(exc, RefusedAddress | TransportFailure):
        return UNREACHABLE
    if isinstance(exc, RefusedResponse):
        return Message("the calendar server's answer was refused: %(reason)s", reason=exc.reason)
    return exc.reason


def subscription_url(url: str) -> str:
    """The URL to fetch: ``webcal://`` (the calendar link scheme) is https."""
    url = url.strip()
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://"):]
    try:
        parsed = normalize_url(url)
    except BlockedDestination:
        raise InvalidInput.field("url", Message("give a web address starting with https://, http:// or webcal://")) from None
    if len(str(parsed)) > URL_MAX:
        raise InvalidInput.field("url", Message("the address is longer than %(limit)s characters", limit=URL_MAX))
    return str(parsed)


async def subscriptions_of(ctx: Ctx, identity: Identity) -> list[CalendarSubscription]:
    query = select(CalendarSubscription).where(CalendarSubscription.identity_id == identity.id)
    return list(await ctx.session.scalars(query.order_by(CalendarSubscription.id)))


async def subscription_of(ctx: Ctx, identity: Identity, subscription_id: str) -> CalendarSubscription:
    """One of the identity's subscriptions by its id as a path gives it; anything else is not found."""
    if not subscription_id.isascii() or not subscription_id.isdigit() or len(subscription_id) > 18:
        raise NotFound("no such calendar subscription")
    found = await ctx.session.get(CalendarSubscription, int(subscription_id))
    if found is None or found.identity_id != identity.id:
        raise NotFound("no such calendar subscription")
    return found


async def subscribe(ctx: Ctx, identity: Identity, url: str, publish: bool) -> CalendarSubscription:
    """Subscribe ``identity`` to a calendar; its first fetch is the next run of the refresh task."""
    url = subscription_url(url)
    policy = fetch_policy(ctx)
    try:
        _refuse_private_literal(policy, normalize_url(url))
        await check_destination(url, policy)
    except FetchError as exc:
        raise InvalidInput.field("url", _said(exc)) from None
    mine = CalendarSubscription.identity_id == identity.id
    if await ctx.session.scalar(select(CalendarSubscription.id).where(mine, CalendarSubscription.url == url)):
        raise Conflict(Message("this identity is already subscribed to this calendar"))
    if (await ctx.session.scalar(select(func.count()).select_from(CalendarSubscription).where(mine)) or 0) \
            >= MAX_SUBSCRIPTIONS:
        raise Conflict(Message("an identity may subscribe to at most %(limit)s calendars", limit=MAX_SUBSCRIPTIONS))
    subscription = CalendarSubscription(identity_id=identity.id, url=url, publish=publish, next_fetch_at=utcnow(),
                                        last_summary={})
    ctx.session.add(subscription)
    await ctx.session.flush()
    return subscription


async def unsubscribe(ctx: Ctx, subscription: CalendarSubscription) -> None:
    """Stop fetching; the events it made stay the identity's (and remember their UIDs, should it come back)."""
    await ctx.session.delete(subscription)
    await ctx.session.flush()


def _failed(subscription: CalendarSubscription, message: str, line: int | None = None) -> None:
    subscription.last_status = "failed"
    subscription.last_error = str(message)
    subscription.last_summary = {"errors": [Problem(line, message).stored()]}


async def queue_refresh(ctx: Ctx, subscription: CalendarSubscription) -> None:
    """Claim the subscription and queue its fetch ("Fetch now"); a fetch already queued or under way
    (asked for, or the periodic one) is a Conflict."""
    token = await claims.claim(ctx, CalendarSubscription, subscription.id)
    if token is None:
        raise Conflict(Message("this calendar is being fetched already: the outcome shows here once it is imported"))
    await enqueue(ctx.session, REFRESH_JOB, {"subscription": subscription.id, "token": token})
    await ctx.session.refresh(subscription)


async def refresh_job(ctx: Ctx, payload: dict[str, Any]) -> None:
    """The outbox job of a queued fetch."""
    await refresh(ctx, payload["subscription"], payload["token"])


async def refresh(ctx: Ctx, subscription_id: int, token: str, client: GuardedClient | None = None) -> bool:
    """Fetch a subscription claimed under ``token`` and import it as its identity; the outcome is kept on
    the subscription and the claim released. False (nothing done) when the claim is no longer this one's.

    Three steps, so no transaction is open while a stranger's server takes its time: what the fetch
    needs is read and that read committed; the fetch; then a new transaction that starts by writing
    (``claims.holds``) and writes the import. On SQLite, a transaction that read before the fetch could
    not write after another connection committed meanwhile ("database is locked" at once).
    """
    subscription = await ctx.session.get(CalendarSubscription, subscription_id, populate_existing=True)
    if subscription is None or subscription.claim_token != token:
        await ctx.session.commit()
        return False
    url, headers = subscription.url, _conditional_headers(subscription)
    await ctx.session.commit()
    if client is None:
        async with GuardedClient(fetch_policy(ctx)) as own:
            response, failure = await _fetch(own, url, headers)
    else:
        response, failure = await _fetch(client, url, headers)
    if not await claims.holds(ctx, CalendarSubscription, subscription_id, token):
        return False
    subscription = await ctx.session.get_one(CalendarSubscription, subscription_id, populate_existing=True)
    await _import_answer(ctx, subscription, response, failure)
    claims.release(subscription)
    return True


def _conditional_headers(subscription: CalendarSubscription) -> dict[str, str]:
    """The validators of the last calendar read, sent back to get a 304."""
    headers = {}
    if subscription.etag:
        headers["If-None-Match"] = subscription.etag
    if subscription.last_modified:
        headers["If-Modified-Since"] = subscription.last_modified
    return headers


async def _fetch(client: GuardedClient, url: str, headers: dict[str, str]) -> tuple[FetchResponse | None, str]:
    """The server's answer, or None and what the importer is told of the failure."""

    async def destination(target: httpx.URL) -> None:
        _refuse_private_literal(client.policy, target)

    try:
        return await client.get(url, accept=ACCEPT, headers=headers, destination=destination), ""
    except FetchError as exc:
        return None, _said(exc)


async def _import_answer(ctx: Ctx, subscription: CalendarSubscription, response: FetchResponse | None,
                         failure: str) -> None:
    """Import what the server answered, or keep why not. A refused calendar leaves every event as it was."""
    config: IcalConfig = ctx.config(PLUGIN_NAME)
    now = utcnow()
    subscription.last_fetch_at = now
    subscription.next_fetch_at = now + timedelta(minutes=config.import_refresh_minutes)
    if response is None:
        _failed(subscription, failure)
        return
    if response.status == 304:
        subscription.last_status, subscription.last_error = "not_modified", ""
        return
    if response.status != 200:
        _failed(subscription, Message("the calendar server answered %(status)s", status=response.status))
        return
    identity = await ctx.session.get_one(Identity, subscription.identity_id)
    try:
        report = await import_calendar(ctx.as_viewer(Viewer.acting_as(identity)), identity, response.body,
                                       subscription.url, subscription.publish)
    except CalendarRefused as exc:
        _failed(subscription, exc.message, exc.line)
        return
    subscription.etag = response.headers.get("etag", "")[:500]
    subscription.last_modified = response.headers.get("last-modified", "")[:100]
    subscription.last_status, subscription.last_error = "imported", ""
    subscription.last_summary = report.summary()


async def refresh_due(ctx: Ctx) -> None:
    """The periodic task: queue the fetch of the subscriptions whose time has come, the longest waiting
    first, each claimed as "Fetch now" claims it (one claimed already is skipped). Each is its own
    outbox job, so one calendar's failure never undoes another's import."""
    now = utcnow()
    query = (select(CalendarSubscription.id)
             .where(CalendarSubscription.next_fetch_at <= now, ~claims.live(CalendarSubscription, now))
             .order_by(CalendarSubscription.next_fetch_at).limit(REFRESH_BATCH))
    for subscription_id in list(await ctx.session.scalars(query)):
        token = await claims.claim(ctx, CalendarSubscription, subscription_id)
        if token is not None:
            await enqueue(ctx.session, REFRESH_JOB, {"subscription": subscription_id, "token": token})


REFRESH = PeriodicTask("ical.import_refresh", timedelta(minutes=5), refresh_due)
