"""The web session cookie: set at login, cleared at logout and when the account goes.

The cookie holds only the secret; the server keeps its hash (a Credential row), so a
logout or a password change ends the session on the server, not just in the browser.
``SameSite=Lax`` plus the CSRF token on every form keeps other sites from acting with it.
"""

from __future__ import annotations

from litestar import Response

from core.accounts.service import SESSION_LIFETIME
from core.auth import SESSION_COOKIE
from core.settings import Settings


def start_session(response: Response, settings: Settings, token: str) -> Response:
    response.set_cookie(
        SESSION_COOKIE, token, max_age=int(SESSION_LIFETIME.total_seconds()), httponly=True, samesite="lax",
        secure=settings.public_url.startswith("https://"), path="/",
    )
    return response


def end_session(response: Response) -> Response:
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
