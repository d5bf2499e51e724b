"""The "download my data" document: everything held about one account, as JSON-ready data.

The core's part is below; each plugin adds what it keeps under its own name
(``convene_account_export``), so nothing an enabled plugin holds is left out.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.accounts.models import Account
from core.comments.models import Comment
from core.context import Ctx
from core.events.models import Event, Participation
from core.identities.models import Identity
from core.notifications.models import NotificationPreference


def _iso(value) -> str | None:  # noqa: ANN001
    return value.isoformat() if value else None


async def account_export(ctx: Ctx, account: Account) -> dict[str, Any]:
    identities = list(await ctx.session.scalars(select(Identity).where(Identity.account_id == account.id)))
    ids = [i.id for i in identities]
    events = list(await ctx.session.scalars(select(Event).where(Event.organizer_id.in_(ids))))
    participations = list(await ctx.session.scalars(select(Participation).where(Participation.identity_id.in_(ids))))
    comments = list(await ctx.session.execute(
        select(Comment.text, Comment.created_at, Comment.deleted_at, Identity.username, Event.uuid)
        .join(Event, Comment.event_id == Event.id).join(Identity, Comment.author_id == Identity.id)
        .where(Comment.author_id.in_(ids))))
    preferences = list(await ctx.session.scalars(
        select(NotificationPreference).where(NotificationPreference.identity_id.in_(ids))
        .order_by(NotificationPreference.identity_id, NotificationPreference.topic)))
    usernames = {i.id: i.username for i in identities}
    data = {
        "account": {"email": account.email, "role": account.role, "locale": account.locale,
                    "timezone": account.timezone, "created_at": _iso(account.created_at),
                    "confirmed_at": _iso(account.confirmed_at)},
        "identities": [{"username": i.username, "display_name": i.display_name, "bio": i.bio,
                        "avatar": ctx.settings.url(f"/media/{i.avatar}") if i.avatar else None,
                        "default": i.is_default, "created_at": _iso(i.created_at)} for i in identities],
        "events": [{"uuid": str(e.uuid), "url": ctx.settings.url(f"/events/{e.uuid}"), "organizer": usernames[e.organizer_id],
                    "title": e.title, "description": e.description, "begins_at": _iso(e.begins_at),
                    "ends_at": _iso(e.ends_at), "timezone": e.timezone, "status": e.status, "draft": e.draft,
                    "visibility": e.visibility} for e in events],
        "participations": [{"event": ctx.settings.url(f"/events/{p.event.uuid}"), "identity": usernames[p.identity_id],
                            "role": p.role, "message": p.message, "created_at": _iso(p.created_at)} for p in participations],
        "comments": [{"event": ctx.settings.url(f"/events/{event_uuid}"), "identity": username,
                      "text": text, "created_at": _iso(created_at), "deleted": deleted_at is not None}
                     for text, created_at, deleted_at, username, event_uuid in comments],
        "notification_preferences": [{"identity": usernames[p.identity_id], "topic": p.topic, "value": p.value,
                                      "changed_at": _iso(p.updated_at)} for p in preferences],
    }
    await ctx.call("convene_account_export", account=account, data=data)
    return data
