"""Moderation: the instance's rules and documents, reports, the moderation queue, actions and their log.

Built on the core's hooks only, and on federation's own hooks where federation is on
(a report forwarded as a ``Flag``, ``Flag``s received, suspensions told to other
instances); everything else works with federation off. Accounts of role
``moderator`` or ``administrator`` are granted the core's moderator actions
(``convene_can_moderate``), each written in the action log (actionlog.py);
suspensions (suspensions.py) refuse every action and hide the suspended people's
content through the filter hooks; reports enter the queue through filing.py.
Settings in ``[plugins.moderation]`` (config.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pluggy
from sqlalchemy import ColumnElement, or_

from core.comments.models import Comment
from core.context import Ctx
from core.decisions import Decision
from core.events.models import Event
from core.i18n import N_
from core.identities.models import Identity
from core.plugins import ConfigSchema, hookimpl
from plugins.moderation import hookspecs, models  # noqa: F401  (models registers the tables)
from plugins.moderation.actionlog import record
from plugins.moderation.config import ModerationConfig
from plugins.moderation.flags import federation_activitypub_activity_handlers  # noqa: F401  (hookimpl: Flags in)
from plugins.moderation.forwarding import forwarding_handlers
from plugins.moderation.remote import limited_comments, limited_events, remote_handlers  # noqa: F401  (hookimpls)
from plugins.moderation.roles import is_staff
from plugins.moderation.suspensions import suspension_of, visible_unless_suspended

PLUGIN_NAME = "moderation"
HERE = Path(__file__).resolve().parent
# looking at what is hidden is not an action: it leaves no line in the log
LOOKING = "event.view"


@hookimpl
def convene_addhooks(pm: pluggy.PluginManager) -> None:
    pm.add_hookspecs(hookspecs)


@hookimpl
def convene_config_schema() -> ConfigSchema:
    return ConfigSchema(PLUGIN_NAME, ModerationConfig)


@hookimpl
def convene_migrations_dir() -> Path:
    return HERE / "migrations"


@hookimpl
def convene_locale_dirs() -> list[Path]:
    return [HERE / "locale"]


@hookimpl
async def convene_can_moderate(ctx: Ctx, action: str, target: Any) -> Decision | None:
    if not is_staff(ctx.viewer):
        return None
    if action != LOOKING:
        record(ctx, action, target)
    return Decision.allow()


@hookimpl
async def convene_can_act(ctx: Ctx, identity: Identity) -> Decision | None:
    if await suspension_of(ctx, identity) is not None:
        return Decision.deny(N_("this identity is suspended by the moderators"))
    return None


@hookimpl
async def convene_filter_events(ctx: Ctx) -> ColumnElement[bool]:
    return visible_unless_suspended(Event.organizer_id, ctx)


@hookimpl
async def convene_filter_comments(ctx: Ctx) -> ColumnElement[bool]:
    # a comment whose author was deleted has none: NULL NOT IN (...) would hide it
    return or_(Comment.author_id.is_(None), visible_unless_suspended(Comment.author_id, ctx))


@hookimpl
async def convene_filter_identities(ctx: Ctx) -> ColumnElement[bool]:
    return visible_unless_suspended(Identity.id, ctx)


@hookimpl
def convene_template_dirs() -> list[Path]:
    return [HERE / "templates"]


@hookimpl(specname="convene_route_handlers")
def federation_route_handlers() -> list[Any]:
    """Forwarding reports, moderating remote identities and domains (named apart: other parts add routes too)."""
    return [*forwarding_handlers(), *remote_handlers()]
