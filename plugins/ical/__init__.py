"""Calendars both ways: add to calendar, subscribe, embed, and import from any ICS feed.

Built on the core's hooks only. Settings in ``[plugins.ical]`` (config.py). One event
as a VEVENT and a calendar of events with their VTIMEZONEs (vevent.py), which other
plugins extend through ``ical_vevent`` (hookspecs.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pluggy

from core.context import Ctx
from core.events.models import Event, Participation
from core.identities.models import Identity
from core.outbox import OutboxHandler
from core.periodic import PeriodicTask
from core.plugins import ConfigSchema, hookimpl
from core.web.slots import Fragment, Link, Slot
from plugins.ical import feed_changes, feeds_web, hookspecs, models  # noqa: F401  (models registers the tables)
from plugins.ical.config import IcalConfig
from plugins.ical.embed import embed_handlers
from plugins.ical.embed_settings import embed_settings_handlers, embed_settings_section
from plugins.ical.export import export_event
from plugins.ical.feeds import feed_handlers
from plugins.ical.feeds_api import feeds_api_handlers
from plugins.ical.feeds_web import feeds_web_handlers
from plugins.ical.import_api import import_api_handlers
from plugins.ical.import_cli import import_group
from plugins.ical.import_models import CalendarSubscription, ImportedEvent  # noqa: F401  (registers the import tables)
from plugins.ical.import_web import import_web_handlers, settings_section
from plugins.ical.json_feed import json_feed_handlers
from plugins.ical.links import calendar_links
from plugins.ical.subscriptions import REFRESH, REFRESH_JOB, refresh_job
from plugins.ical.upload_models import UploadedCalendar  # noqa: F401  (registers the uploads' table)
from plugins.ical.uploads import UPLOAD_JOB, import_upload

PLUGIN_NAME = "ical"
HERE = Path(__file__).resolve().parent


@hookimpl
def convene_addhooks(pm: pluggy.PluginManager) -> None:
    pm.add_hookspecs(hookspecs)


@hookimpl
def convene_config_schema() -> ConfigSchema:
    return ConfigSchema(PLUGIN_NAME, IcalConfig)


@hookimpl
def convene_migrations_dir() -> Path:
    return HERE / "migrations"


@hookimpl
def convene_template_dirs() -> list[Path]:
    return [HERE / "templates"]


@hookimpl
def convene_locale_dirs() -> list[Path]:
    return [HERE / "locale"]


# -- imports (importing.py, subscriptions.py, import_api.py, import_web.py, import_cli.py); named hookimpls

@hookimpl(specname="convene_route_handlers")
def import_route_handlers() -> list[Any]:
    return [*import_api_handlers(), *import_web_handlers()]


@hookimpl(specname="convene_periodic_tasks")
def import_periodic_tasks() -> list[PeriodicTask]:
    return [REFRESH]


@hookimpl(specname="convene_outbox_handlers")
def import_outbox_handlers() -> dict[str, OutboxHandler]:
    """Uploads and fetches are imported in the background (uploads.py, subscriptions.py)."""
    return {UPLOAD_JOB: import_upload, REFRESH_JOB: refresh_job}


@hookimpl(specname="convene_cli_commands")
def import_cli_commands() -> list[click.Command]:
    return [import_group]


@hookimpl(specname="convene_settings_sections")
async def import_settings_link(ctx: Ctx, slot: Slot) -> Fragment | None:
    return await settings_section(ctx, slot)


# -- embeds (json_feed.py, embed.py, embed_settings.py); a named hookimpl, so other parts add their own

@hookimpl(specname="convene_route_handlers")
def embed_route_handlers() -> list[Any]:
    return [*json_feed_handlers(), *embed_handlers(), *embed_settings_handlers()]


@hookimpl(specname="convene_settings_sections")
async def embed_settings_link(ctx: Ctx, slot: Slot) -> Fragment | None:
    return await embed_settings_section(ctx, slot)


# -- one event to any calendar (export.py, links.py)

@hookimpl(specname="convene_route_handlers")
def export_route_handlers() -> list[Any]:
    return [export_event]


@hookimpl
async def convene_event_links(ctx: Ctx, event: Event) -> list[Link]:
    return calendar_links(ctx, event)


# -- feeds (feeds.py, feed_cache.py, feed_changes.py, private feeds: feeds_api.py, feeds_web.py)

@hookimpl(specname="convene_route_handlers")
def feeds_route_handlers() -> list[Any]:
    return [*feed_handlers()]


# Rendered feeds (plugins.ical.feed_cache) are forgotten as soon as something they show changes.
@hookimpl(specname="convene_event_created")
async def feeds_event_created(ctx: Ctx, event: Event) -> None:
    await feed_changes.event_changed(ctx, event)


@hookimpl(specname="convene_event_published")
async def feeds_event_published(ctx: Ctx, event: Event) -> None:
    await feed_changes.event_changed(ctx, event)


@hookimpl(specname="convene_event_updated")
async def feeds_event_updated(ctx: Ctx, event: Event, changed: dict[str, Any]) -> None:
    await feed_changes.event_changed(ctx, event)


@hookimpl(specname="convene_event_cancelled")
async def feeds_event_cancelled(ctx: Ctx, event: Event) -> None:
    await feed_changes.event_changed(ctx, event)


@hookimpl(specname="convene_event_deleted")
async def feeds_event_deleted(ctx: Ctx, event: Event) -> None:
    await feed_changes.event_changed(ctx, event)


@hookimpl(specname="convene_participation_requested")
async def feeds_participation_requested(ctx: Ctx, participation: Participation) -> None:
    await feed_changes.participation_changed(ctx, participation)


@hookimpl(specname="convene_participation_approved")
async def feeds_participation_approved(ctx: Ctx, participation: Participation) -> None:
    await feed_changes.participation_changed(ctx, participation)


@hookimpl(specname="convene_participation_rejected")
async def feeds_participation_rejected(ctx: Ctx, participation: Participation) -> None:
    await feed_changes.participation_changed(ctx, participation)


@hookimpl(specname="convene_participation_cancelled")
async def feeds_participation_cancelled(ctx: Ctx, participation: Participation) -> None:
    await feed_changes.participation_changed(ctx, participation)


@hookimpl(specname="convene_identity_updated")
async def feeds_identity_updated(ctx: Ctx, identity: Identity) -> None:
    await feed_changes.identity_changed(ctx, identity)


@hookimpl(specname="convene_identity_deleted")
async def feeds_identity_deleted(ctx: Ctx, identity: Identity) -> None:
    await feed_changes.identity_changed(ctx, identity)


@hookimpl(specname="convene_held")
async def feeds_held(ctx: Ctx, kind: str, target: Any, reasons: list[str]) -> None:
    await feed_changes.held_or_released(ctx, kind, target)


@hookimpl(specname="convene_released")
async def feeds_released(ctx: Ctx, kind: str, target: Any) -> None:
    await feed_changes.held_or_released(ctx, kind, target)


@hookimpl(specname="convene_route_handlers")
def private_feeds_route_handlers() -> list[Any]:
    return [*feeds_api_handlers(), *feeds_web_handlers()]


@hookimpl(specname="convene_settings_sections")
async def feeds_settings_section(ctx: Ctx, slot: Slot) -> Fragment | None:
    return await feeds_web.settings_section(ctx, slot)


@hookimpl(specname="convene_profile_sidebar")
async def feeds_profile_sidebar(ctx: Ctx, slot: Slot, identity: Identity) -> Fragment | None:
    return await feeds_web.profile_subscribe(ctx, slot, identity)


@hookimpl(specname="convene_about_sections")
async def feeds_about_section(ctx: Ctx, slot: Slot) -> Fragment | None:
    return await feeds_web.about_subscribe(ctx, slot)
