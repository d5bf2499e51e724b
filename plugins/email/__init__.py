"""Email notifications over SMTP: every notification the core writes becomes a mail.

Built on the core's hooks only. Settings in ``[plugins.email]`` (config.py); delivery
as the outbox's notification job (delivery.py) over pooled SMTP connections (smtp.py);
mails rendered from templates a theme can override (messages.py); permanent refusals
recorded (models.py); ``convene mail test`` for operators (cli.py); share by email
(share.py, share_web.py), which exists only where mail does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from core.context import Ctx
from core.events.models import Event
from core.notifications import Notification
from core.plugins import ConfigSchema, hookimpl
from core.runtime import Runtime
from core.web.slots import Fragment, Slot
from plugins.email import models  # noqa: F401  (registers the table)
from plugins.email.cli import mail
from plugins.email.config import EmailConfig
from plugins.email.delivery import deliver
from plugins.email.mailer import PLUGIN_NAME, close_mailer
from plugins.email.share import shareable_event
from plugins.email.share_web import HANDLERS

HERE = Path(__file__).resolve().parent


@hookimpl
def convene_config_schema() -> ConfigSchema:
    return ConfigSchema(PLUGIN_NAME, EmailConfig, environment={"CONVENE_SMTP_PASSWORD": "smtp_password"})


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
def convene_cli_commands() -> list[click.Command]:
    return [mail]


@hookimpl
async def convene_shutdown(runtime: Runtime) -> None:
    await close_mailer(runtime)


@hookimpl
async def convene_deliver_notification(ctx: Ctx, notification: Notification) -> bool:
    return await deliver(ctx, notification)


@hookimpl
def convene_route_handlers() -> list[Any]:
    return HANDLERS


@hookimpl
async def convene_event_sidebar(ctx: Ctx, slot: Slot, event: Event) -> Fragment | None:
    """A link to the share form, for members on an event that may be shared (visitors' pages stay the same)."""
    if ctx.viewer.account is None or not shareable_event(event):
        return None
    return Fragment(slot.render("email/share_link.html", event=event))
