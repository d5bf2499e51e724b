"""The email plugin's settings: ``[plugins.email]``.

A bad value stops start-up with a message naming the key, rather than failing at the
first mail hours later. ``CONVENE_SMTP_PASSWORD`` overrides ``smtp_password`` (see
``convene_config_schema`` in ``plugins.email``), so the secret can stay out of the file.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from plugins.email.addresses import InvalidAddress, single_address


class EmailConfig(msgspec.Struct, forbid_unknown_fields=True):
    # empty: noreply@ the public URL's host (see ``sender``); set it to an address the SMTP server may send from
    from_address: str = ""
    smtp_host: str = "localhost"
    smtp_port: Annotated[int, msgspec.Meta(ge=1, le=65535)] = 25
    # none: plain SMTP (a relay on the same host); starttls: upgrade after connecting (port 587); tls: TLS from the start (465)
    smtp_security: Literal["none", "starttls", "tls"] = "none"
    smtp_username: str = ""
    smtp_password: str = ""
    reply_to: str = ""
    # a CA bundle (PEM) to trust besides the system's, for a relay with a private certificate
    smtp_ca_file: str = ""
    # a server silent this long counts as a transient failure: the outbox retries later
    timeout_seconds: Annotated[float, msgspec.Meta(gt=0)] = 30.0
    # share by email (share.py): addresses in one send, and addresses an hour per identity and per account
    share_max_addresses: Annotated[int, msgspec.Meta(ge=1, le=50)] = 5
    share_addresses_per_identity_per_hour: Annotated[int, msgspec.Meta(ge=0)] = 20
    share_addresses_per_account_per_hour: Annotated[int, msgspec.Meta(ge=0)] = 20
    # people without an account may join, with an email address, the events whose organiser allows it
    anonymous_participation: bool = False

    def __post_init__(self) -> None:
        if self.from_address:
            self.from_address = _address("from_address", self.from_address)
        if self.reply_to:
            self.reply_to = _address("reply_to", self.reply_to)
        if self.smtp_password and not self.smtp_username:
            raise ValueError("smtp_password: set smtp_username too (the login needs both)")


def sender(config: EmailConfig, domain: str) -> str:
    """The From address: the configured one, or ``noreply@`` the instance's domain."""
    return config.from_address or f"noreply@{domain}"


def _address(key: str, value: str) -> str:
    try:
        return single_address(value)
    except InvalidAddress as exc:
        raise ValueError(f"{key}: {value!r}: {exc}") from None
