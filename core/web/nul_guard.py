"""Refuse, with 400, any request whose text holds a NUL character, before any handler runs.

PostgreSQL's text cannot hold U+0000: asyncpg refuses such a value the moment it
reaches a query, a 500 wherever a person's text is looked up or stored (an email at
login, ``?tag=``, WebFinger's ``resource``...). No one means to send a NUL, so rather
than guard every query, this middleware refuses it once for every route (core's and
the plugins'), wherever text arrives: the path, the query string, a form's fields (not
its files, whose bytes are free) and any other body, where a JSON ``\\u0000`` escape
counts too. The body is read through Litestar's request, which keeps it for the
handler, the CSRF check and the inbox's own stream alike.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_to_bytes

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import ValidationException
from litestar.types import ASGIApp, Receive, Scope, Send

from core.i18n import N_

NUL = "\x00"
# a JSON \u0000 escape, not one whose backslash is itself escaped (\\u0000 is the text "\u0000")
JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
REFUSED = N_("must not contain a NUL character")
FORMS = (RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART)


def refuse_nul(app: ASGIApp) -> ASGIApp:
    """The middleware: checks every HTTP request, then hands it on unchanged."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await _check(Request(scope, receive))
        await app(scope, receive, send)

    return guarded


async def _check(request: Request) -> None:
    if NUL in request.scope["path"]:
        _refuse("path")
    if b"\x00" in unquote_to_bytes(request.scope["query_string"].replace(b"+", b" ")):
        _refuse(next((name.replace(NUL, "") or "query" for name, value in request.query_params.multi_items()
                     if NUL in name + value), "query"))
    if request.content_type[0] in FORMS:
        for name, value in (await request.form()).multi_items():
            text = value.filename if isinstance(value, UploadFile) else value
            if NUL in name + (text or ""):
                _refuse(name.replace(NUL, "") or "body")
    else:
        body = await request.body()
        if b"\x00" in body or JSON_NUL.search(body):
            _refuse("body")


def _refuse(field: str) -> None:
    raise ValidationException(detail=REFUSED, extra=[{"key": field, "message": REFUSED}])
