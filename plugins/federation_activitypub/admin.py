"""The federation policy for administrators: a page at ``/admin/federation`` and a JSON API.

Both show the effective policy (the config file's mode and rules, read-only, and the
rules administrators added) and add or remove administrators' rules; ``policy.py``
does the work. Only accounts with the ``administrator`` role get in: anonymous
visitors are sent to log in, anyone else is refused with 403.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Response, delete, get, post
from litestar.status_codes import HTTP_204_NO_CONTENT
from msgspec import Meta

from core.accounts.models import Account
from core.api.openapi import refusals
from core.auth import Caller, signed_in
from core.context import Ctx
from core.errors import Forbidden
from core.web.forms import Form, FormState, attempt, text
from core.web.render import done, page
from core.web.slots import MenuLink
from plugins.federation_activitypub.config import FederationConfig
from plugins.federation_activitypub.instance import federation
from plugins.federation_activitypub.policy import REASON_MAX, Rule, add_rule, effective_rules, remove_rule

PAGE = "/admin/federation"
MENU_LINK = MenuLink("Federation", PAGE, role="administrator")


def require_admin(caller: Caller) -> Account:
    account = caller.require_account()
    if account.role != "administrator":
        raise Forbidden("only administrators manage the federation policy")
    return account


def _config(ctx: Ctx) -> FederationConfig:
    return federation(ctx).config


# --- the page ------------------------------------------------------------------------


async def _policy_page(ctx: Ctx, me: Caller, form: FormState) -> Response:
    rules = await effective_rules(ctx.session, _config(ctx))
    return page("federation/admin.html", me, form, mode=_config(ctx).mode, rules=rules)


@get(PAGE, include_in_schema=False)
async def policy_page(ctx: Ctx, web: Caller) -> Response:
    require_admin(web)
    return await _policy_page(ctx, web, FormState("add", {"kind": "block"}))


@post(f"{PAGE}/domains", include_in_schema=False)
async def add_domain(ctx: Ctx, web: Caller, data: Form) -> Response:
    require_admin(web)

    async def act() -> Response:
        await add_rule(ctx.session, _config(ctx), text(data, "domain"), text(data, "kind"), text(data, "reason"))
        return done(PAGE, "domain-added")

    return await attempt(ctx, web, "add", data, act, lambda form: _policy_page(ctx, web, form))


@post(f"{PAGE}/domains/remove", include_in_schema=False)
async def remove_domain(ctx: Ctx, web: Caller, data: Form) -> Response:
    require_admin(web)

    async def act() -> Response:
        await remove_rule(ctx.session, _config(ctx), text(data, "domain"))
        return done(PAGE, "domain-removed")

    return await attempt(ctx, web, "remove", data, act, lambda form: _policy_page(ctx, web, form))


# --- the API ---------------------------------------------------------------------------


class DomainRuleIn(msgspec.Struct, forbid_unknown_fields=True):
    domain: Annotated[str, Meta(min_length=1, max_length=300)]
    """``example.org`` (IDN or punycode); its subdomains are covered too."""
    kind: Literal["block", "allow"] = "block"
    reason: Annotated[str, Meta(max_length=REASON_MAX)] = ""


class DomainRuleOut(msgspec.Struct):
    domain: str
    kind: str
    reason: str
    source: Literal["config", "admin"]
    """``config``: set in the configuration file, changed there only."""
    created_at: datetime | None


class FederationPolicyOut(msgspec.Struct):
    mode: str
    rules: list[DomainRuleOut]


def _rule_out(rule: Rule) -> DomainRuleOut:
    return DomainRuleOut(rule.domain, rule.kind, rule.reason, "config" if rule.from_config else "admin", rule.created_at)


class FederationPolicyController(Controller):
    path = "/api/v1/admin/federation/domains"
    tags = ["admin"]
    guards = [signed_in]

    @get("", responses=refusals(403))
    async def list_rules(self, ctx: Ctx, api: Caller) -> FederationPolicyOut:
        """The effective federation policy: the mode and every rule, the config file's included."""
        require_admin(api)
        rules = await effective_rules(ctx.session, _config(ctx))
        return FederationPolicyOut(_config(ctx).mode, [_rule_out(r) for r in rules])

    @post("", status_code=201, responses=refusals(403))
    async def add(self, ctx: Ctx, api: Caller, data: DomainRuleIn) -> DomainRuleOut:
        """Block or allow a domain; it applies at once to the inbox, deliveries and fetches."""
        require_admin(api)
        return _rule_out(await add_rule(ctx.session, _config(ctx), data.domain, data.kind, data.reason))

    @delete("/{domain:str}", status_code=HTTP_204_NO_CONTENT, responses=refusals(403, 409))
    async def remove(self, ctx: Ctx, api: Caller, domain: str) -> None:
        """Remove an administrator's rule (409 for a rule of the configuration file)."""
        require_admin(api)
        await remove_rule(ctx.session, _config(ctx), domain)


def admin_handlers() -> list[Any]:
    return [policy_page, add_domain, remove_domain, FederationPolicyController]
