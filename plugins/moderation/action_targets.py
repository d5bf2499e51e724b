"""What a moderator's action is about, from what they give: an address of this instance or an account id.

Moderators paste what they see: an event's address (``/events/<uuid>``), a comment's
(``/comments/<uuid>``, or the event page's ``#c-<uuid>`` anchor), a profile's
(``/@name``, or ``/@name@domain`` for a remote one), each with or without this
instance's origin, and a number for an account. Anything else, or another site's
address, is a 422 naming the field: nothing is fetched from elsewhere. The lookups
ignore what the filters hide (a suspended identity stays findable, to unsuspend it), unlike
a report's target (targets.py), which must be visible to its reporter.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from core.accounts.models import Account
from core.comments.models import Comment
from core.context import Ctx
from core.errors import InvalidInput
from core.events.models import Event
from core.i18n import N_
from core.identities.models import Identity

Target = Event | Comment | Identity | Account
FIELD = "target"
NOT_HERE = N_("give the address of an event, a comment or a profile on this instance, or an account’s number")
UNKNOWN = N_("nothing here has this address")


def parsed(ctx: Ctx, text: str) -> tuple[str, str]:
    """``(kind, key)`` of a target as given: ``event``/``comment`` and a uuid, ``identity`` and a
    handle, or ``account`` and an id. Refuses (422) what is not one of them."""
    text = text.strip()
    if text.isdigit() and len(text) <= 18:
        return "account", str(int(text))
    parts = urlsplit(text)
    here = urlsplit(ctx.settings.public_url)
    if (parts.scheme or parts.netloc) and (parts.scheme, parts.netloc.lower()) != (here.scheme, here.netloc.lower()):
        raise InvalidInput.field(FIELD, NOT_HERE)
    path, anchor = parts.path, parts.fragment
    if path.startswith("/events/") and anchor.startswith("c-"):
        return "comment", _uuid(anchor.removeprefix("c-"))
    for prefix, kind in (("/events/", "event"), ("/comments/", "comment")):
        if path.startswith(prefix):
            return kind, _uuid(path.removeprefix(prefix).strip("/"))
    if path.startswith("/@") and len(path) <= 400:
        return "identity", path.removeprefix("/@").strip("/").lower()
    raise InvalidInput.field(FIELD, NOT_HERE)


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise InvalidInput.field(FIELD, NOT_HERE) from None


async def found(ctx: Ctx, text: str) -> Target:
    """The row the target names, whatever the filters hide; 422 when there is none."""
    kind, key = parsed(ctx, text)
    target = await row_of(ctx, kind, key)
    if target is None:
        raise InvalidInput.field(FIELD, UNKNOWN)
    return target


async def row_of(ctx: Ctx, kind: str, key: str) -> Target | None:
    """The row of ``kind`` by its key as ``parsed`` gives it (or as a log line keeps it: an identity's id)."""
    query: Any
    if kind == "event":
        query = select(Event).where(Event.uuid == uuid.UUID(key))
    elif kind == "comment":
        query = select(Comment).where(Comment.uuid == uuid.UUID(key))
    elif kind == "account":
        query = select(Account).where(Account.id == int(key))
    elif key.isdigit():
        query = select(Identity).where(Identity.id == int(key))
    else:
        username, _, domain = key.partition("@")
        query = select(Identity).where(Identity.username == username, Identity.domain == domain)
    return await ctx.session.scalar(query)


async def log_key(ctx: Ctx, text: str) -> tuple[str, str]:
    """``(target_kind, target_ref)`` as log lines keep them, for a target as given: a deleted event
    or comment is still found in the log by its address; an unknown profile is a 422."""
    kind, key = parsed(ctx, text)
    if kind != "identity":
        return kind, key
    identity = await row_of(ctx, kind, key)
    if identity is None:
        raise InvalidInput.field(FIELD, UNKNOWN)
    return kind, str(identity.id)
