"""Web addresses that people and other servers give us, checked and normalised once, on the way in.

An address typed into an event (its online meeting, its external sign-up page) is
shown to readers as a link and sent to other servers in ActivityPub ``href``s; one
fetched from a remote event is shown here the same way. So every such address comes
through ``web_address`` before it is stored: http or https only (no ``javascript:``,
``data:``), a host (an international one in its IDNA form, ``xn--...``), no user name
or password before the host (``https://bank.example@evil.example/`` misleads), no
whitespace or control characters, and what must be percent-encoded is
(``"``, ``<``, ``>``, spaces inside, non-ASCII), so the address is inert wherever it
is written. Its length is bounded (``MAX_LENGTH``, or the caller's column).
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import quote, urlsplit, urlunsplit

import idna

from core.i18n import N_, Message

MAX_LENGTH = 2000
# what stays as it is in a path, query or fragment (RFC 3986 unreserved, sub-delims but the quote, ":@/?"
# and "%" of escapes already made); everything else is percent-encoded as UTF-8
_SAFE = "-._~!$&()*+,;=:@/?%"
_STRAY_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_ASCII_HOST = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?")


class BadAddress(ValueError):
    """The text is not a web address we take; ``reason`` says why, in words a person can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def web_address(text: str, max_length: int = MAX_LENGTH) -> str:
    """``text`` as a normalised http(s) address ("" stays ""), or ``BadAddress``."""
    text = text.strip()
    if not text:
        return ""
    if any(char.isspace() or unicodedata.category(char).startswith("C") for char in text):
        raise BadAddress(N_("a web address may not contain whitespace or control characters"))
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:  # an unclosed "[" of an IPv6 host, a port that is no number
        raise BadAddress(N_("this is not a web address")) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise BadAddress(N_("must be an http:// or https:// address"))
    if "@" in parts.netloc:
        raise BadAddress(N_("a web address may not carry user information (a name or password) before its host"))
    host = _host(parts.hostname or "")
    address = urlunsplit((parts.scheme.lower(), host if port is None else f"{host}:{port}",
                          *(_encoded(part) for part in (parts.path, parts.query, parts.fragment))))
    if len(address) > max_length:
        raise BadAddress(Message("a web address may be at most %(count)s characters long", count=max_length))
    return address


def _host(name: str) -> str:
    """The host as it goes on the wire: an IP address, or a name in ASCII (IDNA for an international one)."""
    if not name:
        raise BadAddress(N_("a web address needs a host name"))
    try:
        address = ipaddress.ip_address(name)
        return f"[{address.compressed}]" if address.version == 6 else address.compressed
    except ValueError:
        pass
    if not name.isascii():
        try:
            name = idna.encode(name, uts46=True).decode("ascii")
        except idna.IDNAError:
            raise BadAddress(N_("the host name is not valid")) from None
    if not _ASCII_HOST.fullmatch(name):
        raise BadAddress(N_("the host name is not valid"))
    return name


def _encoded(part: str) -> str:
    return quote(_STRAY_PERCENT.sub("%25", part), safe=_SAFE)
