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

from core.periodic import PeriodicTask
from core.plugins import ConfigSchema, hookimpl
from plugins.ical import hookspecs, import_models, models, subscriptions  # noqa: F401  (models and import_models register the tables)
from plugins.ical.config import IcalConfig
from plugins.ical.import_api import import_api_handlers
from plugins.ical.import_cli import import_group

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


@hookimpl
def convene_route_handlers() -> list[Any]:
    return [*import_api_handlers()]


@hookimpl
def convene_periodic_tasks() -> list[PeriodicTask]:
    return [subscriptions.REFRESH]



@hookimpl
def convene_cli_commands() -> list[click.Command]:
    return [import_group]
