"""VTIMEZONEs that cover only the span a calendar's events need, each transition at its real instant.

icalendar's ``Timezone.from_tzid`` (7.3) walks wall-clock time and writes a spring-forward
onset as the wall time after the jump (``DTSTART:20270328T030000`` for Paris, whose clocks
go from 02:00 CET to 03:00 CEST), but RFC 5545 (3.6.5, and its New York example with
``DTSTART:19870405T020000``, ``TZOFFSETFROM:-0500``) reads an observance's DTSTART as
local time in the offset *before* it: a reader that follows the RFC would move the jump an
hour late. So the transitions are found here in UTC from the zone database (zoneinfo),
and each onset is written as that instant in its TZOFFSETFROM; the components are still
icalendar's (no hand-built text).

The span is the events' first and last instants, a day either side: a feed of a few
weeks carries one or two transitions per zone instead of 1970 to 2038.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import icalendar

# transitions are at least this far apart in every zone the database knows (scan step)
STEP = timedelta(hours=12)
# margin around the events' instants, so a reader converting any of them finds its observance
MARGIN = timedelta(days=1)

State = tuple[timedelta, timedelta, str]  # UTC offset, DST part of it, abbreviation


def _state(zone: ZoneInfo, instant: datetime) -> State:
    local = instant.astimezone(zone)
    offset, dst = local.utcoffset(), local.dst()
    assert offset is not None and dst is not None, "a ZoneInfo always knows its offsets"
    return offset, dst, local.tzname() or _offset_name(offset)


def _offset_name(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    return f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02}{abs(minutes) % 60:02}"


def transitions(zone: ZoneInfo, start: datetime, end: datetime) -> list[tuple[datetime, State, State]]:
    """Each change of offset or abbreviation between ``start`` and ``end`` (UTC): its first
    instant (to the second), the state before and the state after."""
    found = []
    before, at = _state(zone, start), start
    while at < end:
        later = min(at + STEP, end)
        after = _state(zone, later)
        if after != before:
            low, high = at, later  # state ``before`` at low, ``after`` at high
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _state(zone, middle) == before:
                    low = middle
                else:
                    high = middle
            found.append((high.replace(microsecond=0), before, after))
        before, at = after, later
    return found


Observance = tuple[datetime, timedelta, timedelta, timedelta, str]  # onset (local), from, to, DST part, name


@lru_cache(maxsize=256)
def observances(tzid: str, first: date, last: date) -> tuple[Observance, ...]:
    """``tzid``'s state on ``first``, then each change until ``last`` (UTC dates, both included), the
    onsets in local time before the change. Cached: feeds ask for the same zones and spans again."""
    zone = ZoneInfo(tzid)
    start = datetime.combine(first, time(), UTC)
    end = datetime.combine(last + timedelta(days=1), time(), UTC)
    offset, dst, name = _state(zone, start)
    found = [((start + offset).replace(tzinfo=None), offset, offset, dst, name)]
    for instant, (offset_from, _, _), (offset_to, dst, name) in transitions(zone, start, end):
        found.append(((instant + offset_from).replace(tzinfo=None), offset_from, offset_to, dst, name))
    return tuple(found)


def vtimezone(tzid: str, first: date, last: date) -> icalendar.Timezone:
    """The VTIMEZONE of ``tzid`` valid from ``first`` to ``last``: its state on ``first``, then one
    STANDARD or DAYLIGHT per kind of change, with an RDATE for each repeat of it."""
    timezone = icalendar.Timezone()
    timezone.add("tzid", tzid)
    initial, *changes = observances(tzid, first, last)
    _observance(timezone, {}, *initial)
    seen: dict[tuple[timedelta, timedelta, timedelta, str], icalendar.Component] = {}
    for change in changes:
        _observance(timezone, seen, *change)
    return timezone


def _observance(timezone: icalendar.Timezone, seen: dict[tuple[timedelta, timedelta, timedelta, str],
                icalendar.Component], onset: datetime, offset_from: timedelta, offset_to: timedelta,
                dst: timedelta, name: str) -> None:
    key = (offset_from, offset_to, dst, name)
    if key in seen:
        seen[key].add("rdate", onset)
        return
    observance = icalendar.TimezoneStandard() if dst == timedelta() else icalendar.TimezoneDaylight()
    observance.add("dtstart", onset)
    observance.add("tzoffsetfrom", offset_from)
    observance.add("tzoffsetto", offset_to)
    observance.add("tzname", name)
    seen[key] = observance
    timezone.add_component(observance)


def span_dates(instants: list[datetime]) -> tuple[date, date]:
    """The UTC dates a VTIMEZONE must cover for these instants, with a day's margin either side."""
    return (min(instants) - MARGIN).astimezone(UTC).date(), (max(instants) + MARGIN).astimezone(UTC).date()
