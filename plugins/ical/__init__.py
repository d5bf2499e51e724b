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
from core.periodic import PeriodicTask
from core.plugins import ConfigSchema, hookimpl
from core.web.slots import Fragment, Slot
from plugins.ical import hookspecs, models  # noqa: F401  (models registers the tables)
from plugins.ical.config import IcalConfig
from plugins.ical.embed import embed_handlers
from plugins.ical.embed_settings import embed_settings_handlers, embed_settings_section
from plugins.ical.import_api import import_api_handlers
from plugins.ical.import_cli import import_group
from plugins.ical.import_models import CalendarSubscription, ImportedEvent  # noqa: F401  (registers the import tables)
from plugins.ical.import_web import import_web_handlers, settings_section
from plugins.ical.json_feed import json_feed_handlers
from plugins.ical.subscriptions import REFRESH

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
