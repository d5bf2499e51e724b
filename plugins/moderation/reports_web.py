"""Reporting from the pages: the "Report" links (event page, under each comment, profile), the form, the thanks.

The form (``/report?target=<address>``) shows what is reported, the instance's rules in
their order with their hints plus spam, illegal and other, a comment, and which of the
member's identities reports. A visitor may use it only where anonymous reports are on:
the page then carries a challenge that the theme's ``report-proof.js`` solves in the
browser before sending (members' forms need no script). The links are the same for
every reader, so event pages stay cacheable; a visitor who may not report is asked to
log in by the form's page.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.params import Parameter
from litestar.response import Redirect
from sqlalchemy import select

from core.auth import Caller, client_address
from core.comments.models import Comment
from core.context import Ctx
from core.errors import NotAuthenticated
from core.events.models import Event
from core.i18n import N_
from core.identities.models import Identity
from core.web.forms import Form, FormState, attempt, text
from core.web.render import page
from core.web.slots import Fragment, Slot
from plugins.moderation import proof_of_work, targets
from plugins.moderation.filing import Target, snapshot_of
from plugins.moderation.models import InstanceRule
from plugins.moderation.reporting import Proof, config, report

PAGE, SENT = "/report", "/report/sent"
OTHER_KINDS = (("spam", N_("Spam"), N_("Advertising, scams, repeated unwanted messages")),
               ("illegal", N_("Illegal content"), N_("Something the law forbids where the instance is run")),
               ("other", N_("Something else"), N_("Explain in the comment")))


def report_link(target: str) -> str:
    return f"{PAGE}?{urlencode({'target': target})}"


async def event_link(slot: Slot, event: Event) -> Fragment:
    return Fragment(slot.render("moderation/report_link.html", url=report_link(f"/events/{event.uuid}"),
                                label=N_("Report this event")))


async def comment_links(slot: Slot, comments: list[Comment]) -> dict[int, Fragment]:
    return {c.id: Fragment(slot.render("moderation/report_link.html", url=report_link(f"/comments/{c.uuid}"),
                                       label=N_("Report this comment"), small=True)) for c in comments}


async def profile_link(slot: Slot, identity: Identity) -> Fragment | None:
    if not identity.is_local:
        return None
    return Fragment(slot.render("moderation/report_link.html", url=report_link(f"/@{identity.username}"),
                                label=N_("Report this profile")))


async def _form_page(ctx: Ctx, me: Caller, address: str, thing: Target, form: FormState) -> Response:
    rules = list(await ctx.session.scalars(select(InstanceRule).order_by(InstanceRule.position, InstanceRule.id)))
    challenge = None
    if me.account is None:
        settings = config(ctx)
        challenge, _ = proof_of_work.challenge(ctx.settings.secret_key, settings.anonymous_report_work_bits)
    return page("moderation/report_form.html", me, form, target=address, thing=snapshot_of(thing), rules=rules,
                other_kinds=OTHER_KINDS, challenge=challenge,
                bits=config(ctx).anonymous_report_work_bits)


def _may_report(ctx: Ctx, me: Caller) -> None:
    if me.account is None and not config(ctx).anonymous_reports:
        raise NotAuthenticated(N_("please log in to report"))


@get(PAGE, include_in_schema=False)
async def report_form(ctx: Ctx, web: Caller,
                      target: Annotated[str, Parameter(max_length=targets.TARGET_MAX)] = "") -> Response:
    _may_report(ctx, web)
    thing = await targets.resolve(ctx, target)
    return await _form_page(ctx, web, target, thing, FormState("report", {"rule": ""}))


@post(PAGE, include_in_schema=False)
async def send_report(ctx: Ctx, web: Caller, request: Request[Any, Any, Any], data: Form) -> Response:
    _may_report(ctx, web)
    address = text(data, "target")
    await targets.resolve(ctx, address)  # a refused form is shown again only for what the reader may see

    async def act() -> Response:
        proof = Proof(text(data, "challenge"), text(data, "nonce")) if web.account is None else None
        await report(ctx, web.account, address, text(data, "rule"), text(data, "comment"),
                     text(data, "identity") or None, proof, client_address(request))
        return Redirect(SENT, status_code=303)

    async def again(form: FormState) -> Response:
        return await _form_page(ctx, web, address, await targets.resolve(ctx, address), form)

    return await attempt(ctx, web, "report", data, act, again)


@get(SENT, include_in_schema=False)
async def report_sent(web: Caller) -> Response:
    return page("moderation/report_sent.html", web)


def web_handlers() -> list[Any]:
    return [report_form, send_report, report_sent]
