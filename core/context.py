"""What every service call and every request-time or job-time hook receives.

``ctx.session`` is the transaction; ``ctx.runtime`` the instance (settings, plugins,
each plugin's config and per-instance state); ``ctx.viewer`` who is looking or acting
(core.viewer); ``ctx.request`` the web request, if any. Hooks are called from here,
always through pluggy (core.plugins).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from core.decisions import Verdict
from core.errors import Forbidden
from core.plugins import call_async
from core.runtime import Runtime
from core.settings import Settings
from core.viewer import ANONYMOUS, Viewer

if TYPE_CHECKING:
    import pluggy

    from core.events.models import Event

# session.info key: uuids of events whose public pages a transaction changed
CHANGED_EVENTS = "changed_events"


@dataclass
class Ctx:
    session: AsyncSession
    runtime: Runtime
    viewer: Viewer = ANONYMOUS
    # the web request being answered; None in background jobs and scripts
    request: Request[Any, Any, Any] | None = None

    @property
    def pm(self) -> pluggy.PluginManager:
        return self.runtime.pm

    @property
    def settings(self) -> Settings:
        return self.runtime.settings

    def config(self, plugin: str) -> Any:
        """The plugin's decoded ``[plugins.<plugin>]`` settings."""
        return self.runtime.config(plugin)

    def as_viewer(self, viewer: Viewer) -> Ctx:
        """The same transaction, seen or acted on by ``viewer`` (e.g. a remote person's activity)."""
        return dataclasses.replace(self, viewer=viewer)

    async def call(self, hook: str, **kwargs: Any) -> list[Any]:
        """Call an async hook with this ctx; the answers that are not None, in order."""
        return await call_async(self.runtime.pm, hook, ctx=self, **kwargs)

    async def emit(self, hook: str, **kwargs: Any) -> None:
        """Run a lifecycle hook inside the current transaction, after flushing it (so rows have ids)."""
        await self.session.flush()
        await self.call(hook, **kwargs)

    async def decide(self, hook: str, **kwargs: Any) -> Verdict:
        """Ask every plugin a decision hook; their answers combined (any deny wins)."""
        return Verdict.of(await self.call(hook, **kwargs))

    async def require(self, hook: str, **kwargs: Any) -> Verdict:
        """``decide``, raising Forbidden with the reasons on a refusal; a hold is returned for the caller to apply."""
        verdict = await self.decide(hook, **kwargs)
        if verdict.denied:
            raise Forbidden(verdict.reason)
        return verdict

    async def require_allowed(self, hook: str, **kwargs: Any) -> None:
        """``require`` where holding makes no sense: a hold refuses too, with its reasons."""
        verdict = await self.decide(hook, **kwargs)
        if verdict.denied or verdict.held:
            raise Forbidden(verdict.reason)

    def pages_changed(self, event: Event) -> None:
        """What this event's pages show changed: their cached copies go once the transaction commits."""
        self.session.info.setdefault(CHANGED_EVENTS, set()).add(str(event.uuid))
