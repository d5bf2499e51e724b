"""An event's description (the core's sanitised HTML, core.sanitize.RICH_TAGS) as the plain
text RFC 5545 DESCRIPTION carries: calendars show it as is, so markup must become layout.

Paragraphs, headings, quotes and rules are blocks apart (a blank line between them); each
list item is a line of its own starting "- " (or "1. " in a numbered list); a line break
stays one; a link keeps its address after its words ("the map (https://...)"), or alone
when its words are the address. Anything else (tags, comments, entities) is text only.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# control characters but tab and line ends (RFC 5545 TEXT may not carry them)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")  # HTML collapses white space, line breaks included
BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "hr", "div"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.lists: list[int | None] = []  # per open list: the next number, None for bullets
        self.links: list[tuple[str, int]] = []  # per open link: its address, where its words start
        self.preformatted = 0  # inside <pre>: its line breaks are the text's

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS:
            self.parts.append("\n\n")
        if tag in ("ul", "ol"):
            self.lists.append(1 if tag == "ol" else None)
        elif tag == "li":
            number = self.lists[-1] if self.lists else None
            if self.lists and number is not None:
                self.lists[-1] = number + 1
            self.parts.append(f"\n{number}. " if number else "\n- ")
        elif tag == "pre":
            self.preformatted += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self.parts.append("\n\n")
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "a" and self.links:
            address, start = self.links.pop()
            address = address.removeprefix("mailto:")
            words = " ".join("".join(self.parts[start:]).split())
            if address and words != address:
                self.parts.append(f" ({address})" if words else address)
        elif tag == "pre":
            self.preformatted -= 1

    def handle_data(self, data: str) -> None:
        self.parts.append(data if self.preformatted else _SPACES.sub(" ", data))


def description_text(html: str) -> str:
    """``html`` as plain text, its blocks, lines and list items apart, its links' addresses kept."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    text = _CONTROL.sub("", "".join(parser.parts))
    lines = (line.strip(" \t") for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
