"""ActivityPub federation (WebFinger, NodeInfo, actors, signatures, inbox, delivery).

Built on the core's hooks only: the core never imports this package. So far:
settings, tables, discovery (WebFinger, host-meta, NodeInfo, the /relay Application
actor), content negotiation, the inbox (verify, store, 202, process in the worker),
follows both ways, durable signed delivery with domain health, and the fan-out of
local events to their organiser's followers, remote events (inbound Create, Update and
Delete), and search by URL or handle.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.context import Ctx
from core.events.models import Event, Participation
from core.outbox import OutboxHandler
from core.plugins import hookimpl
from core.settings import Settings
from plugins.federation_activitypub import models, replay  # noqa: F401  (registers the tables)
from plugins.federation_activitypub import participations
from plugins.federation_activitypub.actor_collections import collection_handlers
from plugins.federation_activitypub.api import api_handlers
from plugins.federation_activitypub.config import FederationConfig
from plugins.federation_activitypub.delivery import DELIVER_JOB, deliver
from plugins.federation_activitypub.discovery import discovery_handlers
from plugins.federation_activitypub.fanout import event_changed, event_deleted
from plugins.federation_activitypub.inbox import INBOX_JOB, inbox_handlers
from plugins.federation_activitypub.instance import register
from plugins.federation_activitypub.negotiation import negotiate, record_tombstone
from plugins.federation_activitypub.processing import process_inbox
from plugins.federation_activitypub.search import search_handlers


@hookimpl
def convene_config_schema() -> tuple[str, type[FederationConfig]]:
    return ("federation_activitypub", FederationConfig)


@hookimpl
def convene_migrations_dir() -> Path:
    return Path(__file__).resolve().parent / "migrations"


@hookimpl
def convene_startup(settings: Settings) -> None:
    register(settings)


@hookimpl
def convene_route_handlers() -> list[Any]:
    return [*discovery_handlers(), *inbox_handlers(), *collection_handlers(), *api_handlers(), *search_handlers()]


@hookimpl
def convene_outbox_handlers() -> dict[str, OutboxHandler]:
    return {INBOX_JOB: process_inbox, DELIVER_JOB: deliver}


@hookimpl
async def convene_negotiate(ctx: Ctx, request: Any, kind: str, key: str, obj: Any) -> Any | None:
    return await negotiate(ctx, request, kind, key, obj)


@hookimpl
async def convene_event_published(ctx: Ctx, event: Event) -> None:
    await event_changed(ctx, event, "Create")


@hookimpl
async def convene_event_updated(ctx: Ctx, event: Event) -> None:
    await event_changed(ctx, event, "Update")


@hookimpl
async def convene_event_cancelled(ctx: Ctx, event: Event) -> None:
    await event_changed(ctx, event, "Update")


@hookimpl
async def convene_event_deleted(ctx: Ctx, event: Event) -> None:
    await record_tombstone(ctx, event)
    await event_deleted(ctx, event)


@hookimpl
async def convene_participation_requested(ctx: Ctx, participation: Participation) -> None:
    await participations.requested(ctx, participation)


@hookimpl
async def convene_participation_approved(ctx: Ctx, participation: Participation) -> None:
    await participations.answered(ctx, participation, accepted=True)


@hookimpl
async def convene_participation_rejected(ctx: Ctx, participation: Participation) -> None:
    await participations.answered(ctx, participation, accepted=False)


@hookimpl
async def convene_participation_cancelled(ctx: Ctx, participation: Participation) -> None:
    await participations.cancelled(ctx, participation)
