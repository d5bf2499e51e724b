"""The pages of the instance's documents and rules: written at ``/admin/policies``, published under ``/about``.

Administrators only write them (anyone else logged in gets 403; visitors are sent to log
in). Each document has its page (``/about/terms``...), listed on the about page with the
rules; the sign-up form shows the acceptance checkbox; ``/policies/accept`` is where a
member lands after logging in while a materially changed document waits for them.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Response, get, post
from litestar.params import Parameter, QueryParameter

from core.auth import Caller
from core.context import Ctx
from core.errors import InvalidInput, NotFound
from core.web.forms import Form, FormState, attempt, text
from core.web.render import done, page, safe_next
from core.web.slots import Fragment, MenuLink, Slot
from plugins.moderation import acceptance
from plugins.moderation.documents import (
    TITLES,
    documents,
    federation_rules,
    kind_of_path,
    page_path,
    rendered,
    write_document,
)
from plugins.moderation.instance_rules import RuleId, add_rule, delete_rule, edit_rule, instance_rules, rule_number
from plugins.moderation.models import ACCEPTED_KINDS, DOCUMENT_KINDS
from plugins.moderation.roles import require_admin

PAGE = "/admin/policies"
MENU_LINK = MenuLink("Instance policies", PAGE, role="administrator")
Next = Annotated[str, QueryParameter(name="next", max_length=2000)]


# --- administrators ---------------------------------------------------------------------------


async def _admin_page(ctx: Ctx, me: Caller, form: FormState) -> Response:
    return page("moderation/documents/admin.html", me, form, kinds=DOCUMENT_KINDS, titles=TITLES,
                documents=await documents(ctx), rules=await instance_rules(ctx),
                domains=await federation_rules(ctx))


def _admin(ctx: Ctx, web: Caller) -> None:
    web.require_account()  # a visitor is sent to log in
    require_admin(ctx)


@get(PAGE, include_in_schema=False)
async def admin_page(ctx: Ctx, web: Caller) -> Response:
    _admin(ctx, web)
    return await _admin_page(ctx, web, FormState())


async def _act(ctx: Ctx, web: Caller, form: str, data: dict[str, Any], work: Any, confirmation: str) -> Response:
    async def act() -> Response:
        await work()
        return done(PAGE, confirmation)

    return await attempt(ctx, web, form, data, act, lambda state: _admin_page(ctx, web, state))


@post(f"{PAGE}/documents/{{kind:str}}", include_in_schema=False)
async def save_document(ctx: Ctx, web: Caller, kind: str, data: Form) -> Response:
    _admin(ctx, web)
    return await _act(ctx, web, kind, data, lambda: write_document(
        ctx, kind, text(data, "text"), bool(text(data, "material"))), "document-saved")


@post(f"{PAGE}/rules", include_in_schema=False)
async def add_rule_form(ctx: Ctx, web: Caller, data: Form) -> Response:
    _admin(ctx, web)
    return await _act(ctx, web, "rule-new", data, lambda: add_rule(ctx, text(data, "text"), text(data, "hint")),
                      "rule-added")


@post(f"{PAGE}/rules/{{rule_id:str}}", include_in_schema=False)
async def edit_rule_form(ctx: Ctx, web: Caller, rule_id: RuleId, data: Form) -> Response:
    _admin(ctx, web)
    return await _act(ctx, web, f"rule-{rule_id}", data, lambda: edit_rule(
        ctx, rule_number(rule_id), text(data, "text"), text(data, "hint")), "rule-saved")


@post(f"{PAGE}/rules/{{rule_id:str}}/move", include_in_schema=False)
async def move_rule_form(ctx: Ctx, web: Caller, rule_id: RuleId, data: Form) -> Response:
    _admin(ctx, web)

    async def move() -> None:
        position = text(data, "position")
        if not position.isdigit() or len(position) > 4:
            raise InvalidInput.field("position", "must be 0 or more")
        await edit_rule(ctx, rule_number(rule_id), position=int(position))

    return await _act(ctx, web, f"rule-{rule_id}", data, move, "rule-moved")


@post(f"{PAGE}/rules/{{rule_id:str}}/delete", include_in_schema=False)
async def delete_rule_form(ctx: Ctx, web: Caller, rule_id: RuleId, data: Form) -> Response:
    _admin(ctx, web)
    return await _act(ctx, web, f"rule-{rule_id}", data, lambda: delete_rule(ctx, rule_number(rule_id)), "rule-deleted")


# --- published --------------------------------------------------------------------------------


@get("/about/{slug:str}", include_in_schema=False)
async def document_page(ctx: Ctx, web: Caller, slug: Annotated[str, Parameter(max_length=40)]) -> Response:
    """One document, whole; the federation policy with the domains blocked or allowed."""
    kind = kind_of_path(slug)
    document = (await documents(ctx)).get(kind)
    domains = await federation_rules(ctx) if kind == "federation_policy" else []
    if document is None and not domains:
        raise NotFound("this instance has not published this document")
    return page("moderation/documents/document.html", web, kind=kind, title=TITLES[kind], document=document,
                html=rendered(document.text) if document else "", domains=domains)


async def about_section(ctx: Ctx, slot: Slot) -> Fragment | None:
    written, rules = await documents(ctx), await instance_rules(ctx)
    domains = await federation_rules(ctx)
    if not written and not rules and not domains:
        return None
    listed = [kind for kind in DOCUMENT_KINDS if kind in written or (kind == "federation_policy" and domains)]
    links = [(page_path(kind), TITLES[kind], written.get(kind)) for kind in listed]
    return Fragment(slot.render("moderation/documents/about_section.html", links=links, rules=rules))


async def signup_fields(ctx: Ctx, slot: Slot, form: FormState) -> Fragment | None:
    to_accept = await acceptance.to_accept_at_sign_up(ctx)
    if not to_accept:
        return None
    links = [(page_path(doc.kind), TITLES[doc.kind]) for doc in to_accept]
    return Fragment(slot.render("moderation/documents/signup_fields.html", form=form, links=links,
                                field=f"extra.{acceptance.FIELD}"))


async def instance_metadata(ctx: Ctx, data: dict[str, Any]) -> None:
    """What directories show: each document's page and version, the rules, and where the whole is."""
    data["policies"] = {kind: {"url": ctx.settings.url(page_path(kind)), "version": doc.version,
                               "updated_at": doc.updated_at.isoformat()}
                        for kind, doc in (await documents(ctx)).items()}
    data["rules"] = [{"id": rule.id, "text": rule.text, "hint": rule.hint} for rule in await instance_rules(ctx)]
    data["policies_api"] = ctx.settings.url("/api/v1/policies")


# --- members accept a materially changed document ----------------------------------------------


async def _accept_page(ctx: Ctx, me: Caller, form: FormState, back: str) -> Response:
    pending = await acceptance.pending(ctx, me.require_account().id)
    return page("moderation/documents/accept.html", me, form, pending=pending, titles=TITLES, next=back,
                rendered=rendered, field=acceptance.FIELD)


@get(acceptance.PAGE, include_in_schema=False)
async def accept_page(ctx: Ctx, web: Caller, back: Next = "/") -> Response:
    return await _accept_page(ctx, web, FormState("accept"), safe_next(back))


@post(acceptance.PAGE, include_in_schema=False)
async def accept_form(ctx: Ctx, web: Caller, data: Form) -> Response:
    """Accept every version shown (each named in the form: a newer one since is refused, to be read first)."""
    account = web.require_account()
    back = safe_next(text(data, "next"))

    async def act() -> Response:
        if text(data, acceptance.FIELD) not in acceptance.YES:
            raise InvalidInput.field(acceptance.FIELD, "tick the box to accept")
        for kind in ACCEPTED_KINDS:
            version = text(data, f"version.{kind}")
            if version:
                if not version.isdigit() or len(version) > 9:
                    raise InvalidInput.field(acceptance.FIELD, "this page is out of date; read it again")
                await acceptance.accept(ctx, account, kind, int(version))
        return done(back, "policies-accepted")

    return await attempt(ctx, web, "accept", data, act, lambda form: _accept_page(ctx, web, form, back))


def web_handlers() -> list[Any]:
    return [admin_page, save_document, add_rule_form, edit_rule_form, move_rule_form, delete_rule_form,
            document_page, accept_page, accept_form]
