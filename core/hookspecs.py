"""Every hook the core calls, grouped by kind.

Four kinds (see ARCHITECTURE.md):

* registration hooks are synchronous and run once at start-up;
* lifecycle hooks run inside the transaction that made the change, *after* it is
  flushed and before it is committed: an implementation that must reach the outside
  writes an outbox row with ``core.outbox.enqueue(ctx.session, ...)`` so the work
  commits or rolls back with the change. They never do slow work inline;
* decision hooks answer ``Decision`` or ``None`` (abstain); every implementation is
  asked and any deny wins (core.decisions);
* transform hooks extend a representation.

Async hooks receive ``ctx`` (``core.context.Ctx``: the transaction's session, the
runtime with the settings and each plugin's config, the viewer), so a plugin can call
core services as the core does. Every hook is called through pluggy (core.plugins):
``ctx.call`` / ``ctx.emit`` / ``ctx.decide`` for async ones, ``core.plugins.call_sync``
for registration. Each hook is documented in docs/hooks.md under its exact signature
(tests enforce it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from pathlib import Path

    import click
    from sqlalchemy import ColumnElement

    from core.accounts.models import Account
    from core.comments.models import Comment
    from core.context import Ctx
    from core.decisions import Decision
    from core.events.extensions import EventField
    from core.events.models import Event, Participation
    from core.identities.models import Identity
    from core.notifications import Notification, Recipient
    from core.notifications.join_digest import WaitingRequest
    from core.notifications.topics import Topic
    from core.outbox import OutboxHandler
    from core.periodic import PeriodicTask
    from core.plugins import ConfigSchema
    from core.runtime import Runtime
    from core.web.forms import FormState
    from core.web.slots import Fragment, Link, MenuLink, Slot

hookspec = pluggy.HookspecMarker("convene")


# ---------------------------------------------------------------------------
# registration (sync, at start-up)
# ---------------------------------------------------------------------------


@hookspec(historic=True)
def convene_addhooks(pm: pluggy.PluginManager) -> None:
    """Add the plugin's own hook specs with ``pm.add_hookspecs(module)``, so other plugins can extend it."""


@hookspec
def convene_config_schema() -> ConfigSchema | None:
    """Return a ``ConfigSchema`` describing the keys of ``[plugins.<plugin>]`` (and their environment overrides)."""


@hookspec
def convene_route_handlers() -> list[Any]:
    """Return Litestar route handlers or controllers to mount on the application."""


@hookspec
def convene_template_dirs() -> list[Path]:
    """Return template folders; the active theme still overrides any template in them."""


@hookspec
def convene_locale_dirs() -> list[Path]:
    """Return folders of translation catalogues (``<language>/LC_MESSAGES/messages.po``) for the plugin's strings."""


@hookspec
def convene_menu_links() -> list[MenuLink]:
    """Return links for the main menu, shown to members who are logged in."""


@hookspec
def convene_cli_commands() -> list[click.Command]:
    """Return click commands to add to the ``convene`` command line."""


@hookspec
def convene_outbox_handlers() -> dict[str, OutboxHandler]:
    """Return ``{kind: async handler(ctx, payload)}`` for outbox rows of those kinds."""


@hookspec
def convene_migrations_dir() -> Path | None:
    """Return the folder of the plugin's Alembic migrations (its own branch), if it has tables."""


@hookspec
def convene_event_fields() -> list[EventField]:
    """Return ``core.events.extensions.EventField``s: fields the plugin adds to events, checked and stored by it."""


@hookspec
def convene_uncached_media_types() -> list[str]:
    """Return media types the plugin answers on page URLs (``Accept``): such reads never get a cached page."""


@hookspec
def convene_periodic_tasks() -> list[PeriodicTask]:
    """Return ``core.periodic.PeriodicTask``s: work the workers run once per period, instance-wide."""


@hookspec
def convene_notification_topics() -> list[Topic]:
    """Return ``core.notifications.topics.Topic``s: kinds of news members choose to get or not, per identity."""


@hookspec
def convene_startup(runtime: Runtime) -> None:
    """Called once when the web application or a worker starts; raise ConfigError to refuse to start."""


@hookspec
async def convene_shutdown(runtime: Runtime) -> None:
    """Called once when the web application or a worker stops, after the worker: close what the plugin opened."""


# ---------------------------------------------------------------------------
# lifecycle (after the fact, inside the transaction; enqueue, never block)
# ---------------------------------------------------------------------------


@hookspec
async def convene_account_created(ctx: Ctx, account: Account) -> None:
    """An account was created (by sign-up or by an operator)."""


@hookspec
async def convene_account_deleted(ctx: Ctx, account: Account) -> None:
    """An account is being deleted; its identities were already deleted one by one."""


@hookspec
async def convene_signed_up(ctx: Ctx, account: Account, extra: dict[str, Any]) -> None:
    """Someone signed up: ``account`` and its first identity exist; ``extra`` holds the sign-up's extra fields."""


@hookspec
async def convene_identity_created(ctx: Ctx, identity: Identity) -> None:
    """A local identity was created."""


@hookspec
async def convene_identity_updated(ctx: Ctx, identity: Identity) -> None:
    """A local identity's public profile (display name, bio, avatar) changed."""


@hookspec
async def convene_identity_deleted(ctx: Ctx, identity: Identity) -> None:
    """A local identity is about to be deleted, after its events and participations."""


@hookspec
async def convene_event_created(ctx: Ctx, event: Event) -> None:
    """An event was created (it may still be a draft)."""


@hookspec
async def convene_event_published(ctx: Ctx, event: Event) -> None:
    """A draft event was published and is now visible according to its visibility."""


@hookspec
async def convene_event_updated(ctx: Ctx, event: Event, changed: dict[str, Any]) -> None:
    """A published event was edited; ``changed`` maps each changed field to its previous value."""


@hookspec
async def convene_event_cancelled(ctx: Ctx, event: Event) -> None:
    """A published event was cancelled (it stays visible, marked cancelled)."""


@hookspec
async def convene_event_deleted(ctx: Ctx, event: Event) -> None:
    """An event is about to be deleted; it is still readable, with its participations."""


@hookspec
async def convene_participation_requested(ctx: Ctx, participation: Participation) -> None:
    """Someone asked to join; ``participation.role`` is ``participant`` (free) or ``not_approved``."""


@hookspec
async def convene_participation_approved(ctx: Ctx, participation: Participation) -> None:
    """The organiser approved a pending participation."""


@hookspec
async def convene_participation_rejected(ctx: Ctx, participation: Participation) -> None:
    """The organiser rejected a participation."""


@hookspec
async def convene_participation_cancelled(ctx: Ctx, participation: Participation) -> None:
    """A participant left; the row is about to be deleted."""


@hookspec
async def convene_participant_count_changed(ctx: Ctx, event: Event) -> None:
    """A local event's count changed through people a plugin keeps (anonymous participants), not an identity's participation."""


@hookspec
async def convene_comment_created(ctx: Ctx, comment: Comment) -> None:
    """A comment or reply was posted on an event."""


@hookspec
async def convene_comment_updated(ctx: Ctx, comment: Comment) -> None:
    """A comment's text was edited by its author."""


@hookspec
async def convene_comment_deleted(ctx: Ctx, comment: Comment) -> None:
    """A comment was deleted by its author or the organiser (its text is already gone)."""


@hookspec
async def convene_held(ctx: Ctx, kind: str, target: Any, reasons: list[str]) -> None:
    """An ``event``, ``comment`` or ``account`` is held for a moderator's review, for these reasons."""


@hookspec
async def convene_released(ctx: Ctx, kind: str, target: Any) -> None:
    """A moderator released a held ``event``, ``comment`` or ``account``; it is shown (or may log in) now."""


@hookspec
async def convene_deliver_notification(ctx: Ctx, notification: Notification) -> bool | None:
    """Deliver a notification (email, push...); return True when delivered. Runs in the worker."""


# ---------------------------------------------------------------------------
# decisions (every implementation is asked; any deny wins; None abstains)
# ---------------------------------------------------------------------------


@hookspec
async def convene_can_register(ctx: Ctx, email: str) -> Decision | None:
    """May this email address sign up (after the instance's registration mode allowed it)?"""


@hookspec
async def convene_check_sign_up(ctx: Ctx, email: str, extra: dict[str, Any]) -> dict[str, str] | None:
    """Check a sign-up's extra fields (``extra.<name>``) before anything is written: return ``{name: message}`` to refuse."""


@hookspec
async def convene_can_act(ctx: Ctx, identity: Identity, action: str) -> Decision | None:
    """May this identity act now (``event.create``, ``comment.post``...)? Deny it while it is suspended."""


@hookspec
async def convene_can_save_event(ctx: Ctx, event: Event, action: str, changed: dict[str, Any]) -> Decision | None:
    """May ``event``, as it would be, be saved? ``action``: create, publish or update; hold is understood."""


@hookspec
async def convene_can_join_event(ctx: Ctx, identity: Identity, event: Event) -> Decision | None:
    """May this identity join this event (after the core's own rules: status, capacity)?"""


@hookspec
async def convene_check_content(ctx: Ctx, author: Identity, kind: str, text: str) -> Decision | None:
    """Is this user-written text acceptable? ``kind`` is e.g. ``event``, ``comment``, ``profile``."""


@hookspec
async def convene_can_moderate(ctx: Ctx, action: str, target: Any) -> Decision | None:
    """Grant ``ctx.viewer`` an action on what is not theirs (``event.delete``...): only ``allow`` grants."""


@hookspec
async def convene_after_login(ctx: Ctx, account: Account) -> str | None:
    """Return a local page this account must see first after logging in (new terms to accept); the core adds ``next``."""


# ---------------------------------------------------------------------------
# filters (narrow every listing; conditions are ANDed to the core's own)
# ---------------------------------------------------------------------------


@hookspec
async def convene_filter_events(ctx: Ctx) -> ColumnElement[bool] | None:
    """Return a SQL condition on ``Event`` rows; events failing it are hidden from ``ctx.viewer`` everywhere."""


@hookspec
async def convene_filter_comments(ctx: Ctx) -> ColumnElement[bool] | None:
    """Return a SQL condition on ``Comment`` rows; comments failing it are hidden from ``ctx.viewer`` everywhere."""


@hookspec
async def convene_filter_identities(ctx: Ctx) -> ColumnElement[bool] | None:
    """Return a SQL condition on ``Identity`` rows; profiles failing it are not found by ``ctx.viewer``."""


# ---------------------------------------------------------------------------
# transforms (extend a representation)
# ---------------------------------------------------------------------------


@hookspec
async def convene_negotiate(ctx: Ctx, request: Any, kind: str, key: str, obj: Any) -> Any | None:
    """Answer a public page's URL in another format the client asked for, as a Litestar Response."""


@hookspec
async def convene_join_requests_waiting(ctx: Ctx) -> list[WaitingRequest]:
    """Return requests to join the plugin keeps that wait for their organiser's hourly digest, marked told now."""


@hookspec
async def convene_notification_recipients(ctx: Ctx, event: Event, audience: str) -> list[Recipient]:
    """Return people the plugin knows who follow ``event`` but hold no identity here (``audience``: going, pending or all)."""


@hookspec
async def convene_event_links(ctx: Ctx, event: Event) -> list[Link]:
    """Return links offered on an event page and in its API answer (e.g. "Add to calendar")."""


@hookspec
async def convene_event_json(ctx: Ctx, event: Event, data: dict[str, Any]) -> None:
    """Add keys to an event's ``extra`` object in the JSON API (mutate ``data`` in place)."""


@hookspec
async def convene_account_export(ctx: Ctx, account: Account, data: dict[str, Any]) -> None:
    """Add what the plugin keeps about ``account`` to its "download my data" document (one key, the plugin's name)."""


@hookspec
async def convene_instance_metadata(ctx: Ctx, data: dict[str, Any]) -> None:
    """Add keys to the instance's ``metadata``, in ``/api/v1/instance`` and NodeInfo (mutate ``data`` in place)."""


# ---------------------------------------------------------------------------
# page slots (async; ``slot`` renders the plugin's templates in the reader's language)
# ---------------------------------------------------------------------------


@hookspec
async def convene_event_sidebar(ctx: Ctx, slot: Slot, event: Event) -> Fragment | None:
    """Return a fragment for the event page's sidebar (a report button, a waiting-list form)."""


@hookspec
async def convene_event_participants(ctx: Ctx, slot: Slot, event: Event) -> Fragment | None:
    """Return a fragment for the organiser's participant list on the event page (people the plugin holds)."""


@hookspec
async def convene_comment_actions(ctx: Ctx, slot: Slot, comments: list[Comment]) -> dict[int, Fragment] | None:
    """Return fragments shown under comments of an event page, by comment id."""


@hookspec
async def convene_profile_sidebar(ctx: Ctx, slot: Slot, identity: Identity) -> Fragment | None:
    """Return a fragment for an identity's public profile page."""


@hookspec
async def convene_settings_sections(ctx: Ctx, slot: Slot) -> Fragment | None:
    """Return a section for the account settings page (the member's own preferences for the plugin)."""


@hookspec
async def convene_about_sections(ctx: Ctx, slot: Slot) -> Fragment | None:
    """Return a section for the instance's about page (its published documents, its rules)."""


@hookspec
async def convene_signup_fields(ctx: Ctx, slot: Slot, form: FormState) -> Fragment | None:
    """Return fields for the sign-up form, named ``extra.<name>`` (``form``: their values and errors)."""


@hookspec
async def convene_event_form_fields(ctx: Ctx, slot: Slot, event: Event | None, form: FormState) -> Fragment | None:
    """Return fields for the event form, named ``extra.<field>`` (``form``: their values and errors)."""
