"""Times across a daylight-saving change (plugins/ical/vtimezone.py): events that start before a
change in Europe/Paris or America/New_York and end after it, and one in the hour after clocks
spring forward. Dates are the zones' next changes at least a week ahead, found from the zone
database, so the events are always upcoming.

Each export is read twice by each parser: as written, and with its TZID renamed to one no
parser knows, so the instants can only come from the VTIMEZONE the file carries (RFC 5545
reads an observance's DTSTART in its TZOFFSETFROM: a spring-forward onset written an hour
late moves what happens in that hour).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import icalendar
import pytest

from helpers import new_event, sign_up
from ical_parsing import both, export, vobject_read
from plugins.ical.vtimezone import transitions, vtimezone


def next_changes(zone_name: str, count: int = 2) -> list[datetime]:
    """The zone's next ``count`` offset changes at least a week from today, as UTC instants."""
    start = datetime.combine(date.today() + timedelta(days=7), datetime.min.time(), UTC)
    found = transitions(ZoneInfo(zone_name), start, start + timedelta(days=800))
    assert len(found) >= count, f"{zone_name} has no daylight-saving changes ahead"
    return [instant for instant, _, _ in found[:count]]


def local(instant: datetime, zone_name: str) -> str:
    """``instant`` as the API takes a wall-clock time in the event's zone."""
    return instant.astimezone(ZoneInfo(zone_name)).replace(tzinfo=None).isoformat()


def utc(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def renamed(data: bytes, tzid: str) -> tuple[bytes, str]:
    """``data`` with ``tzid`` renamed to a new unknown TZID (new each time: both parsers remember
    the VTIMEZONE they first read for a TZID, for the whole process)."""
    unknown = f"Convene-Test/{uuid4().hex}"
    return data.replace(f"TZID={tzid}".encode(), f"TZID={unknown}".encode()) \
        .replace(f"TZID:{tzid}".encode(), f"TZID:{unknown}".encode()), unknown


@pytest.mark.parametrize("zone_name", ["Europe/Paris", "America/New_York"])
def test_events_across_each_change_read_back_at_their_stored_instants(client, zone_name):
    alice = sign_up(client, "alice@example.org", "alice")
    zone = ZoneInfo(zone_name)
    for change in next_changes(zone_name):
        # just after the change: in the hour clocks skip in spring; after the hour they repeat in autumn
        # (a wall time in it is ambiguous, and the API reads it as the first of the two)
        springs = (change + timedelta(hours=1)).astimezone(zone).utcoffset() > (change - timedelta(hours=1)) \
            .astimezone(zone).utcoffset()
        after = change + timedelta(minutes=30 if springs else 90)
        for begins, ends in ((change - timedelta(hours=5), change + timedelta(hours=5)),  # across the change
                             (after, after + timedelta(hours=1))):
            event = new_event(client, alice, timezone=zone_name, begins_at=local(begins, zone_name),
                              ends_at=local(ends, zone_name))
            assert (utc(event["begins_at"]), utc(event["ends_at"])) == (begins, ends)
            data = export(client, event["uuid"])
            for text, tzid in ((data, zone_name), renamed(data, zone_name)):
                first, second = both(text)
                assert first["dtstart"].params["TZID"] == tzid
                assert first.start == second.dtstart.value == begins, (tzid, change)
                assert first.end == second.dtend.value == ends, (tzid, change)


@pytest.mark.parametrize("zone_name", ["Europe/Paris", "America/New_York"])
def test_the_vtimezone_offsets_are_right_on_both_sides_of_each_change(zone_name):
    zone = ZoneInfo(zone_name)
    changes = next_changes(zone_name)
    component = vtimezone(zone_name, (changes[0] - timedelta(days=1)).date(), (changes[-1] + timedelta(days=1)).date())
    data = component.to_ical()
    renamed_data, _ = renamed(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:test\r\n" + data + b"END:VCALENDAR\r\n", zone_name)
    by_icalendar = icalendar.Calendar.from_ical(renamed_data).walk("VTIMEZONE")[0].to_tz()
    by_vobject = vobject_read(renamed_data).vtimezone.gettzinfo()
    for change in changes:
        # (at the very second of a change, dateutil's reading, behind both parsers, may name the instant in
        # the old offset: the same instant, written the other way)
        for moment in (change - timedelta(minutes=1), change + timedelta(minutes=1)):
            expected = moment.astimezone(zone).utcoffset()
            assert moment.astimezone(by_icalendar).utcoffset() == expected, (moment, data.decode())
            assert moment.astimezone(by_vobject).utcoffset() == expected, (moment, data.decode())
    # RFC 5545: an onset is local time in TZOFFSETFROM, so onset - TZOFFSETFROM is the instant of the change
    observances = component.walk("STANDARD") + component.walk("DAYLIGHT")
    instants = sorted((onset - observance.TZOFFSETFROM).replace(tzinfo=UTC) for observance in observances
                      if observance.TZOFFSETFROM != observance.TZOFFSETTO for onset in onsets(observance))
    assert instants == changes, data.decode()


def onsets(observance: icalendar.Component) -> list[datetime]:
    """An observance's DTSTART and RDATEs (naive local times)."""
    rdates = observance.get("RDATE", [])
    return [observance.DTSTART, *(value.dt for rdate in (rdates if isinstance(rdates, list) else [rdates])
                                  for value in rdate.dts)]


def test_a_one_event_calendar_carries_only_the_span_its_event_needs(client):
    alice = sign_up(client, "alice@example.org", "alice")
    change = next_changes("Europe/Paris", 1)[0]
    event = new_event(client, alice, timezone="Europe/Paris", begins_at=local(change - timedelta(hours=3), "Europe/Paris"),
                      ends_at=local(change + timedelta(hours=3), "Europe/Paris"))
    calendar = icalendar.Calendar.from_ical(export(client, event["uuid"]))
    (timezone,) = calendar.walk("VTIMEZONE")
    starts = [observance.DTSTART for observance in timezone.walk("STANDARD") + timezone.walk("DAYLIGHT")]
    assert len(starts) == 2 and all(abs(start - change.replace(tzinfo=None)) < timedelta(days=3) for start in starts)
    assert len(timezone.to_ical()) < 400 < len(icalendar.Timezone.from_tzid("Europe/Paris").to_ical())
    assert calendar.subcomponents[0] is timezone or calendar.subcomponents[0].name == "VTIMEZONE"
