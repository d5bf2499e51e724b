"""A reminder before an event, as long before as each participant chose (topic ``reminders``).

The periodic job ``core.event_reminders`` (every 5 minutes) reads, in one query, the
participations not yet reminded whose event begins within the longest lead time anyone
can choose, with each identity's choice beside them; then it keeps those whose own lead
time has come. ``reminded_at`` makes each reminder go once; moving an event's start
clears it (core.notifications.event_changes), so the reminder goes again for the new time.
Only members are reminded: a remote participant's server keeps its own calendar.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import and_, select, update

from core.accounts.models import Account
from core.context import Ctx
from core.db.base import utcnow
from core.events.models import COUNTED_ROLES, Event, Participation
from core.i18n import N_
from core.identities.models import Identity
from core.notifications import Recipient, notify_many
from core.notifications.event_changes import event_place
from core.notifications.models import NotificationPreference
from core.notifications.news import News, has_channel, notification_for
from core.notifications.participation_news import event_link
from core.notifications.topics import REMINDERS

LONGEST_LEAD = timedelta(minutes=max(int(value) for value, _ in REMINDERS.choices if value.isdigit()))
BATCH = 500


async def send_reminders(ctx: Ctx) -> None:
    """The periodic job: remind every participant whose lead time before their event has come."""
    if not has_channel(ctx):
        return
    now = utcnow()
    rows = await ctx.session.execute(
        select(Participation.id, Participation.identity_id, Account.id, Account.email, Account.locale,
               NotificationPreference.value, Event)
        .join(Event, Event.id == Participation.event_id)
        .join(Identity, Identity.id == Participation.identity_id)
        .join(Account, Account.id == Identity.account_id)
        .outerjoin(NotificationPreference, and_(NotificationPreference.identity_id == Participation.identity_id,
                                                NotificationPreference.topic == REMINDERS.name))
        .where(Participation.role.in_(COUNTED_ROLES), Participation.reminded_at.is_(None),
               Event.draft.is_(False), Event.held_at.is_(None), Event.status != "cancelled",
               Event.begins_at > now, Event.begins_at <= now + LONGEST_LEAD)
        .order_by(Event.begins_at, Participation.id)
    )
    written: dict[tuple[int, str], tuple[News, tuple[str, str]]] = {}
    payloads: list[dict[str, Any]] = []
    reminded: list[int] = []
    for participation_id, identity_id, account_id, email, locale, choice, event in rows.all():
        value = REMINDERS.chosen(choice)
        if value == "off" or event.begins_at > now + timedelta(minutes=int(value)):
            continue
        if (event.id, locale) not in written:
            news = reminder_news(ctx, event)
            written[(event.id, locale)] = (news, news.written(locale))
        news, text = written[(event.id, locale)]
        recipient = Recipient(email=email, locale=locale, account_id=account_id, identity_id=identity_id)
        payloads.append(notification_for(ctx, news, recipient, text))
        reminded.append(participation_id)
    for start in range(0, len(reminded), BATCH):
        await notify_many(ctx.session, payloads[start:start + BATCH])
        await ctx.session.execute(update(Participation).where(Participation.id.in_(reminded[start:start + BATCH]))
                                  .values(reminded_at=now).execution_options(synchronize_session=False))


def reminder_news(ctx: Ctx, event: Event) -> News:
    """What, when, where (the place, the online link or both) and the event's link."""
    lines = []
    place = event_place(event)
    if place:
        lines.append(N_("Place: %(place)s"))
    if event.online_url:
        lines.append(N_("Online: %(online_url)s"))
    return News(
        kind="event_reminder", topic=REMINDERS.name,
        subject=N_("Reminder: “%(title)s”, %(begins)s"),
        text=N_("“%(title)s” begins on %(begins)s."),
        lines=tuple(lines), link=event_link(ctx, event), timezone=event.timezone,
        values={"title": event.title, "place": place, "online_url": event.online_url},
        dates={"begins": event.begins_at.isoformat()},
    )
