"""Domain names as the federation policy writes and compares them.

A rule names a domain one way only: lower case, IDNA-encoded (punycode), without a
trailing dot and without a port, or a bare IP address. The config file and the admin
page go through ``normalize_domain``, so ``Bücher.Example.`` and
``xn--bcher-kva.example`` are one rule, and anything else (a URL, a handle, a port,
``*.example``, words) is refused with a reason a person can act on.

A rule on a domain covers its subdomains, as Mastodon's domain blocks do:
``covering_names`` gives the names whose rules apply to a host.
"""

from __future__ import annotations

import ipaddress
import re

from core.guarded_http import FetchError, normalize_host
from core.i18n import Message

DOMAIN_MAX = 253
NOT_A_DOMAIN = Message("not a domain name: use letters, digits, hyphens and dots, such as example.org")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class InvalidDomain(ValueError):
    """Not something a domain rule can name; ``reason`` says what to type instead (a msgid)."""

    def __init__(self, reason: Message) -> None:
        super().__init__(reason)
        self.reason = reason


def normalize_domain(text: str) -> str:
    """The canonical form of a domain typed by a person, or ``InvalidDomain``."""
    value = text.strip()
    if not value:
        raise InvalidDomain(Message("enter a domain name, such as example.org"))
    if "://" in value or "/" in value:
        raise InvalidDomain(Message("enter the domain alone, without https:// or a path: example.org"))
    if "@" in value:
        raise InvalidDomain(Message("enter a domain, not an account: the part after the @"))
    address = _ip_address(value)
    if address is not None:
        return address
    if ":" in value:
        raise InvalidDomain(Message("leave out the port: a rule covers every port of its domain"))
    if value.startswith("*."):
        raise InvalidDomain(Message("leave out '*.': a rule on a domain covers its subdomains already"))
    try:
        domain = normalize_host(value)
    except FetchError as exc:
        raise InvalidDomain(NOT_A_DOMAIN) from exc
    labels = domain.split(".")
    if len(domain) > DOMAIN_MAX or len(labels) < 2 or labels[-1].isdigit() or not all(map(_LABEL.match, labels)):
        raise InvalidDomain(NOT_A_DOMAIN)
    return domain


def covering_names(host: str) -> list[str]:
    """The domains whose rules apply to ``host`` (``host[:port]``): itself and its parent domains.

    ``a.b.example:8443`` gives ``a.b.example`` and ``b.example``; never the top-level
    domain alone, and an IP address only itself.
    """
    bare = _without_port(host.strip().lower().rstrip("."))
    if _ip_address(bare) is not None:
        return [bare]
    labels = bare.split(".")
    return [".".join(labels[i:]) for i in range(max(len(labels) - 1, 1))]


def _without_port(host: str) -> str:
    if host.startswith("["):
        return host[: host.find("]") + 1] or host
    return host.split(":", 1)[0]


def _ip_address(value: str) -> str | None:
    """An IP address as ``host_of`` writes it (IPv6 in brackets), or None."""
    try:
        address = ipaddress.ip_address(value.removeprefix("[").removesuffix("]"))
    except ValueError:
        return None
    return f"[{address.compressed}]" if address.version == 6 else address.compressed
