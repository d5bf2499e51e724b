"""What federation code keeps per instance inside a process, in a request or in the worker.

One ``GuardedClient`` per event loop (httpx connections belong to the loop that opened
them), the instance actor's signer (its key never changes once made) and the decoded
plugin config. ``instance_of(ctx.settings)`` finds it: ``convene_startup`` registers
each instance by its database URL (a database belongs to one instance, so two
instances in one test process never share one), and an application built again for
the same database replaces the old one.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass, field
from functools import cached_property

import msgspec
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from core import __version__
from core.settings import Settings
from plugins.federation_activitypub.actors import local_actor, relay_identity
from plugins.federation_activitypub.config import FederationConfig
from plugins.federation_activitypub.fetch import FetchPolicy, GuardedClient
from plugins.federation_activitypub.keys import load_private_key
from plugins.federation_activitypub.models import ApActor
from plugins.federation_activitypub.signatures import Signer

PLUGIN_NAME = "federation_activitypub"


@dataclass
class Instance:
    settings: Settings
    _clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, GuardedClient] = field(
        default_factory=weakref.WeakKeyDictionary
    )
    _relay_signer: Signer | None = None

    @cached_property
    def config(self) -> FederationConfig:
        return msgspec.convert(self.settings.plugin_config(PLUGIN_NAME), FederationConfig)

    def client(self) -> GuardedClient:
        """The one guarded HTTP client of this instance on the running event loop."""
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            policy = FetchPolicy(
                allow_private=self.settings.allow_private_addresses,
                user_agent=f"Convene/{__version__} (+{self.settings.public_url}/)",
            )
            client = self._clients[loop] = GuardedClient(policy)
        return client

    async def relay_signer(self, engine: AsyncEngine) -> Signer:
        """The instance actor's signer for fetches, its key made and committed on first need.

        Committed in a transaction of its own: a peer may fetch ``/relay`` to check the
        signature while the caller's transaction is still open.
        """
        if self._relay_signer is None:
            try:
                row = await _committed_relay_actor(engine, self.settings)
            except IntegrityError:  # another process made it at the same moment: it exists now
                row = await _committed_relay_actor(engine, self.settings)
            assert row.private_key_pem is not None
            self._relay_signer = Signer(row.key_id, load_private_key(row.private_key_pem))
        return self._relay_signer


async def _committed_relay_actor(engine: AsyncEngine, settings: Settings) -> ApActor:
    async with AsyncSession(engine, expire_on_commit=False) as session:
        row = await local_actor(session, settings, await relay_identity(session))
        await session.commit()
        return row


_instances: dict[str, Instance] = {}


def _key(database_url: str) -> str:
    return make_url(database_url).render_as_string(hide_password=False)


def register(settings: Settings) -> Instance:
    """Called at start-up: the latest application built for a database speaks for it."""
    instance = _instances[_key(settings.database_url)] = Instance(settings)
    return instance


def instance_of(settings: Settings) -> Instance:
    """The instance of a request's settings (registered again if another app took its database)."""
    instance = _instances.get(_key(settings.database_url))
    return instance if instance is not None and instance.settings is settings else register(settings)
