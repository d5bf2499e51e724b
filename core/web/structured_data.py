"""What other programs read from an event page: OpenGraph tags (link previews in chats
and on social networks) and a schema.org ``Event`` in JSON-LD (search engines, calendars).

The JSON-LD sits inside a ``<script>`` element, where HTML escaping does not apply and
a title containing ``</script>`` would end the element early. So every ``<``, ``>`` and
``&`` in the JSON is written as a ``\\u`` escape: still the same JSON, never markup.
"""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup

from core.events.models import Event
from core.sanitize import plain_text
from core.settings import Settings

SCHEMA = "https://schema.org/"
DESCRIPTION_PREVIEW = 200
SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def event_page_url(event: Event, settings: Settings) -> str:
    return settings.url(f"/events/{event.uuid}")


def banner_image_url(event: Event, settings: Settings) -> str:
    """The banner's absolute URL: an uploaded one served here, else a remote event's own, else ""."""
    if event.banner:
        return settings.url(f"/media/{event.banner}")
    return event.banner_url


def description_preview(event: Event) -> str:
    """The description as plain text, cut at a word near ``DESCRIPTION_PREVIEW`` characters."""
    text = " ".join(plain_text(event.description).split())
    if len(text) <= DESCRIPTION_PREVIEW:
        return text
    return text[:DESCRIPTION_PREVIEW].rsplit(" ", 1)[0] + "…"


def open_graph(event: Event, settings: Settings) -> list[tuple[str, str]]:
    """``(property, content)`` pairs for ``<meta property=... content=...>``."""
    tags = [("og:type", "website"), ("og:site_name", settings.instance.name), ("og:title", event.title),
            ("og:description", description_preview(event)), ("og:url", event_page_url(event, settings))]
    if image := banner_image_url(event, settings):
        tags.append(("og:image", image))
    return tags


def _iso(event: Event, moment: Any) -> str:
    """A time written in the event's own timezone, with its offset (what people there read)."""
    return moment.astimezone(ZoneInfo(event.timezone)).isoformat()


def _attendance_mode(event: Event) -> str:
    if event.online_url and event.has_address:
        return SCHEMA + "MixedEventAttendanceMode"
    return SCHEMA + ("OnlineEventAttendanceMode" if event.online_url else "OfflineEventAttendanceMode")


def _place(event: Event) -> dict[str, Any]:
    address = {key: value for key, value in (
        ("streetAddress", event.address_street), ("postalCode", event.address_postal_code),
        ("addressLocality", event.address_locality), ("addressRegion", event.address_region),
        ("addressCountry", event.address_country)) if value}
    place: dict[str, Any] = {"@type": "Place", "name": event.address_name or event.address_locality or event.address_street,
                             "address": {"@type": "PostalAddress", **address}}
    if event.latitude is not None and event.longitude is not None:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": event.latitude, "longitude": event.longitude}
    return place


def _location(event: Event) -> list[dict[str, Any]]:
    places = [_place(event)] if event.has_address else []
    if event.online_url:
        places.append({"@type": "VirtualLocation", "url": event.online_url})
    return places


def _organizer(event: Event, settings: Settings) -> dict[str, Any]:
    organizer: dict[str, Any] = {"@type": "Person", "name": event.organizer.name}
    if event.organizer.is_local:
        organizer["url"] = settings.url(f"/@{event.organizer.username}")
    return organizer


def event_schema(event: Event, settings: Settings) -> dict[str, Any]:
    """The schema.org Event. No ``offers``: Convene sells nothing, and a price it does not know
    (an external registration site's) is better left out than guessed."""
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "Event", "name": event.title,
        "description": description_preview(event), "url": event_page_url(event, settings),
        "startDate": _iso(event, event.begins_at),
        "eventStatus": SCHEMA + ("EventCancelled" if event.is_cancelled else "EventScheduled"),
        "eventAttendanceMode": _attendance_mode(event), "organizer": _organizer(event, settings),
    }
    if event.ends_at:
        data["endDate"] = _iso(event, event.ends_at)
    location = _location(event)
    if location:
        data["location"] = location[0] if len(location) == 1 else location
    if image := banner_image_url(event, settings):
        data["image"] = [image]
    return data


def script_json(data: Any) -> Markup:
    """JSON safe to place between ``<script type="application/ld+json">`` and ``</script>``."""
    return Markup(json.dumps(data, ensure_ascii=False).translate(SCRIPT_SAFE))
