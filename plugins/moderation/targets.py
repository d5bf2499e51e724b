"""What a report's ``target`` address names: an event, a comment or a profile, here or stored from elsewhere.

Local addresses are read here, in the shapes the instance publishes (``/events/{uuid}``,
``/events/{uuid}#c-{uuid}``, ``/comments/{uuid}``, ``/@name``), given whole
(``https://this.instance/...``) or as a path. Other instances' addresses are asked of
the plugins (``moderation_resolve_target``: federation knows its stored copies); with
no answer the address is "not known here". Whatever is found must be visible to the
reporter: a draft, a held or a private event of someone else is as unknown as a
wrong address, so reporting never tells what exists.
"""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

from sqlalchemy import and_, select, true

from core.comments.models import Comment
from core.comments.service import visible_comments
from core.context import Ctx
from core.errors import InvalidInput, NotFound
from core.events.listing import visible_event
from core.events.models import Event
from core.i18n import N_
from core.identities.models import Identity
from core.identities.service import find_local_identity
from plugins.moderation.filing import Target

TARGET_MAX = 2048
UUID = r"[0-9a-fA-F-]{32,36}"
EVENT_PATH = re.compile(rf"^/events/({UUID})/?$")
COMMENT_PATH = re.compile(rf"^/comments/({UUID})/?$")
COMMENT_ANCHOR = re.compile(rf"^c-({UUID})$")
PROFILE_PATH = re.compile(r"^/@([A-Za-z0-9_.-]{1,64})/?$")
NOT_KNOWN = N_("this address is not known here")
NOT_REPORTABLE = N_("give the address of an event, a comment or a profile")


def _invalid(message: str) -> InvalidInput:
    return InvalidInput({"target": message})


def _uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise _invalid(NOT_KNOWN) from None


def is_local(ctx: Ctx, url: str) -> bool:
    """A path, or an address on this instance's public origin."""
    parts, home = urlsplit(url), urlsplit(ctx.settings.public_url)
    if not parts.scheme and not parts.netloc:
        return url.startswith("/")
    return (parts.scheme.lower(), parts.netloc.lower()) == (home.scheme.lower(), home.netloc.lower())


async def resolve(ctx: Ctx, url: str) -> Target:
    """The thing ``url`` names, as the viewer may see it; 422 for an address that names nothing
    reportable, 404 for one the viewer may not see (as if it did not exist)."""
    url = url.strip()
    if not url or len(url) > TARGET_MAX or any(ord(ch) < 0x20 for ch in url):
        raise _invalid(NOT_REPORTABLE)
    if is_local(ctx, url):
        target = await _local(ctx, url)
    else:
        found = [answer for answer in await ctx.call("moderation_resolve_target", url=url) if answer is not None]
        if not found:
            raise _invalid(NOT_KNOWN)
        target = found[0]
    return await visible(ctx, target)


async def _local(ctx: Ctx, url: str) -> Target:
    parts = urlsplit(url)
    if match := EVENT_PATH.match(parts.path):
        anchor = COMMENT_ANCHOR.match(parts.fragment)
        if anchor is None:
            return await _event(ctx, _uuid(match.group(1)))
        event = await _event(ctx, _uuid(match.group(1)))
        comment = await _comment(ctx, _uuid(anchor.group(1)))
        if comment.event_id != event.id:
            raise NotFound("no such comment")
        return comment
    if match := COMMENT_PATH.match(parts.path):
        return await _comment(ctx, _uuid(match.group(1)))
    if match := PROFILE_PATH.match(parts.path):
        identity = await find_local_identity(ctx, match.group(1))
        if identity is None:
            raise NotFound("no such identity")
        return identity
    raise _invalid(NOT_REPORTABLE)


async def _event(ctx: Ctx, key: uuid.UUID) -> Event:
    event = await ctx.session.scalar(select(Event).where(Event.uuid == key))
    if event is None:
        raise NotFound("no such event")
    return event


async def _comment(ctx: Ctx, key: uuid.UUID) -> Comment:
    comment = await ctx.session.scalar(select(Comment).where(Comment.uuid == key, Comment.deleted_at.is_(None)))
    if comment is None:
        raise NotFound("no such comment")
    return comment


async def visible(ctx: Ctx, target: Target) -> Target:
    """``target`` if the viewer may see it (its event too, for a comment), else the 404 of an unknown one."""
    if isinstance(target, Event):
        return await visible_event(ctx, target.uuid)
    if isinstance(target, Comment):
        await visible_event(ctx, (await ctx.session.get_one(Event, target.event_id)).uuid)
        shown = await ctx.session.scalar(await visible_comments(ctx, select(Comment.id).where(Comment.id == target.id)))
        if shown is None or target.deleted_at is not None:
            raise NotFound("no such comment")
        return target
    query = select(Identity.id).where(Identity.id == target.id)
    if await ctx.session.scalar(query.where(and_(true(), *await ctx.call("convene_filter_identities")))) is None:
        raise NotFound("no such identity")
    return target


async def live_url(ctx: Ctx, target: Target, reported_url: str) -> str:
    """The address a moderator opens to see ``target`` as it is now: its page here (stored copies of
    other instances' events have one too), or for a remote profile the address it was reported at."""
    if isinstance(target, Event):
        return ctx.settings.url(f"/events/{target.uuid}")
    if isinstance(target, Comment):
        event = await ctx.session.get_one(Event, target.event_id)
        return ctx.settings.url(f"/events/{event.uuid}#c-{target.uuid}")
    return ctx.settings.url(f"/@{target.username}") if target.is_local else reported_url
