"""What plugins contribute to event pages: links (e.g. "Add to calendar") and sidebar fragments."""

from __future__ import annotations

import msgspec
import pluggy
from markupsafe import Markup

from core.events.models import Event
from core.identities.models import Identity
from core.plugins import call_sync
from core.settings import Settings


class Link(msgspec.Struct, frozen=True):
    label: str
    url: str
    rel: str = "alternate"
    media_type: str = ""


class MenuLink(msgspec.Struct, frozen=True):
    """A link in the main menu of members; ``role`` limits it to accounts of that role."""

    label: str
    url: str
    role: str = ""


def event_links(pm: pluggy.PluginManager, event: Event, settings: Settings) -> list[Link]:
    return [link for links in call_sync(pm, "convene_event_links", event=event, settings=settings) for link in links]


def event_sidebar(pm: pluggy.PluginManager, event: Event, viewer: Identity | None, settings: Settings) -> list[Markup]:
    fragments = call_sync(pm, "convene_event_sidebar", event=event, viewer=viewer, settings=settings)
    return [Markup(f) for f in fragments if f]
