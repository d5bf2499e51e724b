"""Sign-up, confirmation, login credentials, password and email changes, deletion, export."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, select

from core.accounts.models import ROLES, Account, AccountToken, Credential
from core.context import Ctx
from core.db.base import utcnow
from core.decisions import Verdict
from core.errors import Conflict, Forbidden, InvalidInput, NotAuthenticated, NotFound
from core.events.validation import check_timezone
from core.exports import account_export
from core.i18n import N_, Message, languages, stored_messages, translations
from core.identities.service import check_new_identity, create_identity, identities_of, remove_identity
from core.notifications import Notification, notify
from core.permissions import require_moderator
from core.ratelimit import check_login, count_login_failure
from core.security import hash_password, new_token, token_hash, verify_password

EMAIL_RE = re.compile(
    r"^[^@\s<>\"']{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$")
TOKEN_LIFETIME = {"confirm_email": timedelta(days=2), "reset_password": timedelta(hours=2), "change_email": timedelta(days=2)}
SESSION_LIFETIME = timedelta(days=30)
PASSWORD_MIN, PASSWORD_MAX = 8, 256


def normalise_email(email: str, field: str = "email") -> str:
    email = email.strip()
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise InvalidInput.field(field, "this is not a valid email address")
    local, domain = email.rsplit("@", 1)
    return f"{local}@{domain.lower()}".lower()


def check_password(password: str, field: str = "password") -> None:
    if len(password) < PASSWORD_MIN:
        raise InvalidInput.field(field, Message("must be at least %(count)s characters", count=PASSWORD_MIN))
    if len(password) > PASSWORD_MAX:
        raise InvalidInput.field(field, Message("must be at most %(count)s characters", count=PASSWORD_MAX))


async def _email_taken(ctx: Ctx, email: str) -> bool:
    return (await ctx.session.scalar(select(func.count()).where(Account.email == email)) or 0) > 0


async def _check_registration_allowed(ctx: Ctx, email: str) -> Verdict:
    """The instance's registration mode, then every plugin (a hold: the account waits for a moderator)."""
    policy = ctx.settings.registrations
    if policy.mode == "closed":
        raise Forbidden("registrations are closed on this instance")
    if policy.mode == "allowlist":
        domain = email.rsplit("@", 1)[1]
        if domain not in {d.lower() for d in policy.email_domains}:
            raise InvalidInput.field("email", "sign-up on this instance is limited to some email domains")
    return await ctx.require("convene_can_register", email=email)


async def create_account(ctx: Ctx, email: str, password: str, role: str = "user", confirmed: bool = False,
                         locale: str | None = None) -> Account:
    """Create an account without any policy check (operators, and sign-up after its checks).

    Its language is the one the person signed up in, else the instance's.
    """
    email = normalise_email(email)
    check_password(password)
    if role not in ROLES:
        raise InvalidInput.field("role", f"must be one of {', '.join(ROLES)}")
    if await _email_taken(ctx, email):
        raise InvalidInput.field("email", "an account already uses this email address")
    account = Account(email=email, password_hash=hash_password(password), role=role,
                      locale=locale if locale in languages() else ctx.settings.instance.language,
                      confirmed_at=utcnow() if confirmed else None)
    ctx.session.add(account)
    await ctx.emit("convene_account_created", account=account)
    return account


async def _issue_token(ctx: Ctx, account: Account, purpose: str, new_email: str | None = None) -> str:
    await ctx.session.execute(delete(AccountToken).where(AccountToken.account_id == account.id, AccountToken.purpose == purpose))
    token = new_token()
    ctx.session.add(
        AccountToken(
            account_id=account.id, purpose=purpose, token_hash=token_hash(token), new_email=new_email,
            expires_at=utcnow() + TOKEN_LIFETIME[purpose],
        )
    )
    return token


async def _use_token(ctx: Ctx, token: str, purpose: str, single_use: bool = True) -> tuple[Account, AccountToken]:
    row = await ctx.session.scalar(
        select(AccountToken).where(AccountToken.token_hash == token_hash(token), AccountToken.purpose == purpose)
    )
    if row is None or row.expires_at < utcnow():
        raise InvalidInput.field("token", "this link is invalid or has expired")
    account = await ctx.session.get_one(Account, row.account_id)
    if single_use:
        await ctx.session.delete(row)
    return account, row


LINK_PATHS = {"confirm_email": "/confirm/", "reset_password": "/password/reset/", "change_email": "/email/confirm/"}


async def _send_link(ctx: Ctx, account: Account, purpose: str, subject: str, text: str, new_email: str | None = None) -> None:
    """Issue a single-use token for ``purpose`` and mail its link (to the new address for email changes),
    written in the account's language."""
    token = await _issue_token(ctx, account, purpose, new_email=new_email)
    await _tell(ctx, account, purpose, subject, text, link=ctx.settings.url(LINK_PATHS[purpose] + token),
                to_email=new_email)


async def _tell(ctx: Ctx, account: Account, kind: str, subject: str, text: str, link: str = "",
                to_email: str | None = None, **values: str) -> None:
    """An account mail (no topic: it always goes) in the account's language; ``subject`` and ``text``
    are msgids, filled with the instance's name and ``values``; the link, if any, ends the text."""
    gettext = translations(account.locale).gettext
    values = {"instance": ctx.settings.instance.name, **values}
    await notify(ctx.session, Notification(
        kind=kind, to_email=to_email or account.email, locale=account.locale, subject=gettext(subject) % values,
        text=f"{gettext(text) % values} {link}".rstrip(), link=link,
    ))


async def send_confirmation(ctx: Ctx, account: Account) -> None:
    await _send_link(ctx, account, "confirm_email", N_("Confirm your account on %(instance)s"),
                     N_("Welcome! Open this link to confirm your email address:"))


async def sign_up(ctx: Ctx, email: str, password: str, username: str, display_name: str = "",
                  locale: str | None = None, extra: dict[str, Any] | None = None) -> str:
    """Open sign-up: policy checks, then an unconfirmed account, its first identity and a confirmation message.

    ``extra`` holds the fields plugins add to sign-up (terms accepted...): each plugin checks them
    before anything is written (``convene_check_sign_up``) and reads them once the account exists
    (``convene_signed_up``).

    An address that already has an account gets the same answer, and its owner a message instead:
    refusing it would tell anyone which addresses have an account. The username is still checked
    (usernames are public anyway). Returns the identity's username.
    """
    email = normalise_email(email)
    check_password(password)
    verdict = await _check_registration_allowed(ctx, email)
    extra = extra or {}
    await _check_extra(ctx, email, extra)
    owner = await ctx.session.scalar(select(Account).where(Account.email == email))
    if owner is not None:
        username = await check_new_identity(ctx, username, display_name)
        hash_password(password)  # the work a new account costs, so the time taken tells nothing either
        await _tell_owner_of_sign_up(ctx, owner)
        return username
    auto_confirm = ctx.settings.registrations.auto_confirm
    account = await create_account(ctx, email, password, locale=locale, confirmed=auto_confirm)
    identity = await create_identity(ctx, account, username, display_name)
    if verdict.held:
        account.held_at, account.held_reasons = utcnow(), stored_messages(verdict.reasons)
        await ctx.emit("convene_held", kind="account", target=account, reasons=list(verdict.reasons))
    await ctx.emit("convene_signed_up", account=account, extra=extra)
    if not auto_confirm:
        await send_confirmation(ctx, account)
    return identity.username


async def _check_extra(ctx: Ctx, email: str, extra: dict[str, Any]) -> None:
    """Every plugin's refusals of the sign-up's extra fields, as one 422 naming each ``extra.<name>``."""
    errors = {f"extra.{name}": message
              for answer in await ctx.call("convene_check_sign_up", email=email, extra=extra)
              for name, message in answer.items()}
    if errors:
        raise InvalidInput(errors)


async def _tell_owner_of_sign_up(ctx: Ctx, owner: Account) -> None:
    """Someone signed up with the address of an account: if it was its owner, they need to log in or
    reset their password (or, never confirmed, a new confirmation link)."""
    if not owner.is_confirmed:
        await send_confirmation(ctx, owner)
        return
    await _tell(ctx, owner, "sign_up_attempt", N_("Someone tried to sign up on %(instance)s with your address"),
                N_("An account already uses this address. If it was you, log in, or reset your password"
                   " from the login page:"), link=ctx.settings.url("/login"))


async def approve_account(ctx: Ctx, account: Account) -> None:
    """A moderator lets a held account in (``account.approve``); it may log in from now on."""
    await require_moderator(ctx, "account.approve", account)
    if account.held_at is None:
        raise Conflict("this account is not waiting for approval")
    account.held_at, account.held_reasons = None, []
    await ctx.emit("convene_released", kind="account", target=account)
    await _tell(ctx, account, "account_approved", N_("Your account on %(instance)s is approved"),
                N_("A moderator approved your account: you can log in now."), link=ctx.settings.url("/login"))


async def confirm_email(ctx: Ctx, token: str) -> Account:
    """Confirm the address of the link. The link stays good until it expires: confirming twice
    (a second click, a mail scanner that opened it first) only confirms again, and says so."""
    account, _ = await _use_token(ctx, token, "confirm_email", single_use=False)
    account.confirmed_at = account.confirmed_at or utcnow()
    return account


async def confirm_by_operator(ctx: Ctx, email: str) -> Account:
    """An operator vouches for an address (``convene users confirm``): how accounts are confirmed
    on an instance that sends no mail, where the confirmation link only reaches the log."""
    account = await ctx.session.scalar(select(Account).where(Account.email == normalise_email(email)))
    if account is None:
        raise NotFound("no account uses this email address")
    account.confirmed_at = account.confirmed_at or utcnow()
    return account


async def log_in(ctx: Ctx, client: str, email: str, password: str) -> Account:
    """The account behind an email address and password, tried from ``client`` (rate-limited: core.ratelimit)."""
    await check_login(ctx, client, email)
    try:
        return await _authenticate(ctx, email, password)
    except NotAuthenticated:
        await count_login_failure(ctx, client, email)
        raise


async def _authenticate(ctx: Ctx, email: str, password: str) -> Account:
    try:
        email = normalise_email(email)
    except InvalidInput:
        email = ""
    account = await ctx.session.scalar(select(Account).where(Account.email == email)) if email else None
    if not verify_password(account.password_hash if account else None, password) or account is None:
        raise NotAuthenticated("wrong email or password")
    if not account.is_confirmed:
        raise Forbidden("please confirm your email address first: we sent you a link")
    if account.held_at is not None:
        raise Forbidden("your account waits for a moderator's approval; you will be able to log in then")
    return account


async def open_credential(ctx: Ctx, account: Account, kind: str, name: str = "", identity_id: int | None = None) -> str:
    """Create a web session or an API token; returns the secret, which is stored only hashed."""
    token = new_token()
    expires = utcnow() + SESSION_LIFETIME if kind == "session" else None
    ctx.session.add(Credential(account_id=account.id, kind=kind, token_hash=token_hash(token), name=name[:100],
                               identity_id=identity_id, expires_at=expires))
    await ctx.session.flush()
    return token


async def credential_for(ctx: Ctx, token: str, kind: str) -> Credential | None:
    row = await ctx.session.scalar(select(Credential).where(Credential.token_hash == token_hash(token), Credential.kind == kind))
    if row is None or (row.expires_at is not None and row.expires_at < utcnow()):
        return None
    return row


async def close_credential(ctx: Ctx, token: str) -> None:
    await ctx.session.execute(delete(Credential).where(Credential.token_hash == token_hash(token)))


async def revoke_all_credentials(ctx: Ctx, account: Account, keep_token: str | None = None) -> None:
    query = delete(Credential).where(Credential.account_id == account.id)
    if keep_token:
        query = query.where(Credential.token_hash != token_hash(keep_token))
    await ctx.session.execute(query)


async def request_password_reset(ctx: Ctx, email: str) -> None:
    """Send a reset link if the account exists; the answer is the same either way."""
    try:
        email = normalise_email(email)
    except InvalidInput:
        return
    account = await ctx.session.scalar(select(Account).where(Account.email == email))
    if account is None:
        return
    await _send_link(ctx, account, "reset_password", N_("Reset your password on %(instance)s"),
                     N_("Someone asked to reset your password. If it was you, open:"))


async def reset_password(ctx: Ctx, token: str, new_password: str) -> Account:
    check_password(new_password)
    account, _ = await _use_token(ctx, token, "reset_password")
    account.password_hash = hash_password(new_password)
    account.confirmed_at = account.confirmed_at or utcnow()  # the link proves the address
    await revoke_all_credentials(ctx, account)
    return account


def _require_password(account: Account, password: str) -> None:
    if not verify_password(account.password_hash, password):
        raise InvalidInput.field("current_password", "this is not your current password")


async def change_password(ctx: Ctx, account: Account, current_password: str, new_password: str, keep_token: str | None) -> None:
    _require_password(account, current_password)
    check_password(new_password, "new_password")
    account.password_hash = hash_password(new_password)
    await revoke_all_credentials(ctx, account, keep_token=keep_token)


async def request_email_change(ctx: Ctx, account: Account, current_password: str, new_email: str) -> None:
    """The new address must be confirmed by a link sent to it; the old one is told."""
    _require_password(account, current_password)
    new_email = normalise_email(new_email, "new_email")
    if await _email_taken(ctx, new_email):
        raise InvalidInput.field("new_email", "an account already uses this email address")
    await _send_link(ctx, account, "change_email", N_("Confirm your new email address on %(instance)s"),
                     N_("Open this link to use this address for your account:"), new_email=new_email)


async def confirm_email_change(ctx: Ctx, token: str) -> Account:
    account, row = await _use_token(ctx, token, "change_email")
    new_email = row.new_email or ""
    if not new_email or await _email_taken(ctx, new_email):
        raise Conflict("an account already uses this email address")
    old = account.email
    account.email = new_email
    await _tell(ctx, account, "email_changed", N_("Your email address on %(instance)s changed"),
                N_("Your account now uses %(email)s. If you did not ask for this, reset your password."),
                to_email=old, email=new_email)
    return account


async def update_preferences(ctx: Ctx, account: Account, locale: str | None, timezone: str | None) -> None:
    if locale is not None:
        if locale not in languages():
            raise InvalidInput.field("locale", Message("must be one of: %(languages)s", languages=", ".join(languages())))
        account.locale = locale
    if timezone is not None:
        account.timezone = check_timezone(timezone)


async def delete_account(ctx: Ctx, account: Account, password: str | None) -> None:
    """Delete the account after its identities (and so their events and participations).

    ``password`` is None only for operators acting from the command line.
    """
    if password is not None:
        _require_password(account, password)
    for identity in await identities_of(ctx, account):
        await remove_identity(ctx, identity, allow_last=True)
    await ctx.emit("convene_account_deleted", account=account)
    if account.is_confirmed:  # a never-confirmed address may not be its owner's: it gets nothing more
        await _tell(ctx, account, "account_deleted", N_("Your account on %(instance)s was deleted"),
                    N_("Your account, its profiles, their events and participations were deleted. Nothing of"
                       " them is kept here."))
    await ctx.session.delete(account)


async def purge_unconfirmed(ctx: Ctx) -> int:
    """Delete accounts never confirmed within the configured time (their identities go too)."""
    limit = utcnow() - timedelta(hours=ctx.settings.registrations.unconfirmed_ttl_hours)
    stale = list(await ctx.session.scalars(select(Account).where(Account.confirmed_at.is_(None), Account.created_at < limit)))
    for account in stale:
        await delete_account(ctx, account, password=None)
    return len(stale)


async def export_data(ctx: Ctx, account: Account) -> dict[str, Any]:
    """Everything the instance holds about this account, for the person to download."""
    return await account_export(ctx, account)
