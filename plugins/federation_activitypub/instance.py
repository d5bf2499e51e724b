"""What federation code keeps per instance inside a process, in a request or in the worker.

One ``ActivityPubClient`` per event loop (httpx connections belong to the loop that opened
them), the instance actor's signer (its key never changes once made) and the plugin's
config. It lives in the instance's runtime (``federation(ctx)``), never in a module
global, so two instances in one process (as the tests run them) share nothing.
"""

from __future__ import annotations

import asyncio
import weakref

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from core import __version__
from core.context import Ctx
from core.guarded_http import FetchPolicy
from core.runtime import Runtime
from core.settings import Settings
from plugins.federation_activitypub.actors import local_actor, relay_identity
from plugins.federation_activitypub.config import FederationConfig
from plugins.federation_activitypub.fetch import ActivityPubClient
from plugins.federation_activitypub.keys import load_private_key
from plugins.federation_activitypub.models import ApActor
from plugins.federation_activitypub.signatures import Signer

PLUGIN_NAME = "federation_activitypub"


class Federation:
    def __init__(self, runtime: Runtime) -> None:
        self.settings: Settings = runtime.settings
        self.config: FederationConfig = runtime.config(PLUGIN_NAME)
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, ActivityPubClient] = weakref.WeakKeyDictionary()
        self._relay_signer: Signer | None = None

    def client(self) -> ActivityPubClient:
        """The one guarded HTTP client of this instance on the running event loop."""
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            policy = FetchPolicy(
                allow_private=self.config.allow_private_addresses,
                user_agent=f"Convene/{__version__} (+{self.settings.public_url}/)",
            )
            client = self._clients[loop] = ActivityPubClient(policy)
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


def federation(ctx: Ctx) -> Federation:
    """The federation plugin's objects for the instance ``ctx`` belongs to."""
    return ctx.runtime.state(PLUGIN_NAME, Federation)
