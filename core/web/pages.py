"""Collects the server-rendered pages of every domain."""

from __future__ import annotations

from typing import Any


def web_route_handlers() -> list[Any]:
    from core.accounts.web import HANDLERS as ACCOUNT_PAGES
    from core.comments.web import HANDLERS as COMMENT_PAGES
    from core.events.announcement_pages import HANDLERS as ANNOUNCEMENT_PAGES
    from core.events.web import HANDLERS as EVENT_PAGES
    from core.identities.web import HANDLERS as IDENTITY_PAGES
    from core.notifications.web import HANDLERS as NOTIFICATION_PAGES
    from core.web.about import about
    from core.web.branding import colours, logo
    from core.web.home import home
    from core.web.language import switch_language
    from core.web.manifest import web_manifest

    return [home, about, logo, colours, web_manifest, switch_language, *ACCOUNT_PAGES, *IDENTITY_PAGES, *EVENT_PAGES,
            *COMMENT_PAGES, *NOTIFICATION_PAGES, *ANNOUNCEMENT_PAGES]
