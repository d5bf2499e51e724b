"""What the Web Push plugin keeps per instance inside a process: its config, its guarded
HTTP client (one per event loop: httpx connections belong to the loop that opened them)
and the VAPID key once loaded. It lives in the instance's runtime (``pusher(ctx)``),
never in a module global, so two instances in one process share nothing.
"""

from __future__ import annotations

import asyncio
import weakref

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from core import __version__
from core.context import Ctx
from core.guarded_http import FetchPolicy, GuardedClient
from core.runtime import Runtime
from plugins.webpush.config import WebPushConfig
from plugins.webpush.models import VapidKey
from plugins.webpush.vapid import load_private_key, new_private_key_pem

PLUGIN_NAME = "webpush"
STORED_KEY_ID = 1


class Pusher:
    def __init__(self, runtime: Runtime) -> None:
        self.settings = runtime.settings
        self.config: WebPushConfig = runtime.config(PLUGIN_NAME)
        self.policy = FetchPolicy(
            allow_private=self.config.allow_private_addresses,
            total_timeout=self.config.timeout_seconds,
            user_agent=f"Convene/{__version__} (+{self.settings.public_url}/)",
            ca_file=self.config.ca_file,
        )
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, GuardedClient] = weakref.WeakKeyDictionary()
        self._key: ec.EllipticCurvePrivateKey | None = None

    @property
    def subject(self) -> str:
        """Who a push service may contact about our pushes (the token's ``sub``)."""
        if self.config.vapid_subject:
            return self.config.vapid_subject
        contact = self.settings.instance.contact_email
        return f"mailto:{contact}" if contact else self.settings.public_url

    def client(self) -> GuardedClient:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = self._clients[loop] = GuardedClient(self.policy)
        return client

    async def key(self, engine: AsyncEngine) -> ec.EllipticCurvePrivateKey:
        """The VAPID key: the configured one, else the stored one, made and committed on first need.

        Committed in a transaction of its own, so a key handed to a browser is never rolled
        back with the request that asked for it.
        """
        if self._key is None:
            if self.config.vapid_private_key:
                self._key = load_private_key(self.config.vapid_private_key)
            else:
                try:
                    pem = await _stored_key(engine)
                except IntegrityError:  # another process made it at the same moment: it exists now
                    pem = await _stored_key(engine)
                self._key = load_private_key(pem)
        return self._key


async def _stored_key(engine: AsyncEngine) -> str:
    async with AsyncSession(engine, expire_on_commit=False) as session:
        row = await session.get(VapidKey, STORED_KEY_ID)
        if row is None:
            row = VapidKey(id=STORED_KEY_ID, private_key_pem=new_private_key_pem())
            session.add(row)
            await session.commit()
        return row.private_key_pem


def pusher(ctx: Ctx) -> Pusher:
    """The Web Push plugin's objects for the instance ``ctx`` belongs to."""
    return ctx.runtime.state(PLUGIN_NAME, Pusher)


def engine_of(ctx: Ctx) -> AsyncEngine:
    """The engine behind the context's session, for work committed on its own (the stored key)."""
    bind = ctx.session.bind
    assert isinstance(bind, AsyncEngine)
    return bind
