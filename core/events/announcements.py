"""Organisers' announcements: a message to an event's people, mailed to them and shown to them.

An announcement goes to an audience (everyone who asked to join, those approved, or those
still waiting) through the notification fan-out, under the ``announcements`` topic each
participant can turn off; whoever turned it off still reads it on the event page. Only the
organiser writes one (or someone a plugin grants ``event.announce``), and only here, on the
event's own server: a remote event's people are told by their own servers.

A mail cannot be taken back, so a plugin's ``hold`` of the text (``convene_check_content``
with kind ``announcement``) refuses it like a ``deny``: there is no review queue to wait in.
Announcements are personal (each reader sees only those of their audience), so they are
never on the cached anonymous page (core.web.page_cache stores no signed-in read).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.context import Ctx
from core.db.base import utcnow
from core.errors import Conflict, Forbidden, InvalidInput, TooManyRequests
from core.events.models import Announcement, Event, Participation
from core.i18n import N_, Message
from core.identities.models import Identity
from core.notifications.news import AUDIENCE_ROLES, News, notify_event_people
from core.permissions import require_can_act, require_owner_or_moderator
from core.sanitize import plain_text, written_text

AUDIENCES = tuple(AUDIENCE_ROLES)  # going, pending, all
TEXT_MAX = 5000
# enough for a change of plan and its corrections; not a mailing list
PER_EVENT_PER_HOUR = 5
HOUR = timedelta(hours=1)
SUBJECT = N_("Announcement: %(title)s")
INTRODUCTION = N_("%(organiser)s wrote to the people of the event %(title)s:")


def _clean(audience: str, text: str) -> str:
    if audience not in AUDIENCES:
        raise InvalidInput.field("audience", Message("must be one of: %(choices)s", choices=", ".join(AUDIENCES)))
    return written_text(text, TEXT_MAX, plain_text)


def _author(ctx: Ctx, event: Event) -> Identity:
    """The organiser when the viewer is the organiser; otherwise the identity a moderator acts as."""
    if ctx.viewer.holds(event.organizer_id):
        return event.organizer
    if ctx.viewer.identity is None:
        raise Forbidden("only the organiser may do this")
    return ctx.viewer.identity


async def announce(ctx: Ctx, event: Event, audience: str, text: str) -> Announcement:
    """Store the announcement and write it to its audience (but its organiser), all in the caller's transaction."""
    if not event.organizer.is_local:
        raise Conflict("this event belongs to another server: its organiser writes to its people from there")
    await require_owner_or_moderator(ctx, "event.announce", event, event.organizer_id,
                                     N_("only the organiser may do this"))
    clean = _clean(audience, text)
    author = _author(ctx, event)
    await require_can_act(ctx, author, "event.announce")
    verdict = await ctx.decide("convene_check_content", author=author, kind="announcement", text=clean)
    if verdict.denied or verdict.held:
        raise Forbidden(verdict.reason)
    await _limit(ctx, event)
    announcement = Announcement(event_id=event.id, author_id=author.id, audience=audience, text=clean)
    ctx.session.add(announcement)
    await ctx.session.flush()
    await notify_event_people(ctx, event, audience, News(
        kind="announcement", topic="announcements", subject=SUBJECT, text=INTRODUCTION, body=clean,
        link=ctx.settings.url(f"/events/{event.uuid}"),
        values={"title": event.title, "organiser": event.organizer.name},
    ), leave_out=event.organizer)
    return announcement


async def _limit(ctx: Ctx, event: Event) -> None:
    """At most ``PER_EVENT_PER_HOUR`` announcements an event in any hour, counted from those stored: only a
    stored one sends mail, and the count shares the request's transaction (a counter of its own would wait
    on the request's writes, e.g. a moderation log, where the database allows one writer at a time)."""
    since = utcnow() - HOUR
    recent = list(await ctx.session.scalars(
        select(Announcement.created_at).where(Announcement.event_id == event.id, Announcement.created_at > since)
        .order_by(Announcement.created_at)))
    if len(recent) >= PER_EVENT_PER_HOUR:
        wait = recent[-PER_EVENT_PER_HOUR] + HOUR - utcnow()
        raise TooManyRequests(N_("too many announcements for this event; try again in an hour"),
                              retry_after=max(1, int(wait.total_seconds()) + 1))


async def visible_announcements(ctx: Ctx, event: Event) -> list[Announcement]:
    """The announcements ``ctx.viewer`` may read, newest first: all of them for the organiser, those of
    an audience one of the viewer's identities belongs to now for a participant, none for anyone else."""
    if not ctx.viewer.identity_ids:
        return []
    query = select(Announcement).where(Announcement.event_id == event.id)
    if not ctx.viewer.holds(event.organizer_id):
        roles = set(await ctx.session.scalars(select(Participation.role).where(
            Participation.event_id == event.id, Participation.identity_id.in_(ctx.viewer.identity_ids))))
        audiences = [name for name, audience_roles in AUDIENCE_ROLES.items() if roles & set(audience_roles)]
        if not audiences:
            return []
        query = query.where(Announcement.audience.in_(audiences))
    return list(await ctx.session.scalars(query.order_by(Announcement.created_at.desc(), Announcement.id.desc())))
