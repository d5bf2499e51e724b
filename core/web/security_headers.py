"""The security headers every response carries: pages, API, static files, media, errors, plugins' routes.

They are added in one place, a ``before_send`` hook on the application, so that no route
can forget them, including answers Litestar makes itself (a 404 for an unknown path, a
405). A header a route set itself is left alone: the logo, an SVG served as a document,
sends a narrower policy of its own.

The Content-Security-Policy allows the page to run and style only what the instance
serves (no inline script or style, no third-party script, stylesheet, font or frame),
so an HTML injection that slipped past the sanitiser cannot run code. Images are the
one exception: events and people federated from other servers show their banner and
avatar from their own server over https (they are not copied or proxied here), so
``img-src`` allows ``https:``. Nonces are not used: the page cache
(core.web.page_cache) serves one rendering to many readers, which would share a nonce.

No page may be framed by another site (``frame-ancestors 'none'``, against
click-jacking). A route that must be embeddable (an embed page) says so with its
``opt``: ``opt={CSP_OPT: {"frame-ancestors": "https:"}}`` replaces that directive for its
responses only; any other directive can be relaxed the same way, by the route that needs it.
"""

from __future__ import annotations

from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.types import BeforeMessageSendHookHandler, Message, Scope

CSP_OPT = "content_security_policy"
POLICY: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' https:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
HSTS = "max-age=31536000"  # a year; subdomains are not ours to decide


def content_security_policy(changes: dict[str, str] | None = None) -> str:
    """The policy as a header value, with a route's ``changes`` to some directives."""
    return "; ".join(f"{name} {value}" for name, value in {**POLICY, **(changes or {})}.items())


def security_headers(public_url: str) -> BeforeMessageSendHookHandler:
    """The hook for ``Litestar(before_send=...)``; HSTS only when the instance is served over https."""
    common = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}
    if public_url.startswith("https://"):
        common["Strict-Transport-Security"] = HSTS
    default_policy = content_security_policy()

    async def add_security_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        handler: Any = scope.get("route_handler")
        changes = handler.opt.get(CSP_OPT) if handler is not None else None
        wanted = {**common, "Content-Security-Policy": content_security_policy(changes) if changes else default_policy}
        for name, value in wanted.items():
            if name not in headers:
                headers[name] = value

    return add_security_headers
