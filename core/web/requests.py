"""The request class of every route: its JSON body is parsed under ``core.json_limits``.

Litestar decodes a handler's ``data`` (and a plugin's ``await request.json()``) with
msgspec straight from the body, whatever the body's declared type; a body nested
thousands of levels deep then raises ``RecursionError`` there, a 500. Every JSON
decoding goes through ``Request.json``, so bounding it here bounds every JSON body of
the API, the plugins' routes included, before any handler, dependency or typed
conversion runs: a refused body is a 400 and nothing has been read from the database.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import ClientException
from litestar.types import Empty

from core.json_limits import PayloadRejected, parse_json


class BoundedRequest(Request[Any, Any, Any]):
    """A request whose ``json()`` refuses, with 400, a body past the JSON limits."""

    async def json(self) -> Any:
        if self._json is Empty:
            if (cached := self._connection_state.json) is not Empty:
                self._json = cached
            else:
                try:
                    document = parse_json(await self.body() or b"null")
                except PayloadRejected as exc:
                    raise ClientException(detail=exc.reason) from exc
                self._json = self._connection_state.json = document
        return self._json
