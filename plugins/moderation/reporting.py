"""Filing a report from the API or the form: who may report, the rule picked, the limits.

One service behind both. A member reports as one of their identities; a visitor only
where ``anonymous_reports`` is on, paying with a proof of work (proof_of_work.py).
What is reported must be visible to the reporter (targets.py). Only reports that pass
every check count against the limits (per account, or per network address for visitors).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.accounts.models import Account
from core.context import Ctx
from core.errors import InvalidInput, NotAuthenticated
from core.i18n import N_
from core.identities.service import own_identity
from core.permissions import require_can_act
from core.ratelimit import HOUR, limit
from plugins.moderation import proof_of_work, targets
from plugins.moderation.config import ModerationConfig
from plugins.moderation.filing import file_report
from plugins.moderation.models import CATEGORIES, COMMENT_MAX, InstanceRule, Report

PLUGIN_NAME = "moderation"
RULE_FIELD_MAX = 20
TOO_MANY = N_("you sent many reports recently; try again later")


def config(ctx: Ctx) -> ModerationConfig:
    return ctx.config(PLUGIN_NAME)


@dataclass(frozen=True)
class Proof:
    """An anonymous reporter's solved challenge."""

    challenge: str
    nonce: str


def category_of(rule: str) -> tuple[str, int | None]:
    """A form's or the API's ``rule`` (a rule's id, or spam, illegal, other) as (category, rule id)."""
    rule = rule.strip()
    if rule.isascii() and rule.isdigit() and len(rule) <= 9:
        return "rule", int(rule)
    if rule in CATEGORIES and rule != "rule":
        return rule, None
    raise InvalidInput({"rule": N_("choose one of the instance's rules, or spam, illegal or other")})


async def report(ctx: Ctx, account: Account | None, target: str, rule: str, comment: str,
                 identity: str | None = None, proof: Proof | None = None, client: str = "") -> Report:
    """File a report of the thing at ``target``; 401 for a visitor where anonymous reports are off."""
    settings = config(ctx)
    if account is None and not settings.anonymous_reports:
        raise NotAuthenticated(N_("please log in to report"))
    reporter = await own_identity(ctx, account, identity or None) if account is not None else None
    if reporter is not None:
        await require_can_act(ctx, reporter, "report.file")
    if len(comment.strip()) > COMMENT_MAX:
        raise InvalidInput({"comment": N_("at most 1000 characters")})
    expires = None
    if account is None:
        if proof is None:
            raise InvalidInput({"nonce": proof_of_work.WRONG})
        expires = proof_of_work.checked(ctx.settings.secret_key, settings.anonymous_report_work_bits,
                                        proof.challenge, proof.nonce)
        await proof_of_work.require_unspent(ctx, proof.challenge)
    category, rule_id = category_of(rule)
    thing = await targets.resolve(ctx, target)
    await _check_rule(ctx, rule_id)
    # counted before anything is written: the counter has a transaction of its own (core.ratelimit)
    if account is not None:
        await limit(ctx, f"report:account:{account.id}", settings.reports_per_account_per_hour, HOUR, TOO_MANY)
    else:
        await limit(ctx, f"report:ip:{client}", settings.anonymous_reports_per_hour, HOUR, TOO_MANY)
    address = target.strip()
    # kept whole, as other instances and the log will read it
    address = ctx.settings.url(address) if address.startswith("/") else address
    filed = await file_report(ctx, thing, address, category, comment, rule_id=rule_id, reporter=reporter)
    if expires is not None and proof is not None:
        await proof_of_work.spend(ctx, proof.challenge, expires)
    return filed


async def _check_rule(ctx: Ctx, rule_id: int | None) -> None:
    """Refuse a rule that does not exist before the report counts against the limit (filing checks it again)."""
    if rule_id is not None and await ctx.session.get(InstanceRule, rule_id) is None:
        raise InvalidInput({"rule": N_("this rule does not exist here")})
