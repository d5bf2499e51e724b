"""Calendars both ways: add to calendar, subscribe, embed, and import from any ICS feed.

Built on the core's hooks only. Settings in ``[plugins.ical]`` (config.py). One event
as a VEVENT and a calendar of events with their VTIMEZONEs (vevent.py), which other
plugins extend through ``ical_vevent`` (hookspecs.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pluggy

from core.context import Ctx
from core.events.models import Event
from core.plugins import ConfigSchema, hookimpl
from core.web.slots import Fragment, Link, Slot
from plugins.ical import hookspecs, models  # noqa: F401  (models registers the tables)
from plugins.ical.config import IcalConfig
from plugins.ical.embed import embed_handlers
from plugins.ical.embed_settings import embed_settings_handlers, embed_settings_section
from plugins.ical.export import export_event
from plugins.ical.json_feed import json_feed_handlers
from plugins.ical.links import calendar_links

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
