"""Creating, editing, switching and deleting the identities of an account."""

from __future__ import annotations

import re

from sqlalchemy import and_, func, select, true

from core.accounts.models import Account, Credential
from core.comments.service import anonymise_comments_of
from core.context import Ctx
from core.db.claim import claim
from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.events.participation import leave_all
from core.events.service import delete_events_of
from core.i18n import Message
from core.identities.models import Identity
from core.media import AVATAR_SIDE, remove_image, store_image
from core.permissions import may_moderate, require_can_act
from core.sanitize import plain_text, rich_text

USERNAME_MAX = 30
USERNAME_PATTERN = rf"^[a-z0-9_]{{1,{USERNAME_MAX}}}$"  # also written into the OpenAPI document
USERNAME_RE = re.compile(USERNAME_PATTERN)
# names that would collide with the instance's own paths or mislead people
RESERVED = {"admin", "administrator", "api", "relay", "inbox", "outbox", "events", "static", "media", "moderator",
            "root", "support", "convene", "instance", "about", "login", "logout", "signup", "settings", "search"}
DISPLAY_NAME_MAX, BIO_MAX = 100, 2000


async def identities_of(ctx: Ctx, account: Account) -> list[Identity]:
    result = await ctx.session.scalars(
        select(Identity).where(Identity.account_id == account.id).order_by(Identity.is_default.desc(), Identity.id)
    )
    return list(result)


async def find_local_identity(ctx: Ctx, username: str) -> Identity | None:
    """A local identity's public profile by its username, unless a plugin hides it from ``ctx.viewer``
    (``convene_filter_identities``: a suspended identity is not found on its page, by the API or by servers)."""
    query = select(Identity).where(Identity.username == username.lower(), Identity.domain == "")
    return await ctx.session.scalar(query.where(and_(true(), *await ctx.call("convene_filter_identities"))))


async def local_identity(ctx: Ctx, username: str) -> Identity:
    identity = await find_local_identity(ctx, username)
    if identity is None:
        raise NotFound("no such identity")
    return identity


async def own_identity(ctx: Ctx, account: Account, username: str | None, field: str = "identity") -> Identity:
    """The account's identity by username (its default when None), or a field error.

    The refusal is the same whether the name is unknown or belongs to someone else,
    so probing it tells nothing about other accounts.
    """
    query = select(Identity).where(Identity.account_id == account.id)
    query = query.where(Identity.username == username.lower()) if username else query.where(Identity.is_default.is_(True))
    identity = await ctx.session.scalar(query)
    if identity is None:
        raise InvalidInput.field(field, "this is not one of your identities")
    return identity


def _check_profile(display_name: str | None, bio: str | None) -> dict[str, str]:
    clean: dict[str, str] = {}
    if display_name is not None:
        display_name = plain_text(display_name)
        if len(display_name) > DISPLAY_NAME_MAX:
            raise InvalidInput.field("display_name", Message("must be at most %(count)s characters", count=DISPLAY_NAME_MAX))
        clean["display_name"] = display_name
    if bio is not None:
        if len(bio) > BIO_MAX:
            raise InvalidInput.field("bio", Message("must be at most %(count)s characters", count=BIO_MAX))
        clean["bio"] = rich_text(bio)
    return clean


async def _check_profile_content(ctx: Ctx, identity: Identity) -> None:
    """The plugins' content policies on a profile's words (a hold refuses: profiles are not held)."""
    text = f"{identity.display_name}\n{identity.bio}"
    await ctx.require_allowed("convene_check_content", author=identity, kind="profile", text=text)


async def _check_username(ctx: Ctx, username: str) -> str:
    username = username.strip()
    if not USERNAME_RE.match(username):
        raise InvalidInput.field("username", "use 1 to 30 lowercase letters, digits or underscores")
    if username in RESERVED:
        raise InvalidInput.field("username", "this name is reserved")
    if await ctx.session.scalar(select(func.count()).where(Identity.username == username, Identity.domain == "")):
        raise InvalidInput.field("username", "this name is already taken")
    return username


async def check_new_identity(ctx: Ctx, username: str, display_name: str = "") -> str:
    """Refuse what ``create_identity`` would refuse in a new account's first identity, creating nothing
    (a sign-up with an address already in use answers as if it had made one). Returns the username."""
    username = await _check_username(ctx, username)
    profile = _check_profile(display_name, None)
    await _check_profile_content(ctx, Identity(username=username, domain="", bio="", **profile))
    return username


async def create_identity(ctx: Ctx, account: Account, username: str, display_name: str = "", bio: str = "") -> Identity:
    username = await _check_username(ctx, username)
    profile = _check_profile(display_name, bio)
    existing = await identities_of(ctx, account)
    if len(existing) >= ctx.settings.limits.identities_per_account:
        raise Conflict(Message("an account may hold at most %(count)s identities",
                               count=ctx.settings.limits.identities_per_account))
    identity = Identity(account_id=account.id, username=username, is_default=not existing, **profile)
    ctx.session.add(identity)
    await ctx.session.flush()
    await require_can_act(ctx, identity, "identity.create")
    await _check_profile_content(ctx, identity)
    await ctx.emit("convene_identity_created", identity=identity)
    return identity


async def update_identity(
    ctx: Ctx, identity: Identity, display_name: str | None = None, bio: str | None = None,
    avatar: bytes | None = None, remove_avatar: bool = False,
) -> Identity:
    await require_can_act(ctx, identity, "identity.update")
    profile = _check_profile(display_name, bio)
    for key, value in profile.items():
        setattr(identity, key, value)
    await _check_profile_content(ctx, identity)
    new_avatar = None
    if avatar is not None:
        new_avatar = await store_image(ctx, "avatars", avatar, "avatar", ctx.settings.limits.avatar_max_bytes,
                                       AVATAR_SIDE)
    if new_avatar or remove_avatar:
        remove_image(ctx, identity.avatar)
        identity.avatar = new_avatar
    await ctx.emit("convene_identity_updated", identity=identity)
    return identity


async def set_default_identity(ctx: Ctx, account: Account, identity: Identity) -> None:
    if identity.account_id != account.id:
        raise Forbidden("this is not one of your identities")
    for other in await identities_of(ctx, account):
        other.is_default = other.id == identity.id


async def act_as(credential: Credential, identity: Identity) -> None:
    """From now on this web session acts as ``identity`` (one of the session's account)."""
    if identity.account_id != credential.account_id:
        raise Forbidden("this is not one of your identities")
    credential.identity_id = identity.id


async def delete_identity(ctx: Ctx, identity: Identity) -> None:
    """Its account's owner deletes an identity, or a moderator a plugin grants it to (``identity.delete``)."""
    owner = ctx.viewer.account is not None and ctx.viewer.account.id == identity.account_id
    if not owner and not await may_moderate(ctx, "identity.delete", identity):
        raise Forbidden("this is not one of your identities")
    await remove_identity(ctx, identity)


async def remove_identity(ctx: Ctx, identity: Identity, allow_last: bool = False) -> None:
    """Delete an identity whose deletion was allowed: its events are deleted, its places given back,
    its comments anonymised. ``allow_last`` when its account goes too. A concurrent request that
    removed it first makes this one a 404 that writes nothing."""
    account_claimed = identity.account_id is None or await claim(ctx.session, Account, identity.account_id)
    if not (account_claimed and await claim(ctx.session, Identity, identity.id)):
        raise NotFound("no such identity")
    account = await ctx.session.get_one(Account, identity.account_id)
    mine = await identities_of(ctx, account)
    if len(mine) == 1 and not allow_last:
        raise Conflict("an account keeps at least one identity; delete the account instead")
    await delete_events_of(ctx, identity)
    await leave_all(ctx, identity)
    await anonymise_comments_of(ctx, identity)
    await ctx.emit("convene_identity_deleted", identity=identity)
    remove_image(ctx, identity.avatar)
    await ctx.session.delete(identity)
    await ctx.session.flush()
    if identity.is_default:
        rest = [i for i in mine if i.id != identity.id]
        if rest:
            rest[0].is_default = True
