"""One plain email address, or a refusal: the guard against header injection.

An address goes into the To, From or Reply-To header and the SMTP envelope. A value with
a line break could add headers; one with a comma or a display name could add recipients.
Only ``local@domain`` with printable characters passes.
"""

from __future__ import annotations

from email.utils import getaddresses


class InvalidAddress(ValueError):
    """Not exactly one plain address (the reason is the message)."""


def single_address(value: str) -> str:
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise InvalidAddress("control characters (a line break could add headers)")
    parsed = getaddresses([value])
    if len(parsed) != 1 or parsed[0][0] or parsed[0][1] != value.strip():
        raise InvalidAddress("must be exactly one plain address, like name@example.org")
    address = parsed[0][1]
    local, _, domain = address.rpartition("@")
    if not local or not domain or "." not in domain.strip(".") or any(c in address for c in ' <>(),;:"[]\\'):
        raise InvalidAddress("must be exactly one plain address, like name@example.org")
    return address
