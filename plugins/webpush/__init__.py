"""Web Push notifications: every notification for an account also reaches its devices.

Built on the core's hooks only. Settings in ``[plugins.webpush]`` (config.py); the
instance's VAPID key and token (vapid.py), kept with the HTTP client per instance
(pusher.py); devices an account subscribed, checked before they are stored
(subscriptions.py), through the API (api.py) or the settings page (web.py, with the
theme's push-settings.js and service-worker.js); each notification becomes one
``webpush.send`` outbox row per device (delivery.py), encrypted per RFC 8291 (message.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

from core.accounts.models import Account
from core.context import Ctx
from core.notifications import Notification
from core.outbox import OutboxHandler
from core.plugins import ConfigSchema, hookimpl
from core.web.slots import Fragment, Slot
from plugins.webpush import models  # noqa: F401  (registers the tables)
from plugins.webpush.api import api_handlers, device_out
from plugins.webpush.config import WebPushConfig
from plugins.webpush.delivery import SEND_JOB, deliver, send
from plugins.webpush.pusher import PLUGIN_NAME
from plugins.webpush.subscriptions import devices
from plugins.webpush.web import settings_section, web_handlers

HERE = Path(__file__).resolve().parent


@hookimpl
def convene_config_schema() -> ConfigSchema:
    return ConfigSchema(PLUGIN_NAME, WebPushConfig, environment={"CONVENE_VAPID_PRIVATE_KEY": "vapid_private_key"})


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
    return [*api_handlers(), *web_handlers()]


@hookimpl
def convene_outbox_handlers() -> dict[str, OutboxHandler]:
    return {SEND_JOB: send}


@hookimpl
async def convene_deliver_notification(ctx: Ctx, notification: Notification) -> bool | None:
    return await deliver(ctx, notification)


@hookimpl
async def convene_account_export(ctx: Ctx, account: Account, data: dict[str, Any]) -> None:
    """The account's devices as its settings page shows them: where they are pushed from, not the
    endpoint itself (whoever holds it may push to the device)."""
    data[PLUGIN_NAME] = {"devices": msgspec.to_builtins([device_out(device) for device in await devices(ctx, account)])}


@hookimpl
async def convene_settings_sections(ctx: Ctx, slot: Slot) -> Fragment | None:
    return await settings_section(ctx, slot)
