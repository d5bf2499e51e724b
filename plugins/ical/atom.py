"""The same events as an Atom feed (RFC 4287), for feed readers rather than calendars.

Built with xml.etree, which escapes every text and attribute. Each entry's summary
says when (in the event's own timezone) and where, in the instance's language. Like the
ICS feed, the output depends on the events only (``updated`` is the latest change, not
the time of the request), so the same events give the same bytes and the same ETag.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, datetime

from core import __version__
from core.events.models import Event
from core.settings import Settings
from core.web.structured_data import event_page_url
from core.web.templating import local_moment
from plugins.ical.vevent import STATUS, location_text

ATOM = "http://www.w3.org/2005/Atom"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = text
    return element


def summary(event: Event, language: str, gettext: Callable[[str], str]) -> str:
    """When and where, as one line a reader shows under the title."""
    when = local_moment(event.begins_at, event.timezone, language)
    if event.ends_at is not None:
        when = f"{when} – {local_moment(event.ends_at, event.timezone, language)}"
    parts = [gettext("When: %(when)s (%(zone)s)") % {"when": when, "zone": event.timezone}]
    if event.has_address:
        parts.append(gettext("Where: %(place)s") % {"place": location_text(event)})
    if event.online_url:
        parts.append(gettext("Online: %(url)s") % {"url": event.online_url})
    if STATUS[event.status] == "CANCELLED":
        parts.insert(0, gettext("Cancelled."))
    return " ".join(parts)


def atom_bytes(settings: Settings, events: list[Event], *, title: str, subtitle: str, self_url: str,
               page_url: str, language: str, gettext: Callable[[str], str]) -> bytes:
    """An Atom feed of ``events`` at ``self_url``, about the page ``page_url``."""
    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": language})
    _add(feed, "id", self_url)
    _add(feed, "title", title)
    if subtitle:
        _add(feed, "subtitle", subtitle)
    _add(feed, "updated", _stamp(max((event.updated_at for event in events), default=EPOCH)))
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=page_url)
    _add(feed, "generator", "Convene", version=__version__)
    author = _add(feed, "author")
    _add(author, "name", settings.instance.name)
    _add(author, "uri", settings.public_url)
    for event in events:
        entry = _add(feed, "entry")
        _add(entry, "id", f"urn:uuid:{event.uuid}")
        _add(entry, "title", event.title)
        _add(entry, "updated", _stamp(event.updated_at))
        _add(entry, "published", _stamp(event.created_at))
        _add(entry, "link", rel="alternate", type="text/html", href=event_page_url(event, settings))
        organiser = _add(entry, "author")
        _add(organiser, "name", event.organizer.name)
        if event.organizer.is_local:
            _add(organiser, "uri", settings.url(f"/@{event.organizer.username}"))
        _add(entry, "summary", summary(event, language, gettext))
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
