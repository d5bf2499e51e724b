"""API: sign-up, tokens, password reset, and the caller's own account."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, delete, get, patch, post
from litestar.status_codes import HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT
from msgspec import Meta

from core.accounts import service
from core.auth import Caller, client_address
from core.context import Ctx
from core.identities.schemas import MyIdentityOut, my_identity_out
from core.ratelimit import limit_password_reset, limit_sign_up

Password = Annotated[str, Meta(max_length=256)]
Email = Annotated[str, Meta(max_length=254)]


class SignUp(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: Password
    username: Annotated[str, Meta(min_length=1, max_length=30)]
    display_name: Annotated[str, Meta(max_length=100)] = ""


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
    password: Password


class PasswordChange(msgspec.Struct, forbid_unknown_fields=True):
    current_password: Password
    new_password: Password


class EmailChange(msgspec.Struct, forbid_unknown_fields=True):
    current_password: Password
    new_email: Email


class Preferences(msgspec.Struct, forbid_unknown_fields=True):
    locale: Annotated[str, Meta(max_length=10)] | None = None
    timezone: Annotated[str, Meta(max_length=64)] | None = None


class PasswordConfirm(msgspec.Struct, forbid_unknown_fields=True):
    password: Password


class AccountOut(msgspec.Struct):
    email: str
    role: str
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

    @post("/accounts", status_code=201)
    async def sign_up(self, ctx: Ctx, request: Request, data: SignUp) -> SignUpOut:
        """Create an account and its first identity; a confirmation link is sent by email.

        An address that already has an account gets the same answer (its owner is told by email)."""
        await limit_sign_up(ctx, client_address(request))
        username = await service.sign_up(ctx, data.email, data.password, data.username, data.display_name)
        return SignUpOut(service.normalise_email(data.email), username, confirmed=False)

    @post("/accounts/confirm", status_code=200)
    async def confirm(self, ctx: Ctx, data: TokenInput) -> Accepted:
        await service.confirm_email(ctx, data.token)
        return Accepted("your email address is confirmed")

    @post("/auth/token", status_code=201)
    async def login(self, ctx: Ctx, request: Request, data: Login) -> TokenOut:
        """Exchange email and password for a bearer token (rate-limited per client, and per client and email)."""
        account = await service.log_in(ctx, client_address(request), data.email, data.password)
        return TokenOut(await service.open_credential(ctx, account, "api", name=data.name))

    @delete("/auth/token", status_code=HTTP_204_NO_CONTENT)
    async def logout(self, ctx: Ctx, api: Caller) -> None:
        """Revoke the token used for this request."""
        api.require_account()
        assert api.token is not None  # an account behind an API call means its token
        await service.close_credential(ctx, api.token)

    @post("/password/reset-request", status_code=HTTP_202_ACCEPTED)
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

    @get("")
    async def me(self, ctx: Ctx, api: Caller) -> AccountOut:
        return account_out(api, ctx)

    @patch("")
    async def preferences(self, ctx: Ctx, api: Caller, data: Preferences) -> AccountOut:
        await service.update_preferences(ctx, api.require_account(), data.locale, data.timezone)
        return account_out(api, ctx)

    @post("/password", status_code=200)
    async def change_password(self, ctx: Ctx, api: Caller, data: PasswordChange) -> Accepted:
        """Change the password; every other session and token is logged out."""
        await service.change_password(ctx, api.require_account(), data.current_password, data.new_password, api.token)
        return Accepted("your password was changed")

    @post("/email", status_code=HTTP_202_ACCEPTED)
    async def change_email(self, ctx: Ctx, api: Caller, data: EmailChange) -> Accepted:
        await service.request_email_change(ctx, api.require_account(), data.current_password, data.new_email)
        return Accepted("open the link we sent to the new address to confirm it")

    @post("/email/confirm", status_code=200)
    async def confirm_email_change(self, ctx: Ctx, data: TokenInput) -> Accepted:
        await service.confirm_email_change(ctx, data.token)
        return Accepted("your email address was changed")

    @post("/delete", status_code=200)
    async def delete_account(self, ctx: Ctx, api: Caller, data: PasswordConfirm) -> Accepted:
        """Delete the account: its identities, their events, participations; comments are anonymised."""
        await service.delete_account(ctx, api.require_account(), data.password)
        return Accepted("your account was deleted")

    @get("/export")
    async def export(self, ctx: Ctx, api: Caller) -> dict[str, Any]:
        """All data held about this account, as one JSON document."""
        return await service.export_data(ctx, api.require_account())
