"""Sanitising user and remote text once, on the way in."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import nh3

from core.errors import InvalidInput
from core.i18n import Message

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

RICH_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "a", "ul", "ol", "li", "blockquote",
    "h2", "h3", "h4", "code", "pre", "hr",
}


def rich_text(html: str) -> str:
    """Keep simple formatting and links; drop scripts, styles, event handlers and images."""
    return nh3.clean(
        html,
        tags=RICH_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    ).strip()


def plain_text(text: str) -> str:
    """Strip every tag and control character; the result is text, escaped again on output."""
    return _CONTROL.sub("", html.unescape(nh3.clean(text, tags=set()))).strip()


def written_text(text: str, limit: int, clean: Callable[[str], str], field: str = "text") -> str:
    """Someone's words, cleaned by ``clean``: refused (422 naming ``field``) when longer than ``limit``
    characters as typed, or empty once cleaned."""
    if len(text) > limit:
        raise InvalidInput.field(field, Message("must be at most %(count)s characters", count=limit))
    cleaned = clean(text)
    if not cleaned:
        raise InvalidInput.field(field, "this field is required")
    return cleaned
