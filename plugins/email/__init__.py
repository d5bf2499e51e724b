"""Email notifications over SMTP: every notification the core writes becomes a mail.

Built on the core's hooks only. Settings in ``[plugins.email]`` (config.py); delivery
as the outbox's notification job (delivery.py) over pooled SMTP connections (smtp.py);
mails rendered from templates a theme can override (messages.py); permanent refusals
recorded (models.py); ``convene mail test`` for operators (cli.py); share by email
(share.py, share_web.py), which exists only where mail does; anonymous participation
(the ``anonymous`` package), for the same reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from core.context import Ctx
from core.events.extensions import EventField
from core.events.models import Event
from core.notifications import Notification, Recipient
from core.notifications.join_digest import WaitingRequest
from core.periodic import PeriodicTask
from core.plugins import ConfigSchema, hookimpl
from core.runtime import Runtime
from core.web.forms import FormState
from core.web.slots import Fragment, Slot
from plugins.email import anonymous, models  # noqa: F401  (models registers its tables)
from plugins.email.anonymous import field, mails, reminders, slots
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
    return [*HANDLERS, *anonymous.ROUTES]


@hookimpl
async def convene_event_sidebar(ctx: Ctx, slot: Slot, event: Event) -> Fragment | None:
    """Members: a link to the share form, on an event that may be shared. Visitors: the form to join
    without an account, where the event allows it (the same for every visitor, so the page stays cached)."""
    if ctx.viewer.account is None:
        return await slots.join_form(ctx, slot, event)
    if not shareable_event(event):
        return None
    return Fragment(slot.render("email/share_link.html", event=event))


# -- anonymous participation (plugins/email/anonymous) ------------------------------------


@hookimpl
def convene_event_fields() -> list[EventField]:
    return [field.FIELD]


@hookimpl
def convene_periodic_tasks() -> list[PeriodicTask]:
    return [anonymous.PURGE, reminders.REMINDERS]


@hookimpl
async def convene_event_updated(ctx: Ctx, event: Event, changed: dict[str, Any]) -> None:
    await reminders.event_moved(ctx, event, changed)


@hookimpl
async def convene_event_form_fields(ctx: Ctx, slot: Slot, form: FormState) -> Fragment | None:
    return await slots.form_field(ctx, slot, form)


@hookimpl
async def convene_event_participants(ctx: Ctx, slot: Slot, event: Event) -> Fragment | None:
    return await slots.participants(ctx, slot, event)


@hookimpl
async def convene_join_requests_waiting(ctx: Ctx) -> list[WaitingRequest]:
    return await mails.join_requests_waiting(ctx)


@hookimpl
async def convene_notification_recipients(ctx: Ctx, event: Event, audience: str) -> list[Recipient]:
    return await anonymous.recipients(ctx, event, audience)
