"""Telling people of a comment once it is shown: the event's organiser, and the author of the comment it answers.

Called where a comment becomes visible (posted, or released after a review), whatever
wrote it: the web form, the API or a reply that came through federation all go through
core.comments.service. A comment held for review is news only once a moderator releases it.

The mail names the commenter by display name and ``@name@host``, the event, an excerpt
of the comment as plain text and a link to it: nothing about the reader's other
identities. Nobody is told of their own comment (the organiser commenting on their event,
an author answering themself), and an organiser who wrote the comment answered gets one
message, not two. Remote people get nothing: ``notify_identity`` writes only to accounts.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from core.comments.models import Comment
from core.context import Ctx
from core.events.models import Event
from core.i18n import N_
from core.identities.models import Identity
from core.notifications.news import News, has_channel, notify_identity
from core.notifications.preferences import preference
from core.notifications.topics import NEW_COMMENTS, REPLIES
from core.sanitize import plain_text
from core.settings import Settings

EXCERPT_LENGTH = 300

COMMENT_SUBJECT = N_("New comment on %(event)s")
COMMENT_TEXT = N_("%(name)s (%(handle)s) commented on your event %(event)s:")
REPLY_SUBJECT = N_("%(name)s replied to your comment on %(event)s")
REPLY_TEXT = N_("%(name)s (%(handle)s) replied to your comment on %(event)s:")


def fediverse_handle(settings: Settings, identity: Identity) -> str:
    """``@name@host``, as people write an address on the fediverse (our own host for a local identity)."""
    host = identity.domain or urlsplit(settings.public_url).hostname or "localhost"
    return f"@{identity.username}@{host}"


def excerpt(html: str, length: int = EXCERPT_LENGTH) -> str:
    """The start of a comment as plain text, cut at a word when it is long."""
    text = " ".join(plain_text(html).split())
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0] + "…"


async def tell_of_comment(ctx: Ctx, comment: Comment) -> None:
    """Write the news of ``comment``, now shown, to the organiser and to the author of the comment it answers."""
    author = comment.author
    if author is None or not has_channel(ctx):
        return
    await ctx.session.flush()  # the comment's uuid, for the link, is set when it is written
    event = await ctx.session.get_one(Event, comment.event_id)
    organiser = event.organizer
    parent = await ctx.session.get(Comment, comment.in_reply_to_id) if comment.in_reply_to_id else None
    answered = parent.author if parent is not None and not parent.is_deleted else None
    values = {"name": author.name, "handle": fediverse_handle(ctx.settings, author), "event": event.title}
    link = ctx.settings.url(f"/events/{event.uuid}#c-{comment.uuid}")
    body = excerpt(comment.text)

    def news(topic: str) -> News:
        subject, text = (REPLY_SUBJECT, REPLY_TEXT) if topic == REPLIES.name else (COMMENT_SUBJECT, COMMENT_TEXT)
        return News(kind=f"comment_{topic}", topic=topic, subject=subject, text=text, link=link, values=values,
                    body=body)

    if answered is not None and answered.id != author.id:
        if answered.id != organiser.id:
            await notify_identity(ctx, answered, news(REPLIES.name))
        else:
            # one message for an organiser answered on their own event: a reply while they want replies
            wants_replies = await preference(ctx, organiser.id, REPLIES) != "off"
            await notify_identity(ctx, organiser, news(REPLIES.name if wants_replies else NEW_COMMENTS.name))
            return
    if organiser.id != author.id:
        await notify_identity(ctx, organiser, news(NEW_COMMENTS.name))
