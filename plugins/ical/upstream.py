"""One upstream VEVENT as the fields of a Convene event (``EventInput``).

How each property is read:

- SUMMARY is the title; DESCRIPTION is plain text, so it is escaped and its paragraphs
  and line breaks kept (cut to fit the core's limit); a URL is added to it as a link.
- DTSTART/DTEND (or DURATION) keep their instant; the event's timezone is the TZID when
  it is an IANA name or a Windows name (Outlook's "W. Europe Standard Time" is Europe/Berlin),
  else the calendar's X-WR-TIMEZONE, else UTC. A floating time is read in that zone.
  DTEND equal to DTSTART (a reminder) means no end.
- An all-day event (DTSTART;VALUE=DATE) runs from midnight of its first day to midnight
  after its last (DTEND is exclusive, RFC 5545), in the calendar's zone: the event has
  no all-day flag, so midnight to midnight is what it shows.
- LOCATION is the address's name, or the online link when it is a web address; GEO its
  coordinates; CATEGORIES its tags; STATUS:TENTATIVE makes it tentative; CLASS PRIVATE or
  CONFIDENTIAL makes it private, so an import never publishes what its owner kept private.
"""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta
from datetime import time as clock
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from icalendar.timezone import tzid_from_tzinfo
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from core.events.validation import DESCRIPTION_MAX, TAG_MAX, TAGS_MAX, URL_MAX, timezone_names
from plugins.ical.recurrences import moment

TITLE_MAX = 200
ADDRESS_NAME_MAX = 200


def default_zone(properties: dict[str, str]) -> str:
    """The calendar's own timezone (X-WR-TIMEZONE, written by Google and Apple) if it is an IANA name."""
    zone = properties.get("X-WR-TIMEZONE", "").strip()
    return zone if zone in timezone_names() else "UTC"


def is_cancelled(component: icalendar.Event) -> bool:
    return str(component.get("STATUS", "")).upper() == "CANCELLED"


def _zone_of(value: datetime, fallback: str) -> str:
    """The IANA name of a date-time's zone: its own, or the one a Windows name (Outlook's "GMT Standard
    Time", defined by a VTIMEZONE in the file) stands for; else ``fallback``."""
    key = getattr(value.tzinfo, "key", None) or WINDOWS_TO_OLSON.get(tzid_from_tzinfo(value.tzinfo) or "")
    return key if key in timezone_names() and key != "UTC" else fallback


def _moments(component: icalendar.Event, zone: str) -> dict[str, Any]:
    start, end, duration = moment(component, "DTSTART"), moment(component, "DTEND"), moment(component, "DURATION")
    if not isinstance(start, datetime):  # all day
        last = end
        if isinstance(duration, timedelta):
            last = start + duration
        if not isinstance(last, date) or last <= start:
            last = start + timedelta(days=1)
        last_day = last.date() if isinstance(last, datetime) else last
        return {"begins_at": datetime.combine(start, clock()), "ends_at": datetime.combine(last_day, clock()),
                "timezone": zone}
    if start.tzinfo is not None:
        zone = _zone_of(start, zone)
    ends = end
    if isinstance(duration, timedelta):
        ends = start + duration
    if isinstance(ends, date) and not isinstance(ends, datetime):
        ends = datetime.combine(ends, clock(), start.tzinfo)
    if ends is not None and start.tzinfo is None and ends.tzinfo is not None:
        ends = ends.replace(tzinfo=None)
    if ends is not None and start.tzinfo is not None and ends.tzinfo is None:
        ends = ends.replace(tzinfo=start.tzinfo)
    if ends == start:
        ends = None
    return {"begins_at": _in_zone(start, zone), "ends_at": _in_zone(ends, zone) if ends else None, "timezone": zone}


def _in_zone(value: datetime, zone: str) -> datetime:
    """An aware value as it reads in ``zone`` (so the core stores the same instant); naive stays naive."""
    return value.astimezone(ZoneInfo(zone)) if value.tzinfo is not None else value


def _paragraph(text: str) -> str:
    return f"<p>{html.escape(text.strip()).replace(chr(10), '<br>')}</p>"


def description_html(text: str, url: str) -> str:
    """Plain text as escaped paragraphs (the core sanitises rich text), whole paragraphs as long as
    they fit the column (a first paragraph too long for it is cut, with an ellipsis)."""
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    link = f'<p><a href="{html.escape(url)}">{html.escape(url)}</a></p>' if url else ""
    room = DESCRIPTION_MAX - len(link)
    body = ""
    for paragraph in paragraphs:
        piece = _paragraph(paragraph)
        if len(body) + len(piece) > room:
            if not body:  # escaping makes a character 6 at most ("&quot;"): this many always fit
                body = _paragraph(paragraph.strip()[:(room - 20) // 6] + "…")
            break
        body += piece
    return body + link


def _text(component: icalendar.Event, name: str) -> str:
    value = component.get(name)
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value).strip() if value is not None else ""


def _categories(component: icalendar.Event) -> list[str]:
    tags: list[str] = []
    for prop in (component.get("CATEGORIES") or []) if isinstance(component.get("CATEGORIES"), list) else [
            component.get("CATEGORIES")]:
        if prop is None:
            continue
        for name in getattr(prop, "cats", []):
            name = str(name).strip()[:TAG_MAX]
            if name and name not in tags and len(tags) < TAGS_MAX:
                tags.append(name)
    return tags


def _place(component: icalendar.Event) -> dict[str, Any]:
    location = _text(component, "LOCATION")
    values: dict[str, Any] = {}
    if location.lower().startswith(("https://", "http://")) and len(location) <= URL_MAX and " " not in location:
        values["online_url"] = location
        location = ""
    geo = component.get("GEO")
    latitude = longitude = None
    if geo is not None and hasattr(geo, "latitude") and -90 <= geo.latitude <= 90 and -180 <= geo.longitude <= 180:
        latitude, longitude = float(geo.latitude), float(geo.longitude)
    if location or latitude is not None:
        values["address"] = {"name": location[:ADDRESS_NAME_MAX], "latitude": latitude, "longitude": longitude}
    return values


def event_fields(component: icalendar.Event, zone: str) -> dict[str, Any]:
    """The ``EventInput`` fields of one VEVENT (an occurrence has its own DTSTART and DTEND)."""
    url = _text(component, "URL")
    fields: dict[str, Any] = {
        "title": _text(component, "SUMMARY"),
        "description": description_html(_text(component, "DESCRIPTION"), url if len(url) <= URL_MAX else ""),
        **_moments(component, zone),
        **_place(component),
        "tags": _categories(component),
        "status": "tentative" if _text(component, "STATUS").upper() == "TENTATIVE" else "confirmed",
    }
    if _text(component, "CLASS").upper() in ("PRIVATE", "CONFIDENTIAL"):
        fields["visibility"] = "private"
    return fields
