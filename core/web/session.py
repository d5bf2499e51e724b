"""The web session cookie: set at login, cleared at logout and when the account goes.

The cookie holds only the secret; the server keeps its hash (a Credential row), so a
logout or a password change ends the session on the server, not just in the browser.
``SameSite=Lax`` plus the CSRF token on every form keeps other sites from acting with it.

Litestar's CSRF middleware gives every GET without its cookie a new ``csrftoken`` cookie.
A route read by other sites (a feed, an embed) carries ``opt=NO_COOKIES`` instead: it
sets no cookie at all, and takes no form (a GET needs no token).
"""

from __future__ import annotations

from litestar import Response

from core.accounts.service import SESSION_LIFETIME
from core.auth import SESSION_COOKIE
from core.settings import Settings

# route opt for a GET that sets no cookie: Litestar's switch that skips the CSRF middleware
NO_COOKIES = {"exclude_from_csrf": True}


def start_session(response: Response, settings: Settings, token: str) -> Response:
    response.set_cookie(
        SESSION_COOKIE, token, max_age=int(SESSION_LIFETIME.total_seconds()), httponly=True, samesite="lax",
        secure=settings.public_url.startswith("https://"), path="/",
    )
    return response


def end_session(response: Response) -> Response:
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
