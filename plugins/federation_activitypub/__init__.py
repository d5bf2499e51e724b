"""ActivityPub federation (WebFinger, NodeInfo, actors, signatures, inbox, delivery).

Built on the core's hooks only: the core never imports this package. So far:
settings, tables, discovery (WebFinger, host-meta, NodeInfo, the /relay Application
actor), content negotiation, the inbox (verify, store, 202, process in the worker),
follows both ways, durable signed delivery with domain health, and the fan-out of
local events to their organiser's followers, remote events (inbound Create, Update,
Delete and Announce, with their banner and attachments), and search by URL or handle.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pluggy

from core.comments.models import Comment
from core.context import Ctx
from core.events.models import Event, Participation
from core.identities.models import Identity
from core.outbox import OutboxHandler
from core.periodic import PeriodicTask
from core.plugins import ConfigSchema, hookimpl
from core.web.slots import Link, MenuLink
from plugins.federation_activitypub import admin, feed, hookspecs, models, participations, replay, search_pages  # noqa: F401  (registers the tables)
from plugins.federation_activitypub.actor_collections import collection_handlers
from plugins.federation_activitypub.actor_updates import identity_deleted, identity_updated
from plugins.federation_activitypub.api import api_handlers
from plugins.federation_activitypub.comment_delivery import comment_sent, comment_withdrawn
from plugins.federation_activitypub.comment_pages import comment_handlers
from plugins.federation_activitypub.config import FederationConfig
from plugins.federation_activitypub.delivery import DELIVER_JOB, deliver
from plugins.federation_activitypub.discovery import discovery_handlers
from plugins.federation_activitypub.domain_moderation import PURGE_JOB, purge_domain
from plugins.federation_activitypub.fanout import event_changed, event_deleted, event_edited
from plugins.federation_activitypub.inbox import INBOX_JOB, inbox_handlers
from plugins.federation_activitypub.instance import PLUGIN_NAME, federation
from plugins.federation_activitypub.moderation_hooks import (  # noqa: F401  (hookimpls: moderation's and the filters)
    convene_filter_comments,
    convene_filter_events,
    moderation_domain_policy,
    moderation_followed_identities,
    moderation_forward_report,
    moderation_identity_suspended,
    moderation_identity_unsuspended,
    moderation_resolve_target,
)
from plugins.federation_activitypub.negotiation import ACTIVITY_MEDIA_TYPES, negotiate, record_tombstone
from plugins.federation_activitypub.policy import published_rules
from plugins.federation_activitypub.processing import process_inbox
from plugins.federation_activitypub.purge import PURGE_TASK
from plugins.federation_activitypub.remote_events import attachment_links
from plugins.federation_activitypub.search import search_handlers


@hookimpl
def convene_addhooks(pm: pluggy.PluginManager) -> None:
    pm.add_hookspecs(hookspecs)


@hookimpl
def convene_config_schema() -> ConfigSchema:
    return ConfigSchema(PLUGIN_NAME, FederationConfig, environment={"CONVENE_ALLOW_PRIVATE_ADDRESSES": "allow_private_addresses"})


@hookimpl
def convene_migrations_dir() -> Path:
    return Path(__file__).resolve().parent / "migrations"


@hookimpl
def convene_route_handlers() -> list[Any]:
    return [*discovery_handlers(), *inbox_handlers(), *collection_handlers(), *api_handlers(), *search_handlers(),
            *feed.feed_handlers(), *search_pages.search_page_handlers(), *comment_handlers(), *admin.admin_handlers()]


@hookimpl
def convene_template_dirs() -> list[Path]:
    return [Path(__file__).resolve().parent / "templates"]


@hookimpl
def convene_locale_dirs() -> list[Path]:
    return [Path(__file__).resolve().parent / "locale"]


@hookimpl
def convene_menu_links() -> list[MenuLink]:
    return [feed.MENU_LINK, search_pages.MENU_LINK, admin.MENU_LINK]


@hookimpl
def convene_periodic_tasks() -> list[PeriodicTask]:
    return [PURGE_TASK]


@hookimpl
def convene_outbox_handlers() -> dict[str, OutboxHandler]:
    return {INBOX_JOB: process_inbox, DELIVER_JOB: deliver, PURGE_JOB: purge_domain}


@hookimpl
async def convene_negotiate(ctx: Ctx, request: Any, kind: str, key: str, obj: Any) -> Any | None:
    return await negotiate(ctx, request, kind, key, obj)


@hookimpl
async def convene_event_links(event: Event) -> list[Link]:
    return attachment_links(event)


@hookimpl
def convene_uncached_media_types() -> list[str]:
    return list(ACTIVITY_MEDIA_TYPES)


@hookimpl
async def convene_event_published(ctx: Ctx, event: Event) -> None:
    await event_changed(ctx, event, "Create")


@hookimpl
async def convene_event_updated(ctx: Ctx, event: Event, changed: dict[str, Any]) -> None:
    await event_edited(ctx, event, changed)


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


@hookimpl
async def convene_participant_count_changed(ctx: Ctx, event: Event) -> None:
    if event.organizer.is_local:
        await event_changed(ctx, event, "Update")  # copies elsewhere show the new count


@hookimpl
async def convene_comment_created(ctx: Ctx, comment: Comment) -> None:
    await comment_sent(ctx, comment, "Create")


@hookimpl
async def convene_comment_updated(ctx: Ctx, comment: Comment) -> None:
    await comment_sent(ctx, comment, "Update")


@hookimpl
async def convene_comment_deleted(ctx: Ctx, comment: Comment) -> None:
    await comment_withdrawn(ctx, comment)


@hookimpl
async def convene_identity_updated(ctx: Ctx, identity: Identity) -> None:
    await identity_updated(ctx, identity)


@hookimpl
async def convene_identity_deleted(ctx: Ctx, identity: Identity) -> None:
    await identity_deleted(ctx, identity)


@hookimpl(optionalhook=True)
async def moderation_federation_policy(ctx: Ctx) -> list[dict[str, str]]:
    """The moderation plugin's federation policy document lists our domain rules, with their reasons."""
    return await published_rules(ctx.session, federation(ctx).config)
