"""What an event's visibility was before the change the lifecycle hook reports.

``convene_event_updated`` names the fields that changed, not their former values. A
visibility that became private was public or unlisted (only three exist), but one that
became public was unlisted or private, and the fan-out must tell those apart: servers
hold a copy of an unlisted event (they get an Update), never of a private one (they
get a Create). So every assignment of ``Event.visibility`` keeps the value it replaced
in the object's own state, where the hook, running in the same session, reads it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event as orm_event, inspect

from core.events.models import Event

_FORMER = "federation_activitypub.former_visibility"


@orm_event.listens_for(Event.visibility, "set")
def _remember_former(target: Event, value: Any, former: Any, initiator: Any) -> None:
    # ``former`` is a symbol, not a str, for a new event or one whose visibility was never loaded
    if isinstance(former, str):
        inspect(target).info[_FORMER] = former


def former_visibility(event: Event) -> str | None:
    """The visibility ``event`` had before its latest change in this session; None if it was not changed."""
    return inspect(event).info.get(_FORMER)
