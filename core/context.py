"""What every service call needs: the transaction, the plugins and the settings."""

from __future__ import annotations

from dataclasses import dataclass

import pluggy
from sqlalchemy.ext.asyncio import AsyncSession

from core.decisions import Decision
from core.errors import Forbidden
from core.events.models import Event
from core.plugins import call_all, first_answer
from core.settings import Settings

# session.info key: uuids of events whose public page a transaction changed
CHANGED_EVENTS = "changed_events"


@dataclass
class Ctx:
    session: AsyncSession
    pm: pluggy.PluginManager
    settings: Settings

    async def emit(self, hook: str, **kwargs) -> None:  # noqa: ANN003
        """Run a lifecycle hook inside the current transaction (after a flush).

        Also notes which event's public page the change touches, so its cached copy is
        dropped once the transaction commits (core.web.page_cache).
        """
        await self.session.flush()
        event = kwargs.get("event") or getattr(kwargs.get("participation"), "event", None)
        if event is None and "comment" in kwargs:
            event = await self.session.get(Event, kwargs["comment"].event_id)
        if event is not None:
            self.session.info.setdefault(CHANGED_EVENTS, set()).add(str(event.uuid))
        await call_all(self.pm, hook, ctx=self, **kwargs)

    async def decide(self, hook: str, **kwargs) -> Decision | None:  # noqa: ANN003
        return await first_answer(self.pm, hook, ctx=self, **kwargs)

    async def require(self, hook: str, **kwargs) -> None:  # noqa: ANN003
        """Ask a decision hook and raise Forbidden with its reason when it refuses."""
        decision = await self.decide(hook, **kwargs)
        if decision is not None and not decision.allowed:
            raise Forbidden(decision.reason or "refused by this instance's policy")
