"""The worker side of the inbox: process each stored activity once, by its type.

The inbox stored the activity after verifying who sent it; here the handler for its
type acts on it, with that sender. Processing is idempotent: an activity whose
``outcome`` is set was processed and is skipped, and a handler that fails for a
passing reason (the network) raises, leaving ``outcome`` empty so the outbox retries
it. An activity we cannot use is not an error: its outcome says why (``refused: ...``)
for the operator, and nothing is retried.

``HANDLERS`` maps an activity type, or a (type, embedded object type) pair that wins
over the type alone, to this plugin's handler. Other plugins add handlers through
``federation_activitypub_activity_handlers``: theirs are tried first, and a handler
that answers None leaves the activity to the next one (a groups plugin takes the
Joins of groups and leaves those of events).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from core.context import Ctx
from core.identities.models import Identity
from core.plugins import call_sync
from core.runtime import Runtime
from core.viewer import Viewer
from plugins.federation_activitypub import actor_updates, announces, follows, notes, participations, remote_events
from plugins.federation_activitypub.instance import PLUGIN_NAME
from plugins.federation_activitypub.models import ApActor, ApInboxActivity
from plugins.federation_activitypub.parse import ACTOR_TYPES, Refused
from plugins.federation_activitypub.remote_actors import remote_actors

ActivityHandler = Callable[[Ctx, dict[str, Any], ApActor], Awaitable[str | None]]
"""``(ctx, activity, sender) -> outcome``, None when not its business; raises ``Refused`` for what cannot be used."""

HANDLERS: dict[str | tuple[str, str], ActivityHandler] = {
    "Follow": follows.on_follow,
    "Undo": follows.on_undo,
    "Accept": participations.on_accept,
    "Reject": participations.on_reject,
    "Join": participations.on_join,
    "Leave": participations.on_leave,
    ("Undo", "Join"): participations.on_leave,
    ("Create", "Event"): remote_events.on_create_or_update,
    ("Update", "Event"): remote_events.on_create_or_update,
    ("Create", "Note"): notes.on_create_or_update,
    ("Update", "Note"): notes.on_create_or_update,
    **{("Update", kind): actor_updates.on_update for kind in ACTOR_TYPES},
    "Delete": actor_updates.on_delete,  # an actor's own; or a comment's (notes), or else an event's
    "Announce": announces.on_announce,
    ("Undo", "Announce"): announces.on_undo_announce,
}
OUTCOME_MAX = 500
log = logging.getLogger(__name__)


Handlers = dict[str | tuple[str, str], list[ActivityHandler]]


def all_handlers(runtime: Runtime) -> Handlers:
    """Every plugin's handlers for each key, before this plugin's own (asked once per instance)."""
    found: Handlers = {}
    for handlers in call_sync(runtime.pm, "federation_activitypub_activity_handlers"):
        for key, handler in handlers.items():
            found.setdefault(key, []).append(handler)
    for key, handler in HANDLERS.items():
        found.setdefault(key, []).append(handler)
    return found


def handlers_for(handlers: Handlers, activity: dict[str, Any]) -> list[ActivityHandler]:
    """The handlers of the (type, embedded type) pair, then those of the type alone."""
    kind = activity["type"]
    embedded = activity.get("object")
    pair: list[ActivityHandler] = []
    if isinstance(embedded, dict) and isinstance(embedded.get("type"), str):
        pair = handlers.get((kind, embedded["type"]), [])
    return [*pair, *handlers.get(kind, [])]


async def process_inbox(ctx: Ctx, payload: dict[str, Any]) -> None:
    """The ``ap_inbox`` outbox handler: ``payload["id"]`` is the stored activity's row."""
    session = ctx.session
    stored = await session.get(ApInboxActivity, payload["id"])
    if stored is None or stored.outcome:
        return
    handlers = handlers_for(ctx.runtime.state(f"{PLUGIN_NAME}.handlers", all_handlers), stored.payload)
    outcome = None
    if handlers:
        try:
            sender = await remote_actors(ctx).by_id(stored.actor)
            identity = await session.get_one(Identity, sender.identity_id)
            # the core's services see the remote person as the one acting, as they see a member
            acting = ctx.as_viewer(Viewer.acting_as(identity))
            for handler in handlers:
                outcome = await handler(acting, stored.payload, sender)
                if outcome is not None:
                    break
        except Refused as exc:
            outcome = f"refused: {exc.reason}"
            log.warning("inbox activity %s from %s refused: %s", stored.activity_id, stored.actor, exc.reason)
    if outcome is None:
        outcome = f"ignored: {str(stored.payload['type'])[:50]} is not handled"
    stored.outcome = outcome[:OUTCOME_MAX]
