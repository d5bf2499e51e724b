"""Sanitising user and remote text once, on the way in."""

from __future__ import annotations

import html
import re

import nh3

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
