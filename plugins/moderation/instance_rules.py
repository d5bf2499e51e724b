"""The instance's rules ("No harassment"), in the administrators' order: reporters pick the one broken.

Administrators add, edit, move and delete them. ``position`` is each rule's place from 0;
moving one renumbers the others, so the order has no gaps and no ties. A deleted rule
leaves the reports that named it their copy of its words (``Report.rule_text``).
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta
from sqlalchemy import func, select

from core.context import Ctx
from core.errors import Conflict, InvalidInput, NotFound
from core.i18n import Message
from core.sanitize import plain_text, written_text
from plugins.moderation.models import RULE_TEXT_MAX, InstanceRule
from plugins.moderation.roles import require_admin

HINT_MAX = 1000
RULES_MAX = 100
POSITION_MAX = 1000
# a rule's id in a URL, read as text: whoever may not write rules is refused before it is read
RuleId = Annotated[str, Meta(max_length=12)]


def rule_number(rule_id: str) -> int:
    """The id in a URL, or 404 (what is not a number names no rule)."""
    if not rule_id.isdigit() or len(rule_id) > 9:
        raise NotFound("no such rule")
    return int(rule_id)


async def instance_rules(ctx: Ctx) -> list[InstanceRule]:
    """The rules in their order (anyone may read them: they are published)."""
    return list(await ctx.session.scalars(select(InstanceRule).order_by(InstanceRule.position, InstanceRule.id)))


def _hint(hint: str) -> str:
    if len(hint) > HINT_MAX:
        raise InvalidInput.field("hint", Message("must be at most %(count)s characters", count=HINT_MAX))
    return plain_text(hint)


async def add_rule(ctx: Ctx, text: str, hint: str = "") -> InstanceRule:
    """An administrator adds a rule at the end of the list."""
    require_admin(ctx)
    text, hint = written_text(text, RULE_TEXT_MAX, plain_text), _hint(hint)
    count = await ctx.session.scalar(select(func.count()).select_from(InstanceRule)) or 0
    if count >= RULES_MAX:
        raise Conflict(Message("an instance has at most %(count)s rules", count=RULES_MAX))
    rule = InstanceRule(text=text, hint=hint, position=count)
    ctx.session.add(rule)
    await ctx.session.flush()
    return rule


async def _rule(ctx: Ctx, rule_id: int) -> InstanceRule:
    rule = await ctx.session.get(InstanceRule, rule_id)
    if rule is None:
        raise NotFound("no such rule")
    return rule


async def edit_rule(ctx: Ctx, rule_id: int, text: str | None = None, hint: str | None = None,
                    position: int | None = None) -> InstanceRule:
    """An administrator changes a rule's words, its hint or its place (``position`` from 0; beyond the end: last)."""
    require_admin(ctx)
    rule = await _rule(ctx, rule_id)
    new_text = None if text is None else written_text(text, RULE_TEXT_MAX, plain_text)
    new_hint = None if hint is None else _hint(hint)
    if position is not None and not 0 <= position <= POSITION_MAX:
        raise InvalidInput.field("position", Message("must be between 0 and %(count)s", count=POSITION_MAX))
    rule.text = rule.text if new_text is None else new_text
    rule.hint = rule.hint if new_hint is None else new_hint
    if position is not None:
        others = [r for r in await instance_rules(ctx) if r.id != rule.id]
        others.insert(min(position, len(others)), rule)
        for place, each in enumerate(others):
            each.position = place
    return rule


async def delete_rule(ctx: Ctx, rule_id: int) -> None:
    """An administrator deletes a rule; the ones after it move up."""
    require_admin(ctx)
    rule = await _rule(ctx, rule_id)
    await ctx.session.delete(rule)
    for place, each in enumerate(r for r in await instance_rules(ctx) if r.id != rule.id):
        each.position = place
