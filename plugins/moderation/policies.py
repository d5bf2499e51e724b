"""The instance's deciding policies, from ``[plugins.moderation]``, through the core's decision hooks.

Other plugins add theirs to the same hooks and any deny wins, so these only ever refuse or
hold, never grant. Each reason is a message in the catalogues, shown in the reader's language:

* ``approve_accounts``: a new account waits for a moderator's approval (``convene_can_register``
  answers hold; the core keeps it from logging in and says why);
* ``hold_new_accounts_days``, ``hold_domains``: events and comments of young local accounts,
  or of remote authors from those domains, wait for review (hold: ``convene_can_save_event``
  for events, ``convene_check_content`` for comments). Moderators' own are not held;
* ``refused_words``, ``refused_link_domains``: text with one of the words (whole words, any
  case), or a link to one of the domains or their subdomains, is refused, naming the word or the
  domain, whoever writes it, moderators included;
* ``events_per_identity_per_day``, ``comments_per_identity_per_hour``: an identity beyond its
  count is refused (``convene_can_act`` on ``event.create``, ``comment.post``); moderators are not counted.
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from core.accounts.models import Account
from core.comments.models import Comment
from core.context import Ctx
from core.db.base import utcnow
from core.decisions import Decision
from core.events.models import Event
from core.i18n import N_, Message
from core.identities.models import Identity
from core.plugins import hookimpl
from plugins.moderation.config import ModerationConfig
from plugins.moderation.roles import STAFF_ROLES

LINK = re.compile(r"https?://[^\s\"'<>]+", re.IGNORECASE)
WAIT_FOR_APPROVAL = N_("new accounts here wait for a moderator’s approval before they can log in")
NEW_ACCOUNTS_HELD = N_("what new accounts publish here waits for a moderator’s review")
# (the hook's action, the column counted, the window, the config's limit, the refusal)
LIMITS = {
    "event.create": (Event.organizer_id, Event.created_at, timedelta(days=1), "events_per_identity_per_day",
                     N_("this profile reached the instance’s limit of events a day (%(count)s): try again later")),
    "comment.post": (Comment.author_id, Comment.created_at, timedelta(hours=1), "comments_per_identity_per_hour",
                     N_("this profile reached the instance’s limit of comments an hour (%(count)s): try again later")),
}


def _config(ctx: Ctx) -> ModerationConfig:
    config: ModerationConfig = ctx.config("moderation")
    return config


def _within(host: str, domains: list[str]) -> str:
    """The configured domain ``host`` (a port ignored) is or is under, or ""."""
    host = (urlsplit(f"//{host}").hostname or host).lower().rstrip(".")
    for domain in domains:
        domain = domain.lower().strip().strip(".")
        if domain and (host == domain or host.endswith(f".{domain}")):
            return domain
    return ""


async def _account(ctx: Ctx, identity: Identity) -> Account | None:
    return await ctx.session.get(Account, identity.account_id) if identity.account_id is not None else None


async def _hold_reason(ctx: Ctx, author: Identity) -> str | None:
    """Why what ``author`` writes waits for review: a young local account, or a held remote domain."""
    config = _config(ctx)
    if not author.is_local:
        domain = _within(author.domain, config.hold_domains)
        return Message("what comes from %(domain)s waits for a moderator’s review", domain=domain) if domain else None
    account = await _account(ctx, author)
    if account is None or account.role in STAFF_ROLES or not config.hold_new_accounts_days:
        return None
    young = account.created_at > utcnow() - timedelta(days=config.hold_new_accounts_days)
    return NEW_ACCOUNTS_HELD if young else None


@hookimpl(specname="convene_can_register")
async def accounts_wait_for_approval(ctx: Ctx) -> Decision | None:
    return Decision.hold(WAIT_FOR_APPROVAL) if _config(ctx).approve_accounts else None


@hookimpl(specname="convene_can_save_event")
async def hold_events_for_review(ctx: Ctx, event: Event, action: str) -> Decision | None:
    # a draft is seen by nobody: its publication is what is held
    if action == "create":
        return None
    reason = await _hold_reason(ctx, event.organizer)
    return Decision.hold(reason) if reason else None


@hookimpl(specname="convene_check_content")
async def refuse_words_and_links(ctx: Ctx, author: Identity, kind: str, text: str) -> Decision | None:
    config = _config(ctx)
    for word in config.refused_words:
        if word.strip() and re.search(rf"(?<!\w){re.escape(word.strip())}(?!\w)", text, re.IGNORECASE):
            return Decision.deny(Message("the text contains “%(word)s”, which this instance refuses", word=word.strip()))
    for link in LINK.findall(text):
        domain = _within(urlsplit(link).hostname or "", config.refused_link_domains)
        if domain:
            return Decision.deny(Message("links to %(domain)s are refused here", domain=domain))
    if kind == "comment":
        reason = await _hold_reason(ctx, author)
        return Decision.hold(reason) if reason else None
    return None


@hookimpl(specname="convene_can_act")
async def rate_limits(ctx: Ctx, identity: Identity, action: str) -> Decision | None:
    if action not in LIMITS:
        return None
    owner_column, at_column, window, setting, refusal = LIMITS[action]
    limit: int = getattr(_config(ctx), setting)
    if not limit:
        return None
    account = await _account(ctx, identity)
    if account is not None and account.role in STAFF_ROLES:
        return None
    query = select(func.count()).select_from(owner_column.class_).where(
        owner_column == identity.id, at_column > utcnow() - window)
    if (await ctx.session.scalar(query) or 0) >= limit:
        return Decision.deny(Message(refusal, count=limit))
    return None
