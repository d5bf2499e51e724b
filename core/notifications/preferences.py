"""Each identity's choices of news, and the signed links that turn one off in a click.

Preferences belong to the identity the news concerns, not to the account: the owner of
"sports" and "activism" may want every join request for one and a digest for the other,
and a link in a mail about one identity's event changes only that identity's choice, so
nothing in it names the account or its other identities.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from sqlalchemy import select

from core.context import Ctx
from core.db.insert_new import insert_new
from core.errors import InvalidInput
from core.i18n import Message
from core.identities.models import Identity
from core.notifications.models import NotificationPreference
from core.notifications.topics import CORE_TOPICS, Topic
from core.plugins import call_sync
from core.settings import Settings

UNSUBSCRIBE_PATH = "/notifications/unsubscribe/"


def topics(ctx: Ctx) -> dict[str, Topic]:
    """Core's topics and the plugins', by name, in the order they are shown."""
    found = {topic.name: topic for topic in CORE_TOPICS}
    for plugin_topics in call_sync(ctx.pm, "convene_notification_topics"):
        found.update({topic.name: topic for topic in plugin_topics})
    return found


async def preference(ctx: Ctx, identity_id: int, topic: Topic) -> str:
    value = await ctx.session.scalar(select(NotificationPreference.value).where(
        NotificationPreference.identity_id == identity_id, NotificationPreference.topic == topic.name))
    return topic.chosen(value)


async def preferences(ctx: Ctx, identity: Identity) -> dict[str, str]:
    """Every topic's value for ``identity`` (defaults filled in)."""
    known = topics(ctx)
    rows = await ctx.session.execute(select(NotificationPreference.topic, NotificationPreference.value)
                                     .where(NotificationPreference.identity_id == identity.id))
    stored = dict(rows.all())  # a Result has keys(): dict() would read it as a mapping
    return {name: topic.chosen(stored.get(name)) for name, topic in known.items()}


async def set_preferences(ctx: Ctx, identity: Identity, values: dict[str, str]) -> None:
    """Store ``values`` (topic → choice), all checked before any is written."""
    known = topics(ctx)
    for name, value in values.items():
        if name not in known:
            raise InvalidInput.field("topics", Message("unknown topic: %(topic)s", topic=name[:60]))
        if not known[name].accepts(value):
            raise InvalidInput.field(f"topics.{name}", Message(
                "must be one of: %(choices)s", choices=", ".join(choice for choice, _ in known[name].choices)))
    for name, value in values.items():
        await _store(ctx, identity.id, name, value)


async def _store(ctx: Ctx, identity_id: int, topic: str, value: str) -> None:
    await insert_new(ctx.session, NotificationPreference.identity_id,
                     {"identity_id": identity_id, "topic": topic, "value": value})
    row = await ctx.session.get_one(NotificationPreference, (identity_id, topic), populate_existing=True)
    row.value = value
    await ctx.session.flush()


def unsubscribe_url(settings: Settings, identity_id: int, topic: str) -> str:
    """A link that turns ``topic`` off for this identity: it needs no login (it is opened from
    a mail) and cannot be made for another identity or topic without the instance's secret."""
    body = f"{identity_id}.{topic}"
    token = base64.urlsafe_b64encode(f"{body}.{_signature(settings, body)}".encode()).decode().rstrip("=")
    return settings.url(UNSUBSCRIBE_PATH + token)


def read_unsubscribe_token(settings: Settings, token: str) -> tuple[int, str] | None:
    """The identity and topic a link of ``unsubscribe_url`` names, or None when it is not ours."""
    try:
        decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        identity_id, topic, signature = decoded.split(".", 2)
        body = f"{identity_id}.{topic}"
        if not hmac.compare_digest(signature, _signature(settings, body)):
            return None
        return int(identity_id), topic
    except (ValueError, UnicodeDecodeError):
        return None


async def unsubscribe(ctx: Ctx, identity_id: int, topic_name: str) -> Topic | None:
    """Turn a topic off from a link; None when the identity or the topic no longer exists."""
    topic = topics(ctx).get(topic_name)
    if topic is None or await ctx.session.get(Identity, identity_id) is None:
        return None
    await _store(ctx, identity_id, topic.name, "off")
    return topic


def _signature(settings: Settings, body: str) -> str:
    key = hashlib.sha256(("unsubscribe:" + settings.secret_key).encode()).digest()
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:32]

