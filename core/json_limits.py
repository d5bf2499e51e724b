"""Bounded JSON parsing for every JSON document that comes from outside.

A client or a remote peer controls the bytes: a body of gigabytes, a document nested
ten thousand levels deep, an array of millions of tiny elements. Each would cost memory
or CPU (or, nested deep enough, raise ``RecursionError`` inside msgspec) long before any
of our code looks at it, so API bodies (``core.web.requests``) and the federation
plugin's inbound and fetched documents are all parsed here first, under one set of
limits. msgspec refuses very deep nesting on its own (it raises ``RecursionError``
instead of overflowing the C stack); the walk that enforces our tighter limits is
iterative, so it cannot overflow either.
"""

from __future__ import annotations

from typing import Any

import msgspec

from core.i18n import Message

MAX_BYTES = 1_000_000
MAX_DEPTH = 32
MAX_ITEMS = 10_000


class PayloadRejected(ValueError):
    """A JSON document refused before use; ``reason`` says why, for the log and the 4xx body."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_json(
    body: bytes,
    *,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
    max_items: int = MAX_ITEMS,
) -> Any:
    """Decode ``body`` and check its shape; raise ``PayloadRejected`` when a limit is passed.

    ``max_depth`` counts containers: ``{"a": [1]}`` has depth 2. ``max_items`` bounds
    the elements of any one array and the members of any one object.
    """
    if len(body) > max_bytes:
        raise PayloadRejected(Message("body of %(size)s bytes exceeds %(limit)s", size=len(body), limit=max_bytes))
    try:
        document = msgspec.json.decode(body)
    except RecursionError as exc:
        raise PayloadRejected(_too_deep(max_depth)) from exc
    except msgspec.DecodeError as exc:
        raise PayloadRejected(Message("invalid JSON: %(error)s", error=str(exc))) from exc
    check_shape(document, max_depth=max_depth, max_items=max_items)
    return document


def check_shape(document: Any, *, max_depth: int = MAX_DEPTH, max_items: int = MAX_ITEMS) -> None:
    """Walk ``document`` without recursion; raise ``PayloadRejected`` past either limit."""
    pending: list[tuple[Any, int]] = [(document, 1)]
    while pending:
        value, depth = pending.pop()
        if not isinstance(value, (dict, list)):
            continue
        if depth > max_depth:
            raise PayloadRejected(_too_deep(max_depth))
        if len(value) > max_items:
            raise PayloadRejected(Message("JSON container with %(count)s items exceeds %(limit)s",
                                          count=len(value), limit=max_items))
        children = value.values() if isinstance(value, dict) else value
        pending.extend((child, depth + 1) for child in children)


def _too_deep(limit: int) -> Message:
    return Message("JSON nested deeper than %(limit)s levels", limit=limit)
