"""The federation plugin's settings: ``[plugins.federation_activitypub]``."""

from __future__ import annotations

from typing import Literal

import msgspec


class FederationConfig(msgspec.Struct, forbid_unknown_fields=True):
    # open: everyone but blocked domains; allowlist: only the listed domains
    mode: Literal["open", "allowlist"] = "open"
    allowed_domains: list[str] = []
    blocked_domains: list[str] = []
    # a domain failing this long is skipped until it speaks to us again
    unavailable_after_hours: int = 48

    def __post_init__(self) -> None:
        self.allowed_domains = [d.strip().lower().rstrip(".") for d in self.allowed_domains]
        self.blocked_domains = [d.strip().lower().rstrip(".") for d in self.blocked_domains]

    def permits(self, domain: str) -> bool:
        """Whether we talk to this host (``host`` or ``host:port``); subdomains follow their parent's rule."""
        host = domain.lower().rstrip(".").split(":")[0]
        names = {host, domain.lower()}
        parts = host.split(".")
        names |= {".".join(parts[i:]) for i in range(1, len(parts) - 1)}
        if names & set(self.blocked_domains):
            return False
        if self.mode == "allowlist":
            return bool(names & set(self.allowed_domains))
        return True
