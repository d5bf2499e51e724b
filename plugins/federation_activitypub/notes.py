"""Remote comments: Create, Update and Delete of Notes that reply to events and comments here.

A Note whose ``inReplyTo`` names an event we share (ours, or a remote one we hold a
copy of) or a comment on one becomes a core comment by its remote author. It goes
through the core's comments service, not around it, so what holds for a local
comment holds for a remote one: comments closed on the event, the length limit, the
sanitiser, the content policies (``convene_check_content``) and the
``convene_comment_*`` hooks (this plugin's own send only comments by local
identities). Its ActivityPub id is kept in ``ApObject`` (kind ``comment``).

Refused (logged, nothing written): a Note that its sender did not write or that is
not on the sender's host, a private Note (a direct message is no public comment),
an edit or deletion by someone else, and whatever the service refuses. Ignored (not
an error): a Note that replies to nothing here, which is most of what followed
accounts post. A Delete that arrives before its Create leaves a tombstone, so the
late Create is ignored.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, TypeVar

from core.comments import service
from core.comments.models import Comment
from core.context import Ctx
from core.db.base import utcnow
from core.errors import DomainError
from core.events.models import Event
from core.guarded_http import host_of
from core.identities.models import Identity
from plugins.federation_activitypub import remote_events
from plugins.federation_activitypub.models import ApActor, ApObject
from plugins.federation_activitypub.object_ids import record_of, reply_target
from plugins.federation_activitypub.parse import Refused, RemoteNote, parse_note, ref

T = TypeVar("T")


async def on_create_or_update(ctx: Ctx, activity: dict[str, Any], sender: ApActor) -> str:
    """Create{Note} or Update{Note}: both leave the comment as the Note now reads."""
    obj = activity.get("object")
    if not isinstance(obj, dict):
        raise Refused("the note must be embedded in the activity")
    note = parse_note(obj)
    if note.attributed_to != sender.ap_id:
        raise Refused(f"{note.ap_id} is attributed to {note.attributed_to}, not to the sender")
    _check_same_host(note.ap_id, sender)
    record = await record_of(ctx.session, note.ap_id)
    if record is None:
        return await _create(ctx, note, sender)
    if record.deleted_at is not None:
        return f"ignored: {note.ap_id} was deleted"
    if record.kind != "comment":
        raise Refused(f"{note.ap_id} is known here as an {record.kind}, not a comment")
    comment = await ctx.session.get(Comment, record.local_id) if record.local_id is not None else None
    if comment is None:
        return f"ignored: {note.ap_id} went with the event it replied to"
    return await _edit(ctx, comment, note, sender)


async def on_delete(ctx: Ctx, activity: dict[str, Any], sender: ApActor) -> str:
    """Delete of a comment we hold; any other Delete is the remote events' business."""
    ap_id = ref(activity.get("object"), "object")
    record = await record_of(ctx.session, ap_id)
    if record is None or record.kind != "comment":
        return await remote_events.on_delete(ctx, activity, sender)
    _check_same_host(ap_id, sender)
    if record.deleted_at is not None:
        return f"ignored: {ap_id} was already deleted"
    comment = await ctx.session.get(Comment, record.local_id) if record.local_id is not None else None
    if comment is not None and not comment.is_deleted:
        event = await ctx.session.get_one(Event, comment.event_id)
        await _serviced(service.delete_comment(ctx, event, comment))
    record.deleted_at = utcnow()
    return f"deleted comment {ap_id}"


async def _create(ctx: Ctx, note: RemoteNote, sender: ApActor) -> str:
    target = await reply_target(ctx.session, ctx.settings, note.in_reply_to) if note.in_reply_to else None
    if target is None:
        return f"ignored: {note.ap_id} replies to nothing here"
    if not note.public:
        raise Refused(f"{note.ap_id} is not public: a private reply is not shown as a comment")
    author = await ctx.session.get_one(Identity, sender.identity_id)
    parent = str(target.parent.uuid) if target.parent is not None else None
    comment = await _serviced(service.post_comment(ctx, author, target.event, note.content, parent))
    ctx.session.add(ApObject(ap_id=note.ap_id, kind="comment", local_id=comment.id))
    return f"stored comment {note.ap_id}"


async def _edit(ctx: Ctx, comment: Comment, note: RemoteNote, sender: ApActor) -> str:
    if comment.author_id != sender.identity_id:
        raise Refused(f"{note.ap_id} belongs to another actor than {sender.ap_id}")
    if comment.is_deleted:
        return f"ignored: {note.ap_id} was deleted here"
    if comment.text == note.content:
        return f"ignored: {note.ap_id} is unchanged"
    await _serviced(service.edit_comment(ctx, comment, note.content))
    return f"updated comment {note.ap_id}"


async def _serviced(call: Awaitable[T]) -> T:
    """The comments service's refusals (closed, too long, against a policy) as ``Refused``."""
    try:
        return await call
    except DomainError as exc:
        raise Refused(exc.message) from exc


def _check_same_host(ap_id: str, actor: ApActor) -> None:
    """An actor speaks only for Notes on its own server (and never for ours)."""
    if host_of(ap_id) != host_of(actor.ap_id):
        raise Refused(f"{ap_id} is not on the host of {actor.ap_id}")
