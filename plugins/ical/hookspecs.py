"""The calendar plugin's own hook, for other plugins to add to what calendars receive.

Any plugin may implement it (``@hookimpl(optionalhook=True)``, so it still starts where
the calendar plugin is off). Documented in docs/hooks.md with the core's hooks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import icalendar

    from core.context import Ctx
    from core.events.models import Event

hookspec = pluggy.HookspecMarker("convene")


@hookspec
async def ical_vevent(ctx: Ctx, event: Event, vevent: icalendar.Event) -> None:
    """Add properties to ``event``'s VEVENT (mutate ``vevent`` in place), in every export and feed.

    Add only what every reader of that calendar may see: feeds are public or shared by link. What you
    add is kept with the event's text until the event or its organiser changes.
    Values go through ``icalendar``'s ``vevent.add`` (escaping and folding are its job)."""
