"""testkit_dress_code: an event field the plugin checks and stores itself.

``dress_code`` is ``extra.dress_code`` in the API (both ways) and in the event form
(``convene_event_fields``). Its type holds the rule, 40 characters at most, so the core
answers a longer one with 422 naming ``extra.dress_code`` before anything is written.
The value lives in the plugin's own table (its own migration branch); clearing it
(``null``, or an emptied form field) removes the row. The form shows the field through
``convene_event_form_fields``, with what the form holds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from msgspec import Meta
from sqlalchemy import delete, select

from convene_testkit import LOCALE, TEMPLATES
from convene_testkit.dress_code.models import EventDressCode
from core.context import Ctx
from core.events.extensions import EventField
from core.events.models import Event
from core.plugins import hookimpl
from core.web.forms import FormState
from core.web.slots import Fragment, Slot

FIELD = "dress_code"
DressCode = Annotated[str, Meta(max_length=40)] | None


async def load(ctx: Ctx, events: list[Event]) -> dict[int, str]:
    rows = await ctx.session.execute(select(EventDressCode.event_id, EventDressCode.dress_code)
                                     .where(EventDressCode.event_id.in_([event.id for event in events])))
    return dict(rows.all())


async def save(ctx: Ctx, event: Event, value: str | None) -> None:
    await ctx.session.execute(delete(EventDressCode).where(EventDressCode.event_id == event.id))
    if value:
        ctx.session.add(EventDressCode(event_id=event.id, dress_code=value))


@hookimpl
def convene_event_fields() -> list[EventField]:
    return [EventField(FIELD, DressCode, load, save)]


@hookimpl
def convene_migrations_dir() -> Path:
    return Path(__file__).resolve().parent / "migrations"


@hookimpl
def convene_template_dirs() -> list[Path]:
    return [TEMPLATES]


@hookimpl
def convene_locale_dirs() -> list[Path]:
    return [LOCALE]


@hookimpl
async def convene_event_form_fields(slot: Slot, form: FormState) -> Fragment:
    return Fragment(slot.render("testkit/dress_code_field.html", form=form))
