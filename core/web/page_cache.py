"""Event pages for anonymous readers, rendered once and served from a cache.

Most readers of a public event page are not logged in, and their page is the same for
all of them; rendering it costs about twenty times a trivial answer (three queries, a
template). So Litestar's response cache keeps the anonymous HTML page for
``PAGE_TTL`` seconds, and any change to what the page shows empties its entry as soon
as the change commits: ``Ctx.emit`` notes the event of every lifecycle hook, and the
request (or the worker job) forgets those pages after its commit.

Only plain anonymous reads are stored: no session cookie, no query string, not a
request for a format a plugin answers on the same URL (``convene_uncached_media_types``:
the federation plugin's ActivityStreams JSON), and no plugin fragment on the page that
differs between visitors (core.web.slots). Each language has
its own copy: the key holds the language the reader gets (core.web.language, from the
switcher's cookie or the browser's Accept-Language), so nobody is served a page cached
for a reader of another language. The cached answer
holds no per-reader data (anonymous pages carry no CSRF token; the CSRF cookie is
added outside the cache). The store is the process's memory in embedded mode and Redis
when the broker is Redis, so every web process sees the same entries and deletions. A
change says which event's pages it touched with ``ctx.pages_changed(event)``.
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
from core.web.slots import NOT_SHARED

PAGE_TTL = 60  # also bounds how long a race between a read and a change can leave a page stale


class PageCache:
    """Which reads share a cached page, knowing the media types plugins answer on page URLs."""

    def __init__(self, uncached_media_types: list[str]) -> None:
        self.uncached_media_types = [media_type.lower() for media_type in uncached_media_types]

    def _is_plain_anonymous_read(self, headers: dict[str, str], query: str) -> bool:
        accept = headers.get("accept", "").lower()
        return (
            f"{SESSION_COOKIE}=" not in headers.get("cookie", "")
            and not query
            and not any(media_type in accept for media_type in self.uncached_media_types)
        )

    def cache_key(self, request: Request[Any, Any, Any]) -> str:
        """The shared key for a plain anonymous read; a key of its own (never stored) otherwise."""
        if self._is_plain_anonymous_read(dict(request.headers), request.url.query):
            return page_key(request.url.path, reader_language(request))
        return f"private:{uuid.uuid4()}"

    def may_store(self, scope: HTTPScope, status_code: int) -> bool:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        query = scope.get("query_string", b"").decode("latin-1")
        shared = not scope.get("state", {}).get(NOT_SHARED)
        return status_code == 200 and shared and self._is_plain_anonymous_read(headers, query)


def page_key(path: str, language: str) -> str:
    return f"page:{language}:{path}"


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
