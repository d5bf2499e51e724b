"""One event as calendars read it: a VEVENT (RFC 5545, with RFC 7986 where it fits), and
a calendar of events with the VTIMEZONEs their times need.

Everything goes through ``icalendar``, which escapes, folds and refuses line breaks
inside a property's value: a title can never add a line of its own. Times are written in
the event's own timezone (``DTSTART;TZID=Europe/Paris``) with that zone's VTIMEZONE,
so a calendar shows 10:00 in Paris on both sides of a daylight-saving change. Output
depends on the events only (DTSTAMP is the last change, not the time of the request):
the same events give the same bytes, which feeds' ETags rely on.

Plugins add properties through ``ical_vevent`` (plugins.ical.hookspecs).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar

from core import __version__
from core.context import Ctx
from core.events.models import Event
from core.identities.models import Identity
from core.web.structured_data import banner_image_url, event_page_url
from plugins.ical.categories import category_label
from plugins.ical.plaintext import description_text as description_text  # its home before plaintext.py
from plugins.ical.vtimezone import span_dates, vtimezone

PRODID = f"-//Convene//Convene {__version__}//EN"
STATUS = {"tentative": "TENTATIVE", "confirmed": "CONFIRMED", "cancelled": "CANCELLED"}


def uid_of(ctx: Ctx, event: Event) -> str:
    """The event's UID, the same in every export and feed for its whole life."""
    return f"{event.uuid}@{urlsplit(ctx.settings.public_url).hostname}"


def profile_url(ctx: Ctx, identity: Identity) -> str:
    return ctx.settings.url(f"/@{identity.handle}")


def location_text(event: Event) -> str:
    """Place name, street, postal code and town, region, country: one line as calendars show it."""
    town = " ".join(part for part in (event.address_postal_code, event.address_locality) if part)
    parts = (event.address_name, event.address_street, town, event.address_region, event.address_country)
    return ", ".join(part for part in parts if part)


async def vevent_of(ctx: Ctx, event: Event) -> icalendar.Event:
    """``event`` as a VEVENT, with what plugins add (``ical_vevent``)."""
    zone = ZoneInfo(event.timezone)
    vevent = icalendar.Event()
    vevent.add("uid", uid_of(ctx, event))
    # in UTC as RFC 5545 (3.8.7) wants them: the core stores aware UTC instants (UTCDateTime)
    vevent.add("dtstamp", event.updated_at)
    vevent.add("created", event.created_at)
    vevent.add("last-modified", event.updated_at)
    vevent.add("sequence", event.sequence)
    vevent.add("status", STATUS[event.status])
    vevent.add("summary", event.title)
    vevent.add("dtstart", event.begins_at.astimezone(zone))
    if event.ends_at is not None:
        vevent.add("dtend", event.ends_at.astimezone(zone))
    vevent.add("class", "PUBLIC" if event.visibility == "public" else "PRIVATE")
    vevent.add("url", event_page_url(event, ctx.settings))
    if description := description_text(event.description):
        vevent.add("description", description)
    if event.has_address:
        vevent.add("location", location_text(event))
    if event.latitude is not None and event.longitude is not None:
        vevent.add("geo", (event.latitude, event.longitude))
    vevent.add("organizer", _organizer(ctx, event.organizer))
    vevent.add("categories", [category_label(event.category), *(tag.title for tag in event.tags)])
    if banner := banner_image_url(event, ctx.settings):
        vevent.add("image", banner, parameters={"VALUE": "URI", "DISPLAY": "BADGE"})
    if event.online_url:
        vevent.add("conference", event.online_url, parameters={"VALUE": "URI", "FEATURE": "VIDEO"})
    await ctx.call("ical_vevent", event=event, vevent=vevent)
    return vevent


def _organizer(ctx: Ctx, identity: Identity) -> icalendar.vCalAddress:
    """The organiser by their public profile (never an e-mail address: nothing private leaves)."""
    address = icalendar.vCalAddress(profile_url(ctx, identity))
    address.params["CN"] = icalendar.vText(identity.name)
    return address


async def calendar_of(ctx: Ctx, events: Iterable[Event], *, name: str, description: str = "",
                      url: str = "", refresh_minutes: int | None = None) -> icalendar.Calendar:
    """A VCALENDAR of ``events`` named ``name`` (RFC 7986 NAME, and X-WR-CALNAME for older clients),
    with the VTIMEZONE of every zone their times use."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # as TEXT explicitly: icalendar does not type X-WR-* (nor NAME), and would refuse a line break in them
    calendar.add("name", icalendar.vText(name))
    calendar.add("x-wr-calname", icalendar.vText(name))
    if description:
        calendar.add("description", icalendar.vText(description))
        calendar.add("x-wr-caldesc", icalendar.vText(description))
    if url:
        calendar.add("url", url)
    if refresh_minutes is not None:
        calendar.add("refresh-interval", _minutes(refresh_minutes), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", _minutes(refresh_minutes))
    instants: dict[str, list[datetime]] = {}
    for event in events:
        calendar.add_component(await vevent_of(ctx, event))
        instants.setdefault(event.timezone, []).extend(filter(None, (event.begins_at, event.ends_at)))
    _add_timezones(calendar, instants)
    return calendar


def _add_timezones(calendar: icalendar.Calendar, instants: dict[str, list[datetime]]) -> None:
    """The VTIMEZONE of every TZID the calendar uses, first in it as readers expect, each covering
    the span of its own events (a zone only a plugin's property uses gets the span of all of them)."""
    every = [instant for found in instants.values() for instant in found]
    for tzid in sorted(calendar.get_missing_tzids()):
        try:
            timezone = vtimezone(tzid, *span_dates(instants.get(tzid) or every))
        except (ValueError, KeyError):  # a TZID the zone database does not know: readers keep their own
            continue
        calendar.subcomponents.insert(0, timezone)


def _minutes(count: int) -> icalendar.vDuration:
    return icalendar.vDuration(timedelta(minutes=count))


def ics_bytes(calendar: icalendar.Calendar) -> bytes:
    """The calendar as sent: CRLF line ends, lines folded at 75 octets (icalendar's ``to_ical``)."""
    return calendar.to_ical()
