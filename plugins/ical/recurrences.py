"""From a calendar's VEVENT blocks to the occurrences an import makes into events.

Each VEVENT is parsed on its own, so a broken one is reported with its line and the
others go on. VEVENTs sharing a UID are one series: the one without RECURRENCE-ID is
the master (RRULE, RDATE, EXDATE), the others override one occurrence each; a series
becomes its occurrences from now to the horizon through recurring-ical-events. A
single event is imported while it has not ended, however far ahead. The number of
occurrences is capped (a FREQ=SECONDLY rule would otherwise make millions): past the
cap the rest is left out and the import says it was cut.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

import icalendar
import recurring_ical_events

from core.i18n import Message
from plugins.ical.ics_reading import Block, CalendarText
from plugins.ical.parse_errors import Problem

# properties an import reads: when one of them is broken, its VEVENT is not imported
READ = ("DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID", "SUMMARY", "STATUS", "UID")
DATED = ("DTSTART", "DTEND", "RECURRENCE-ID", "RDATE", "EXDATE")


@dataclass
class Occurrence:
    """One event to make or update: the upstream UID, the occurrence's RECURRENCE-ID ("" for a single
    event), its VEVENT (for an occurrence of a series, the master's with this occurrence's times) and
    the block its words come from, for the line of an error."""

    uid: str
    recurrence_id: str
    component: icalendar.Event
    block: Block


@dataclass
class Expansion:
    occurrences: list[Occurrence] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    broken_uids: set[str] = field(default_factory=set)  # their events are kept as they are, not cancelled
    cut: bool = False
    past: int = 0  # single events that already ended: not imported


def moment(component: icalendar.Component, name: str) -> Any:
    """The date or date-time of property ``name`` (None when absent): icalendar types it loosely."""
    return getattr(component.get(name), "dt", None)


def recurrence_key(value: date | datetime) -> str:
    """RECURRENCE-ID as text: UTC for a date-time with a zone, as written otherwise."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        return value.strftime("%Y%m%dT%H%M%S")
    return value.strftime("%Y%m%d")


def as_utc(value: date | datetime) -> datetime:
    """A moment to compare with now (a date or a floating time read as UTC: a day's error at most)."""
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value.astimezone(UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)


def register_timezones(calendar: CalendarText) -> None:
    """Let icalendar know the calendar's own VTIMEZONEs (Outlook's, or any non-IANA TZID) before its
    VEVENTs are parsed one by one. A broken VTIMEZONE is skipped: the events that name it are then
    reported as having an unknown timezone."""
    for block in calendar.timezones:
        try:
            icalendar.Calendar.from_ical(f"BEGIN:VCALENDAR\r\n{block.text()}END:VCALENDAR\r\n")
        except Exception:  # noqa: BLE001, S112 - a stranger's text; its events then name an unknown timezone
            continue


def _broken(block: Block, component: icalendar.Event) -> Problem | None:
    """Why this VEVENT cannot be imported, if it cannot."""
    for name, reason in getattr(component, "errors", []):
        if name in READ:
            return Problem(block.line_of(name), Message("%(property)s cannot be read: %(reason)s",
                                                        property=name, reason=str(reason)[:200]))
    if component.get("DTSTART") is None:
        return Problem(block.line, Message("this VEVENT has no DTSTART"))
    for name in DATED:
        for prop in _values(component.get(name)):
            values = getattr(prop, "dts", None) or [prop]
            for value in values:
                moment = getattr(value, "dt", None)
                tzid = prop.params.get("TZID") if hasattr(prop, "params") else None
                if tzid and isinstance(moment, datetime) and moment.tzinfo is None:
                    return Problem(block.line_of(name), Message("unknown timezone %(tzid)s", tzid=str(tzid)[:64]))
    return None


def _values(prop: Any) -> list[Any]:
    if prop is None:
        return []
    return prop if isinstance(prop, list) else [prop]


def parsed(block: Block, expansion: Expansion) -> icalendar.Event | None:
    """The VEVENT of ``block``, or None with the problem recorded."""
    try:
        component = cast(icalendar.Event, icalendar.Event.from_ical(block.text()))
    except Exception as exc:  # noqa: BLE001 - a stranger's text: whatever the parser trips on is this VEVENT's error
        expansion.problems.append(Problem(block.line, Message("this VEVENT cannot be read: %(reason)s",
                                                              reason=str(exc)[:200])))
        expansion.broken_uids.add(block.uid)
        return None
    problem = _broken(block, component)
    if problem is not None:
        expansion.problems.append(problem)
        expansion.broken_uids.add(block.uid)
        return None
    return component


@dataclass
class _Series:
    master: tuple[icalendar.Event, Block] | None = None
    overrides: list[tuple[icalendar.Event, Block]] = field(default_factory=list)


def expand(calendar: CalendarText, now: datetime, horizon: timedelta, cap: int) -> Expansion:
    """Every occurrence to import, in the calendar's order, at most ``cap`` of them."""
    register_timezones(calendar)
    expansion = Expansion()
    series: dict[str, _Series] = {}
    for block in calendar.events:
        component = parsed(block, expansion)
        if component is None:
            continue
        one = series.setdefault(block.uid, _Series())
        if component.get("RECURRENCE-ID") is not None:
            one.overrides.append((component, block))
        elif one.master is not None:
            expansion.problems.append(Problem(block.line, Message("another VEVENT has the same UID: this one is left out")))
        else:
            one.master = (component, block)
    for uid, one in series.items():
        for occurrence in _occurrences(uid, one, now, now + horizon, expansion):
            if len(expansion.occurrences) >= cap:
                expansion.cut = True
                return expansion
            expansion.occurrences.append(occurrence)
    return expansion


def _occurrences(uid: str, one: _Series, now: datetime, end: datetime, expansion: Expansion) -> Iterator[Occurrence]:
    master = one.master
    if master is not None and (master[0].get("RRULE") is not None or master[0].get("RDATE") is not None):
        yield from _series_occurrences(uid, one, master, now, end, expansion)
        return
    singles = ([master] if master is not None else []) + one.overrides
    for component, block in singles:
        if as_utc(moment(component, "DTEND") or moment(component, "DTSTART")) < now:
            expansion.past += 1
            continue
        recurrence = moment(component, "RECURRENCE-ID")
        yield Occurrence(uid, recurrence_key(recurrence) if recurrence is not None else "", component, block)


def _series_occurrences(uid: str, one: _Series, master: tuple[icalendar.Event, Block], now: datetime,
                        end: datetime, expansion: Expansion) -> Iterator[Occurrence]:
    calendar = icalendar.Calendar()
    calendar.add_component(master[0])
    blocks = {}
    for component, block in one.overrides:
        calendar.add_component(component)
        blocks[recurrence_key(moment(component, "RECURRENCE-ID"))] = block
    try:
        for component in recurring_ical_events.of(calendar).after(now):
            if as_utc(moment(component, "DTSTART")) > end:
                return
            key = recurrence_key(moment(component, "RECURRENCE-ID"))
            yield Occurrence(uid, key, component, blocks.get(key, master[1]))
    except Exception as exc:  # noqa: BLE001 - a stranger's rule: whatever the expansion trips on is reported
        expansion.problems.append(Problem(master[1].line_of("RRULE"), Message(
            "the recurrence of this VEVENT cannot be read: %(reason)s", reason=str(exc)[:200])))
        expansion.broken_uids.add(uid)
