"""Structured fields (RFC 8941): just enough to read Signature-Input, Signature and Content-Digest.

RFC 9421 signatures and RFC 9530 digests are dictionaries of items and inner lists with
parameters. The parser is strict: anything the grammar does not allow is refused, with
where it went wrong, so a signature is never read from a header two servers would
understand differently.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from typing import Any, NoReturn


class UnparseableField(ValueError):
    """The header is not a structured field of the expected shape; the message says where."""


class Token(str):
    """A structured-field token, told apart from a quoted string."""


@dataclass
class Member:
    """A structured-field item or inner list, its parameters, and the text it came from."""

    value: Any
    parameters: dict[str, Any]
    raw: str = field(default="")


_SF_KEY = re.compile(r"[a-z*][a-z0-9_\-.*]*")
_SF_STRING = re.compile(r'"((?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\["\\])*)"')
_SF_BYTES = re.compile(r":([A-Za-z0-9+/=]*):")
_SF_NUMBER = re.compile(r"-?\d{1,15}(\.\d{1,3})?")
_SF_BOOLEAN = re.compile(r"\?[01]")
_SF_TOKEN = re.compile(r"[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*")


class _Parser:
    """Just enough RFC 8941 for Signature-Input, Signature and Content-Digest, strictly."""

    def __init__(self, text: str, header: str) -> None:
        self.text = text
        self.header = header
        self.position = 0

    def fail(self, problem: str) -> NoReturn:
        raise UnparseableField(f"unparseable {self.header} header: {problem} at character {self.position}")

    def peek(self) -> str:
        return self.text[self.position : self.position + 1]

    def skip(self, characters: str) -> None:
        while self.peek() and self.peek() in characters:
            self.position += 1

    def match(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        found = pattern.match(self.text, self.position)
        if found:
            self.position = found.end()
        return found

    def dictionary(self) -> dict[str, Member]:
        members: dict[str, Member] = {}
        self.skip(" ")
        while True:
            key = self.key()
            if key in members:
                self.fail(f"repeated key {key}")
            if self.peek() == "=":
                self.position += 1
                start = self.position
                member = self.inner_list() if self.peek() == "(" else self.item()
                member.raw = self.text[start : self.position]
            else:
                member = Member(True, self.parameters())
            members[key] = member
            self.skip(" \t")
            if self.position == len(self.text):
                return members
            if self.peek() != ",":
                self.fail("expected a comma")
            self.position += 1
            self.skip(" \t")

    def key(self) -> str:
        found = self.match(_SF_KEY)
        if found is None:
            self.fail("expected a key")
        return found[0]

    def inner_list(self) -> Member:
        self.position += 1
        items: list[Member] = []
        while True:
            self.skip(" ")
            if self.peek() == ")":
                self.position += 1
                return Member(items, self.parameters())
            items.append(self.item())
            if self.peek() not in (" ", ")"):
                self.fail("expected a space or ')'")

    def item(self) -> Member:
        return Member(self.bare_item(), self.parameters())

    def parameters(self) -> dict[str, Any]:
        parameters: dict[str, Any] = {}
        while self.peek() == ";":
            self.position += 1
            self.skip(" ")
            name = self.key()
            if name in parameters:
                self.fail(f"repeated parameter {name}")
            if self.peek() == "=":
                self.position += 1
                parameters[name] = self.bare_item()
            else:
                parameters[name] = True
        return parameters

    def bare_item(self) -> Any:  # noqa: RET503 - the last line, self.fail(), raises
        if found := self.match(_SF_STRING):
            return re.sub(r"\\(.)", r"\1", found[1])
        if found := self.match(_SF_BYTES):
            try:
                return base64.b64decode(found[1], validate=True)
            except binascii.Error:
                raise UnparseableField(f"{self.header} byte sequence is not valid base64") from None
        if found := self.match(_SF_NUMBER):
            return float(found[0]) if found[1] else int(found[0])
        if found := self.match(_SF_BOOLEAN):
            return found[0] == "?1"
        if found := self.match(_SF_TOKEN):
            return Token(found[0])
        self.fail("expected a value")


def parse_dictionary(text: str, header: str) -> dict[str, Member]:
    """The members of a dictionary header (``header`` names it in errors), each with its raw text."""
    return _Parser(text, header).dictionary()
