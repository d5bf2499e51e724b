"""What anonymous participation adds to pages: the join form for visitors, the switch in the
event form, and the organiser's list of people who joined by email."""

from __future__ import annotations

from core.context import Ctx
from core.events.models import Event
from core.events.service import organises
from core.web.forms import FormState
from core.web.slots import Fragment, Slot
from plugins.email.anonymous import service


async def join_form(ctx: Ctx, slot: Slot, event: Event) -> Fragment | None:
    """For visitors (members join with an identity): the same for every visitor, so the page stays cached."""
    if not ctx.viewer.is_anonymous or event.is_full or not await service.accepts(ctx, event):
        return None
    return Fragment(slot.render("email/anonymous/join_fragment.html", event=event, form=FormState("anonymous")))


async def form_field(ctx: Ctx, slot: Slot, form: FormState) -> Fragment | None:
    if not service.instance_allows(ctx):
        return None
    return Fragment(slot.render("email/anonymous/event_field.html", form=form))


async def participants(ctx: Ctx, slot: Slot, event: Event) -> Fragment | None:
    if not organises(ctx.viewer, event):
        return None
    rows = await service.listed(ctx, event)
    if not rows:
        return None
    return Fragment(slot.render("email/anonymous/participants.html", event=event, rows=rows), shared=False)
