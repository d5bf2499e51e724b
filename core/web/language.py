"""The reader's language, and the switcher in every page's footer.

A page is in the member's chosen language when they are logged in; otherwise in the
language the switcher remembered in a cookie; otherwise in the best match for the
browser's Accept-Language; otherwise in the instance's language (``[instance] language``).

The switcher is a plain form (no JavaScript) that posts to ``/language``. It is on
every page, the cached anonymous event pages included, and a cached page cannot hold
a per-visitor CSRF token; so this one form is checked by what browsers say of where a
post comes from (Fetch Metadata, else Origin) instead of a token. The worst another
site could do by forging it is change a visitor's language; the session cookie is
SameSite=Lax, so a forged post never reaches a member's account.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from litestar import Request, Response, post
from litestar.response import Redirect

from core.accounts.service import update_preferences
from core.auth import Caller
from core.context import Ctx
from core.errors import Forbidden, InvalidInput
from core.i18n import choose_language, languages
from core.settings import Settings
from core.web.forms import Form, text
from core.web.render import safe_next

LANGUAGE_COOKIE = "convene_language"
COOKIE_LIFETIME = 365 * 24 * 3600


def reader_language(request: Request[Any, Any, Any]) -> str:
    """The language this request is answered in (the caller is known once a page handler asked for it)."""
    caller: Caller | None = request.state.get("caller")
    account = caller.account if caller else None
    return choose_language(
        languages(), request.app.state.settings.instance.language,
        account=account.locale if account else None,
        cookie=request.cookies.get(LANGUAGE_COOKIE),
        accept_language=request.headers.get("accept-language", ""),
    )


def sent_from_this_site(request: Request[Any, Any, Any], settings: Settings) -> bool:
    """Whether the browser says this post comes from one of our pages.

    Current browsers send ``Sec-Fetch-Site`` with every request and ``Origin`` with
    every post; a request with neither is not a form another site made a browser send.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site in {"same-origin", "none"}
    origin = request.headers.get("origin")
    public = urlsplit(settings.public_url)
    return origin is None or origin == f"{public.scheme}://{public.netloc}"


@post("/language", include_in_schema=False, exclude_from_csrf=True)
async def switch_language(ctx: Ctx, web: Caller, request: Request[Any, Any, Any], data: Form) -> Response[Any]:
    """Remember the chosen language in a cookie, and as the member's preference when logged in
    (the preference comes first, so the switcher would otherwise seem to do nothing)."""
    if not sent_from_this_site(request, ctx.settings):
        raise Forbidden("this form was sent from another site")
    language = text(data, "language")
    if language not in languages():
        raise InvalidInput.field("language", "this language is not offered here")
    if web.account:
        await update_preferences(ctx, web.account, language, None)
    back = Redirect(safe_next(text(data, "next")), status_code=303)
    return remember_language(back, language, ctx.settings)


def remember_language(response: Response[Any], language: str, settings: Settings) -> Response[Any]:
    """Keep the language in the browser, so pages stay in it after the member logs out."""
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=COOKIE_LIFETIME, httponly=True, samesite="lax",
                        secure=settings.public_url.startswith("https://"), path="/")
    return response
