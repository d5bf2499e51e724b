"""The worker side of the inbox: process each stored activity once, by its type.

The inbox stored the activity after verifying who sent it; here the handler for its
type acts on it, with that sender. Processing is idempotent: an activity whose
``outcome`` is set was processed and is skipped, and a handler that fails for a
passing reason (the network) raises, leaving ``outcome`` empty so the outbox retries
it. An activity we cannot use is not an error: its outcome says why (``refused: ...``)
for the operator, and nothing is retried.

``HANDLERS`` maps an activity type, or a (type, embedded object type) pair that wins
over the type alone, to a handler; other federation modules add theirs there.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from core.context import Ctx
from core.identities.models import Identity
from core.viewer import Viewer
from plugins.federation_activitypub import actor_updates, announces, follows, notes, participations, remote_events
from plugins.federation_activitypub.instance import federation
from plugins.federation_activitypub.models import ApActor, ApInboxActivity
from plugins.federation_activitypub.parse import ACTOR_TYPES, Refused
from plugins.federation_activitypub.remote_actors import RemoteActors

ActivityHandler = Callable[[Ctx, dict[str, Any], ApActor], Awaitable[str]]
"""``(ctx, activity, sender) -> outcome``; raises ``Refused`` for what cannot be used."""

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


def handler_for(activity: dict[str, Any]) -> ActivityHandler | None:
    kind = activity["type"]
    embedded = activity.get("object")
    if isinstance(embedded, dict) and isinstance(embedded.get("type"), str):
        found = HANDLERS.get((kind, embedded["type"]))
        if found is not None:
            return found
    return HANDLERS.get(kind)


async def process_inbox(ctx: Ctx, payload: dict[str, Any]) -> None:
    """The ``ap_inbox`` outbox handler: ``payload["id"]`` is the stored activity's row."""
    session = ctx.session
    stored = await session.get(ApInboxActivity, payload["id"])
    if stored is None or stored.outcome:
        return
    instance = federation(ctx)
    handler = handler_for(stored.payload)
    if handler is None:
        outcome = f"ignored: {str(stored.payload['type'])[:50]} is not handled"
    else:
        try:
            sender = await RemoteActors(instance, session.bind).by_id(stored.actor)
            identity = await session.get_one(Identity, sender.identity_id)
            # the core's services see the remote person as the one acting, as they see a member
            outcome = await handler(ctx.as_viewer(Viewer.acting_as(identity)), stored.payload, sender)
        except Refused as exc:
            outcome = f"refused: {exc.reason}"
            log.warning("inbox activity %s from %s refused: %s", stored.activity_id, stored.actor, exc.reason)
    stored.outcome = outcome[:OUTCOME_MAX]
