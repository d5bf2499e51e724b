"""Reading a calendar's text into its VEVENTs, each with the line it starts on, within limits.

icalendar parses a whole calendar at once and cannot say on which line a broken
property was, and a stranger's file may be made to exhaust us. So the text is first
cut here, in one pass and without building components: lines unfolded (RFC 5545 3.1)
with the number of the line each starts on, every limit checked as it goes (a line
too long, components nested too deep, more VEVENTs than allowed), and the VEVENT and
VTIMEZONE blocks kept as text. Each VEVENT is then parsed on its own (recurrences.py),
so one broken VEVENT is reported with its line while the others import.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from core.i18n import Message
from plugins.ical.parse_errors import CalendarRefused

MAX_LINE = 64 * 1024  # characters in one unfolded content line (a long DESCRIPTION fits easily)
MAX_DEPTH = 4  # VCALENDAR > VEVENT > VALARM is 3; one more level is tolerated
_LINE_BREAK = re.compile(r"\r\n|\n|\r")


@dataclass
class Block:
    """One component's text: its unfolded lines with the (1-based) line each starts on."""

    line: int
    lines: list[tuple[int, str]] = field(default_factory=list)

    def text(self) -> str:
        return "\r\n".join(text for _, text in self.lines) + "\r\n"

    def value(self, name: str) -> str | None:
        """The raw value of the first property ``name`` (no parameters), or None."""
        for _, text in self.lines:
            found, value = _name_and_value(text)
            if found == name:
                return value
        return None

    def line_of(self, name: str) -> int:
        """The line of property ``name``, else the line the block starts on."""
        for number, text in self.lines:
            if _name_and_value(text)[0] == name:
                return number
        return self.line

    @property
    def uid(self) -> str:
        """The UID, or (a VEVENT without one, which RFC 5545 forbids but old software writes) a
        hash of the block, so the same VEVENT imported again is still recognised."""
        uid = (self.value("UID") or "").strip()
        return uid[:1000] if uid else "no-uid-" + hashlib.sha256(self.text().encode()).hexdigest()


@dataclass
class CalendarText:
    events: list[Block]
    timezones: list[Block]
    properties: dict[str, str]  # the calendar's own properties (X-WR-TIMEZONE, X-WR-CALNAME...)


def _name_and_value(text: str) -> tuple[str, str]:
    """A content line's property name (upper case) and value; the value starts after the first
    colon outside a quoted parameter value."""
    quoted = False
    name_end = -1
    for index, character in enumerate(text):
        if character == '"':
            quoted = not quoted
        elif not quoted and character in ";:" and name_end < 0:
            name_end = index
            if character == ":":
                return text[:index].upper(), text[index + 1:]
        elif not quoted and character == ":":
            return text[:name_end].upper(), text[index + 1:]
    return text.upper(), ""


def _unfolded(text: str) -> list[tuple[int, str]]:
    """Logical lines with the line each starts on; empty lines dropped."""
    lines: list[tuple[int, str]] = []
    for number, physical in enumerate(_LINE_BREAK.split(text), start=1):
        if physical[:1] in (" ", "\t") and lines:
            start, before = lines[-1]
            joined = before + physical[1:]
            if len(joined) > MAX_LINE:
                raise CalendarRefused(Message("this line is longer than %(limit)s characters", limit=MAX_LINE), start)
            lines[-1] = (start, joined)
        elif physical.strip():
            if len(physical) > MAX_LINE:
                raise CalendarRefused(Message("this line is longer than %(limit)s characters", limit=MAX_LINE), number)
            lines.append((number, physical))
    return lines


def decoded(data: bytes) -> str:
    """The text of a calendar: UTF-8 as RFC 5545 says (a byte-order mark dropped); bytes that are not
    UTF-8 become U+FFFD instead of refusing the whole file."""
    return data.decode("utf-8-sig", errors="replace")


def read_calendar(data: bytes, max_bytes: int, max_events: int) -> CalendarText:
    """The VEVENTs and VTIMEZONEs of ``data``, or ``CalendarRefused`` before anything is imported."""
    if len(data) > max_bytes:
        raise CalendarRefused(Message("the calendar is larger than %(limit)s bytes", limit=max_bytes))
    lines = _unfolded(decoded(data))
    if not lines or lines[0][1].strip().upper() != "BEGIN:VCALENDAR":
        raise CalendarRefused(Message("this is not a calendar: it does not start with BEGIN:VCALENDAR"),
                              lines[0][0] if lines else None)
    calendar = CalendarText([], [], {})
    stack: list[tuple[str, int]] = []
    block: Block | None = None
    for number, text in lines:
        name, value = _name_and_value(text)
        if name in ("BEGIN", "END"):
            value = value.strip().upper()
        if name == "BEGIN":
            stack.append((value, number))
            if len(stack) > MAX_DEPTH:
                raise CalendarRefused(Message("components are nested deeper than %(depth)s levels", depth=MAX_DEPTH), number)
            if not stack[0][0] == "VCALENDAR":
                raise CalendarRefused(Message("%(name)s outside a VCALENDAR", name=value[:40]), number)
            if len(stack) == 2 and value in ("VEVENT", "VTIMEZONE"):
                block = Block(number)
                if value == "VEVENT":
                    if len(calendar.events) >= max_events:
                        raise CalendarRefused(Message("the calendar has more than %(limit)s events",
                                                      limit=max_events), number)
                    calendar.events.append(block)
                else:
                    calendar.timezones.append(block)
        elif name == "END":
            if not stack or stack[-1][0] != value:
                raise CalendarRefused(Message("END:%(name)s closes nothing that was begun", name=value[:40]), number)
            stack.pop()
        elif len(stack) == 1:
            calendar.properties.setdefault(name, value)
        elif not stack:
            raise CalendarRefused(Message("%(name)s outside a VCALENDAR", name=name[:40]), number)
        if block is not None:
            block.lines.append((number, text))
            if name == "END" and len(stack) == 1:
                block = None
    if stack:
        name, number = stack[-1]
        raise CalendarRefused(Message("BEGIN:%(name)s is never ended", name=name[:40]), number)
    return calendar
