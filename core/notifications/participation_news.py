"""What core tells people about taking part: a request to join, the organiser's answer,
someone leaving, an event cancelled.

The services of core.events call these in the transaction that makes the change, so
the messages are written (into the outbox) exactly when the change commits. Each
message names the identities it is about (the participant, the organiser) by their
public name and handle, and nothing else: never the account behind them.
"""

from __future__ import annotations

from core.context import Ctx
from core.db.base import utcnow
from core.events.models import Event, Participation
from core.i18n import N_
from core.identities.models import Identity
from core.notifications.news import News, has_channel, notify_event_people, notify_identity
from core.notifications.preferences import preference
from core.notifications.topics import DECISIONS, EVENT_CHANGES, JOIN_REQUESTS, PARTICIPANT_LEFT

# where an organiser approves or declines requests: the event page's organiser section
MANAGEMENT_ANCHOR = "#organiser"


def event_link(ctx: Ctx, event: Event, anchor: str = "") -> str:
    return ctx.settings.url(f"/events/{event.uuid}{anchor}")


def person(identity: Identity, role: str) -> dict[str, str]:
    """An identity as news names it: ``{role}`` its public name, ``{role}_handle`` its @handle."""
    return {role: identity.name, f"{role}_handle": f"@{identity.handle}"}


async def join_requested(ctx: Ctx, participation: Participation) -> None:
    """Someone asks to join a restricted event: its organiser hears of it at once, in the hourly
    digest (core.notifications.join_digest), or not at all, as they chose for that identity.

    ``request_notified_at`` is set when the request needs no digest any more (told at once, or
    not wanted); a request left without it waits for the digest.
    """
    event, organiser = participation.event, participation.event.organizer
    if participation.role != "not_approved" or organiser.account_id is None or not has_channel(ctx):
        return
    choice = await preference(ctx, organiser.id, JOIN_REQUESTS)
    if choice == "digest":
        return
    participation.request_notified_at = utcnow()
    if choice == "off":
        return
    await notify_identity(ctx, organiser, News(
        kind="join_request", topic=JOIN_REQUESTS.name,
        subject=N_("%(participant)s asks to join “%(title)s”"),
        text=N_("%(participant)s (%(participant_handle)s) asks to join your event “%(title)s”. "
                "Approve or decline the request on the event’s page:"),
        link=event_link(ctx, event, MANAGEMENT_ANCHOR), body=participation.message,
        values={"title": event.title, **person(participation.identity, "participant")},
    ))


async def decided(ctx: Ctx, participation: Participation, approved: bool) -> None:
    """The organiser approved or declined (or removed) a participant, who hears of it (a local one)."""
    event = participation.event
    if approved:
        subject = N_("You take part in “%(title)s”")
        text = N_("%(organiser)s (%(organiser_handle)s) approved your participation as %(participant)s "
                  "in “%(title)s”.")
    else:
        subject = N_("Your participation in “%(title)s” was declined")
        text = N_("%(organiser)s (%(organiser_handle)s) declined your participation as %(participant)s "
                  "in “%(title)s”.")
    await notify_identity(ctx, participation.identity, News(
        kind="participation_approved" if approved else "participation_rejected", topic=DECISIONS.name,
        subject=subject, text=text, link=event_link(ctx, event),
        values={"title": event.title, **person(event.organizer, "organiser"),
                "participant": participation.identity.name},
    ))


async def left(ctx: Ctx, participation: Participation) -> None:
    """A participant left (or withdrew their request): the organiser hears of it."""
    event = participation.event
    if participation.role == "not_approved":
        subject = N_("%(participant)s withdrew their request to join “%(title)s”")
        text = N_("%(participant)s (%(participant_handle)s) withdrew their request to join your event “%(title)s”.")
    else:
        subject = N_("%(participant)s left “%(title)s”")
        text = N_("%(participant)s (%(participant_handle)s) no longer takes part in your event “%(title)s”.")
    await notify_identity(ctx, event.organizer, News(
        kind="participant_left", topic=PARTICIPANT_LEFT.name, subject=subject, text=text,
        link=event_link(ctx, event, MANAGEMENT_ANCHOR),
        values={"title": event.title, **person(participation.identity, "participant")},
    ))


async def cancelled(ctx: Ctx, event: Event) -> None:
    """The organiser cancelled the event: everyone going or waiting for approval hears of it, with
    the organiser's message."""
    await notify_event_people(ctx, event, "all", News(
        kind="event_cancelled", topic=EVENT_CHANGES.name,
        subject=N_("Cancelled: “%(title)s”"),
        text=N_("%(organiser)s (%(organiser_handle)s) cancelled “%(title)s”, planned for %(begins)s."),
        link=event_link(ctx, event), body=event.cancellation_message, timezone=event.timezone,
        values={"title": event.title, **person(event.organizer, "organiser")},
        dates={"begins": event.begins_at.isoformat()},
    ))
