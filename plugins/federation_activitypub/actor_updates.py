"""Profiles and their end, both ways: Update and Delete of actors.

Outbound. When a local identity's profile changes (name, bio, avatar), its followers
get ``Update`` carrying the whole actor document, which receivers put in place of
what they hold. When it is deleted, they get ``Delete`` of the actor, queued in the
deleting transaction; the identity's key goes with its row, so ``retired_keys`` keeps
a copy for the delivery job to sign with until the last retry. An identity that never
federated has no actor row: nothing is sent and no key is made for it.

Inbound. An actor may update or delete only itself. ``Update`` refreshes the stored
remote identity (name, bio, avatar URL, endpoints, key) from the embedded document,
which the verified signature of the activity vouches for. ``Delete`` removes the
remote identity and what hangs on it: its follows both ways, its participations (each
place given back through the core's participation service, so counts stay right and
the organisers' copies hear of it), its events (deleted, their ids tombstoned so a late
copy is not taken in again), and its comments, which are anonymised as the core does
for a local identity, so replies keep their thread. A Delete naming another actor is
refused; any other Delete is an object's and goes on to ``notes``.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from core.comments.service import anonymise_comments_of
from core.context import Ctx
from core.events.models import Event
from core.events.participation import leave_all
from core.identities.models import Identity
from core.settings import Settings
from plugins.federation_activitypub import notes, remote_events
from plugins.federation_activitypub.actors import actor_id, actor_row
from plugins.federation_activitypub.documents import AS_PUBLIC
from plugins.federation_activitypub.fanout import send_to_followers
from plugins.federation_activitypub.models import ApActor
from plugins.federation_activitypub.outgoing import actor_out
from plugins.federation_activitypub.parse import ACTOR_TYPES, Refused, ref
from plugins.federation_activitypub.remote_actors import remote_actors
from plugins.federation_activitypub.retired_keys import retire

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"


# --- outbound ----------------------------------------------------------------------------


def person_update(document: dict[str, Any]) -> dict[str, Any]:
    """``Update`` carrying the identity's whole actor document, to the public and its followers."""
    return {"@context": document["@context"], "id": f"{document['id']}#updates/{uuid.uuid4().hex}",
            "type": "Update", "actor": document["id"], "to": [AS_PUBLIC], "cc": [document["followers"]],
            "object": {k: v for k, v in document.items() if k != "@context"}}


def person_deletion(settings: Settings, identity: Identity) -> dict[str, Any]:
    """``Delete`` of the actor by itself, as Mastodon sends it (the object is the actor's id)."""
    actor = actor_id(settings, identity.username)
    return {"@context": AS_CONTEXT, "id": f"{actor}#delete/{uuid.uuid4().hex}", "type": "Delete", "actor": actor,
            "to": [AS_PUBLIC], "cc": [f"{actor}/followers"], "object": actor}


async def identity_updated(ctx: Ctx, identity: Identity) -> None:
    actor = await actor_row(ctx.session, identity.id)
    if actor is not None:
        await send_to_followers(ctx, identity, person_update(await actor_out(ctx, identity, actor)))


async def identity_deleted(ctx: Ctx, identity: Identity) -> None:
    """Tell the followers, and keep the key for this and the deliveries queued just before (its events')."""
    actor = await actor_row(ctx.session, identity.id)
    if actor is not None:
        await send_to_followers(ctx, identity, person_deletion(ctx.settings, identity))
        await retire(ctx.session, actor)


# --- inbound -----------------------------------------------------------------------------


async def on_update(ctx: Ctx, activity: dict[str, Any], sender: ApActor) -> str:
    """Update of an actor by itself: store what its new document says."""
    document = activity.get("object")
    if not isinstance(document, dict):
        raise Refused("an actor's Update must carry the actor's document")
    target = ref(document.get("id"), "object.id")
    if target != sender.ap_id:
        raise Refused(f"{sender.ap_id} may update only itself, not {target}")
    await remote_actors(ctx).from_document(document)
    return f"refreshed actor {target}"


async def on_delete(ctx: Ctx, activity: dict[str, Any], sender: ApActor) -> str:
    """Delete of the sender itself; of another actor, refused; of anything else, handed on."""
    obj = activity.get("object")
    target = ref(obj, "object")
    if target == sender.ap_id:
        return await forget(ctx, sender)
    if (isinstance(obj, dict) and obj.get("type") in ACTOR_TYPES) or await _is_actor(ctx, target):
        raise Refused(f"{sender.ap_id} may delete only itself, not the actor {target}")
    return await notes.on_delete(ctx, activity, sender)


async def _is_actor(ctx: Ctx, ap_id: str) -> bool:
    return await ctx.session.scalar(select(ApActor.id).where(ApActor.ap_id == ap_id)) is not None


async def forget(ctx: Ctx, actor: ApActor) -> str:
    """Remove a remote actor and what hangs on it (its Delete, or its domain suspended here)."""
    identity = await ctx.session.get(Identity, actor.identity_id)
    if identity is None:
        return f"ignored: {actor.ap_id} was already deleted"
    events = list(await ctx.session.scalars(select(Event).where(Event.organizer_id == identity.id)))
    for event in events:
        await remote_events.forget_event(ctx, event)
    await leave_all(ctx, identity)
    await anonymise_comments_of(ctx, identity)
    await ctx.session.delete(identity)  # its actor row and follows go with it (foreign keys)
    return f"deleted actor {actor.ap_id} and its {len(events)} events"
