"""Participations across servers: Join, Leave, and the organiser's Accept or Reject.

The server that organises an event decides who takes part and counts its places.

- Here, a local identity joining a remote event makes a pending participation (the
  core does so for every remote event) and a Join goes to the organiser; that server's
  Accept or Reject approves or rejects it through the core service, and leaving sends
  a Leave. Our copy's count changes only when the organiser's server sends an Update.
- A remote identity's Join of a local event goes through the core's ``join`` like a
  member's: free events are accepted at once, full or cancelled ones rejected, and
  restricted ones wait for the organiser, whose decision is sent back (the hooks
  below). Every change of a local event's participations sends the event's new state
  (its count) to the servers that hold a copy.

The Join's id is kept in ``ap_objects`` (kind ``participation``): Accept and Reject
name the Join, so both sides find the participation by it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.context import Ctx
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.events import participation as core_participation
from core.events.models import Event, Participation
from core.guarded_http import host_of
from core.identities.models import Identity
from plugins.federation_activitypub import activities, follows
from plugins.federation_activitypub.actors import actor_row, local_actor
from plugins.federation_activitypub.delivery import enqueue_delivery
from plugins.federation_activitypub.fanout import event_changed
from plugins.federation_activitypub.models import ApActor, ApObject
from plugins.federation_activitypub.object_ids import event_ap_id, local_event_at
from plugins.federation_activitypub.parse import Refused, ref

KIND = "participation"
MESSAGE_MAX = core_participation.MESSAGE_MAX


# --- hooks: a change made here ------------------------------------------------------


async def requested(ctx: Ctx, participation: Participation) -> None:
    """Someone asked to join: a local identity's request for a remote event goes to its server as a Join."""
    event, identity = participation.event, participation.identity
    if event.organizer.is_local:
        if participation.takes_a_place:
            await event_changed(ctx, event, "Update")
        return
    if identity.is_local:
        organiser = await _actor_of(ctx, event.organizer)
        sender = await local_actor(ctx.session, ctx.settings, identity)
        join = activities.join(sender.ap_id, await _event_id(ctx, event), organiser.ap_id, participation.message)
        ctx.session.add(ApObject(ap_id=join["id"], kind=KIND, local_id=participation.id))
        await enqueue_delivery(ctx.session, organiser.shared_inbox or organiser.inbox, join, sender)


async def answered(ctx: Ctx, participation: Participation, accepted: bool) -> None:
    """The organiser here approved or rejected someone: a remote identity's server hears it, copies get the count."""
    event = participation.event
    if not event.organizer.is_local:
        return
    if not participation.identity.is_local:
        await _answer(ctx, participation, accepted)
    await event_changed(ctx, event, "Update")


async def cancelled(ctx: Ctx, participation: Participation) -> None:
    """Someone left: leaving a remote event sends Leave to its server; a local event's copies get the count."""
    event, identity = participation.event, participation.identity
    if event.organizer.is_local:
        await event_changed(ctx, event, "Update")
    elif identity.is_local:
        organiser = await _actor_of(ctx, event.organizer)
        sender = await local_actor(ctx.session, ctx.settings, identity)
        leave = activities.leave(sender.ap_id, await _event_id(ctx, event), organiser.ap_id)
        await enqueue_delivery(ctx.session, organiser.shared_inbox or organiser.inbox, leave, sender)
    await _forget_join(ctx, participation)


# --- inbound ------------------------------------------------------------------------


async def on_join(ctx: Ctx, activity: dict[str, Any], sender: ApActor) -> str:
    """Join of a local event by a remote identity, decided as the core decides a member's."""
    event = await _local_event(ctx, ref(activity.get("object"), "object"))
    identity = await ctx.session.get(Identity, sender.identity_id)
    assert identity is not None
    message = _message(activity)
    existing = await core_participation.participation_of(ctx, event, identity)
    if existing is not None:
        return await _answer_again(ctx, existing, activity)
    try:
        async with ctx.session.begin_nested():  # a refusal undoes whatever the core wrote
            participation = await core_participation.join(ctx, identity, event, message)
    except (Conflict, Forbidden, InvalidInput) as exc:
        local = await local_actor(ctx.session, ctx.settings, event.organizer)
        await enqueue_delivery(ctx.session, sender.inbox, activities.reject(local.ap_id, _join_of(activity)), local)
        return f"rejected {sender.ap_id}: {exc.message}"
    ctx.session.add(ApObject(ap_id=activity["id"], kind=KIND, local_id=participation.id))
    await ctx.session.flush()
    if participation.role == "participant":
        await _answer(ctx, participation, accepted=True)
    return f"{sender.ap_id} {'joins' if participation.role == 'participant' else 'asks to join'} {event.uuid}"


async def on_leave(ctx: Ctx, activity: dict[str, Any], sender: ApActor) -> str:
    """Leave (Mobilizon) or Undo{Join} (others) of a local event by the remote identity that joined it."""
    target = activity.get("object")
    if isinstance(target, dict) and target.get("type") == "Join":
        target = target.get("object")
    event = await _local_event(ctx, ref(target, "object"))
    identity = await ctx.session.get(Identity, sender.identity_id)
    assert identity is not None
    try:
        await core_participation.leave(ctx, identity, event)
    except (NotFound, Conflict) as exc:
        return f"ignored: {exc.message}"
    return f"{sender.ap_id} left {event.uuid}"


async def on_accept(ctx: Ctx, activity: dict[str, Any], sender: ApActor) -> str:
    """Accept of one of our Joins, else of one of our Follows."""
    participation = await _our_join_answered(ctx, activity, sender)
    if participation is None:
        return await follows.on_accept(ctx, activity, sender)
    if participation.role != "not_approved":
        return f"ignored: the participation is already {participation.role}"
    await core_participation.approve(ctx, participation)
    return f"participation in {participation.event.uuid} accepted"


async def on_reject(ctx: Ctx, activity: dict[str, Any], sender: ApActor) -> str:
    """Reject of one of our Joins (refused, or removed later by the organiser), else of a Follow."""
    participation = await _our_join_answered(ctx, activity, sender)
    if participation is None:
        return await follows.on_reject(ctx, activity, sender)
    if participation.role == "rejected":
        return "ignored: the participation is already rejected"
    await core_participation.reject(ctx, participation)
    return f"participation in {participation.event.uuid} rejected"


# --- helpers ------------------------------------------------------------------------


async def _event_id(ctx: Ctx, event: Event) -> str:
    """The ActivityPub id of an event: our URL for ours, the recorded id for a copy."""
    ap_id = await event_ap_id(ctx.session, ctx.settings, event)
    if ap_id is None:
        raise Conflict("this event's server is not known")
    return ap_id


async def _local_event(ctx: Ctx, url: str) -> Event:
    event = await local_event_at(ctx.session, ctx.settings, url)
    if event is None:
        raise Refused(f"{url} is not an event of this instance")
    return event


def _message(activity: dict[str, Any]) -> str:
    message = activity.get("participationMessage") or activity.get("content") or ""
    if not isinstance(message, str):
        raise Refused("participationMessage must be a string")
    return message[:MESSAGE_MAX]


def _join_of(activity: dict[str, Any]) -> dict[str, Any]:
    """The Join an answer names, without its context or extras."""
    return {key: activity[key] for key in ("id", "type", "actor", "object") if key in activity}


async def _actor_of(ctx: Ctx, identity: Identity) -> ApActor:
    row = await actor_row(ctx.session, identity.id)
    if row is None:
        raise Conflict("this event's organiser cannot be reached")
    return row


async def _join_record(ctx: Ctx, participation: Participation) -> ApObject | None:
    """The Join that made (or last asked again for) this participation."""
    return await ctx.session.scalar(select(ApObject).where(ApObject.kind == KIND, ApObject.local_id == participation.id))


async def _forget_join(ctx: Ctx, participation: Participation) -> None:
    record = await _join_record(ctx, participation)
    if record is not None:
        await ctx.session.delete(record)


async def _answer(ctx: Ctx, participation: Participation, accepted: bool) -> None:
    """Accept or Reject the remote identity's Join, from the organiser, to its inbox."""
    record = await _join_record(ctx, participation)
    if record is None:
        return  # joined before federation knew of it: there is no Join to answer
    participant = await _actor_of(ctx, participation.identity)
    organiser = await local_actor(ctx.session, ctx.settings, participation.event.organizer)
    join = {"id": record.ap_id, "type": "Join", "actor": participant.ap_id,
            "object": ctx.settings.url(f"/events/{participation.event.uuid}")}
    answer = activities.accept(organiser.ap_id, join) if accepted else activities.reject(organiser.ap_id, join)
    await enqueue_delivery(ctx.session, participant.inbox, answer, organiser)


async def _answer_again(ctx: Ctx, participation: Participation, activity: dict[str, Any]) -> str:
    """A second Join by someone who already takes part (their server retried): say again where it stands."""
    record = await _join_record(ctx, participation)
    if record is None:
        ctx.session.add(ApObject(ap_id=activity["id"], kind=KIND, local_id=participation.id))
    else:
        record.ap_id = activity["id"]
    await ctx.session.flush()
    if participation.role == "not_approved":
        return "ignored: the participation is still waiting for the organiser"
    await _answer(ctx, participation, accepted=participation.role != "rejected")
    return f"answered again: the participation is {participation.role}"


async def _our_join_answered(ctx: Ctx, activity: dict[str, Any], sender: ApActor) -> Participation | None:
    """The participation an Accept or Reject names, when it names one of our Joins.

    Only the event's own server may answer: the sender must be on the event's host
    (Mobilizon answers as the moderator who decided, not always as the organiser).
    """
    obj = activity.get("object")
    if isinstance(obj, dict) and obj.get("type", "Join") != "Join":
        return None
    record = await ctx.session.scalar(select(ApObject).where(ApObject.kind == KIND, ApObject.ap_id == ref(obj, "object")))
    if record is None or record.local_id is None:
        return None
    participation = await ctx.session.get(Participation, record.local_id)
    if participation is None:
        return None
    if host_of(await _event_id(ctx, participation.event)) != host_of(sender.ap_id):
        raise Refused(f"{sender.ap_id} cannot answer for an event on another host")
    return participation
