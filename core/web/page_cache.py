"""Event pages for anonymous readers, rendered once and served from a cache.

Most readers of a public event page are not logged in, and their page is the same for
all of them; rendering it costs about twenty times a trivial answer (three queries, a
template). So Litestar's response cache keeps the anonymous HTML page for
``PAGE_TTL`` seconds, and any change to what the page shows empties its entry as soon
as the change commits: ``Ctx.emit`` notes the event of every lifecycle hook, and the
request (or the worker job) forgets those pages after its commit.

Only plain anonymous reads are stored: no session cookie, no query string, and not a
request for another format (ActivityStreams JSON on the same URL). Each language has
its own copy: the key holds the language the reader gets (core.web.language, from the
switcher's cookie or the browser's Accept-Language), so nobody is served a page cached
for a reader of another language. The cached answer
holds no per-reader data (anonymous pages carry no CSRF token; the CSRF cookie is
added outside the cache). The store is the process's memory in embedded mode and Redis
when the broker is Redis, so every web process sees the same entries and deletions.
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request
from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.types import HTTPScope

from core.auth import SESSION_COOKIE
from core.context import CHANGED_EVENTS
from core.i18n import languages
from core.settings import Settings
from core.web.language import reader_language

PAGE_TTL = 60  # also bounds how long a race between a read and a change can leave a page stale


def _is_plain_anonymous_read(headers: dict[str, str], query: str) -> bool:
    accept = headers.get("accept", "")
    return (
        f"{SESSION_COOKIE}=" not in headers.get("cookie", "")
        and not query
        and "activity+json" not in accept
        and "ld+json" not in accept
    )


def page_key(path: str, language: str) -> str:
    return f"page:{language}:{path}"


def cache_key(request: Request[Any, Any, Any]) -> str:
    """The shared key for a plain anonymous read; a key of its own (never stored) otherwise."""
    if _is_plain_anonymous_read(dict(request.headers), request.url.query):
        return page_key(request.url.path, reader_language(request))
    return f"private:{uuid.uuid4()}"


def may_store(scope: HTTPScope, status_code: int) -> bool:
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    query = scope.get("query_string", b"").decode("latin-1")
    return status_code == 200 and _is_plain_anonymous_read(headers, query)


def page_store(settings: Settings) -> Store:
    if settings.broker_url.startswith(("redis://", "rediss://")):
        from litestar.stores.redis import RedisStore

        return RedisStore.with_client(url=settings.broker_url, namespace="convene-pages")
    return MemoryStore()


async def forget_changed_pages(store: Store, info: dict[str, Any]) -> None:
    """After a commit: drop the cached pages of the events the transaction changed."""
    for event_uuid in info.pop(CHANGED_EVENTS, set()):
        for language in languages():
            await store.delete(page_key(f"/events/{event_uuid}", language))
