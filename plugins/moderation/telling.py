"""Telling a person what a moderator decided about their event, comment, profile or account.

The news goes to the owner's account through the core's notifications (``notify_identity``),
written in their language from this plugin's catalogue, by mail when the email plugin is
on, under a topic of its own (``TOPIC``) so the same switch governs every channel. It
names only the identity concerned, or none for a whole account, and never the reporter.
"""

from __future__ import annotations

from core.context import Ctx
from core.i18n import N_
from core.identities.models import Identity
from core.notifications.news import News, notify_identity
from core.notifications.topics import Topic

TOPIC = Topic("moderation_decisions", N_("A moderator acts on my events, comments or profiles"))
SUBJECT = N_("A decision of the moderators of %(instance)s")
REASON_LINE = N_("The moderator’s reason: %(reason)s")

# what each action tells its person; %(title)s is the event's, %(handle)s the profile's
TEXTS = {
    "event.hold": N_("A moderator hid your event “%(title)s”: only you see it until a moderator shows it again."),
    "event.release": N_("A moderator shows your event “%(title)s” again."),
    "event.delete": N_("A moderator deleted your event “%(title)s”."),
    "comment.hold": N_("A moderator hid your comment on “%(title)s”: only you see it until a moderator shows it"
                       " again."),
    "comment.release": N_("A moderator shows your comment on “%(title)s” again."),
    "comment.delete": N_("A moderator deleted your comment on “%(title)s”."),
    "identity.warn": N_("A moderator warns your profile %(handle)s."),
    "identity.suspend": N_("A moderator suspended your profile %(handle)s: it cannot act, and what it published is"
                           " hidden from others."),
    "identity.unsuspend": N_("A moderator lifted the suspension of your profile %(handle)s."),
    "account.suspend": N_("A moderator suspended your account: its profiles cannot act, and what they published is"
                          " hidden from others."),
    "account.unsuspend": N_("A moderator lifted the suspension of your account."),
}


async def tell(ctx: Ctx, owner: Identity, action: str, reason: str, title: str = "", link: str = "") -> None:
    """Write the news of ``action`` to ``owner``'s account (nothing for a remote identity)."""
    values = {"instance": ctx.settings.instance.name, "title": title, "handle": owner.handle, "reason": reason}
    await notify_identity(ctx, owner, News(
        kind="moderation_decision", topic=TOPIC.name, subject=SUBJECT, text=TEXTS[action], link=link,
        values=values, lines=(REASON_LINE,) if reason else ()))
