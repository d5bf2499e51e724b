"""Mails to anonymous participants, in the language of the page they joined from.

Each goes through the core's outbox (``core.notifications.notify``) as an address-only
notification (no account), and each carries the participant's cancel link, which is
also its one-click unsubscribe link: leaving the event is the only way to stop its mail.
"""

from __future__ import annotations

from sqlalchemy import select

from core.accounts.models import Account
from core.context import Ctx
from core.db.base import utcnow
from core.events.models import Event
from core.i18n import N_
from core.notifications import Notification, notify
from core.notifications.join_digest import WaitingRequest
from core.notifications.participation_news import MANAGEMENT_ANCHOR, event_link
from core.notifications.preferences import preference, unsubscribe_url
from core.notifications.topics import JOIN_REQUESTS, PARTICIPANT_LEFT
from core.web.templating import local_moment
from plugins.email.anonymous.links import cancel_url, confirm_url
from plugins.email.anonymous.models import AnonymousParticipation
from plugins.email.mailer import mailer

# kind: (subject, text); %(event)s is the event's title
MAILS = {
    "anonymous_confirm": (
        N_("Confirm your participation in %(event)s"),
        N_("You asked to take part in %(event)s. Open this link to confirm it (it works for 48 hours):"),
    ),
    "anonymous_confirmed": (
        N_("You take part in %(event)s"),
        N_("Your participation in %(event)s is confirmed. You will get the event's news by mail."),
    ),
    "anonymous_waiting": (
        N_("Your request to join %(event)s"),
        N_("Your request to join %(event)s is confirmed; the organiser approves each participant. "
           "You will get their answer by mail."),
    ),
    "anonymous_approved": (
        N_("You take part in %(event)s"),
        N_("The organiser approved your participation in %(event)s."),
    ),
    "anonymous_rejected": (
        N_("Your request to join %(event)s"),
        N_("The organiser declined your request to join %(event)s."),
    ),
    "anonymous_reminder": (
        N_("Reminder: %(event)s"),
        N_("%(event)s begins %(when)s."),
    ),
    "anonymous_already": (
        N_("Your participation in %(event)s"),
        N_("Someone, probably you, asked again to take part in %(event)s with this address. "
           "You already do: nothing changed."),
    ),
}
CANCEL_TEXT = N_("To cancel your participation, open this link:")


# to the organiser, under the core's topics (so their preference applies): kind: (topic, subject, text)
ORGANISER_MAILS = {
    "anonymous_join_request": (
        JOIN_REQUESTS.name, N_("A request to join %(event)s"),
        N_("%(name)s, without an account, asks to join %(event)s. Approve or decline on the event's page:"),
    ),
    "anonymous_left": (
        PARTICIPANT_LEFT.name, N_("Someone left %(event)s"),
        N_("%(name)s, who joined by email, no longer takes part in %(event)s."),
    ),
}
SOMEONE = N_("Someone")


async def tell_organiser(ctx: Ctx, event: Event, row: AnonymousParticipation, kind: str) -> None:
    """News for the organiser's account about their identity's event: the person's name and message,
    never their address. A request to join waits for the core's hourly digest when the organiser
    chose it (``join_requests_waiting``); everything else goes at once."""
    account_id = event.organizer.account_id
    if account_id is None:
        return
    if kind == "anonymous_join_request":
        if await preference(ctx, event.organizer.id, JOIN_REQUESTS) == "digest":
            return
        row.request_notified_at = utcnow()
    account = await ctx.session.get_one(Account, account_id)
    topic, subject, text = ORGANISER_MAILS[kind]
    gettext = mailer(ctx.runtime).catalogue(account.locale).gettext
    values = {"event": event.title, "name": row.name or gettext(SOMEONE)}
    link = event_link(ctx, event, MANAGEMENT_ANCHOR)
    body = f"\n\n{row.message}" if row.message and kind == "anonymous_join_request" else ""
    await notify(ctx.session, Notification(
        kind=kind, to_email=account.email, locale=account.locale, subject=gettext(subject) % values,
        text=f"{gettext(text) % values} {link}{body}", link=link, account_id=account.id, identity_id=event.organizer.id,
        topic=topic, unsubscribe_url=unsubscribe_url(ctx.settings, event.organizer.id, topic),
    ))


async def join_requests_waiting(ctx: Ctx) -> list[WaitingRequest]:
    """Confirmed requests the organiser hears of in their digest, marked told in the digest's transaction."""
    rows = list(await ctx.session.scalars(select(AnonymousParticipation).where(
        AnonymousParticipation.role == "not_approved", AnonymousParticipation.request_notified_at.is_(None))
        .order_by(AnonymousParticipation.created_at, AnonymousParticipation.id)))
    now = utcnow()
    for row in rows:
        row.request_notified_at = now
    return [WaitingRequest(row.event, row.name or "—") for row in rows]  # "—": no name given


async def send(ctx: Ctx, row: AnonymousParticipation, kind: str) -> None:
    """Write mail ``kind`` to the participant; the confirmation mail's button is its confirm link."""
    subject, text = MAILS[kind]
    gettext = mailer(ctx.runtime).catalogue(row.locale).gettext
    event = row.event
    when = f"{local_moment(event.begins_at, event.timezone, row.locale, 'full')} ({event.timezone})"
    values = {"event": event.title, "when": when}
    cancel = cancel_url(ctx.settings, row)
    link = confirm_url(ctx.settings, row) if kind == "anonymous_confirm" else ctx.settings.url(f"/events/{row.event.uuid}")
    await notify(ctx.session, Notification(
        kind=kind, to_email=row.email, locale=row.locale, subject=gettext(subject) % values,
        text=f"{gettext(text) % values} {link}\n\n{gettext(CANCEL_TEXT)} {cancel}", link=link,
        unsubscribe_url=cancel,
    ))
