"""ActivityPub federation (WebFinger, NodeInfo, actors, signatures, inbox, delivery).

Built on the core's hooks only: the core never imports this package. Being wired in
its own issue; so far: settings, tables, discovery (WebFinger, host-meta, NodeInfo,
the /relay Application actor).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.context import Ctx
from core.events.models import Event
from core.plugins import hookimpl
from plugins.federation_activitypub import models  # noqa: F401  (registers the tables)
from plugins.federation_activitypub.config import FederationConfig
from plugins.federation_activitypub.discovery import discovery_handlers
from plugins.federation_activitypub.negotiation import negotiate, record_tombstone


@hookimpl
def convene_config_schema() -> tuple[str, type[FederationConfig]]:
    return ("federation_activitypub", FederationConfig)


@hookimpl
def convene_migrations_dir() -> Path:
    return Path(__file__).resolve().parent / "migrations"


@hookimpl
def convene_route_handlers() -> list[Any]:
    return discovery_handlers()


@hookimpl
async def convene_negotiate(ctx: Ctx, request: Any, kind: str, key: str, obj: Any) -> Any | None:
    return await negotiate(ctx, request, kind, key, obj)


@hookimpl
async def convene_event_deleted(ctx: Ctx, event: Event) -> None:
    await record_tombstone(ctx, event)
