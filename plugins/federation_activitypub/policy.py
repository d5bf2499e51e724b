"""The federation policy: which domains this instance talks to, from its config and its admins.

Two sources make one policy. The config file sets the ``mode`` (``open``: everyone
but blocked domains; ``allowlist``: only allowed domains) and lists domains; the
administrators add and remove rules at ``/admin/federation`` (the ``ap_domain_rules``
table). The effective policy is their union, read from the database at every check,
so a new block holds at once in every web process and worker: nothing is cached in
one process's memory that another would need.

Every place that talks to another server asks ``permits`` first: the inbox (a refused
sender gets 403 before anything is stored or fetched), delivery (rows queued before
the block included), and fetches of actors, keys and objects (search, follows), at
every redirect.

A rule covers its domain's subdomains (``domains.covering_names``); a block wins over
an allow; in ``open`` mode allow rules are kept but have no effect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, UTCDateTime, utcnow
from core.errors import Conflict, InvalidInput, NotFound
from core.i18n import Message
from core.sanitize import plain_text
from plugins.federation_activitypub.config import FederationConfig
from plugins.federation_activitypub.domains import InvalidDomain, covering_names, normalize_domain

RULE_KINDS = ("block", "allow")
REASON_MAX = 500
# why a domain cannot be given a rule, by the kind of the rule it has and where that is
ALREADY = {
    ("block", True): Message("%(domain)s is already blocked in the configuration file"),
    ("allow", True): Message("%(domain)s is already allowed in the configuration file"),
    ("block", False): Message("%(domain)s is already blocked here"),
    ("allow", False): Message("%(domain)s is already allowed here"),
    ("limit", False): Message("%(domain)s is limited by the moderators here"),
}


class ApDomainRule(Base):
    """A domain blocked or allowed by an administrator (the config file's rules are not stored)."""

    __tablename__ = "ap_domain_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(253), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(REASON_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


@dataclass(frozen=True)
class Rule:
    """One rule of the effective policy, wherever it comes from (``id`` None: the config file's)."""

    domain: str
    kind: str
    reason: str = ""
    id: int | None = None
    created_at: datetime | None = None

    @classmethod
    def of(cls, stored: ApDomainRule) -> Rule:
        return cls(stored.domain, stored.kind, stored.reason, stored.id, stored.created_at)

    @property
    def from_config(self) -> bool:
        return self.id is None


async def permits(session: AsyncSession, config: FederationConfig, host: str) -> bool:
    """Whether this instance talks to ``host`` (``host[:port]``) under the effective policy."""
    names = covering_names(host)
    kinds = set(await session.scalars(select(ApDomainRule.kind).where(ApDomainRule.domain.in_(names))))
    if "block" in kinds or not set(names).isdisjoint(config.blocked_domains):
        return False
    if config.mode == "allowlist":
        return "allow" in kinds or not set(names).isdisjoint(config.allowed_domains)
    return True


async def effective_rules(session: AsyncSession, config: FederationConfig) -> list[Rule]:
    """Every rule, the config file's first, each group sorted by domain."""
    stored = await session.scalars(select(ApDomainRule).order_by(ApDomainRule.domain))
    return [
        *(Rule(d, "block") for d in sorted(config.blocked_domains)),
        *(Rule(d, "allow") for d in sorted(config.allowed_domains)),
        *map(Rule.of, stored),
    ]


async def add_rule(session: AsyncSession, config: FederationConfig, domain: str, kind: str, reason: str) -> Rule:
    """Block or allow a domain; a field error when the domain is unusable or already has a rule."""
    if kind not in RULE_KINDS:
        raise InvalidInput.field("kind", "choose block or allow")
    try:
        domain = normalize_domain(domain)
    except InvalidDomain as exc:
        raise InvalidInput.field("domain", exc.reason) from exc
    reason = plain_text(reason)
    if len(reason) > REASON_MAX:
        raise InvalidInput.field("reason", Message("must be at most %(count)s characters", count=REASON_MAX))
    existing = await _existing_rule(session, config, domain)
    if existing is not None:
        raise InvalidInput.field("domain", Message(ALREADY[existing.kind, existing.from_config].msgid, domain=domain))
    rule = ApDomainRule(domain=domain, kind=kind, reason=reason)
    try:
        async with session.begin_nested():  # a savepoint: the request goes on if a concurrent admin won
            session.add(rule)
    except IntegrityError:
        raise InvalidInput.field("domain", Message("%(domain)s was given a rule a moment ago", domain=domain)) from None
    return Rule.of(rule)


async def remove_rule(session: AsyncSession, config: FederationConfig, domain: str) -> None:
    """Remove an administrator's rule; the config file's rules are changed in the file."""
    try:
        domain = normalize_domain(domain)
    except InvalidDomain as exc:
        raise NotFound(Message("no rule for %(domain)s", domain=domain)) from exc
    rule = await session.scalar(select(ApDomainRule).where(ApDomainRule.domain == domain))
    if rule is not None:
        await session.delete(rule)
        return
    if domain in config.blocked_domains or domain in config.allowed_domains:
        raise Conflict(Message("%(domain)s is set in the configuration file; change it there", domain=domain))
    raise NotFound(Message("no rule for %(domain)s", domain=domain))


async def _existing_rule(session: AsyncSession, config: FederationConfig, domain: str) -> Rule | None:
    for kind, domains in (("block", config.blocked_domains), ("allow", config.allowed_domains)):
        if domain in domains:
            return Rule(domain, kind)
    stored = await session.scalar(select(ApDomainRule).where(ApDomainRule.domain == domain))
    return None if stored is None else Rule.of(stored)


async def published_rules(session: AsyncSession, config: FederationConfig) -> list[dict[str, str]]:
    """The effective rules as the moderation plugin publishes them in the instance's federation policy
    (``moderation_federation_policy``): plain dicts, so neither plugin imports the other."""
    return [{"domain": rule.domain, "kind": rule.kind, "reason": rule.reason}
            for rule in await effective_rules(session, config)]
