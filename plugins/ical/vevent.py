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

import asyncio
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from core import __version__
from core.context import Ctx
from core.events.models import Event
from core.identities.models import Identity
from core.runtime import Runtime
from core.web.structured_data import banner_image_url, event_page_url
from plugins.ical.categories import category_label
from plugins.ical.plaintext import description_text
from plugins.ical.vtimezone import span_dates, vtimezone

PRODID = f"-//Convene//Convene {__version__}//EN"
VEVENT_TEXTS = "ical-vevent-texts"
# events loaded at once when their text must be written (bound parameters of one IN list)
LOAD_BATCH = 1000
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


@dataclass(frozen=True)
class CalendarText:
    """What a calendar says about itself, before its events."""

    name: str
    description: str = ""
    url: str = ""
    refresh_minutes: int | None = None


async def calendar_bytes(ctx: Ctx, events: list[Event], about: CalendarText) -> bytes:
    """A VCALENDAR of ``events`` (loaded rows: a one-event download), as sent."""
    texts = await vevent_texts(ctx, events)
    return await assembled([(e.begins_at, e.ends_at, text) for e, text in zip(events, texts, strict=True)], about)


async def feed_texts(ctx: Ctx, query: Select[Any], cap: int) -> tuple[list[Placed], bool]:
    """The first ``cap`` events of ``query`` (a select of events, visible and ordered), placed, and
    whether there were more. Reads first only what decides each event's text (``_stamp``), and
    loads whole rows only for events whose text is not kept: a feed of thousands of events that
    changed little is rendered without loading them."""
    organiser = aliased(Identity)
    stamps = query.join(organiser, organiser.id == Event.organizer_id).with_only_columns(
        Event.id, Event.sequence, Event.updated_at, organiser.updated_at, Event.begins_at, Event.ends_at)
    rows = (await ctx.session.execute(stamps.limit(cap + 1))).all()
    rows, cut = rows[:cap], len(rows) > cap
    kept = _kept_texts(ctx)
    texts = {row[0]: kept.get(row[0], (row[1], row[2], row[3])) for row in rows}
    missing = [key for key, text in texts.items() if text is None]
    for start in range(0, len(missing), LOAD_BATCH):
        events = list((await ctx.session.scalars(select(Event).where(Event.id.in_(missing[start:start + LOAD_BATCH])))).unique())
        texts.update(zip((event.id for event in events), await vevent_texts(ctx, events), strict=True))
    # an event deleted between the two reads has no text: it is left out, as the next render would
    return [(row[4], row[5], text) for row in rows if (text := texts[row[0]]) is not None], cut


async def assembled(placed: list[Placed], about: CalendarText) -> bytes:
    """The calendar as sent (CRLF line ends, lines folded at 75 octets): named ``about.name`` (RFC 7986
    NAME, and X-WR-CALNAME for older clients), with the VTIMEZONE of every zone its events use.

    Each VEVENT is icalendar's own text, kept per process from one render to the next
    (``VeventTexts``): a feed polled every few minutes re-serialises only what changed, where
    icalendar takes about a millisecond per event. The calendar around them (its properties and
    VTIMEZONEs) is icalendar's too; the VEVENTs go in just before its END line."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # as TEXT explicitly: icalendar does not type X-WR-* (nor NAME), and would refuse a line break in them
    calendar.add("name", icalendar.vText(about.name))
    calendar.add("x-wr-calname", icalendar.vText(about.name))
    if about.description:
        calendar.add("description", icalendar.vText(about.description))
        calendar.add("x-wr-caldesc", icalendar.vText(about.description))
    if about.url:
        calendar.add("url", about.url)
    if about.refresh_minutes is not None:
        calendar.add("refresh-interval", _minutes(about.refresh_minutes), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", _minutes(about.refresh_minutes))
    instants: dict[str, list[datetime]] = {}
    for begins, ends, text in placed:
        for tzid in text.tzids:
            instants.setdefault(tzid, []).extend(filter(None, (begins, ends)))
    _add_timezones(calendar, instants)
    head = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end), "icalendar ends a calendar with its END line"
    return b"".join((head[:-len(end)], *(text.body for _, _, text in placed), end))


@dataclass(frozen=True)
class VeventText:
    """An event's VEVENT as icalendar wrote it, the zones it names, and what it was written from."""

    stamp: tuple[object, ...]
    body: bytes
    tzids: frozenset[str]


class VeventTexts:
    """The VEVENT text of recently rendered events, in this process, the least recently used
    forgotten beyond ``SIZE``. An entry is used only while the event's ``stamp`` is the same:
    its ``sequence`` grows with every change calendars show (core.events.service), its
    ``updated_at`` moves with federation's copies, and its organiser's ``updated_at`` with a
    new name. What ``ical_vevent`` implementations add is kept with it (their docs say so)."""

    SIZE = 20_000

    def __init__(self, runtime: Runtime) -> None:
        self.entries: OrderedDict[int, VeventText] = OrderedDict()
        self.writers: tuple[object, ...] = ()

    def written_by(self, writers: tuple[object, ...]) -> None:
        """Forget every text when the ``ical_vevent`` implementations are not those that wrote them
        (a plugin registered or removed while the process runs)."""
        if writers != self.writers:
            self.entries.clear()
            self.writers = writers

    def get(self, key: int, stamp: tuple[object, ...]) -> VeventText | None:
        found = self.entries.get(key)
        if found is None or found.stamp != stamp:
            return None
        self.entries.move_to_end(key)
        return found

    def put(self, event: Event, text: VeventText) -> None:
        self.entries[event.id] = text
        self.entries.move_to_end(event.id)
        while len(self.entries) > self.SIZE:
            self.entries.popitem(last=False)


# an event placed in a calendar: its start and end (for its zone's VTIMEZONE span), and its VEVENT text
Placed = tuple[datetime, datetime | None, VeventText]


def _kept_texts(ctx: Ctx) -> VeventTexts:
    kept = ctx.runtime.state(VEVENT_TEXTS, VeventTexts)
    kept.written_by(tuple(impl.function for impl in ctx.pm.hook.ical_vevent.get_hookimpls()))
    return kept


def _stamp(event: Event) -> tuple[object, ...]:
    return (event.sequence, event.updated_at, event.organizer.updated_at)


async def vevent_texts(ctx: Ctx, events: list[Event]) -> list[VeventText]:
    """Each event's VEVENT text: kept ones as they are, the others built (with the plugins' hook)
    and serialised off the event loop in one batch, then kept."""
    kept = _kept_texts(ctx)
    found = [kept.get(event.id, _stamp(event)) if event.id is not None else None for event in events]
    missing = [(event, await vevent_of(ctx, event)) for event, text in zip(events, found, strict=True) if text is None]
    written = iter(await asyncio.to_thread(lambda: [_written(event, vevent) for event, vevent in missing])
                   if missing else ())
    texts = [text if text is not None else next(written) for text in found]
    for event, text, was in zip(events, texts, found, strict=True):
        if was is None and event.id is not None:
            kept.put(event, text)
    return texts


def _written(event: Event, vevent: icalendar.Event) -> VeventText:
    holder = icalendar.Calendar()
    holder.add_component(vevent)
    return VeventText(_stamp(event), vevent.to_ical(), frozenset(holder.get_missing_tzids()))


def _add_timezones(calendar: icalendar.Calendar, instants: dict[str, list[datetime]]) -> None:
    """The VTIMEZONE of every TZID the events use (``instants``: each TZID's instants), before them as
    readers expect and in the order of their names (so every process writes the same bytes), each
    covering the span of its own events."""
    every = [instant for found in instants.values() for instant in found]
    for tzid in sorted(instants, reverse=True):
        try:
            timezone = vtimezone(tzid, *span_dates(instants.get(tzid) or every))
        except (ValueError, KeyError):  # a TZID the zone database does not know: readers keep their own
            continue
        calendar.subcomponents.insert(0, timezone)


def _minutes(count: int) -> icalendar.vDuration:
    return icalendar.vDuration(timedelta(minutes=count))


