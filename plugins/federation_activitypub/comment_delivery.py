"""Comments by local identities, sent as Notes: Create, Update, and Delete with a Tombstone.

Addressed as Mobilizon addresses a comment: to the public, the event's organiser and
the author of the comment it answers, cc the commenter's followers. Delivered to
those people's inboxes and to the commenter's followers; when the event is ours, also
to every server that holds a copy of it or took part in its conversation: the
organiser's followers, the event's remote participants and its remote commenters.
Mobilizon leaves that re-distribution to the organiser's server as well, so a
comment on a remote event goes to its organiser, whose server passes it on.

Not sent: comments on drafts and private events (they never leave the instance), and
remote people's comments, which their own server has sent already and which we
could not sign for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from core.comments.models import Comment
from core.context import Ctx
from core.events.models import Event
from core.identities.models import Identity
from plugins.federation_activitypub.activities import carrying, deletion
from plugins.federation_activitypub.actors import actor_id, local_actor_urls
from plugins.federation_activitypub.documents import AS_PUBLIC, NoteAddress, note_document
from plugins.federation_activitypub.fanout import follower_inboxes, participant_inboxes, send_to_followers
from plugins.federation_activitypub.models import ApActor
from plugins.federation_activitypub.object_ids import comment_ap_id, event_ap_id
from plugins.federation_activitypub.outgoing import note_out


@dataclass
class Conversation:
    """Who wrote a local comment, the event and comment it answers, and how its Note is addressed."""

    author: Identity
    event: Event
    parent: Comment | None
    address: NoteAddress


async def comment_sent(ctx: Ctx, comment: Comment, kind: str) -> None:
    """``Create`` (posted) or ``Update`` (edited) of a local identity's comment."""
    conversation = await conversation_of(ctx, comment)
    if conversation is not None:
        note = await note_out(ctx, comment, conversation.address)
        await _deliver(ctx, conversation, carrying(note, kind))


async def comment_withdrawn(ctx: Ctx, comment: Comment) -> None:
    """``Delete`` of a local identity's comment, whether its author or the organiser removed it."""
    conversation = await conversation_of(ctx, comment)
    if conversation is not None:
        await _deliver(ctx, conversation, deletion(note_document(ctx.settings, comment, conversation.address), "Note"))


async def conversation_of(ctx: Ctx, comment: Comment) -> Conversation | None:
    """None when the comment does not travel: a remote person's, or on an event that does not federate."""
    author = comment.author
    if author is None or not author.is_local:
        return None
    event = await ctx.session.get_one(Event, comment.event_id)
    event_id = await event_ap_id(ctx.session, ctx.settings, event)
    if event_id is None:
        return None
    parent = await ctx.session.get(Comment, comment.in_reply_to_id) if comment.in_reply_to_id else None
    parent_id = await comment_ap_id(ctx.session, ctx.settings, parent) if parent is not None else None
    answered = [event.organizer, parent.author if parent is not None else None]
    to = [AS_PUBLIC]
    for person in answered:
        if person is not None and person.id != author.id:
            person_id = await _actor_ap_id(ctx, person)
            if person_id and person_id not in to:
                to.append(person_id)
    address = NoteAddress(event=event_id, in_reply_to=parent_id or event_id, to=to,
                          cc=[local_actor_urls(ctx.settings, author.username)["followers"]])
    return Conversation(author, event, parent, address)


async def _deliver(ctx: Ctx, conversation: Conversation, activity: dict[str, Any]) -> None:
    """To the commenter's followers and the inboxes of everyone the conversation concerns."""
    event, parent = conversation.event, conversation.parent
    people = [event.organizer_id] + ([parent.author_id] if parent is not None and parent.author_id else [])
    inboxes = await _remote_inboxes(ctx, select(Identity.id).where(Identity.id.in_(people)))
    if event.organizer.is_local:
        inboxes |= set(await follower_inboxes(ctx.session, event.organizer_id))
        inboxes |= set(await participant_inboxes(ctx.session, event.id))
        inboxes |= await _remote_inboxes(ctx, select(Comment.author_id).where(Comment.event_id == event.id))
    await send_to_followers(ctx, conversation.author, activity, also=sorted(inboxes))


async def _remote_inboxes(ctx: Ctx, identities: Select) -> set[str]:
    """The inboxes (shared ones where published) of the remote actors among ``identities``."""
    rows = await ctx.session.execute(
        select(ApActor.inbox, ApActor.shared_inbox)
        .where(ApActor.identity_id.in_(identities), ApActor.private_key_pem.is_(None))
    )
    return {shared or inbox for inbox, shared in rows if shared or inbox}


async def _actor_ap_id(ctx: Ctx, identity: Identity) -> str | None:
    if identity.is_local:
        return actor_id(ctx.settings, identity.username)
    return await ctx.session.scalar(select(ApActor.ap_id).where(ApActor.identity_id == identity.id))
