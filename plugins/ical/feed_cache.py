"""Rendered feeds kept for calendar clients' polls, and their HTTP validators.

Clients poll every few minutes and almost always get what they already have, so a
feed is rendered once and kept (body, ETag, Last-Modified) for ``FEED_TTL`` seconds;
a conditional request is answered from that copy without touching the database. The
store follows the core's page cache (core.web.page_cache): the process's memory in
embedded mode, Redis (its own namespace) when the broker is Redis, so every web
process and worker shares the entries and their deletions.

Correctness never rests on the copy: the ETag is the SHA-256 of the body that would be
sent, and any change a feed shows deletes its copies (plugins.ical.feed_changes), at
once, inside the transaction that made it; ``FEED_TTL`` bounds what a read racing that
transaction, or time passing (events leaving the window), could leave stale.

Last-Modified is when this body first appeared: a second, long-lived entry remembers
the last ETag of each feed and since when it has been sent, so it survives the copy's
deletions and a feed that changed back is newer still.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

import msgspec
from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore

from core.runtime import Runtime

# a render of thousands of events takes seconds: kept 5 minutes, which also bounds how long a change
# no hook announces (a suspension) or time passing (an event leaving the window) takes to show
FEED_TTL = 300
VALIDATOR_TTL = 60 * 24 * 3600
STATE = "ical-feed-cache"
FORMATS = ("ics", "atom")


class Validator(msgspec.Struct, array_like=True):
    """A body's ETag and since when it is sent (seconds since the epoch): all a 304 needs, kept apart
    from the body so that answering one reads a few bytes, not megabytes."""

    etag: str
    modified: int


_validator_decoder = msgspec.msgpack.Decoder(Validator)


def feed_store(runtime: Runtime) -> Store:
    """The instance's store of rendered feeds (made once per instance)."""
    return runtime.state(STATE, _make_store)


def _make_store(runtime: Runtime) -> Store:
    url = runtime.settings.broker_url
    if url.startswith(("redis://", "rediss://")):
        from litestar.stores.redis import RedisStore

        return RedisStore.with_client(url=url, namespace="convene-ical-feeds")
    return MemoryStore()


def instance_key(fmt: str) -> str:
    return f"instance:{fmt}"


def identity_key(username: str, fmt: str) -> str:
    return f"identity:{username.lower()}:{fmt}"


def private_key(secret_hash: str, fmt: str) -> str:
    return f"private:{secret_hash}:{fmt}"


async def head(store: Store, key: str) -> Validator | None:
    """The validators of the kept copy of the feed at ``key`` (None: no copy)."""
    found = await store.get(f"head:{key}")
    return _validator_decoder.decode(found) if found is not None else None


async def body(store: Store, key: str) -> bytes | None:
    return await store.get(f"body:{key}")


async def keep(store: Store, key: str, body: bytes) -> Validator:
    """Remember a freshly rendered feed, with its ETag and since when this very body is sent."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:40] + '"'
    now = int(datetime.now(UTC).timestamp())
    found = await store.get(f"validator:{key}")
    previous = _validator_decoder.decode(found) if found is not None else None
    if previous is not None and previous.etag == etag:
        modified = previous.modified
    else:
        # a second after the last body at least: a client that read that one within this second must not get a 304
        modified = max(now, previous.modified + 1) if previous is not None else now
        await store.set(f"validator:{key}", msgspec.msgpack.encode(Validator(etag, modified)), VALIDATOR_TTL)
    validator = Validator(etag, modified)
    await store.set(f"body:{key}", body, FEED_TTL)
    await store.set(f"head:{key}", msgspec.msgpack.encode(validator), FEED_TTL)  # after the body: a head has one
    return validator


async def forget(store: Store, keys: set[str]) -> None:
    for key in keys:
        await store.delete(f"head:{key}")
        await store.delete(f"body:{key}")


async def stop(store: Store, secret_hashes: list[str]) -> None:
    """A private address stopped: its copies go, and a mark refuses it for longer than a copy lives,
    so a poll racing the transaction that stopped it cannot keep it alive in a copy made meanwhile."""
    await forget(store, {private_key(secret, fmt) for secret in secret_hashes for fmt in FORMATS})
    for secret in secret_hashes:
        await store.set(f"stopped:{secret}", b"1", 2 * FEED_TTL)


async def stopped(store: Store, secret_hash: str) -> bool:
    return await store.get(f"stopped:{secret_hash}") is not None


def not_modified(headers: Mapping[str, str], feed: Validator) -> bool:
    """Whether the client already holds this body (RFC 9110 13.2.2: If-None-Match, when sent, decides alone)."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or feed.etag in tags
    if_modified_since = headers.get("if-modified-since")
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError, IndexError):
        return False  # an unreadable date is ignored, as RFC 9110 says
    if since.tzinfo is None:
        return False
    return feed.modified <= since.timestamp()


def http_date(seconds: int) -> str:
    return format_datetime(datetime.fromtimestamp(seconds, UTC), usegmt=True)
