"""The Web Push plugin's settings: ``[plugins.webpush]``.

A bad value stops start-up with a message naming the key, rather than failing at the
first push. ``CONVENE_VAPID_PRIVATE_KEY`` overrides ``vapid_private_key`` (see
``convene_config_schema`` in ``plugins.webpush``), so the secret can stay out of the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import msgspec

from plugins.webpush.vapid import InvalidKey, load_private_key

FOUR_WEEKS = 28 * 24 * 3600


class WebPushConfig(msgspec.Struct, forbid_unknown_fields=True):
    # the instance's VAPID key (P-256): PEM, or the base64url private value `web-push generate-vapid-keys`
    # prints; empty: one is made on first use and kept in the database (table webpush_vapid_keys)
    vapid_private_key: str = ""
    # who push services may contact about this instance's pushes (mailto: or https:); empty: mailto: the
    # instance's contact_email, else its public URL
    vapid_subject: str = ""
    # how long a push service keeps a message for a device that is offline (TTL header)
    ttl_seconds: Annotated[int, msgspec.Meta(ge=0, le=FOUR_WEEKS)] = 24 * 3600
    # a push service silent this long counts as a transient failure: the outbox retries later
    timeout_seconds: Annotated[float, msgspec.Meta(gt=0, le=60)] = 10.0
    # a CA bundle (PEM) to trust besides the system's (a push service with a private certificate: tests)
    ca_file: str = ""
    # tests only: let endpoints on loopback and private networks through the guarded client
    allow_private_addresses: bool = False

    def __post_init__(self) -> None:
        if self.vapid_private_key:
            try:
                load_private_key(self.vapid_private_key)
            except InvalidKey as exc:
                raise ValueError(f"vapid_private_key: {exc}") from None
        if self.vapid_subject and not self.vapid_subject.startswith(("mailto:", "https://")):
            raise ValueError(f"vapid_subject: {self.vapid_subject!r} must start with mailto: or https://")
        if self.ca_file:
            if not Path(self.ca_file).expanduser().is_file():
                raise ValueError(f"ca_file: no such file {self.ca_file!r}")
            self.ca_file = str(Path(self.ca_file).expanduser())
