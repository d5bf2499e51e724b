"""Reading what the calendar plugin writes with two independent parsers: ``icalendar`` (the one
it writes with) and ``vobject`` (another implementation, with dateutil's reading of VTIMEZONE),
so a test cannot pass only because writer and reader share a mistake."""

from __future__ import annotations

from typing import Any

import icalendar
import vobject
from litestar.testing import TestClient


def export(client: TestClient, uuid: str) -> bytes:
    r = client.get(f"/events/{uuid}/export/ics")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    return r.content


def both(data: bytes) -> tuple[icalendar.Event, Any]:
    """The one VEVENT of ``data``, as icalendar and as vobject read it."""
    calendar = icalendar.Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    parsed = vobject_read(data)
    assert len(parsed.vevent_list) == 1
    return events[0], parsed.vevent


def property_names(data: bytes) -> list[str]:
    """The VEVENT's property names in order, as the unfolded lines say them (one per property)."""
    unfolded = data.replace(b"\r\n ", b"").replace(b"\r\n\t", b"").decode()
    inside, names = False, []
    for line in unfolded.split("\r\n"):
        if line == "BEGIN:VEVENT":
            inside = True
        elif line == "END:VEVENT":
            inside = False
        elif inside:
            names.append(line.split(":", 1)[0].split(";", 1)[0])
    return names


def vobject_read(data: bytes) -> Any:
    """``data`` as a reader meeting it for the first time: vobject keeps the first VTIMEZONE it read
    for a TZID for the whole process (and would read a later file's times with an earlier file's
    zone, which covers another span), so that memory is emptied first."""
    vobject.icalendar.__dict__["__tzidMap"].clear()
    return vobject.readOne(data.decode())
