"""The search page: paste an event's URL, a profile's URL or ``@name@host`` and get there.

An event (ours or fetched) opens its page here and a local identity its profile; a
remote person is shown with what we know of them and a Follow button for the
identity the member acts as. Members only: a search may fetch from other servers.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Response, get, post
from litestar.params import Parameter
from litestar.response import Redirect
from sqlalchemy import select

from core.auth import Caller
from core.context import Ctx
from core.errors import DomainError, InvalidInput
from core.events.listing import SHOWS_EVENTS, EventFilter, events_page, public_listing
from core.events.models import Event
from core.identities.models import Identity
from core.identities.service import own_identity
from core.web.forms import Form, FormState, attempt, refused, text
from core.web.render import done, page
from core.web.slots import MenuLink
from plugins.federation_activitypub import follows
from plugins.federation_activitypub.actors import actor_row
from plugins.federation_activitypub.models import ApFollow
from plugins.federation_activitypub.search import find

MENU_LINK = MenuLink("Search", "/search")
QUERY_MAX = 2000
EVENTS_SHOWN = 20


@get("/search", include_in_schema=False, opt=SHOWS_EVENTS)
async def search_page(ctx: Ctx, web: Caller, q: Annotated[str, Parameter(max_length=QUERY_MAX)] = "") -> Response:
    web.require_account()
    query = q.strip()
    if not query:
        return page("federation/search.html", web)
    try:
        found = await find(ctx, query)
    except DomainError as exc:
        return page("federation/search.html", web, refused("search", exc, {"q": query}))
    if isinstance(found, Event):
        return Redirect(f"/events/{found.uuid}", status_code=303)
    if found.is_local:
        return Redirect(f"/@{found.username}", status_code=303)
    return await _person_page(ctx, web, found, FormState("search", {"q": query}))


async def _person_page(ctx: Ctx, web: Caller, person: Identity, form: FormState) -> Response:
    listing = public_listing(EventFilter()).where(Event.organizer_id == person.id)
    events = await events_page(ctx, listing, 1, EVENTS_SHOWN)
    actor = await actor_row(ctx.session, person.id)
    follow = None
    if web.current is not None:
        follow = await ctx.session.scalar(
            select(ApFollow).where(ApFollow.follower_id == web.current.id, ApFollow.followed_id == person.id))
    state = "none" if follow is None else ("accepted" if follow.accepted else "pending")
    return page("federation/search.html", web, form, person=person, actor=actor, events=events, follow_state=state)


@post("/search/follow", include_in_schema=False)
async def follow_page(ctx: Ctx, web: Caller, data: Form) -> Response:
    return await _following(ctx, web, data, follow=True)


@post("/search/unfollow", include_in_schema=False)
async def unfollow_page(ctx: Ctx, web: Caller, data: Form) -> Response:
    return await _following(ctx, web, data, follow=False)


async def _following(ctx: Ctx, web: Caller, data: Form, follow: bool) -> Response:
    """Follow or stop following, as the identity the member acts as, then back to the person."""
    account = web.require_account()
    target = text(data, "target").strip()

    async def act() -> Response:
        if not 3 <= len(target) <= QUERY_MAX:
            raise InvalidInput.field("q", "choose someone to follow from the search page")
        identity = web.current or await own_identity(ctx, account, None)
        remote = await follows.remote_actor(ctx, target)
        if follow:
            await follows.follow(ctx, identity, remote)
        else:
            await follows.unfollow(ctx, identity, remote)
        return done("/search?" + urlencode({"q": target}), "follow-requested" if follow else "unfollowed")

    def show_again(form: FormState) -> Response:
        return page("federation/search.html", web, FormState("search", {"q": target}, form.errors, form.status_code))

    return await attempt(ctx, web, "search", data, act, show_again)


def search_page_handlers() -> list[Any]:
    return [search_page, follow_page, unfollow_page]
