"""The JSON API of the instance's documents and rules, and of members' acceptances.

``GET /api/v1/policies`` is public (directories and apps show it). Writing is for
administrators only (``/api/v1/admin/policies``, ``/api/v1/admin/rules``): moderators and
members get 403. A member reads what they must accept again, and accepts it, at
``/api/v1/policies/acceptances``; until then their identities' actions are refused with
a reason that says so (acceptance.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, delete, get, patch, post, put
from litestar.status_codes import HTTP_204_NO_CONTENT
from msgspec import Meta

from core.api.openapi import refusals
from core.api.rules import rule
from core.auth import Caller, signed_in
from core.context import Ctx
from plugins.moderation import acceptance
from plugins.moderation.documents import DomainRule, documents, federation_rules, page_path, rendered, write_document
from plugins.moderation.instance_rules import (
    HINT_MAX,
    POSITION_MAX,
    RuleId,
    add_rule,
    delete_rule,
    edit_rule,
    instance_rules,
    rule_number,
)
from plugins.moderation.models import DOCUMENT_KINDS, DOCUMENT_MAX, RULE_TEXT_MAX, InstanceRule, PolicyDocument
from plugins.moderation.roles import require_admin

Kind = Literal["terms", "code_of_conduct", "moderation_policy", "federation_policy", "audience"]
assert set(Kind.__args__) == set(DOCUMENT_KINDS)  # type: ignore[attr-defined]  # one list, written twice for the schema


class DocumentIn(msgspec.Struct, forbid_unknown_fields=True):
    text: Annotated[str, rule(max_length=DOCUMENT_MAX)]
    """Plain text or light markdown (no raw HTML); shown sanitised."""
    material: bool = False
    """A material change: members accept the new terms or code of conduct at their next login."""


class DocumentOut(msgspec.Struct):
    kind: str
    url: str
    """The page that publishes it."""
    version: int
    updated_at: datetime
    material: bool
    """Whether its last change was material."""
    text: str
    html: str
    """The text rendered, sanitised."""


class RuleOut(msgspec.Struct):
    id: int
    text: str
    hint: str
    position: int


class DomainRuleOut(msgspec.Struct):
    domain: str
    kind: str
    reason: str


class PoliciesOut(msgspec.Struct):
    documents: list[DocumentOut]
    rules: list[RuleOut]
    federation_domains: list[DomainRuleOut]
    """The domains this instance blocks or allows (with federation on), part of its federation policy."""


class RuleIn(msgspec.Struct, forbid_unknown_fields=True):
    text: Annotated[str, rule(max_length=RULE_TEXT_MAX)]
    hint: Annotated[str, rule(max_length=HINT_MAX)] = ""


class RulePatch(msgspec.Struct, forbid_unknown_fields=True):
    text: Annotated[str, rule(max_length=RULE_TEXT_MAX)] | None = None
    hint: Annotated[str, rule(max_length=HINT_MAX)] | None = None
    position: Annotated[int, rule(minimum=0, maximum=POSITION_MAX)] | None = None
    """The rule's new place from 0 (the others move); beyond the end: last."""


class AcceptanceIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: Literal["terms", "code_of_conduct"]
    version: Annotated[int, Meta(ge=1, le=2**31 - 1)]
    """The version read; 409 when it is no longer the current one."""


class AcceptanceOut(msgspec.Struct):
    kind: str
    version: int
    accepted_at: datetime


class AcceptancesOut(msgspec.Struct):
    pending: list[DocumentOut]
    """Documents changed materially since the version accepted: until accepted, the account's identities cannot act."""
    accepted: list[AcceptanceOut]


def document_out(ctx: Ctx, document: PolicyDocument) -> DocumentOut:
    return DocumentOut(document.kind, ctx.settings.url(page_path(document.kind)), document.version,
                       document.updated_at, document.material, document.text, str(rendered(document.text)))


def rule_out(rule: InstanceRule) -> RuleOut:
    return RuleOut(rule.id, rule.text, rule.hint, rule.position)


def domain_out(rule: DomainRule) -> DomainRuleOut:
    return DomainRuleOut(rule.domain, rule.kind, rule.reason)


def acceptance_out(row: Any) -> AcceptanceOut:
    return AcceptanceOut(row.kind, row.version, row.accepted_at)


@get("/api/v1/policies", tags=["instance"])
async def policies(ctx: Ctx) -> PoliciesOut:
    """The instance's published documents (each with its version), its rules and its federation policy's domains."""
    return PoliciesOut([document_out(ctx, d) for d in (await documents(ctx)).values()],
                       [rule_out(r) for r in await instance_rules(ctx)],
                       [domain_out(r) for r in await federation_rules(ctx)])


class AdminPoliciesController(Controller):
    """Administrators only (``api: Caller`` makes ``ctx.viewer`` the caller, whom the services check)."""

    path = "/api/v1/admin"
    tags = ["admin"]
    guards = [signed_in]

    @put("/policies/{kind:str}", responses=refusals(403, 404, 409))
    async def write(self, ctx: Ctx, api: Caller, kind: Kind, data: DocumentIn) -> DocumentOut:
        """Write a document: its version goes up by one at each change (the same text changes nothing)."""
        return document_out(ctx, await write_document(ctx, kind, data.text, data.material))

    @get("/rules", responses=refusals(403))
    async def rules(self, ctx: Ctx, api: Caller) -> list[RuleOut]:
        require_admin(ctx)
        return [rule_out(r) for r in await instance_rules(ctx)]

    @post("/rules", status_code=201, responses=refusals(403, 409))
    async def add(self, ctx: Ctx, api: Caller, data: RuleIn) -> RuleOut:
        """Add a rule at the end of the list."""
        return rule_out(await add_rule(ctx, data.text, data.hint))

    @patch("/rules/{rule_id:str}", responses=refusals(403, 404))
    async def edit(self, ctx: Ctx, api: Caller, rule_id: RuleId, data: RulePatch) -> RuleOut:
        """Change a rule's words, hint or place."""
        return rule_out(await edit_rule(ctx, rule_number(rule_id), data.text, data.hint, data.position))

    @delete("/rules/{rule_id:str}", status_code=HTTP_204_NO_CONTENT, responses=refusals(403, 404))
    async def remove(self, ctx: Ctx, api: Caller, rule_id: RuleId) -> None:
        """Delete a rule; reports that named it keep its words."""
        await delete_rule(ctx, rule_number(rule_id))


class AcceptancesController(Controller):
    path = "/api/v1/policies/acceptances"
    tags = ["accounts"]
    guards = [signed_in]

    @get("")
    async def mine(self, ctx: Ctx, api: Caller) -> AcceptancesOut:
        """What this account must accept again, and what it accepted."""
        account = api.require_account()
        return AcceptancesOut([document_out(ctx, d) for d in await acceptance.pending(ctx, account.id)],
                              [acceptance_out(a) for a in await acceptance.accepted(ctx, account.id)])

    @post("", status_code=201, responses=refusals(409))
    async def accept(self, ctx: Ctx, api: Caller, data: AcceptanceIn) -> AcceptanceOut:
        """Accept the current version of the terms or the code of conduct."""
        return acceptance_out(await acceptance.accept(ctx, api.require_account(), data.kind, data.version))


def api_handlers() -> list[Any]:
    return [policies, AdminPoliciesController, AcceptancesController]
