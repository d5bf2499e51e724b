"""Local actors: their ActivityPub ids, their keys, and the instance's own Application actor.

Every id is built from the configured public URL (never from a request's Host), in
Mobilizon's URL shapes so habits and links carry over: ``/@name`` is the actor.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.identities.models import Identity
from core.settings import Settings
from plugins.federation_activitypub.keys import generate_private_key, private_key_to_pem, public_key_to_pem
from plugins.federation_activitypub.models import ApActor

# the instance actor; "relay" is a reserved username in core, so no person can take it
RELAY_USERNAME = "relay"


def actor_id(settings: Settings, username: str) -> str:
    return settings.public_url + ("/relay" if username == RELAY_USERNAME else f"/@{username}")


def local_actor_urls(settings: Settings, username: str) -> dict[str, str]:
    base = actor_id(settings, username)
    return {
        "id": base, "inbox": f"{base}/inbox", "outbox": f"{base}/outbox", "followers": f"{base}/followers",
        "following": f"{base}/following", "key_id": f"{base}#main-key", "shared_inbox": settings.url("/inbox"),
    }


async def actor_row(session: AsyncSession, identity_id: int) -> ApActor | None:
    """The ActivityPub row of an identity, local or remote, if it has one."""
    return await session.scalar(select(ApActor).where(ApActor.identity_id == identity_id))


async def local_actor(session: AsyncSession, settings: Settings, identity: Identity) -> ApActor:
    """The ActivityPub row of a local identity, with an RSA-2048 key made on first need."""
    row = await actor_row(session, identity.id)
    if row is not None:
        return row
    urls = local_actor_urls(settings, identity.username)
    key = generate_private_key()
    row = ApActor(identity_id=identity.id, ap_id=urls["id"], inbox=urls["inbox"], shared_inbox=urls["shared_inbox"],
                  followers_url=urls["followers"], key_id=urls["key_id"], url=urls["id"],
                  public_key_pem=public_key_to_pem(key.public_key()), private_key_pem=private_key_to_pem(key))
    session.add(row)
    await session.flush()
    return row


async def relay_identity(session: AsyncSession) -> Identity:
    """The instance's Application actor, as an identity with no account (made on first need)."""
    identity = await session.scalar(select(Identity).where(Identity.username == RELAY_USERNAME, Identity.domain == ""))
    if identity is None:
        identity = Identity(username=RELAY_USERNAME, domain="", display_name="", account_id=None)
        session.add(identity)
        await session.flush()
    return identity
