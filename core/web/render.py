"""Answers every page gives: a template that knows who is looking, and redirects that confirm.

Every page template gets ``me`` (the :class:`~core.auth.Caller`) so the header can show
the identity a person acts as before they act; the template engine adds ``locale``, the
reader's language (core.web.localised), for the words, dates and numbers. Confirmations
travel in the query string of the redirect (``?done=<key>``): the key names a message
in the theme, so nothing is stored on the server and no free text can be injected.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from litestar.response import Redirect, Template

from core.auth import Caller
from core.web.forms import FormState


def page(name: str, me: Caller, form: FormState | None = None, **context: Any) -> Template:
    """Render a page template with the viewer in its context.

    ``form`` is the state of the page's form(s); a refused one sets the status code.
    """
    form = form or FormState()
    return Template(name, context={"me": me, "form": form, **context}, status_code=form.status_code)


def safe_next(value: str | None, default: str = "/") -> str:
    """A local path to go back to, or ``default``: never another site (open-redirect guard).

    Browsers drop tabs and newlines inside URLs and read ``\\`` as ``/``, so any of
    those could turn ``/x`` into ``//evil.example``; such values are refused outright.
    """
    if not value or not value.startswith("/") or value.startswith("//"):
        return default
    if "\\" in value or any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in value):
        return default
    return value


def done(path: str, key: str) -> Redirect:
    """Redirect (303, so a reload does not post again) to ``path`` with a confirmation key."""
    parts = urlsplit(path)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "done"] + [("done", key)]
    return Redirect(urlunsplit(("", "", parts.path, urlencode(query), parts.fragment)), status_code=303)
