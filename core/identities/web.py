"""Pages of identities: public profiles, and managing and switching one's own.

The identity a session acts as is kept on its Credential row, so switching here
changes who joins, comments and organises from every page of that browser, and
nothing else (another browser logged in to the same account keeps its own choice).
"""

from __future__ import annotations

from typing import Annotated

from litestar import Request, Response, get, post
from litestar.params import QueryParameter

from core.auth import Caller
from core.context import Ctx
from core.errors import InvalidInput, NotFound
from core.events.listing import SHOWS_EVENTS, EventFilter, events_page, public_listing
from core.events.models import Event
from core.identities import service
from core.identities.models import Identity
from core.web.forms import Form, FormState, UploadForm, attempt, checked, text, uploaded
from core.web.negotiation import negotiated
from core.web.render import done, page, safe_next
from core.web.slots import page_slot, slot_fragments

PageNumber = Annotated[int, QueryParameter(name="page", ge=1, le=10_000)]
PROFILE_EVENTS_PER_PAGE = 20


@get("/{handle:str}", include_in_schema=False, opt=SHOWS_EVENTS)
async def profile(ctx: Ctx, web: Caller, request: Request, handle: str, number: PageNumber = 1) -> Response:
    """``/@username``: a local identity's public profile and its upcoming public events.

    Litestar cannot put a parameter after ``@`` in one path segment, so this takes any
    top-level segment (fixed paths such as ``/about`` still win) and answers 404 unless
    it starts with ``@``.
    """
    if not handle.startswith("@"):
        raise NotFound("no such page")
    answer, identity = await negotiated(ctx, request, "identity", handle[1:],
                                        lambda: service.local_identity(ctx, handle[1:]))
    if answer is not None:
        return answer
    listing = public_listing(EventFilter()).where(Event.organizer_id == identity.id)
    events = await events_page(ctx, listing, number, PROFILE_EVENTS_PER_PAGE)
    sidebar = await slot_fragments(ctx, page_slot(ctx), "convene_profile_sidebar", identity=identity)
    return page("profile.html", web, identity=identity, events=events, sidebar=sidebar)


async def _mine(ctx: Ctx, web: Caller, username: str) -> Identity:
    """One of the caller's identities; anything else is simply not found."""
    try:
        return await service.own_identity(ctx, web.require_account(), username)
    except InvalidInput:
        raise NotFound("no such identity") from None


def _list_page(me: Caller, form: FormState) -> Response:
    return page("identities.html", me, form)


@get("/identities", include_in_schema=False)
async def identities(web: Caller) -> Response:
    web.require_account()
    return _list_page(web, FormState("create"))


@post("/identities", include_in_schema=False)
async def create(ctx: Ctx, web: Caller, data: Form) -> Response:
    account = web.require_account()

    async def act() -> Response:
        await service.create_identity(ctx, account, text(data, "username"), text(data, "display_name"), text(data, "bio"))
        return done("/identities", "identity-created")

    return await attempt(ctx, web, "create", data, act, lambda form: _list_page(web, form))


@post("/identities/switch", include_in_schema=False)
async def switch(ctx: Ctx, web: Caller, data: Form) -> Response:
    """Act as another of my identities from now on in this browser, then go back where I was."""
    account = web.require_account()
    identity = await service.own_identity(ctx, account, text(data, "username"))
    assert web.credential is not None  # a logged-in page has its session
    await service.act_as(web.credential, identity)
    return done(safe_next(text(data, "next"), "/identities"), "switched")


def _edit_page(me: Caller, identity: Identity, form: FormState) -> Response:
    return page("identity_edit.html", me, form, identity=identity)


@get("/identities/{username:str}/edit", include_in_schema=False)
async def edit_form(ctx: Ctx, web: Caller, username: str) -> Response:
    identity = await _mine(ctx, web, username)
    values = {"display_name": identity.display_name, "bio": identity.bio}
    return _edit_page(web, identity, FormState("edit", values))


@post("/identities/{username:str}/edit", include_in_schema=False)
async def edit(ctx: Ctx, web: Caller, username: str, data: UploadForm) -> Response:
    """Profile text, and the avatar: a new picture, or none when "remove" is ticked."""
    identity = await _mine(ctx, web, username)

    async def act() -> Response:
        avatar = await uploaded(data, "avatar", ctx.settings.limits.avatar_max_bytes)
        await service.update_identity(ctx, identity, display_name=text(data, "display_name"), bio=text(data, "bio"),
                                      avatar=avatar, remove_avatar=avatar is None and checked(data, "remove_avatar"))
        return done("/identities", "identity-saved")

    return await attempt(ctx, web, "edit", data, act, lambda form: _edit_page(web, identity, form), identity)


@post("/identities/{username:str}/default", include_in_schema=False)
async def make_default(ctx: Ctx, web: Caller, username: str) -> Response:
    """The identity used by new sessions and wherever none is chosen."""
    identity = await _mine(ctx, web, username)
    await service.set_default_identity(ctx, web.require_account(), identity)
    return done("/identities", "identity-default")


def _delete_page(me: Caller, identity: Identity, form: FormState) -> Response:
    return page("identity_delete.html", me, form, identity=identity)


@get("/identities/{username:str}/delete", include_in_schema=False)
async def delete_form(ctx: Ctx, web: Caller, username: str) -> Response:
    """Say what goes with the identity before it goes."""
    return _delete_page(web, await _mine(ctx, web, username), FormState("delete"))


@post("/identities/{username:str}/delete", include_in_schema=False)
async def delete(ctx: Ctx, web: Caller, username: str, data: Form) -> Response:
    identity = await _mine(ctx, web, username)

    async def act() -> Response:
        await service.delete_identity(ctx, identity)
        return done("/identities", "identity-deleted")

    return await attempt(ctx, web, "delete", data, act, lambda form: _delete_page(web, identity, form), identity)


HANDLERS = [profile, identities, create, switch, edit_form, edit, make_default, delete_form, delete]
