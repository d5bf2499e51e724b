"""testkit_moderation: moderator powers with an audit log, suspensions, and forms in page slots.

* Accounts of role moderator (or administrator) are granted every action the core asks
  about on what is not theirs (``convene_can_moderate``); each action but looking is
  written in the plugin's log in the same transaction, so a failed one leaves no line.
* A suspended identity cannot act (``convene_can_act``), and its events, comments and
  profile disappear (the three filter hooks).
* Moderators find their tools in page slots: "Hold for review" or "Release" in the
  event sidebar, "Suspend" on a profile; forms with the CSRF token, posted to the
  plugin's own routes (moderation.routes).
* Moderators' own events get an ``allow`` from it on saving: an allow that never
  silences another plugin's deny or hold (the tests prove it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, or_, select

from convene_testkit import LOCALE, TEMPLATES
from convene_testkit.moderation.models import Suspension
from convene_testkit.moderation.powers import MODERATOR_ROLES, is_moderator, record
from convene_testkit.moderation.routes import HANDLERS
from core.accounts.models import Account
from core.comments.models import Comment
from core.context import Ctx
from core.decisions import Decision
from core.events.models import Event
from core.i18n import N_
from core.identities.models import Identity
from core.plugins import hookimpl
from core.web.slots import Fragment, Slot

LOOKING = "event.view"


def _suspended() -> Any:
    return select(Suspension.identity_id)


@hookimpl
def convene_migrations_dir() -> Path:
    return Path(__file__).resolve().parent / "migrations"


@hookimpl
def convene_template_dirs() -> list[Path]:
    return [TEMPLATES]


@hookimpl
def convene_locale_dirs() -> list[Path]:
    return [LOCALE]


@hookimpl
def convene_route_handlers() -> list[Any]:
    return HANDLERS


@hookimpl
async def convene_can_moderate(ctx: Ctx, action: str, target: Any) -> Decision | None:
    if not is_moderator(ctx.viewer):
        return None
    if action != LOOKING:
        record(ctx, action, target)
    return Decision.allow()


@hookimpl
async def convene_can_act(ctx: Ctx, identity: Identity) -> Decision | None:
    if await ctx.session.get(Suspension, identity.id) is not None:
        return Decision.deny(N_("this identity is suspended by the moderators"))
    return None


@hookimpl
async def convene_can_save_event(ctx: Ctx, event: Event) -> Decision | None:
    account_id = event.organizer.account_id
    account = await ctx.session.get(Account, account_id) if account_id is not None else None
    return Decision.allow() if account is not None and account.role in MODERATOR_ROLES else None


@hookimpl
async def convene_filter_events(ctx: Ctx) -> ColumnElement[bool]:
    return Event.organizer_id.not_in(_suspended())


@hookimpl
async def convene_filter_comments(ctx: Ctx) -> ColumnElement[bool]:
    # an anonymised comment has no author: NULL NOT IN (...) would hide it
    return or_(Comment.author_id.is_(None), Comment.author_id.not_in(_suspended()))


@hookimpl
async def convene_filter_identities(ctx: Ctx) -> ColumnElement[bool]:
    return Identity.id.not_in(_suspended())


@hookimpl
async def convene_event_sidebar(ctx: Ctx, slot: Slot, event: Event) -> Fragment | None:
    if not is_moderator(ctx.viewer) or event.draft:
        return None
    return Fragment(slot.render("testkit/moderator_event_tools.html", event=event))


@hookimpl
async def convene_profile_sidebar(ctx: Ctx, slot: Slot, identity: Identity) -> Fragment | None:
    if not is_moderator(ctx.viewer) or ctx.viewer.holds(identity.id):
        return None
    return Fragment(slot.render("testkit/moderator_profile_tools.html", identity=identity))
