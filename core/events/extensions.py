"""Fields plugins add to events: their schema, their storage, and the event's ``extra`` object.

A plugin declares an ``EventField`` with ``convene_event_fields``: the name it takes in
``extra`` (API input and output, and ``extra.<name>`` in the event form), the type its
value is checked with (msgspec, so limits live in the type), and how the plugin stores
and loads it (its own table). The core checks every given value before anything is
written and names a wrong one as ``extra.<name>``; it saves them once the event has its
id, in the same transaction, so a plugin's refusal there (raise a ``DomainError``)
undoes the whole change. Lists load each field once for all their events.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import msgspec

from core.context import Ctx
from core.errors import InvalidInput, field_of_message
from core.events.models import Event
from core.plugins import call_sync
from core.runtime import Runtime

EXTRA = "extra"


@dataclass(frozen=True)
class EventField:
    """``load(ctx, events)`` returns ``{event.id: value}`` for those that have one; ``save(ctx, event, value)``
    stores a checked value (``None`` when the field is cleared)."""

    name: str
    type: Any
    load: Callable[[Ctx, list[Event]], Awaitable[dict[int, Any]]]
    save: Callable[[Ctx, Event, Any], Awaitable[None]]


def event_fields(runtime: Runtime) -> dict[str, EventField]:
    """Every enabled plugin's event fields, by name (asked once per instance)."""
    return runtime.state("core.event_fields", lambda rt: {
        field.name: field for fields in call_sync(rt.pm, "convene_event_fields") for field in fields})


def checked_extra(ctx: Ctx, given: dict[str, Any]) -> dict[str, Any]:
    """The given ``extra`` values, each converted to its field's type; errors name ``extra.<name>``.

    Form fields arrive as text, so text is read as the type asks ("12" as a number).
    """
    fields = event_fields(ctx.runtime)
    values, errors = {}, {}
    for name, raw in given.items():
        field = fields.get(name)
        if field is None:
            errors[f"{EXTRA}.{name}"] = "unknown field"
            continue
        try:
            values[name] = msgspec.convert(raw, field.type, strict=False)
        except msgspec.ValidationError as exc:
            errors[f"{EXTRA}.{name}"] = field_of_message(str(exc))[1]
    if errors:
        raise InvalidInput(errors)
    return values


async def save_extra(ctx: Ctx, event: Event, values: dict[str, Any]) -> None:
    """Hand each checked value to its plugin, once the event is written (it has an id)."""
    if not values:
        return
    await ctx.session.flush()
    fields = event_fields(ctx.runtime)
    for name, value in values.items():
        await fields[name].save(ctx, event, value)


async def load_extra(ctx: Ctx, events: list[Event]) -> dict[int, dict[str, Any]]:
    """Each event's stored extension values, ``{event.id: {name: value}}``: one load per field for all."""
    found: dict[int, dict[str, Any]] = {event.id: {} for event in events}
    if not events:
        return found
    for name, field in event_fields(ctx.runtime).items():
        for event_id, value in (await field.load(ctx, events)).items():
            found[event_id][name] = value
    return found
