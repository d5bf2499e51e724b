"""Search by URL or handle: paste an event's URL, an actor's URL or ``@name@host`` and get it here.

A remote event is fetched (signed by /relay, as some servers require) and stored as
a remote event, so it can then be shown, joined and kept up to date like one that
arrived by delivery. One of our own URLs answers our own event or identity, without
a request to ourselves. Whatever cannot be found or used is a 422 on ``q`` that says
why: a malformed query, an unreachable or refusing host, an excluded domain, an object
we cannot read.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from litestar import get
from litestar.params import Parameter

from core.api.openapi import refusals
from core.auth import Caller, signed_in
from core.context import Ctx
from core.errors import InvalidInput
from core.events.listing import SHOWS_EVENTS, visible_event
from core.events.models import Event
from core.events.schemas import EventOut, event_out
from core.guarded_http import FetchError, host_of, normalize_host
from core.identities.models import Identity
from core.identities.schemas import IdentityOut, identity_out
from plugins.federation_activitypub.discovery import our_hosts
from plugins.federation_activitypub.follows import local_identity_at, local_identity_by_handle
from plugins.federation_activitypub.models import ApActor
from plugins.federation_activitypub.parse import ACTOR_TYPES, Refused, parse_event
from plugins.federation_activitypub.remote_actors import remote_actors
from plugins.federation_activitypub.remote_events import store_remote_event


@get("/api/v1/search", tags=["federation"], opt=SHOWS_EVENTS, guards=[signed_in], responses=refusals(422))
async def search(
    ctx: Ctx, api: Caller, q: Annotated[str, Parameter(min_length=3, max_length=2000)]
) -> EventOut | IdentityOut:
    """The event or identity that a URL or ``@name@host`` names, fetched when it is remote."""
    api.require_account()
    found = await find(ctx, q)
    if isinstance(found, Event):
        return await event_out(ctx, found)
    return identity_out(found, ctx.settings)


async def find(ctx: Ctx, query: str) -> Event | Identity:
    """What ``query`` names, here or fetched; an ``InvalidInput`` on ``q`` saying why not."""
    target = query.strip()
    try:
        if _is_url(target) and host_of(target) in our_hosts(ctx.settings):
            return await _local_url(ctx, target)
        name, _, host = target.lstrip("@").partition("@")
        if not _is_url(target) and host and normalize_host(host) in our_hosts(ctx.settings):
            return _local_profile(await local_identity_by_handle(ctx, f"@{name}"))
        return await _remote(ctx, target)
    except FetchError as exc:
        raise InvalidInput.field("q", exc.disclosed()) from exc
    except Refused as exc:
        raise InvalidInput.field("q", exc.reason) from exc


def _is_url(target: str) -> bool:
    return target.startswith(("https://", "http://"))


async def _local_url(ctx: Ctx, url: str) -> Event | Identity:
    """One of our URLs: an event page (if the viewer may see it) or an identity."""
    path = urlsplit(url).path
    if path.startswith("/events/"):
        return await visible_event(ctx, path.removeprefix("/events/").strip("/"))
    return _local_profile(await local_identity_at(ctx, url))


def _local_profile(identity: Identity | None) -> Identity:
    if identity is None:
        raise Refused("this instance has no such event or identity")
    return identity


async def _remote(ctx: Ctx, target: str) -> Event | Identity:
    actors = remote_actors(ctx)
    if not _is_url(target):
        return await _identity(ctx, await actors.by_handle_or_url(target))
    document = await actors.fetch_document(target)
    if document.get("type") in ACTOR_TYPES:
        return await _identity(ctx, await actors.from_document(document))
    remote = parse_event(document)
    event = await store_remote_event(ctx, remote, await actors.by_id(remote.attributed_to))
    if event is None:
        raise Refused(f"{remote.ap_id} was deleted")
    return event


async def _identity(ctx: Ctx, actor: ApActor) -> Identity:
    return await ctx.session.get_one(Identity, actor.identity_id)


def search_handlers() -> list[Any]:
    return [search]
