"""Remote actors: found by handle or URL, fetched with a signed GET, kept as identities.

A remote actor becomes an ``Identity`` (its ``preferredUsername``, its ``host[:port]``
as domain, display name, bio) with an ``ApActor`` row holding its endpoints and key.
Fetches are signed by the instance actor (``/relay``): some servers refuse unsigned
GETs. What a fetch learns is committed in a transaction of its own: it is a cache of
what the actor's server publishes, true whatever becomes of the request that needed
it, and no write lock is held while waiting on the network.

A key is fetched again when a signature fails with the one we hold (the actor may
have rotated it), but at most once per actor every ``KEY_REFETCH_INTERVAL``, so
forged signatures cannot make us hammer a server.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import httpx
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from core.context import Ctx
from core.db.base import rowcount, utcnow
from core.guarded_http import FetchError, TransportFailure, host_of, normalize_host, normalize_url
from core.identities.models import Identity
from core.json_limits import PayloadRejected, parse_json
from plugins.federation_activitypub.actors import actor_row
from plugins.federation_activitypub.discovery import our_hosts
from plugins.federation_activitypub.fetch import ACTIVITY_JSON
from plugins.federation_activitypub.instance import Federation, federation
from plugins.federation_activitypub.keys import (
    KeyFormatError,
    PublicKey,
    PublishedKey,
    public_key_to_pem,
    published_key,
)
from plugins.federation_activitypub.models import ApActor
from plugins.federation_activitypub.parse import Refused, RemoteActor, parse_actor
from plugins.federation_activitypub.policy import permits
from plugins.federation_activitypub.signatures import SignatureError

KEY_REFETCH_INTERVAL = timedelta(minutes=10)
USERNAME_MAX = 64


def remote_actors(ctx: Ctx) -> RemoteActors:
    """The remote actors of ``ctx``'s instance; they are read and stored on connections of their own,
    apart from the caller's transaction (a fetch must not hold it open)."""
    engine = ctx.session.bind
    assert isinstance(engine, AsyncEngine)
    return RemoteActors(federation(ctx), engine)


class RemoteActors:
    """Finding and refreshing remote actors for one instance, on its database engine."""

    def __init__(self, instance: Federation, engine: AsyncEngine) -> None:
        self.instance = instance
        self.engine = engine

    async def by_id(self, ap_id: str) -> ApActor:
        """The actor with this id: known already, or fetched now. Raises ``Refused`` or ``FetchError``."""
        async with AsyncSession(self.engine, expire_on_commit=False) as session:
            row = await session.scalar(select(ApActor).where(ApActor.ap_id == ap_id))
        return row if row is not None else await self.fetch(ap_id)

    async def fetch(self, url: str) -> ApActor:
        """Fetch the actor at ``url`` and store what it publishes (its first key)."""
        return await self.from_document(await self.fetch_document(url))

    async def from_document(self, document: dict) -> ApActor:
        """Store the actor a fetched document describes, with its first key."""
        actor = parse_actor(document)
        return await self._store(actor, actor.key_id, actor.public_key_pem)

    async def by_handle_or_url(self, target: str) -> ApActor:
        """``@name@host``, ``name@host`` or an actor URL, as a stored actor."""
        target = target.strip()
        if target.startswith(("https://", "http://")):
            await self._check_host(host_of(target), target)
            return await self.by_id(target)
        return await self.fetch(await self._webfinger(target))

    async def key_owner(self, key_id: str) -> ApActor:
        """Fetch the actor that publishes ``key_id`` and store that key as its own."""
        document = await self.fetch_document(str(normalize_url(key_id)))
        published = _published(document, key_id)
        if published.owner != document.get("id"):  # a standalone key document names its owner
            if host_of(published.owner) != host_of(key_id):
                raise Refused(f"key {key_id} names an owner on another host")
            document = await self.fetch_document(published.owner)
            published = _published(document, key_id)
        return await self._store(parse_actor(document), key_id, public_key_to_pem(published.public_key))

    async def refetch_key(self, row: ApActor) -> ApActor | None:
        """The actor's key fetched again, or None when it was fetched too recently."""
        async with AsyncSession(self.engine) as session:
            claimed = await session.execute(
                update(ApActor)
                .where(ApActor.id == row.id, ApActor.fetched_at < utcnow() - KEY_REFETCH_INTERVAL)
                .values(fetched_at=utcnow())
            )
            await session.commit()
        if rowcount(claimed) != 1:
            return None
        return await self.key_owner(row.key_id)

    async def _check_host(self, host: str, what: str) -> None:
        """Refuse to look for remote actors on this instance or on a domain our policy excludes."""
        if host in our_hosts(self.instance.settings):
            raise Refused(f"{what} is on this instance, not a remote actor")
        async with AsyncSession(self.engine) as session:
            allowed = await permits(session, self.instance.config, host)
        if not allowed:
            raise Refused(f"this instance does not federate with {host}")

    async def _permitted(self, url: httpx.URL) -> None:
        """Each URL a fetch is about to request, redirect targets included, passes ``_check_host``."""
        await self._check_host(host_of(url), str(url))

    async def fetch_document(self, url: str) -> dict:
        """Any object at ``url``, fetched signed by /relay unless its host, or a redirect's, is ours or excluded."""
        signer = await self.instance.relay_signer(self.engine)
        return await self.instance.client().fetch_object(url, signer=signer, destination=self._permitted)

    async def _webfinger(self, handle: str) -> str:
        """The actor URL that a WebFinger lookup gives for ``name@host``."""
        name, _, host = handle.lstrip("@").partition("@")
        if not name or not host:
            raise Refused("a handle looks like @name@host")
        host = normalize_host(host)
        await self._check_host(host, handle)
        # plain http only where loopback peers are allowed (development and tests)
        schemes = ("https", "http") if self.instance.config.allow_private_addresses else ("https",)
        resource = quote(f"acct:{name}@{host}", safe=":@")
        for scheme in schemes:
            try:
                response = await self.instance.client().get(
                    f"{scheme}://{host}/.well-known/webfinger?resource={resource}", accept="application/jrd+json",
                    destination=self._permitted,
                )
                break
            except TransportFailure:
                if scheme == schemes[-1]:
                    raise
        if response.status != 200:
            raise Refused(f"WebFinger on {host} answered {response.status} for {handle}")
        return _self_link(response.body, handle)

    async def _store(self, actor: RemoteActor, key_id: str, public_key_pem: str) -> ApActor:
        try:
            return await self._upsert(actor, key_id, public_key_pem)
        except IntegrityError:  # stored by a concurrent request at the same moment: update that row
            return await self._upsert(actor, key_id, public_key_pem)

    async def _upsert(self, actor: RemoteActor, key_id: str, public_key_pem: str) -> ApActor:
        if len(actor.username) > USERNAME_MAX:
            raise Refused(f"preferredUsername is longer than {USERNAME_MAX} characters")
        async with AsyncSession(self.engine, expire_on_commit=False) as session:
            row = await session.scalar(select(ApActor).where(ApActor.ap_id == actor.ap_id))
            if row is None:
                row = await _actor_row_for_name(session, actor, host_of(actor.ap_id))
            identity = await session.get_one(Identity, row.identity_id)
            identity.display_name, identity.bio = actor.display_name, actor.summary
            row.inbox, row.shared_inbox, row.followers_url = actor.inbox, actor.shared_inbox, actor.followers
            row.key_id, row.public_key_pem = key_id, public_key_pem
            row.url, row.icon_url, row.fetched_at = actor.url, actor.icon_url, utcnow()
            await session.commit()
            return row


class KeyResolver:
    """The key lookup of one inbound request (a ``signatures.KeyLookup``).

    Remembers the actor that owns the key it returned: the inbox then checks that this
    owner is the activity's actor.
    """

    def __init__(self, actors: RemoteActors) -> None:
        self.actors = actors
        self.owner: str | None = None

    async def __call__(self, key_id: str, refresh: bool) -> PublicKey | str | None:
        try:
            row = await self._row(key_id, refresh)
        except FetchError as exc:
            raise SignatureError(f"cannot get key {key_id}: {exc.disclosed()}") from exc
        except Refused as exc:
            raise SignatureError(f"cannot get key {key_id}: {exc.reason}") from exc
        self.owner = row.ap_id
        return row.public_key_pem

    async def _row(self, key_id: str, refresh: bool) -> ApActor:
        async with AsyncSession(self.actors.engine, expire_on_commit=False) as session:
            row = await session.scalar(
                select(ApActor).where(ApActor.key_id == key_id, ApActor.private_key_pem.is_(None))
            )
        if row is None:
            return await self.actors.key_owner(key_id)
        if not refresh:
            return row
        refreshed = await self.actors.refetch_key(row)
        if refreshed is None:
            raise SignatureError(
                f"signature does not verify with key {key_id}, fetched less than {KEY_REFETCH_INTERVAL} ago"
            )
        return refreshed


def _published(document: dict, key_id: str) -> PublishedKey:
    try:
        return published_key(document, key_id)
    except KeyFormatError as exc:
        raise Refused(str(exc)) from exc


async def _actor_row_for_name(session: AsyncSession, actor: RemoteActor, domain: str) -> ApActor:
    """The row of ``username@domain``: new, or the one a concurrent request stored a moment ago."""
    identity = await session.scalar(
        select(Identity).where(Identity.username == actor.username, Identity.domain == domain)
    )
    if identity is None:
        identity = Identity(username=actor.username, domain=domain, account_id=None)
        session.add(identity)
        await session.flush()
    row = await actor_row(session, identity.id)
    if row is not None and row.ap_id != actor.ap_id:
        raise Refused(f"{domain} already has another actor named {actor.username}")
    if row is None:
        row = ApActor(identity_id=identity.id, ap_id=actor.ap_id, private_key_pem=None)
        session.add(row)
    return row


def _self_link(body: bytes, handle: str) -> str:
    """The ActivityPub actor link of a WebFinger (JRD) document."""
    try:
        document = parse_json(body, max_bytes=100_000)
    except PayloadRejected as exc:
        raise Refused(f"WebFinger answer for {handle}: {exc.reason}") from exc
    links = document.get("links") if isinstance(document, dict) else None
    for link in links if isinstance(links, list) else []:
        if (
            isinstance(link, dict)
            and link.get("rel") == "self"
            and isinstance(link.get("href"), str)
            and (link.get("type") == ACTIVITY_JSON or link.get("type", "").startswith("application/ld+json"))
        ):
            return link["href"]
    raise Refused(f"WebFinger knows no ActivityPub actor for {handle}")
