"""The security headers every response carries: pages, API, static files, media, errors, plugins' routes.

They are added in one place, a ``before_send`` hook on the application, so that no route
can forget them, including the answers Litestar makes itself (a 404 for an unknown path,
a 405). A header the response already has is left alone: that is how a route departs
from the policy, with ``content_security_policy(changes)`` as its own header. The logo
(an SVG served as a document) sends a narrower policy. A page made to be shown inside
other sites (an embed) says so with ``opt=FRAMABLE`` on its route: it gets the same
policy with ``frame-ancestors *``; every other page stays unframable.

The Content-Security-Policy allows a page to run and style only what the instance
serves (no inline script or style, no third-party script, stylesheet, font or frame),
so an HTML injection that slipped past the sanitiser cannot run code. Images are the
exception: events and people federated from other servers show their banner and avatar
from their own server over https (they are not copied or proxied here), so ``img-src``
allows ``https:``; and ``blob:``, for the event form's preview of a picture being
uploaded. No nonces: the page cache (core.web.page_cache) serves one rendering to many
readers, who would share its nonce. No page may be framed by another site
(``frame-ancestors 'none'``, against click-jacking), unless its route is ``FRAMABLE``.
"""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import BeforeMessageSendHookHandler, Message, Scope

CSP_HEADER = "Content-Security-Policy"
POLICY: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' blob: https:",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# route opt: the page is made to be framed by any site (an embed); it must hold no form that acts for a member
FRAMABLE = {"framable": True}
FRAMED_BY_ANY_SITE = {"frame-ancestors": "*"}
HSTS = "max-age=31536000"  # a year; whether the domain's other subdomains are https is not ours to say


def content_security_policy(changes: dict[str, str] | None = None) -> str:
    """The policy as a header value, with some directives replaced by a route that needs them so."""
    return "; ".join(f"{name} {value}" for name, value in {**POLICY, **(changes or {})}.items())


def security_headers(public_url: str) -> BeforeMessageSendHookHandler:
    """The hook for ``Litestar(before_send=...)``; HSTS only when the instance is served over https."""
    wanted = {CSP_HEADER: content_security_policy(), "X-Content-Type-Options": "nosniff",
              "Referrer-Policy": "same-origin"}
    if public_url.startswith("https://"):
        wanted["Strict-Transport-Security"] = HSTS
    framable = {**wanted, CSP_HEADER: content_security_policy(FRAMED_BY_ANY_SITE)}

    async def add_security_headers(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        handler = scope.get("route_handler")
        chosen = framable if handler is not None and handler.opt.get("framable") else wanted
        for name, value in chosen.items():
            if name not in headers:
                headers[name] = value

    return add_security_headers
