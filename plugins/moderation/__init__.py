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
from sqlalchemy import ColumnElement, and_, or_

from core.accounts.models import Account
from core.comments.models import Comment
from core.context import Ctx
from core.decisions import Decision
from core.events.models import Event
from core.i18n import N_
from core.identities.models import Identity
from core.notifications.topics import Topic
from core.plugins import ConfigSchema, hookimpl
from core.web.forms import FormState
from core.web.slots import Fragment, MenuLink, Slot
from plugins.moderation import (  # noqa: F401  (models registers the tables)
    acceptance,
    actions_web,
    documents_api,
    documents_web,
    hookspecs,
    log_web,
    models,
    reports_web,
    review_web,
)
from plugins.moderation.actionlog import record
from plugins.moderation.actions_api import api_handlers
from plugins.moderation.config import ModerationConfig
from plugins.moderation.flags import federation_activitypub_activity_handlers  # noqa: F401  (hookimpl: Flags in)
from plugins.moderation.forwarding import forwarding_handlers
from plugins.moderation.personal_data import moderation_data
from plugins.moderation.policies import (  # noqa: F401  (hookimpls named by ``specname``: registered by being here)
    accounts_wait_for_approval,
    hold_events_for_review,
    rate_limits,
    refuse_words_and_links,
)
from plugins.moderation.queue_api import queue_api_handlers
from plugins.moderation.queue_web import MENU_LINKS, queue_web_handlers
from plugins.moderation.remote import remote_handlers, shown_unless_limited
from plugins.moderation.reporter_news import REPORTS_TOPIC
from plugins.moderation.reports_api import report_handlers
from plugins.moderation.roles import is_staff
from plugins.moderation.suspensions import suspension_of, visible_unless_suspended
from plugins.moderation.telling import TOPIC
from plugins.moderation.tools_web import (  # noqa: F401  (hookimpls named by ``specname``: registered by being here)
    approval_notice,
    comment_tools,
    event_tools,
    profile_tools,
    suspended_notice,
)

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
    return await acceptance.unless_pending(ctx, identity)


@hookimpl
async def convene_filter_events(ctx: Ctx) -> ColumnElement[bool]:
    return and_(visible_unless_suspended(Event.organizer_id, ctx), await shown_unless_limited(ctx, Event.organizer_id))


@hookimpl
async def convene_filter_comments(ctx: Ctx) -> ColumnElement[bool]:
    # a comment whose author was deleted has none: NULL NOT IN (...) would hide it
    return and_(or_(Comment.author_id.is_(None), visible_unless_suspended(Comment.author_id, ctx)),
                await shown_unless_limited(ctx, Comment.author_id))


@hookimpl
async def convene_filter_identities(ctx: Ctx) -> ColumnElement[bool]:
    return visible_unless_suspended(Identity.id, ctx)


@hookimpl
def convene_route_handlers() -> list[Any]:
    return [*documents_api.api_handlers(), *documents_web.web_handlers(),
            *report_handlers(), *queue_api_handlers(), *reports_web.web_handlers(), *queue_web_handlers(),
            *forwarding_handlers(), *remote_handlers(),
            *api_handlers(), *actions_web.HANDLERS, *log_web.HANDLERS, *review_web.HANDLERS]


@hookimpl
def convene_template_dirs() -> list[Path]:
    return [HERE / "templates"]


@hookimpl
def convene_menu_links() -> list[MenuLink]:
    return [*MENU_LINKS, *log_web.MENU_LINKS, *review_web.MENU_LINKS, documents_web.MENU_LINK]


@hookimpl
async def convene_event_sidebar(ctx: Ctx, slot: Slot, event: Event) -> Fragment | None:
    return await reports_web.event_link(slot, event)


@hookimpl
async def convene_comment_actions(ctx: Ctx, slot: Slot, comments: list[Comment]) -> dict[int, Fragment] | None:
    return await reports_web.comment_links(slot, comments)


@hookimpl
async def convene_profile_sidebar(ctx: Ctx, slot: Slot, identity: Identity) -> Fragment | None:
    return await reports_web.profile_link(slot, identity)


@hookimpl
def convene_notification_topics() -> list[Topic]:
    return [REPORTS_TOPIC, TOPIC]


@hookimpl
async def convene_check_sign_up(ctx: Ctx, extra: dict[str, Any]) -> dict[str, str] | None:
    return await acceptance.check_sign_up(ctx, extra)


@hookimpl
async def convene_signed_up(ctx: Ctx, account: Account) -> None:
    await acceptance.record_sign_up(ctx, account)


@hookimpl
async def convene_after_login(ctx: Ctx, account: Account) -> str | None:
    return acceptance.PAGE if await acceptance.pending(ctx, account.id) else None


@hookimpl
async def convene_instance_metadata(ctx: Ctx, data: dict[str, Any]) -> None:
    await documents_web.instance_metadata(ctx, data)


@hookimpl
async def convene_account_export(ctx: Ctx, account: Account, data: dict[str, Any]) -> None:
    data[PLUGIN_NAME] = await moderation_data(ctx, account)


@hookimpl
async def convene_about_sections(ctx: Ctx, slot: Slot) -> Fragment | None:
    return await documents_web.about_section(ctx, slot)


@hookimpl
async def convene_signup_fields(ctx: Ctx, slot: Slot, form: FormState) -> Fragment | None:
    return await documents_web.signup_fields(ctx, slot, form)
