"""Acting through the HTML pages as a browser would: read the CSRF token from the page's
form, post the form with it, follow what the person would see.
"""

from __future__ import annotations

import html
import io
import re
from typing import Any

from litestar.testing import TestClient
from PIL import Image

from helpers import link_sent_to, sign_up, token_of

CSRF_INPUT = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_token(page: str) -> str:
    match = CSRF_INPUT.search(page)
    assert match, "the page has no form with a CSRF token"
    return html.unescape(match.group(1))


def submit(client: TestClient, page_url: str, action: str, data: dict[str, Any] | None = None,
           files: dict[str, Any] | None = None, follow: bool = True):  # noqa: ANN201
    """Open ``page_url``, then post a form of it to ``action`` with the page's CSRF token."""
    page = client.get(page_url)
    assert page.status_code == 200, page.text
    body = {**(data or {}), "_csrf_token": csrf_token(page.text)}
    return client.post(action, data=body, files=files, follow_redirects=follow)


def log_in(client: TestClient, email: str, password: str = "correct horse"):  # noqa: ANN201
    response = submit(client, "/login", "/login", {"email": email, "password": password})
    assert "You are logged in." in response.text, response.text
    return response


def member(client: TestClient, email: str, username: str, password: str = "correct horse") -> None:
    """An account made and confirmed through the API fixture, then logged in through the web form."""
    sign_up(client, email, username, password)
    log_in(client, email, password)


def second_browser(client: TestClient) -> TestClient:
    """Another browser (its own cookies) on the same running instance.

    It shares the first client's event loop: pooled database connections (asyncpg's in
    particular) belong to the loop that opened them.
    """
    other = TestClient(client.app, base_url=str(client.base_url))
    other.blocking_portal = client.blocking_portal
    return other


def confirm_link(client: TestClient, email: str, kind: str = "confirm_email") -> str:
    """The path of the newest emailed link of this kind (as the person would open it)."""
    link = link_sent_to(client, email, kind)
    return "/" + link.split("/", 3)[3]


def png_bytes(size: int = 32) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (size, size), (200, 80, 40)).save(out, format="PNG")
    return out.getvalue()


def field_error(page: str, form: str, field: str) -> str:
    """The message shown next to a field (empty when there is none)."""
    match = re.search(rf'<strong class="error" id="{re.escape(form)}-{re.escape(field)}-error">([^<]*)</strong>', page)
    return html.unescape(match.group(1)) if match else ""


def field_value(page: str, form: str, field: str) -> str:
    """What a text field of the page holds."""
    match = re.search(rf'id="{re.escape(form)}-{re.escape(field)}" name="[^"]*"[^>]*? value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else ""


__all__ = ["confirm_link", "csrf_token", "field_error", "field_value", "log_in", "member", "png_bytes",
           "second_browser", "submit", "token_of"]
