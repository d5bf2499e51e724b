"""Pages of the account: sign-up, confirmation, login and logout, password reset, settings.

Each form posts to its own path; a refusal shows the same page again with the
person's values and the service's message next to the field it concerns.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.params import QueryParameter

from core.accounts import service
from core.auth import Caller, client_address
from core.context import Ctx
from core.notifications import settings_form
from core.notifications.preferences import topics
from core.ratelimit import limit_password_reset, limit_sign_up
from core.web.forms import Form, FormState, attempt, text
from core.web.language import reader_language, remember_language
from core.web.render import done, page, safe_next
from core.web.session import end_session, start_session
from core.web.slots import page_slot, slot_fragments

Next = Annotated[str, QueryParameter(name="next", max_length=2000)]
EXPORT_FILENAME = "convene-export.json"


# -- sign-up and confirmation -----------------------------------------------------


EXTRA_PREFIX = "extra."  # the fields plugins add to sign-up (convene_signup_fields)


async def _signup_page(ctx: Ctx, me: Caller, form: FormState) -> Response:
    fields = await slot_fragments(ctx, page_slot(ctx), "convene_signup_fields", form=form)
    return page("signup.html", me, form, registrations=ctx.settings.registrations, extra_fields=fields)


@get("/signup", include_in_schema=False)
async def signup_form(ctx: Ctx, web: Caller) -> Response:
    return await _signup_page(ctx, web, FormState("signup"))


@post("/signup", include_in_schema=False)
async def signup(ctx: Ctx, web: Caller, request: Request, data: Form) -> Response:
    """An account and its first identity in one go, as the API does; then a confirmation link
    (the same page when the address already has an account: its owner is told by email)."""

    async def act() -> Response:
        await limit_sign_up(ctx, client_address(request))
        # the account keeps the language its pages were read in, so they stay in it after login
        await service.sign_up(ctx, text(data, "email"), text(data, "password"), text(data, "username"),
                              text(data, "display_name"), reader_language(request),
                              {name.removeprefix(EXTRA_PREFIX): value for name, value in data.items()
                               if name.startswith(EXTRA_PREFIX)})
        return done("/login", "check-email")

    return await attempt(ctx, web, "signup", data, act, lambda form: _signup_page(ctx, web, form))


@get("/confirm/{token:str}", include_in_schema=False)
async def confirm(ctx: Ctx, token: str) -> Response:
    """The emailed link: confirms the address (an invalid link shows the error page)."""
    await service.confirm_email(ctx, token)
    return done("/login", "email-confirmed")


# -- login and logout ---------------------------------------------------------------


def _login_page(me: Caller, form: FormState, back: str) -> Response:
    return page("login.html", me, form, next=back)


@get("/login", include_in_schema=False)
async def login_form(web: Caller, back: Next = "/") -> Response:
    return _login_page(web, FormState("login"), safe_next(back))


@post("/login", include_in_schema=False)
async def login(ctx: Ctx, web: Caller, request: Request, data: Form) -> Response:
    back = safe_next(text(data, "next"))

    async def act() -> Response:
        account = await service.log_in(ctx, client_address(request), text(data, "email"), text(data, "password"))
        if web.token:  # a new secret at each login, so a planted cookie is never promoted
            await service.close_credential(ctx, web.token)
        token = await service.open_credential(ctx, account, "session")
        first = await ctx.call("convene_after_login", account=account)  # e.g. new terms to accept
        target = f"{safe_next(first[0])}?{urlencode({'next': back})}" if first else back
        session = start_session(done(target, "logged-in"), ctx.settings, token)
        return remember_language(session, account.locale, ctx.settings)

    return await attempt(ctx, web, "login", data, act, lambda form: _login_page(web, form, back))


@post("/logout", include_in_schema=False)
async def logout(ctx: Ctx, web: Caller) -> Response:
    if web.token:
        await service.close_credential(ctx, web.token)
    return end_session(done("/", "logged-out"))


# -- forgotten password -----------------------------------------------------------


@get("/password/forgot", include_in_schema=False)
async def forgot_form(web: Caller) -> Response:
    return page("password_forgot.html", web, FormState("forgot"))


@post("/password/forgot", include_in_schema=False)
async def forgot(ctx: Ctx, request: Request, data: Form) -> Response:
    """The same answer whether or not an account uses the address (rate-limited like logins)."""
    await limit_password_reset(ctx, client_address(request), text(data, "email"))
    await service.request_password_reset(ctx, text(data, "email"))
    return done("/login", "reset-sent")


@get("/password/reset/{token:str}", include_in_schema=False)
async def reset_form(web: Caller, token: str) -> Response:
    return page("password_reset.html", web, FormState("reset"), token=token)


@post("/password/reset/{token:str}", include_in_schema=False)
async def reset(ctx: Ctx, web: Caller, token: str, data: Form) -> Response:
    async def act() -> Response:
        await service.reset_password(ctx, token, text(data, "password"))
        return end_session(done("/login", "password-reset"))

    return await attempt(ctx, web, "reset", data, act,
                         lambda form: page("password_reset.html", web, form, token=token))


# -- settings -----------------------------------------------------------------------


async def _settings(ctx: Ctx, web: Caller, form: FormState | None = None) -> Response:
    """The settings page, with the sections plugins add (``convene_settings_sections``)."""
    sections = await slot_fragments(ctx, page_slot(ctx), "convene_settings_sections")
    return page("settings.html", web, form, sections=sections, topics=list(topics(ctx).values()),
                notification_values=await settings_form.current_values(ctx, web.identities))


@get("/settings", include_in_schema=False)
async def settings_page(ctx: Ctx, web: Caller) -> Response:
    web.require_account()
    return await _settings(ctx, web)


async def _change(ctx: Ctx, web: Caller, form: str, data: dict[str, Any],
                  action: Callable[[], Awaitable[None]], confirmation: str, section: str = "") -> Response:
    """Run one settings form; the page comes back with a confirmation (at the form's ``section``),
    or the form with its error."""

    async def act() -> Response:
        await action()
        return done(f"/settings#{section}" if section else "/settings", confirmation)

    return await attempt(ctx, web, form, data, act, lambda state: _settings(ctx, web, state))


@post("/settings/preferences", include_in_schema=False)
async def preferences(ctx: Ctx, web: Caller, data: Form) -> Response:
    account = web.require_account()
    answer = await _change(ctx, web, "preferences", data, lambda: service.update_preferences(
        ctx, account, text(data, "locale"), text(data, "timezone")), "preferences-saved")
    return remember_language(answer, account.locale, ctx.settings)


@post("/settings/notifications", include_in_schema=False)
async def notification_preferences(ctx: Ctx, web: Caller, data: Form) -> Response:
    """Every identity's choice of news, in one form (core.notifications.settings_form)."""
    web.require_account()
    return await _change(ctx, web, settings_form.FORM, data, lambda: settings_form.save(ctx, web.identities, data),
                         "notifications-saved", "notifications")


@post("/settings/password", include_in_schema=False)
async def change_password(ctx: Ctx, web: Caller, data: Form) -> Response:
    """Other sessions and API tokens end; this one stays logged in."""
    account = web.require_account()
    return await _change(ctx, web, "password", data, lambda: service.change_password(
        ctx, account, text(data, "current_password"), text(data, "new_password"), web.token), "password-changed")


@post("/settings/email", include_in_schema=False)
async def change_email(ctx: Ctx, web: Caller, data: Form) -> Response:
    account = web.require_account()
    return await _change(ctx, web, "email", data, lambda: service.request_email_change(
        ctx, account, text(data, "current_password"), text(data, "new_email")), "email-link-sent")


@get("/email/confirm/{token:str}", include_in_schema=False)
async def confirm_email_change(ctx: Ctx, token: str) -> Response:
    """The link sent to the new address finishes the change."""
    await service.confirm_email_change(ctx, token)
    return done("/settings", "email-changed")


@get("/settings/export", include_in_schema=False)
async def export(ctx: Ctx, web: Caller) -> Response:
    """Everything held about the account, downloaded as one JSON file."""
    data = await service.export_data(ctx, web.require_account())
    return Response(data, media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{EXPORT_FILENAME}"'})


@post("/settings/delete", include_in_schema=False)
async def delete_account(ctx: Ctx, web: Caller, data: Form) -> Response:
    """The password confirms it is really the person; then the account and all it holds go."""
    account = web.require_account()

    async def act() -> Response:
        await service.delete_account(ctx, account, text(data, "current_password"))
        return end_session(done("/", "account-deleted"))

    return await attempt(ctx, web, "delete", data, act, lambda form: _settings(ctx, web, form))


HANDLERS = [signup_form, signup, confirm, login_form, login, logout, forgot_form, forgot, reset_form, reset,
            settings_page, preferences, notification_preferences, change_password, change_email, confirm_email_change,
            export, delete_account]
