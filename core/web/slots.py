"""What plugins contribute to pages: menu links, event links, and fragments in page slots.

A slot hook is async and gets ``ctx`` (``ctx.viewer`` is who reads) and a ``Slot``: the
request, the reader's language, the CSRF token for a form, and ``slot.render`` to
render one of the plugin's templates in that language, its strings translated by the
plugin's own catalogue. It answers a ``Fragment`` (or None).

Event pages read by visitors are cached and served to every visitor in the same
language (core.web.page_cache); visitors get no CSRF token, so a form for them posts
without one only to a route that needs none. A fragment that differs between visitors
(it depends on a cookie, the client's address, the hour) says ``shared=False``, and the
page it is on is then never cached. For members, pages are never cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgspec
from litestar import Request
from litestar.utils.scope.state import ScopeState
from markupsafe import Markup

from core.context import Ctx
from core.events.models import Event
from core.i18n import translate_message
from core.web.language import reader_language
from core.web.localised import LocalisedTemplates

# request.state key: a fragment on this page is not the same for every visitor (core.web.page_cache)
NOT_SHARED = "convene_not_shared"


class Link(msgspec.Struct, frozen=True):
    """A link offered on an event page and in its API answer; ``label`` is a msgid, translated where shown.
    Links of one ``group`` (a msgid too, e.g. "Add to calendar") are shown together under it."""

    label: str
    url: str
    rel: str = "alternate"
    media_type: str = ""
    group: str = ""


class MenuLink(msgspec.Struct, frozen=True):
    """A link in the main menu of members; ``role`` limits it to accounts of that role."""

    label: str
    url: str
    role: str = ""


@dataclass(frozen=True)
class Fragment:
    """Trusted HTML for a slot (escape what it holds: ``slot.render`` does). ``shared``: the same for
    every visitor reading the page in this language, so the page may be cached."""

    html: str
    shared: bool = True


@dataclass(frozen=True)
class Slot:
    request: Request[Any, Any, Any]
    locale: str
    csrf_token: str
    _environment: Any = field(repr=False)

    def render(self, template: str, **context: Any) -> Markup:
        """One of the plugin's templates (from ``convene_template_dirs``; a theme may override it), in the
        reader's language, with ``csrf_input`` (the hidden CSRF field for a form), ``locale`` and ``slot``."""
        csrf_input = Markup('<input type="hidden" name="_csrf_token" value="{}">').format(self.csrf_token)
        page = {"request": self.request, "locale": self.locale, "csrf_input": csrf_input, "slot": self}
        return Markup(self._environment.get_template(template).render({**page, **context}))

    def translate(self, message: str) -> str:
        """A message (a msgid, ``core.i18n.Message``) in the reader's language, from every catalogue."""
        return translate_message(self._environment.globals["catalogue"], message)


def page_slot(ctx: Ctx) -> Slot:
    """The slot of the page the request renders; members get a CSRF token for forms, visitors none."""
    request = ctx.request
    assert request is not None, "page slots exist only in a request"
    locale = reader_language(request)
    token = "" if ctx.viewer.is_anonymous else (ScopeState.from_scope(request.scope).csrf_token or "")
    engine = request.app.template_engine
    assert isinstance(engine, LocalisedTemplates)
    environment = engine.environments[locale]
    return Slot(request, locale, token if isinstance(token, str) else "", environment)


def fragments_html(slot: Slot, answers: list[Fragment]) -> list[Markup]:
    """The fragments to show; one not shared between visitors keeps the page out of the cache."""
    if any(not answer.shared for answer in answers):
        slot.request.state[NOT_SHARED] = True
    return [Markup(answer.html) for answer in answers]


def comment_fragments(slot: Slot, answers: list[dict[int, Fragment]]) -> dict[int, list[Markup]]:
    """``convene_comment_actions``' answers as each comment's fragments, by comment id."""
    by_comment: dict[int, list[Fragment]] = {}
    for answer in answers:
        for comment_id, fragment in answer.items():
            by_comment.setdefault(comment_id, []).append(fragment)
    return {comment_id: fragments_html(slot, found) for comment_id, found in by_comment.items()}


async def slot_fragments(ctx: Ctx, slot: Slot, hook: str, **kwargs: Any) -> list[Markup]:
    """Every plugin's fragment for one slot of a page."""
    return fragments_html(slot, await ctx.call(hook, slot=slot, **kwargs))


async def event_links(ctx: Ctx, event: Event) -> list[Link]:
    return [link for links in await ctx.call("convene_event_links", event=event) for link in links]
