"""API: sign-up, tokens, password reset, and the caller's own account."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, patch, post
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT
from msgspec import Meta

from core.accounts import service
from core.accounts.models import ROLES
from core.accounts.service import PASSWORD_MAX, PASSWORD_MIN
from core.api.openapi import refusals
from core.api.rules import rule
from core.auth import Caller, client_address, signed_in
from core.context import Ctx
from core.events.validation import TIMEZONE_MAX, timezone_names
from core.i18n import languages
from core.identities.schemas import DisplayName, MyIdentityOut, NewUsername, my_identity_out
from core.ratelimit import limit_password_reset, limit_sign_up

# the rules the service checks (core.accounts.service), documented; a password given to prove who you are
# is only bounded (an account may predate a longer minimum)
Password = Annotated[str, Meta(max_length=PASSWORD_MAX)]
NewPassword = Annotated[str, Meta(max_length=PASSWORD_MAX), rule(min_length=PASSWORD_MIN)]
Email = Annotated[str, Meta(max_length=254)]
SignUpExtra = Annotated[dict[Annotated[str, Meta(max_length=64)], Annotated[str, Meta(max_length=200)] | bool],
                        Meta(max_length=20)]


class SignUp(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: NewPassword
    username: NewUsername
    display_name: DisplayName = ""
    extra: SignUpExtra = {}
    """Fields plugins add to sign-up, e.g. ``{"accept_policies": true}`` where the instance has terms to accept."""


class SignUpOut(msgspec.Struct):
    email: str
    username: str
    confirmed: bool


class TokenInput(msgspec.Struct, forbid_unknown_fields=True):
    token: Annotated[str, Meta(max_length=200)]


class Login(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: Password
    name: Annotated[str, Meta(max_length=100)] = "API token"


class TokenOut(msgspec.Struct):
    token: str
    token_type: str = "Bearer"


class EmailOnly(msgspec.Struct, forbid_unknown_fields=True):
    email: Email


class PasswordReset(msgspec.Struct, forbid_unknown_fields=True):
    token: Annotated[str, Meta(max_length=200)]
    password: NewPassword


class PasswordChange(msgspec.Struct, forbid_unknown_fields=True):
    current_password: Password
    new_password: NewPassword


class EmailChange(msgspec.Struct, forbid_unknown_fields=True):
    current_password: Password
    new_email: Email


class Preferences(msgspec.Struct, forbid_unknown_fields=True):
    # None keeps the current value (so the documented choices include it)
    locale: Annotated[str, Meta(max_length=10), rule(enum=[*languages(), None])] | None = None
    timezone: Annotated[str, Meta(max_length=TIMEZONE_MAX), rule(enum=[*sorted(timezone_names()), None])] | None = None


class PasswordConfirm(msgspec.Struct, forbid_unknown_fields=True):
    password: Password


class AccountOut(msgspec.Struct):
    email: str
    role: Annotated[str, rule(enum=list(ROLES))]
    locale: str
    timezone: str
    identities: list[MyIdentityOut]


class Accepted(msgspec.Struct):
    detail: str


def account_out(caller: Caller, ctx: Ctx) -> AccountOut:
    account = caller.require_account()
    return AccountOut(account.email, account.role, account.locale, account.timezone,
                      [my_identity_out(i, ctx.settings) for i in caller.identities])


class AuthController(Controller):
    path = "/api/v1"
    tags = ["accounts"]

    @post("/accounts", status_code=201, responses=refusals(403, 429))
    async def sign_up(self, ctx: Ctx, request: Request, data: SignUp) -> SignUpOut:
        """Create an account and its first identity; a confirmation link is sent by email (unless the
        instance confirms new accounts itself: ``confirmed`` says which).

        An address that already has an account gets the same answer (its owner is told by email)."""
        await limit_sign_up(ctx, client_address(request))
        username = await service.sign_up(ctx, data.email, data.password, data.username, data.display_name,
                                         extra=data.extra)
        return SignUpOut(service.normalise_email(data.email), username,
                         confirmed=ctx.settings.registrations.auto_confirm)

    @post("/accounts/confirm", status_code=200)
    async def confirm(self, ctx: Ctx, data: TokenInput) -> Accepted:
        await service.confirm_email(ctx, data.token)
        return Accepted("your email address is confirmed")

    @post("/auth/token", status_code=201, responses=refusals(401, 403, 429))
    async def login(self, ctx: Ctx, request: Request, data: Login) -> TokenOut:
        """Exchange email and password for a bearer token (rate-limited per client, and per client and email)."""
        account = await service.log_in(ctx, client_address(request), data.email, data.password)
        return TokenOut(await service.open_credential(ctx, account, "api", name=data.name))

    @delete("/auth/token", status_code=HTTP_204_NO_CONTENT, guards=[signed_in])
    async def logout(self, ctx: Ctx, api: Caller) -> None:
        """Revoke the token used for this request."""
        api.require_account()
        assert api.token is not None  # an account behind an API call means its token
        await service.close_credential(ctx, api.token)

    @post("/password/reset-request", status_code=HTTP_202_ACCEPTED, responses=refusals(429))
    async def reset_request(self, ctx: Ctx, request: Request, data: EmailOnly) -> Accepted:
        await limit_password_reset(ctx, client_address(request), data.email)
        await service.request_password_reset(ctx, data.email)
        return Accepted("if an account uses this address, a reset link is on its way")

    @post("/password/reset", status_code=200)
    async def reset(self, ctx: Ctx, data: PasswordReset) -> Accepted:
        await service.reset_password(ctx, data.token, data.password)
        return Accepted("your password was changed; log in again")


class AccountController(Controller):
    path = "/api/v1/account"
    tags = ["accounts"]

    @get("", guards=[signed_in])
    async def me(self, ctx: Ctx, api: Caller) -> AccountOut:
        return account_out(api, ctx)

    @patch("", guards=[signed_in])
    async def preferences(self, ctx: Ctx, api: Caller, data: Preferences) -> AccountOut:
        await service.update_preferences(ctx, api.require_account(), data.locale, data.timezone)
        return account_out(api, ctx)

    @post("/password", status_code=200, guards=[signed_in])
    async def change_password(self, ctx: Ctx, api: Caller, data: PasswordChange) -> Accepted:
        """Change the password; every other session and token is logged out."""
        await service.change_password(ctx, api.require_account(), data.current_password, data.new_password, api.token)
        return Accepted("your password was changed")

    @post("/email", status_code=HTTP_202_ACCEPTED, guards=[signed_in])
    async def change_email(self, ctx: Ctx, api: Caller, data: EmailChange) -> Accepted:
        await service.request_email_change(ctx, api.require_account(), data.current_password, data.new_email)
        return Accepted("open the link we sent to the new address to confirm it")

    @post("/email/confirm", status_code=200, responses=refusals(409))
    async def confirm_email_change(self, ctx: Ctx, data: TokenInput) -> Accepted:
        await service.confirm_email_change(ctx, data.token)
        return Accepted("your email address was changed")

    @post("/delete", status_code=200, guards=[signed_in])
    async def delete_account(self, ctx: Ctx, api: Caller, data: PasswordConfirm) -> Accepted:
        """Delete the account: its identities, their events, participations; comments are anonymised."""
        await service.delete_account(ctx, api.require_account(), data.password)
        return Accepted("your account was deleted")

    @get("/export", guards=[signed_in])
    async def export(self, ctx: Ctx, api: Caller) -> dict[str, Any]:
        """All data held about this account, as one JSON document."""
        return await service.export_data(ctx, api.require_account())
