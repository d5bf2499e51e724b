"""Joining an event without an account, with an email address (issue 10, "Anonymous participation").

Part of the email plugin because it rests on mail: a confirmation link, then the event's
news and a cancel link in every mail. Offered only where both switches are on: the
instance's ``anonymous_participation`` in ``[plugins.email]`` and the event's own
``extra.anonymous_participation`` (off by default). Modules: models (tables), tokens
(signed links), links, mails, service (the rules), field (the per-event switch), slots
(page fragments), web and api (routes). ``recipients`` answers the core's fan-out.
"""

from __future__ import annotations

from datetime import timedelta

from core.context import Ctx
from core.events.models import Event
from core.notifications import Recipient
from core.periodic import PeriodicTask
from plugins.email.anonymous import service
from plugins.email.anonymous.api import AnonymousParticipationController
from plugins.email.anonymous.links import cancel_url
from plugins.email.anonymous.web import HANDLERS

ROUTES = [AnonymousParticipationController, *HANDLERS]
PURGE = PeriodicTask("email.anonymous_purge", timedelta(hours=1), service.purge_unconfirmed)


async def recipients(ctx: Ctx, event: Event, audience: str) -> list[Recipient]:
    """The event's anonymous participants for ``audience``, each with their cancel link to stop it all."""
    return [Recipient(email=row.email, locale=row.locale, unsubscribe_url=cancel_url(ctx.settings, row))
            for row in await service.following(ctx, event, audience)]
