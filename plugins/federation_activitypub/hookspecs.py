"""The federation plugin's own hooks, for other plugins to extend it (added by ``convene_addhooks``).

A plugin that implements them marks its implementations ``@hookimpl(optionalhook=True)``
so it still starts on an instance where federation is disabled. Documented in
docs/hooks.md with the core's hooks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from core.context import Ctx
    from core.decisions import Decision
    from plugins.federation_activitypub.processing import ActivityHandler

hookspec = pluggy.HookspecMarker("convene")


@hookspec
def federation_activitypub_activity_handlers() -> dict[str | tuple[str, str], ActivityHandler]:
    """Return inbound activity handlers by type, or (type, embedded object type); tried before the plugin's own."""


@hookspec
async def federation_activitypub_document(ctx: Ctx, obj: Any, document: dict[str, Any]) -> None:
    """Extend an outgoing ActivityStreams document in place (``obj``: the Event, Identity or Comment it shows)."""


@hookspec
async def federation_activitypub_accept_activity(ctx: Ctx, activity: dict[str, Any], origin: str) -> Decision | None:
    """May this inbound activity from domain ``origin`` be stored and processed? Asked after its signature."""
