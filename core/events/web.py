"""Pages of events: the event page, the event form, the organiser's actions, joining
and leaving, and "My events".

An event someone may not see answers 404 on every page and action, the same as an
unknown one, so a draft's or a private event's address reveals nothing. The page of a
public or unlisted event deleted here answers 410, saying it was deleted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.params import QueryParameter
from litestar.status_codes import HTTP_410_GONE

from core.auth import Caller
from core.comments.service import comment_threads
from core.context import Ctx
from core.errors import NotFound
from core.events import listing, service
from core.events import participation as participations
from core.events.announcements import visible_announcements
from core.events.extensions import load_extra
from core.events.models import CATEGORIES, JOIN_MODES, VISIBILITIES, Event, Participation
from core.i18n import N_
from core.identities.service import own_identity
from core.web.event_details import event_page_details, timezone_preference
from core.web.event_form import event_input, event_values, new_event_values
from core.web.forms import Form, FormState, UploadForm, attempt, checked, text, uploaded
from core.web.negotiation import negotiated
from core.web.page_cache import PAGE_TTL
from core.web.render import done, page
from core.web.share import mastodon_share_url, server_hostname
from core.web.slots import comment_fragments, event_links, page_slot, slot_fragments

PageNumber = Annotated[int, QueryParameter(name="page", ge=1, le=10_000)]
MY_EVENTS_PER_PAGE = 20


def event_url(event: Event) -> str:
    return f"/events/{event.uuid}"


async def event_page(ctx: Ctx, me: Caller, event: Event, form: FormState | None = None) -> Response:
    """The event page; ``form`` carries a refused join, comment or organiser action back into it."""
    organiser = service.organises(me.viewer, event)
    mine = [(identity, await participations.participation_of(ctx, event, identity)) for identity in me.identities]
    everyone = await participations.participants(ctx, event) if organiser else []
    threads = await comment_threads(ctx, event)
    slot = page_slot(ctx)
    comment_slots = await ctx.call("convene_comment_actions", slot=slot,
                                   comments=[c for t in threads for c in t.comments()])
    return page(
        "event.html", me, form, event=event, organiser=organiser,
        taking_part=[(identity, p) for identity, p in mine if p is not None],
        free_identities=[identity for identity, p in mine if p is None],
        pending=[p for p in everyone if p.role == "not_approved"],
        participants=[p for p in everyone if p.role != "not_approved"],
        threads=threads,
        announcements=await visible_announcements(ctx, event),
        links=await event_links(ctx, event),
        sidebar=await slot_fragments(ctx, slot, "convene_event_sidebar", event=event),
        more_participants=await slot_fragments(ctx, slot, "convene_event_participants", event=event) if organiser else [],
        comment_actions=comment_fragments(slot, comment_slots),
        **event_page_details(event, ctx.settings, me.account),
    )


@get("/events/{uuid:str}", include_in_schema=False, cache=PAGE_TTL, opt=listing.SHOWS_EVENTS)
async def show(ctx: Ctx, web: Caller, request: Request, uuid: str) -> Response:
    """The event; a deleted one says so (410 Gone), so people following an old link are not left guessing."""
    try:
        answer, event = await negotiated(ctx, request, "event", uuid,
                                         lambda: listing.visible_event(ctx, uuid))
    except NotFound:
        if await service.was_deleted(ctx, uuid):
            return page("event_deleted.html", web, FormState(status_code=HTTP_410_GONE))
        raise
    return answer if answer is not None else await event_page(ctx, web, event)


@get("/events/{uuid:str}/share/mastodon", include_in_schema=False)
async def share_on_mastodon(ctx: Ctx, web: Caller, uuid: str,
                            server: Annotated[str, QueryParameter(name="instance", max_length=300)] = "") -> Response:
    """A page with the link to the reader's own server's share page, the event's title and link written for
    them (never a redirect: see ``core.web.share``); a server name we cannot read is named next to the field
    on the event page."""
    event = await listing.visible_event(ctx, uuid)
    host = server_hostname(server)
    if host is None:
        wrong = {"instance": N_("enter your server's name, like mastodon.social")}
        refused = FormState("share", {"instance": server}, wrong, 400)
        return await event_page(ctx, web, event, refused)
    text = f"{event.title}\n{ctx.settings.url(event_url(event))}"
    return page("share_mastodon.html", web, event=event, host=host, share_url=mastodon_share_url(host, text))


async def _organised(ctx: Ctx, web: Caller, uuid: str) -> Event:
    web.require_account()
    event = await listing.visible_event(ctx, uuid)
    service.require_organiser(web.viewer, event)
    return event


# -- the event form -----------------------------------------------------------------


async def _form_page(ctx: Ctx, me: Caller, form: FormState, event: Event | None = None,
                     browser_timezone: bool = False) -> Response:
    """``browser_timezone``: the timezone field holds an unchosen default the browser may replace.
    Plugins add their fields (``convene_event_form_fields``), with the form's values and errors."""
    plugin_fields = await slot_fragments(ctx, page_slot(ctx), "convene_event_form_fields", event=event, form=form)
    return page("event_form.html", me, form, event=event, categories=CATEGORIES, visibilities=VISIBILITIES,
                join_modes=JOIN_MODES, browser_timezone=browser_timezone, plugin_fields=plugin_fields)


async def _banner(ctx: Ctx, event: Event, data: dict[str, Any]) -> None:
    """A newly chosen banner replaces the old one; "remove" without a new one takes it away."""
    picture = await uploaded(data, "banner", ctx.settings.limits.banner_max_bytes)
    if picture is not None:
        await service.set_banner(ctx, event, picture)
    elif checked(data, "remove_banner") and event.banner:
        await service.set_banner(ctx, event, None)


def _published(event: Event) -> Response:
    """Back to the event, saying it is published, or waiting for a moderator when a plugin held it."""
    return done(event_url(event), "event-held" if event.held_at else "event-published")


def _publishing(data: dict[str, Any]) -> bool:
    """Which of the form's two buttons was pressed: "Publish" or "Save draft"."""
    return text(data, "action") == "publish"


@get("/events/new", include_in_schema=False)
async def new_form(ctx: Ctx, web: Caller) -> Response:
    account = web.require_account()
    acting = web.current.username if web.current else ""
    return await _form_page(ctx, web, FormState("event", new_event_values(acting, account.timezone)),
                      browser_timezone=timezone_preference(account) is None)


@post("/events/new", include_in_schema=False)
async def create(ctx: Ctx, web: Caller, data: UploadForm) -> Response:
    """Create as the chosen identity; the banner is stored before publishing, so a refused
    picture leaves no event behind (the whole transaction is undone)."""
    account = web.require_account()

    async def act() -> Response:
        organizer = await own_identity(ctx, account, text(data, "identity") or None)
        event = await service.create_event(ctx, organizer, event_input(data))
        await _banner(ctx, event, data)
        if _publishing(data):
            await service.publish_event(ctx, event)
            return _published(event)
        return done(event_url(event), "draft-saved")

    return await attempt(ctx, web, "event", data, act, lambda form: _form_page(ctx, web, form))


@get("/events/{uuid:str}/edit", include_in_schema=False)
async def edit_form(ctx: Ctx, web: Caller, uuid: str) -> Response:
    event = await _organised(ctx, web, uuid)
    extra = (await load_extra(ctx, [event]))[event.id]
    return await _form_page(ctx, web, FormState("event", event_values(event, extra)), event)


@post("/events/{uuid:str}/edit", include_in_schema=False)
async def edit(ctx: Ctx, web: Caller, uuid: str, data: UploadForm) -> Response:
    event = await _organised(ctx, web, uuid)

    async def act() -> Response:
        await service.update_event(ctx, event, event_input(data))
        await _banner(ctx, event, data)
        if event.draft and _publishing(data):
            await service.publish_event(ctx, event)
            return _published(event)
        return done(event_url(event), "event-held" if event.held_at else "event-saved")

    return await attempt(ctx, web, "event", data, act, lambda form: _form_page(ctx, web, form, event), event)


# -- organiser's actions ----------------------------------------------------------


@post("/events/{uuid:str}/publish", include_in_schema=False)
async def publish(ctx: Ctx, web: Caller, uuid: str) -> Response:
    event = await _organised(ctx, web, uuid)
    await service.publish_event(ctx, event)
    return _published(event)


@get("/events/{uuid:str}/cancel", include_in_schema=False)
async def cancel_form(ctx: Ctx, web: Caller, uuid: str) -> Response:
    return page("event_cancel.html", web, FormState("cancel"), event=await _organised(ctx, web, uuid))


@post("/events/{uuid:str}/cancel", include_in_schema=False)
async def cancel(ctx: Ctx, web: Caller, uuid: str, data: Form) -> Response:
    """Cancel with a message for participants; the event stays visible, marked cancelled."""
    event = await _organised(ctx, web, uuid)

    async def act() -> Response:
        await service.cancel_event(ctx, event, text(data, "message"))
        return done(event_url(event), "event-cancelled")

    return await attempt(ctx, web, "cancel", data, act,
                         lambda form: page("event_cancel.html", web, form, event=event), event)


@get("/events/{uuid:str}/delete", include_in_schema=False)
async def delete_form(ctx: Ctx, web: Caller, uuid: str) -> Response:
    """Ask before deleting: it cannot be undone and takes participations and comments with it."""
    return page("event_delete.html", web, event=await _organised(ctx, web, uuid))


@post("/events/{uuid:str}/delete", include_in_schema=False)
async def delete(ctx: Ctx, web: Caller, uuid: str) -> Response:
    """The organiser deletes an event (back to their list), or a moderator a plugin grants it to (back home)."""
    web.require_account()
    event = await listing.visible_event(ctx, uuid)
    back = f"/my/events?tab={'drafts' if event.draft else 'organising'}" if service.organises(web.viewer, event) else "/"
    await service.delete_event(ctx, event)
    return done(back, "event-deleted")


# -- participation ------------------------------------------------------------------


@post("/events/{uuid:str}/join", include_in_schema=False)
async def join(ctx: Ctx, web: Caller, uuid: str, data: Form) -> Response:
    """Join as the chosen identity; on a restricted event this is a request with a message."""
    account = web.require_account()
    event = await listing.visible_event(ctx, uuid)

    async def act() -> Response:
        identity = await own_identity(ctx, account, text(data, "identity") or None)
        found = await participations.join(ctx, identity, event, text(data, "message"))
        return done(event_url(event), "join-requested" if found.role == "not_approved" else "joined")

    return await attempt(ctx, web, "join", data, act, lambda form: event_page(ctx, web, event, form), event)


@post("/events/{uuid:str}/leave", include_in_schema=False)
async def leave(ctx: Ctx, web: Caller, uuid: str, data: Form) -> Response:
    account = web.require_account()
    event = await listing.visible_event(ctx, uuid)
    await participations.leave(ctx, await own_identity(ctx, account, text(data, "identity") or None), event)
    return done(event_url(event), "left")


async def _decide(ctx: Ctx, web: Caller, uuid: str, participation: str,
                  decision: Callable[[Ctx, Participation], Awaitable[None]], confirmation: str) -> Response:
    """An organiser approves or declines; a refusal (the event is full) shows on the event page."""
    event = await _organised(ctx, web, uuid)
    found = await participations.participation_for_event(ctx, event, participation)

    async def act() -> Response:
        await decision(ctx, found)
        return done(event_url(event), confirmation)

    return await attempt(ctx, web, "participants", {}, act, lambda form: event_page(ctx, web, event, form), event)


@post("/events/{uuid:str}/participations/{participation:str}/approve", include_in_schema=False)
async def approve(ctx: Ctx, web: Caller, uuid: str, participation: str) -> Response:
    return await _decide(ctx, web, uuid, participation, participations.approve, "approved")


@post("/events/{uuid:str}/participations/{participation:str}/reject", include_in_schema=False)
async def reject(ctx: Ctx, web: Caller, uuid: str, participation: str) -> Response:
    return await _decide(ctx, web, uuid, participation, participations.reject, "rejected")


# -- my events ----------------------------------------------------------------------


@get("/my/events", include_in_schema=False, opt=listing.SHOWS_EVENTS)
async def my_events(ctx: Ctx, web: Caller, tab: Annotated[str, QueryParameter(max_length=20)] = "organising",
                    number: PageNumber = 1) -> Response:
    """Events of all my identities, by tab: organising, going, pending, drafts, past."""
    web.require_account()
    events = await listing.events_page(ctx, listing.my_listing(web.identity_ids, tab), number, MY_EVENTS_PER_PAGE)
    return page("my_events.html", web, tab=tab, tabs=listing.MY_TABS, events=events)


HANDLERS = [show, share_on_mastodon, new_form, create, edit_form, edit, publish, cancel_form, cancel, delete_form, delete,
            join, leave, approve, reject, my_events]
