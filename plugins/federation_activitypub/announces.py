"""Announce: an event shared with us (a Mobilizon group relaying its events, a Mastodon boost).

An announced event we do not have is stored as a remote event, as if its organiser
had sent it. Its copy is believed only on its own origin's word (FEP-fe34): one
embedded by an actor of the event's own host is as good as a Create from that actor
(the same attribution rule applies), any other is fetched again from the event's id,
and the fetched copy must name that id. Fetching on a stranger's word would let anyone
make this server fetch what they like, so a third party's share is acted on only when
someone here follows the sharer, as Mastodon does.

An event we already have, or that was deleted, is left as it is: its organiser's own
Update and Delete keep it current. A share of anything else (a Note, an activity) is
ignored with an outcome, and so is Undo{Announce}: the stored event stands on its
organiser's word, not on the share, so there is nothing to undo.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select

from core.context import Ctx
from core.guarded_http import host_of
from plugins.federation_activitypub.discovery import our_hosts
from plugins.federation_activitypub.models import ApActor, ApFollow
from plugins.federation_activitypub.parse import parse_event, ref
from plugins.federation_activitypub.remote_actors import remote_actors
from plugins.federation_activitypub.remote_events import (
    acting_for,
    record_of,
    refusing_fetch_errors,
    store_and_report,
)


async def on_announce(ctx: Ctx, activity: dict[str, Any], sender: ApActor) -> str:
    """Announce of an event, embedded or by id: stored when new, verified through its origin."""
    obj = activity.get("object")
    kind = obj.get("type") if isinstance(obj, dict) else None
    if kind is not None and kind != "Event":
        return f"ignored: an Announce of a {str(kind)[:40]} is not handled"
    ap_id = ref(obj, "object")
    if host_of(ap_id) in our_hosts(ctx.settings):
        return f"ignored: {ap_id} is this instance's own"
    known = await record_of(ctx, ap_id)
    if known is not None:
        return f"ignored: {ap_id} {'was deleted' if known.deleted_at else 'is already here'}"
    if isinstance(obj, dict) and host_of(ap_id) == host_of(sender.ap_id):
        remote = parse_event(obj)
        organiser = await acting_for(ctx, sender, remote.attributed_to)
    elif not await _followed_here(ctx, sender):
        return f"ignored: no one here follows {sender.ap_id}"
    else:
        actors = remote_actors(ctx)
        with refusing_fetch_errors(ap_id):
            document = await actors.fetch_document(ap_id)
        if document.get("type") != "Event":
            return f"ignored: {ap_id} is a {str(document.get('type'))[:40]}, not an event"
        remote = parse_event(document)
        with refusing_fetch_errors(remote.attributed_to):
            organiser = await actors.by_id(remote.attributed_to)
    return f"{await store_and_report(ctx, remote, organiser)}, announced by {sender.ap_id}"


async def on_undo_announce(ctx: Ctx, activity: dict[str, Any], sender: ApActor) -> str:
    """Undo{Announce}: the event stays, for it never depended on the share."""
    return f"ignored: {sender.ap_id} no longer shares {ref(activity['object'].get('object'), 'object.object')}"


async def _followed_here(ctx: Ctx, sender: ApActor) -> bool:
    followed = ApFollow.followed_id == sender.identity_id
    return bool(await ctx.session.scalar(select(exists().where(followed, ApFollow.accepted.is_(True)))))

