"""The feeds calendar clients and feed readers poll: public and private, ICS and Atom.

``/@{name}/feed/ics`` and ``/feed/instance/ics`` carry what an anonymous visitor may
see (plugins.ical.selection); ``/feed/private/{secret}/ics`` what a member organises or
goes to (plugins.ical.private_events), at an address only they know
(plugins.ical.tokens). Each has an Atom twin ending in ``/atom``. Feeds are written in
the instance's language: one copy per address, which clients poll without saying which
language they read.

A poll is answered from the rendered copy (plugins.ical.feed_cache) when there is one,
before any database work: the handlers take no ``ctx`` and open a transaction only
to render. A 304 answers a client that already holds the body.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar import Request, Response, get

from core.context import Ctx
from core.errors import NotFound
from core.events.listing import SHOWS_EVENTS
from core.i18n import N_, translations
from core.identities.service import local_identity
from core.runtime import Runtime
from plugins.ical import feed_cache
from plugins.ical.atom import atom_bytes
from plugins.ical.config import IcalConfig
from plugins.ical.private_events import private_events
from plugins.ical.selection import Selection, public_events
from plugins.ical.tokens import SECRET_PATTERN, resolve, secret_hash
from plugins.ical.vevent import calendar_of, ics_bytes, profile_url

PLUGIN_NAME = "ical"
RENDER_LOCKS = "ical-feed-renders"
LOCALE_DIRS = (Path(__file__).resolve().parent / "locale",)
# Litestar adds "; charset=utf-8" to text/ types itself
MEDIA_TYPES = {"ics": "text/calendar", "atom": "application/atom+xml; charset=utf-8"}

INSTANCE_DESCRIPTION = N_("Public events on %(instance)s")
IDENTITY_DESCRIPTION = N_("Public events of %(name)s on %(instance)s")
ACCOUNT_NAME = N_("My events on %(instance)s")
IDENTITY_PRIVATE_NAME = N_("Events of %(name)s on %(instance)s")
PRIVATE_DESCRIPTION = N_("Events organised or attended, from a private address: whoever has it sees these events.")
CUT = N_("The %(count)s soonest events; more at %(url)s")


@dataclass(frozen=True)
class FeedText:
    """What a feed says about itself, before the events: its name, description and addresses."""

    name: str
    description: str
    self_url: str
    page_url: str


Describe = Callable[[Ctx, Callable[[str], str]], Awaitable[tuple[Selection, FeedText]]]


def _gettext(ctx: Ctx) -> Callable[[str], str]:
    return translations(ctx.settings.instance.language, LOCALE_DIRS).gettext


async def _render(ctx: Ctx, fmt: str, describe: Describe) -> bytes:
    gettext = _gettext(ctx)
    selection, text = await describe(ctx, gettext)
    description = text.description
    if selection.cut:
        description = f"{description}. {gettext(CUT) % {'count': selection.cap, 'url': text.page_url}}"
    if fmt == "atom":
        return atom_bytes(ctx.settings, selection.events, title=text.name, subtitle=description,
                          self_url=text.self_url, page_url=text.page_url,
                          language=ctx.settings.instance.language, gettext=gettext)
    config: IcalConfig = ctx.config(PLUGIN_NAME)
    calendar = await calendar_of(ctx, selection.events, name=text.name, description=description,
                                 url=text.page_url, refresh_minutes=config.feed_refresh_minutes)
    # icalendar adds VTIMEZONEs in the order of a set of names, which differs between processes:
    # sorted, the same events give the same bytes (and ETag) in every web process
    calendar.subcomponents.sort(key=lambda c: (c.name != "VTIMEZONE", str(c.get("tzid", ""))))
    # serialising thousands of events takes a while: off the event loop, so polls go on meanwhile
    return await asyncio.to_thread(ics_bytes, calendar)


async def answer(request: Request[Any, Any, Any], key: str, fmt: str, describe: Describe, *,
                 stopped: str = "") -> Response:
    """The feed at ``key``: from its rendered copy when there is one, else rendered (and kept) now.
    ``stopped``: the secret hash of a private feed, refused at once once its address stopped."""
    state = request.app.state
    store = feed_cache.feed_store(state.runtime)
    private = bool(stopped)
    if private and await feed_cache.stopped(store, stopped):
        raise NotFound("no such feed")
    feed = await feed_cache.head(store, key)
    sent = await feed_cache.body(store, key) if feed is not None and not _not_modified(request, feed) else b""
    if feed is None or sent is None:
        async with _render_lock(state.runtime, key):  # one render per feed at a time; the others wait for it
            feed, sent = await feed_cache.head(store, key), await feed_cache.body(store, key)
            if feed is None or sent is None:
                async with state.sessionmaker() as session:
                    sent = await _render(Ctx(session, state.runtime, request=request), fmt, describe)
                feed = await feed_cache.keep(store, key, sent)
    headers = {"ETag": feed.etag, "Last-Modified": feed_cache.http_date(feed.modified),
               "Cache-Control": "private, no-cache" if private else "public, no-cache"}
    if private:
        headers["X-Robots-Tag"] = "noindex"
    if _not_modified(request, feed):
        return Response(content=b"", status_code=304, headers=headers)
    return Response(content=sent, media_type=MEDIA_TYPES[fmt], headers=headers)


def _not_modified(request: Request[Any, Any, Any], feed: feed_cache.Validator) -> bool:
    return feed_cache.not_modified(request.headers, feed)


def _render_lock(runtime: Runtime, key: str) -> asyncio.Lock:
    """The lock of this feed's renders in this process (a fixed pool: unknown addresses make no new locks)."""
    locks = runtime.state(RENDER_LOCKS, lambda _: [asyncio.Lock() for _ in range(64)])
    return locks[zlib.crc32(key.encode()) % len(locks)]


def _format(request: Request[Any, Any, Any]) -> str:
    """``ics`` or ``atom``: the last segment of the path (each route answers at both)."""
    return request.url.path.rsplit("/", 1)[1]


def _limits(ctx: Ctx) -> tuple[int, int]:
    config: IcalConfig = ctx.config(PLUGIN_NAME)
    return config.feed_past_days, config.feed_max_events


@get(["/feed/instance/ics", "/feed/instance/atom"], include_in_schema=False, opt=SHOWS_EVENTS)
async def instance_feed(request: Request[Any, Any, Any]) -> Response:
    """The instance's public events."""
    fmt = _format(request)

    async def describe(ctx: Ctx, gettext: Callable[[str], str]) -> tuple[Selection, FeedText]:
        instance = ctx.settings.instance.name
        text = FeedText(instance, gettext(INSTANCE_DESCRIPTION) % {"instance": instance},
                        ctx.settings.url(f"/feed/instance/{fmt}"), ctx.settings.url("/"))
        return await public_events(ctx, None, *_limits(ctx)), text

    return await answer(request, feed_cache.instance_key(fmt), fmt, describe)


@get(["/{handle:str}/feed/ics", "/{handle:str}/feed/atom"], include_in_schema=False, opt=SHOWS_EVENTS)
async def identity_feed(request: Request[Any, Any, Any], handle: str) -> Response:
    """``/@name/feed/ics``: a local identity's public events; 404 for anyone else (as its profile).

    Litestar cannot put a parameter after ``@`` in one segment: the handle comes whole."""
    fmt = _format(request)
    if not handle.startswith("@") or len(handle) > 65:
        raise NotFound("no such identity")
    username = handle[1:]

    async def describe(ctx: Ctx, gettext: Callable[[str], str]) -> tuple[Selection, FeedText]:
        identity = await local_identity(ctx, username)
        values = {"name": identity.name, "instance": ctx.settings.instance.name}
        text = FeedText(identity.name, gettext(IDENTITY_DESCRIPTION) % values,
                        ctx.settings.url(f"/@{identity.username}/feed/{fmt}"), profile_url(ctx, identity))
        return await public_events(ctx, identity, *_limits(ctx)), text

    return await answer(request, feed_cache.identity_key(username, fmt), fmt, describe)


@get(["/feed/private/{secret:str}/ics", "/feed/private/{secret:str}/atom"], include_in_schema=False,
     opt=SHOWS_EVENTS)
async def private_feed(request: Request[Any, Any, Any], secret: str) -> Response:
    """A member's private feed, at the secret address their settings show (404 for any other)."""
    fmt = _format(request)
    if not SECRET_PATTERN.fullmatch(secret):
        raise NotFound("no such feed")

    async def describe(ctx: Ctx, gettext: Callable[[str], str]) -> tuple[Selection, FeedText]:
        feed = await resolve(ctx, secret)
        instance = ctx.settings.instance.name
        if feed.identity is None:
            name = gettext(ACCOUNT_NAME) % {"instance": instance}
        else:
            name = gettext(IDENTITY_PRIVATE_NAME) % {"name": feed.identity.name, "instance": instance}
        text = FeedText(name, gettext(PRIVATE_DESCRIPTION), ctx.settings.url(f"/feed/private/{secret}/{fmt}"),
                        ctx.settings.url("/my/events"))
        return await private_events(ctx, feed, *_limits(ctx)), text

    hashed = secret_hash(secret)
    return await answer(request, feed_cache.private_key(hashed, fmt), fmt, describe, stopped=hashed)


def feed_handlers() -> list[Any]:
    return [instance_feed, identity_feed, private_feed]
