"""News for members: one message, written in each recipient's language, under a topic.

A service describes what happened once, as a ``News``: msgids with their values, dates
to write in the reader's language and the event's timezone, and the topic it falls
under. ``notify_identity`` writes it to one identity's owner at once (in the request's
transaction); ``notify_event_people`` writes it to everyone of an event through one
outbox job that fans it out in the worker (Takahē's fan-out), so cancelling an event of
5,000 participants costs the organiser's request one row, not 5,000 messages.

Every message is addressed to an account's address but names only the identity that the
news concerns (the participant, the organiser); its preference link turns the topic off
for that identity alone. Nothing written here tells a reader which identities share an
account.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec
from sqlalchemy import select

from core import outbox
from core.accounts.models import Account
from core.context import Ctx
from core.events.models import COUNTED_ROLES, Event, Participation
from core.i18n import translations
from core.identities.models import Identity
from core.notifications import Notification, Recipient, notify_many
from core.notifications.preferences import unsubscribe_url
from core.plugins import call_sync
from core.web.templating import local_moment

FANOUT_KIND = "notify_event_people"
FANOUT_BATCH = 1000
AUDIENCE_ROLES = {"going": COUNTED_ROLES, "pending": ("not_approved",), "all": (*COUNTED_ROLES, "not_approved")}


class News(msgspec.Struct, frozen=True):
    """What happened, to be written for each reader.

    ``subject`` and ``text`` are msgids with ``%(name)s`` placeholders filled from
    ``values`` and ``dates`` (ISO times, written in the reader's language and in
    ``timezone``, the event's). ``body`` is the person's own words (an announcement, a
    comment), added as they are after the text. Titles and names go in ``values``,
    never into the msgid, so the catalogue still finds it. ``lines`` are more msgids,
    written like ``text`` on lines of their own: news whose parts vary (what changed in
    an event) says each part without a msgid for every combination.
    """

    kind: str
    topic: str
    subject: str
    text: str
    link: str = ""
    values: dict[str, str] = {}
    dates: dict[str, str] = {}
    timezone: str = "UTC"
    body: str = ""
    lines: tuple[str, ...] = ()

    def written(self, locale: str, folders: tuple[Path, ...] = ()) -> tuple[str, str]:
        """The subject and text in ``locale``, from core's catalogue and those of ``folders`` (the plugins')."""
        gettext = translations(locale, folders).gettext
        values: dict[str, str] = {**self.values, **{
            name: f"{local_moment(datetime.fromisoformat(moment), self.timezone, locale, 'full')} ({self.timezone})"
            for name, moment in self.dates.items()}}
        text = "\n".join([gettext(self.text) % values, *(gettext(line) % values for line in self.lines)])
        if self.body:
            text = f"{text}\n\n{self.body}"
        return gettext(self.subject) % values, text


def has_channel(ctx: Ctx) -> bool:
    """Whether a plugin delivers notifications; without one, news is not written at all. (Core's
    wrapper that awaits every async hook's answers implements it too, and delivers nothing.)"""
    return any(not (impl.wrapper or impl.hookwrapper)
               for impl in ctx.pm.hook.convene_deliver_notification.get_hookimpls())


def catalogue_dirs(ctx: Ctx) -> tuple[Path, ...]:
    """The plugins' catalogue folders: a plugin's news is written with its own msgids."""
    return tuple(folder for folders in call_sync(ctx.pm, "convene_locale_dirs") for folder in folders)


async def notify_identity(ctx: Ctx, identity: Identity, news: News) -> None:
    """Write ``news`` to the owner of ``identity`` (nothing for a remote identity: it has no address here)."""
    if identity.account_id is None or not has_channel(ctx):
        return
    account = await ctx.session.get_one(Account, identity.account_id)
    recipient = Recipient(email=account.email, locale=account.locale, account_id=account.id, identity_id=identity.id)
    await outbox.enqueue(ctx.session, "notification",
                         notification_for(ctx, news, recipient, news.written(account.locale, catalogue_dirs(ctx))))


async def notify_event_people(ctx: Ctx, event: Event, audience: str, news: News,
                              leave_out: Identity | None = None) -> None:
    """Write ``news`` to the ``audience`` of ``event`` (going, pending or all) but ``leave_out``
    (who caused it), from the worker, in one job committed with the change."""
    if audience not in AUDIENCE_ROLES:
        raise ValueError(f"unknown audience {audience!r}")
    if not has_channel(ctx):
        return
    await outbox.enqueue(ctx.session, FANOUT_KIND, {
        "event_id": event.id, "audience": audience, "leave_out": leave_out.id if leave_out else None,
        "news": msgspec.to_builtins(news),
    })


async def fan_out(ctx: Ctx, payload: dict[str, Any]) -> None:
    """The ``notify_event_people`` job: one notification row per recipient, in batches; all of
    them commit with the job, so a job that fails and runs again writes no one twice."""
    event = await ctx.session.get(Event, payload["event_id"])
    if event is None:
        return
    news = msgspec.convert(payload["news"], News)
    written: dict[str, tuple[str, str]] = {}
    batch: list[dict[str, Any]] = []
    for recipient in await _recipients(ctx, event, payload["audience"], payload.get("leave_out")):
        if recipient.locale not in written:
            written[recipient.locale] = news.written(recipient.locale, catalogue_dirs(ctx))
        batch.append(notification_for(ctx, news, recipient, written[recipient.locale]))
        if len(batch) == FANOUT_BATCH:
            await notify_many(ctx.session, batch)
            batch = []
    if batch:
        await notify_many(ctx.session, batch)


def notification_for(ctx: Ctx, news: News, recipient: Recipient, written: tuple[str, str]) -> dict[str, Any]:
    """The outbox payload of ``news`` (``written``: its subject and text in the recipient's language) to
    ``recipient``: a member's falls under the news' topic, with a link that turns it off for that identity."""
    subject, text = written
    return msgspec.to_builtins(Notification(
        kind=news.kind, to_email=recipient.email, subject=subject, text=text, link=news.link,
        locale=recipient.locale, account_id=recipient.account_id, identity_id=recipient.identity_id,
        topic=news.topic if recipient.identity_id else "",
        unsubscribe_url=unsubscribe_url(ctx.settings, recipient.identity_id, news.topic) if recipient.identity_id
        else recipient.unsubscribe_url,
    ))


async def _recipients(ctx: Ctx, event: Event, audience: str, leave_out: int | None) -> list[Recipient]:
    """The members among the audience (local identities), then the people plugins keep (anonymous participants)."""
    rows = await ctx.session.execute(
        select(Participation.identity_id, Account.id, Account.email, Account.locale)
        .join(Identity, Identity.id == Participation.identity_id)
        .join(Account, Account.id == Identity.account_id)
        .where(Participation.event_id == event.id, Participation.role.in_(AUDIENCE_ROLES[audience]),
               Participation.identity_id != (leave_out or 0))
        .order_by(Participation.id)
    )
    found = [Recipient(email=email, locale=locale, account_id=account_id, identity_id=identity_id)
             for identity_id, account_id, email, locale in rows]
    for plugin_recipients in await ctx.call("convene_notification_recipients", event=event, audience=audience):
        found.extend(plugin_recipients or [])
    return found
