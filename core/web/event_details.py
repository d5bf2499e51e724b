"""The event page's details that are worked out rather than stored: the reader's own
time beside the event's, a map link, and what other programs read (core.web.structured_data).

An event's times are shown in its own timezone, as the organiser meant them. A member
whose timezone (their account's preference) would read another clock time also sees
theirs. Visitors, and members who kept the default (UTC: never chosen, as far as we can
tell), have no preference we know, so a small script adds theirs from the browser
(themes/default/static/event.js); the page says everything without it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from core.accounts.models import Account
from core.events.models import Event
from core.settings import Settings
from core.web.structured_data import event_page_url, event_schema, open_graph, script_json

OSM = "https://www.openstreetmap.org/"
MAP_ZOOM = 17
UNCHOSEN_TIMEZONE = "UTC"  # every account's timezone until its owner picks one


def timezone_preference(account: Account | None) -> str | None:
    """The reader's chosen timezone, or None for visitors and members who kept the default."""
    if account is None or account.timezone == UNCHOSEN_TIMEZONE:
        return None
    return account.timezone


def other_timezone(event: Event, zone: str | None) -> str | None:
    """``zone`` when its clock differs from the event's at the event's start or end, else None."""
    if not zone or zone == event.timezone:
        return None
    moments = [m for m in (event.begins_at, event.ends_at) if m is not None]
    differs = any(m.astimezone(ZoneInfo(zone)).utcoffset() != m.astimezone(ZoneInfo(event.timezone)).utcoffset()
                  for m in moments)
    return zone if differs else None


def map_link(event: Event) -> str:
    """OpenStreetMap at the event's coordinates, or a search for its address; "" without a place."""
    if event.latitude is not None and event.longitude is not None:
        lat, lon = event.latitude, event.longitude
        return f"{OSM}?{urlencode({'mlat': lat, 'mlon': lon})}#map={MAP_ZOOM}/{lat}/{lon}"
    if not event.has_address:
        return ""
    parts = (event.address_street, event.address_postal_code, event.address_locality, event.address_region,
             event.address_country)
    query = ", ".join(p for p in parts if p) or event.address_name
    return f"{OSM}search?{urlencode({'query': query})}"


def event_page_details(event: Event, settings: Settings, reader: Account | None) -> dict[str, Any]:
    """Template values for event.html (all plain data; the template writes them out)."""
    preference = timezone_preference(reader)
    return {
        "page_url": event_page_url(event, settings),
        "viewer_zone": other_timezone(event, preference),
        "browser_time": preference is None,
        "map_url": map_link(event),
        "open_graph": open_graph(event, settings),
        "json_ld": script_json(event_schema(event, settings)),
    }
