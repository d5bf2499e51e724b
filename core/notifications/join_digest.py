"""The hourly digest of requests to join, for organisers who chose it (topic ``join_requests``).

A request that was not told at once keeps ``request_notified_at`` empty
(core.notifications.participation_news.join_requested). The periodic job
``core.join_request_digest`` gathers those still waiting for an answer, with the
requests plugins keep (``convene_join_requests_waiting``: people who joined by email),
one mail per organiser identity listing them, and marks them told. A request answered
before the digest went is left out: there is nothing left to decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import select, update

from core.context import Ctx
from core.db.base import utcnow
from core.events.models import Event, Participation
from core.i18n import N_
from core.identities.models import Identity
from core.notifications.news import News, has_channel, notify_identity
from core.notifications.participation_news import MANAGEMENT_ANCHOR, event_link
from core.notifications.preferences import preference
from core.notifications.topics import JOIN_REQUESTS

MY_EVENTS_PATH = "/my/events"


@dataclass(frozen=True)
class WaitingRequest:
    """A request to join ``event`` that a plugin keeps (someone without an identity here), for the digest;
    ``name`` is how the organiser knows them (never their address)."""

    event: Event
    name: str


async def send_digests(ctx: Ctx) -> None:
    """The periodic job: one mail per organiser identity with requests waiting since its last digest."""
    if not has_channel(ctx):
        return
    organiser = Identity.__table__.alias("organiser")
    waiting = await ctx.session.scalars(
        select(Participation).join(Event, Event.id == Participation.event_id)
        .join(organiser, organiser.c.id == Event.organizer_id)
        .where(Participation.role == "not_approved", Participation.request_notified_at.is_(None),
               organiser.c.account_id.is_not(None))
        .order_by(Event.organizer_id, Participation.created_at, Participation.id)
    )
    members = waiting.all()
    await ctx.session.execute(update(Participation).where(Participation.id.in_([p.id for p in members]))
                              .values(request_notified_at=utcnow()).execution_options(synchronize_session=False))
    requests = [WaitingRequest(p.event, f"{p.identity.name} (@{p.identity.handle})") for p in members]
    for kept in await ctx.call("convene_join_requests_waiting"):
        requests.extend(request for request in kept if request.event.organizer.account_id is not None)
    requests.sort(key=lambda request: request.event.organizer_id)
    for _organiser_id, group in groupby(requests, key=lambda request: request.event.organizer_id):
        listed = list(group)
        identity = listed[0].event.organizer
        if await preference(ctx, identity.id, JOIN_REQUESTS) != "off":
            await notify_identity(ctx, identity, digest_news(ctx, listed))


def digest_news(ctx: Ctx, requests: list[WaitingRequest]) -> News:
    """The requests as a list (names, titles and links need no translation), and where to answer them."""
    events = {request.event.id: request.event for request in requests}
    link = (event_link(ctx, next(iter(events.values())), MANAGEMENT_ANCHOR) if len(events) == 1
            else ctx.settings.url(MY_EVENTS_PATH))
    listed = "\n".join(f"- {request.name} · {request.event.title} · {event_link(ctx, request.event, MANAGEMENT_ANCHOR)}"
                       for request in requests)
    return News(
        kind="join_request_digest", topic=JOIN_REQUESTS.name,
        subject=N_("Requests to join your events are waiting"),
        text=N_("These people asked to join your events as %(organiser)s (%(organiser_handle)s) "
                "and wait for your answer:"),
        link=link, body=listed,
        values={"organiser": requests[0].event.organizer.name,
                "organiser_handle": f"@{requests[0].event.organizer.handle}"},
    )
