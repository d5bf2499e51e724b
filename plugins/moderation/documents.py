"""The instance's published documents: terms, code of conduct, moderation and federation policies, audience.

Administrators write them (light markdown); each change bumps the version, and a change
marked *material* asks members to accept the terms or the code of conduct again
(acceptance.py). The text is kept as written and rendered at reading: markdown without
raw HTML, then the core's sanitiser (core.sanitize.rich_text), so what reaches a page is
the same small set of tags as an event's description.

The federation policy is the administrators' words plus the domain rules of whichever
plugin federates, asked through ``moderation_federation_policy`` (no import of it here).
"""

from __future__ import annotations

from dataclasses import dataclass

from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.context import Ctx
from core.db.base import utcnow
from core.errors import Conflict, InvalidInput, NotFound
from core.i18n import N_, Message
from core.sanitize import rich_text
from plugins.moderation.models import DOCUMENT_KINDS, DOCUMENT_MAX, PolicyDocument
from plugins.moderation.roles import require_admin

# their titles, as msgids (translated where shown)
TITLES = {
    "terms": N_("Terms of service"),
    "code_of_conduct": N_("Code of conduct"),
    "moderation_policy": N_("Moderation policy"),
    "federation_policy": N_("Federation policy"),
    "audience": N_("Audience and subjects"),
}
# commonmark without raw HTML: a "<script>" typed in a document is shown as text
_MARKDOWN = MarkdownIt("commonmark", {"html": False})


@dataclass(frozen=True)
class DomainRule:
    """One line of the generated part of the federation policy: a domain blocked or allowed, and why."""

    domain: str
    kind: str
    reason: str


def page_path(kind: str) -> str:
    """Where a document is published: ``/about/code-of-conduct``."""
    return "/about/" + kind.replace("_", "-")


def kind_of_path(slug: str) -> str:
    kind = slug.replace("-", "_")
    if kind not in DOCUMENT_KINDS or "_" in slug:
        raise NotFound("no such document")
    return kind


def check_kind(kind: str) -> str:
    if kind not in DOCUMENT_KINDS:
        raise NotFound(Message("no such document; the documents are: %(kinds)s", kinds=", ".join(DOCUMENT_KINDS)))
    return kind


def rendered(text: str) -> Markup:
    """A document's markdown as safe HTML (links kept, with ``rel=nofollow``; no images, no scripts)."""
    return Markup(rich_text(_MARKDOWN.render(text)))  # noqa: S704 - sanitised by nh3 just now


async def documents(ctx: Ctx) -> dict[str, PolicyDocument]:
    """Every document written so far, by kind, in the order of ``DOCUMENT_KINDS``."""
    found = {doc.kind: doc for doc in await ctx.session.scalars(select(PolicyDocument))}
    return {kind: found[kind] for kind in DOCUMENT_KINDS if kind in found}


async def federation_rules(ctx: Ctx) -> list[DomainRule]:
    """The domain rules of the plugins that federate, as they publish them (none when federation is off)."""
    answers = await ctx.call("moderation_federation_policy")
    return [DomainRule(str(rule["domain"]), str(rule["kind"]), str(rule.get("reason", "")))
            for rules in answers for rule in rules]


def _checked_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\x00", "").strip()
    if len(text) > DOCUMENT_MAX:
        raise InvalidInput.field("text", Message("must be at most %(count)s characters", count=DOCUMENT_MAX))
    if not text:
        raise InvalidInput.field("text", "this field is required")
    return text


async def write_document(ctx: Ctx, kind: str, text: str, material: bool) -> PolicyDocument:
    """An administrator writes a document: the first text is version 1, each change the next version.

    The same text again changes nothing (no new version, nobody asked to accept again).
    """
    require_admin(ctx)
    kind, text = check_kind(kind), _checked_text(text)
    document = await ctx.session.get(PolicyDocument, kind)
    if document is None:
        document = PolicyDocument(kind=kind, text=text, version=1, updated_at=utcnow(), material=material,
                                  accept_from=1 if material else 0)
        try:
            async with ctx.session.begin_nested():  # a savepoint: another administrator may have written it first
                ctx.session.add(document)
        except IntegrityError:
            raise Conflict("another administrator wrote this document a moment ago; read it and try again") from None
        return document
    if document.text == text:
        return document
    document.text, document.version, document.updated_at = text, document.version + 1, utcnow()
    document.material = material
    if material:
        document.accept_from = document.version
    return document
