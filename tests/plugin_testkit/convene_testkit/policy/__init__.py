"""testkit_policy: an instance's own rules for events, on documented hooks alone.

* refuses events starting at or after ``latest_hour`` in their own timezone
  (``convene_can_save_event``) and text containing a banned word (``convene_check_content``);
* holds the publishing of events by accounts younger than
  ``hold_accounts_younger_than_hours``, and sign-ups from ``review_sign_ups_from``
  domains, for a moderator's review;
* hides events containing a banned word everywhere (``convene_filter_events``): those
  written before the word was banned, or that arrived from another server;
* says its rule in every event's sidebar, in the reader's language;
* counts the published events every hour (a periodic task, into its own table);
* takes more banned words from other plugins through a hook of its own,
  ``testkit_policy_banned_words``.

Banned words match anywhere in the text, ignoring case, in Python and in SQL alike.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import msgspec
from msgspec import Meta
from sqlalchemy import ColumnElement, func, not_, or_, select

from convene_testkit import LOCALE, TEMPLATES
from convene_testkit.policy import hookspecs
from convene_testkit.policy.models import PublishedCount
from core.accounts.models import Account
from core.context import Ctx
from core.db.base import utcnow
from core.decisions import Decision
from core.events.listing import visible_events
from core.events.models import Event
from core.i18n import N_, Message
from core.outbox import enqueue
from core.periodic import PeriodicTask
from core.plugins import ConfigSchema, call_sync, hookimpl
from core.web.slots import Fragment, Slot

NAME = "testkit_policy"
PUBLISHED = "testkit_policy.published"
log = logging.getLogger(__name__)


class PolicyConfig(msgspec.Struct, forbid_unknown_fields=True):
    banned_words: list[str] = []
    latest_hour: Annotated[int, Meta(ge=0, le=24)] = 22
    hold_accounts_younger_than_hours: Annotated[float, Meta(ge=0)] = 24
    review_sign_ups_from: list[str] = []


def banned_words(ctx: Ctx) -> list[str]:
    """The configured words and those other plugins add, lower-cased."""
    added = call_sync(ctx.pm, "testkit_policy_banned_words", ctx=ctx)
    words = [*ctx.config(NAME).banned_words, *(word for answer in added for word in answer)]
    return sorted({word.strip().lower() for word in words if word.strip()})


async def _young(ctx: Ctx, account_id: int | None) -> bool:
    """Whether the account is younger than the configured age (a remote identity has none here)."""
    if account_id is None:
        return False
    account = await ctx.session.get(Account, account_id)
    age = timedelta(hours=ctx.config(NAME).hold_accounts_younger_than_hours)
    return account is not None and account.created_at > utcnow() - age


@hookimpl
def convene_addhooks(pm: Any) -> None:
    pm.add_hookspecs(hookspecs)


@hookimpl
def convene_config_schema() -> ConfigSchema:
    return ConfigSchema(NAME, PolicyConfig)


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
async def convene_can_save_event(ctx: Ctx, event: Event, action: str) -> Decision | None:
    latest = ctx.config(NAME).latest_hour
    if event.begins_at.astimezone(ZoneInfo(event.timezone)).hour >= latest:
        return Decision.deny(Message("events here must start before %(hour)s:00", hour=latest))
    if action == "publish" and await _young(ctx, event.organizer.account_id):
        return Decision.hold(N_("events of new accounts are shown once a moderator has looked at them"))
    return None


@hookimpl
async def convene_check_content(ctx: Ctx, text: str) -> Decision | None:
    lowered = text.lower()
    if any(word in lowered for word in banned_words(ctx)):
        return Decision.deny(N_("this text contains a word this instance does not accept"))
    return None


@hookimpl
async def convene_can_register(ctx: Ctx, email: str) -> Decision | None:
    if email.rsplit("@", 1)[-1].lower() in ctx.config(NAME).review_sign_ups_from:
        return Decision.hold(N_("sign-ups from this address wait for a moderator's approval"))
    return None


@hookimpl
async def convene_filter_events(ctx: Ctx) -> ColumnElement[bool] | None:
    words = banned_words(ctx)
    if not words:
        return None
    return not_(or_(*(func.lower(column).contains(word, autoescape=True)
                      for word in words for column in (Event.title, Event.description))))


@hookimpl
async def convene_event_sidebar(ctx: Ctx, slot: Slot) -> Fragment:
    return Fragment(slot.render("testkit/policy_note.html", latest_hour=ctx.config(NAME).latest_hour))


@hookimpl
async def convene_event_published(ctx: Ctx, event: Event) -> None:
    await enqueue(ctx.session, PUBLISHED, {"uuid": str(event.uuid), "title": event.title})


async def _announce(ctx: Ctx, payload: dict[str, Any]) -> None:
    """The worker's side of a publication (where a real policy would tell someone)."""
    log.info("published under the %s:00 rule: %s", ctx.config(NAME).latest_hour, payload["uuid"])


@hookimpl
def convene_outbox_handlers() -> dict[str, Any]:
    return {PUBLISHED: _announce}


async def count_published(ctx: Ctx) -> None:
    """How many published events anyone may see now (the listing filters apply, in the job too)."""
    shown = await visible_events(ctx, select(Event.id))
    total = await ctx.session.scalar(select(func.count()).select_from(shown.subquery()))
    ctx.session.add(PublishedCount(counted_at=utcnow(), published=total or 0))


@hookimpl
def convene_periodic_tasks() -> list[PeriodicTask]:
    return [PeriodicTask(f"{NAME}.count_published", timedelta(hours=1), count_published)]
