"""The federation plugin's settings: ``[plugins.federation_activitypub]``."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from plugins.federation_activitypub.domains import InvalidDomain, normalize_domain

# longer than any peer retries one delivery (Mastodon and this instance: about two days),
# so an activity sent again is still recognised and processed once
MIN_INBOX_RETENTION_DAYS = 7


class FederationConfig(msgspec.Struct, forbid_unknown_fields=True):
    # open: everyone but blocked domains; allowlist: only the listed domains.
    # Administrators add rules of their own at /admin/federation (see policy.py).
    mode: Literal["open", "allowlist"] = "open"
    allowed_domains: list[str] = []
    blocked_domains: list[str] = []
    # a domain failing this long is skipped until it speaks to us again
    unavailable_after_hours: int = 48
    # processed inbound activities are kept this long (to recognise one sent again), then purged
    inbox_retention_days: Annotated[int, msgspec.Meta(ge=MIN_INBOX_RETENTION_DAYS)] = 30
    # True only where peers on loopback or a private network are legitimate (tests, a private network of
    # instances); CONVENE_ALLOW_PRIVATE_ADDRESSES=true overrides it
    allow_private_addresses: bool = False

    def __post_init__(self) -> None:
        self.allowed_domains = _domains("allowed_domains", self.allowed_domains)
        self.blocked_domains = _domains("blocked_domains", self.blocked_domains)


def _domains(key: str, values: list[str]) -> list[str]:
    """The domains in their canonical form; a value that is not a domain stops start-up, named."""
    domains = []
    for value in values:
        try:
            domains.append(normalize_domain(value))
        except InvalidDomain as exc:
            raise ValueError(f"{key}: {value!r}: {exc.reason}") from None
    return domains
