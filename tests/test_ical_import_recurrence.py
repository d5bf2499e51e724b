"""Recurring upstream events become their occurrences within the horizon: RRULE with EXDATE and a
RECURRENCE-ID override, RDATE, timezones across daylight-saving changes, and re-imports."""

from __future__ import annotations

from datetime import UTC, date, timedelta

from helpers import next_in, sign_up
from ical_import_helpers import calendar, ical_instance, imported, stored_events


def weekly(uid: str, first: date, zone: str, count: int, *extra: str) -> str:
    return "\n".join(["BEGIN:VEVENT", f"UID:{uid}", "SUMMARY:Weekly walk", f"DTSTART;TZID={zone}:{first:%Y%m%d}T100000",
                      f"DTEND;TZID={zone}:{first:%Y%m%d}T113000", f"RRULE:FREQ=WEEKLY;COUNT={count}", *extra,
                      "END:VEVENT"])


def test_occurrences_with_an_exdate_and_an_override_and_a_reimport_that_moves_one(client) -> None:
    alice = sign_up(client, "alice@example.org", "alice")
    first = date.today() + timedelta(days=7)
    third = first + timedelta(days=14)
    override = "\n".join(["BEGIN:VEVENT", "UID:walk@up", f"RECURRENCE-ID;TZID=Europe/Paris:{third:%Y%m%d}T100000",
                          "SUMMARY:Weekly walk (long one)", f"DTSTART;TZID=Europe/Paris:{third:%Y%m%d}T090000",
                          f"DTEND;TZID=Europe/Paris:{third:%Y%m%d}T170000", "END:VEVENT"])
    exdate = f"EXDATE;TZID=Europe/Paris:{first + timedelta(days=7):%Y%m%d}T100000"
    r = imported(client, alice, "alice", calendar(weekly("walk@up", first, "Europe/Paris", 5, exdate), override))
    assert r["created"] == 4, r
    events = stored_events(client)
    days = [e.begins_at.date() for e in events]
    assert first + timedelta(days=7) not in days and len(days) == 4
    assert [e.title for e in events] == ["Weekly walk", "Weekly walk (long one)", "Weekly walk", "Weekly walk"]
    assert events[1].ends_at - events[1].begins_at == timedelta(hours=8)

    moved = override.replace("T090000", "T080000")
    r = imported(client, alice, "alice", calendar(weekly("walk@up", first, "Europe/Paris", 5, exdate), moved))
    assert (r["created"], r["updated"], r["unchanged"]) == (0, 1, 3), r
    assert len(stored_events(client)) == 4


def test_a_shorter_series_cancels_the_occurrences_it_no_longer_has(client) -> None:
    alice = sign_up(client, "alice@example.org", "alice")
    first = date.today() + timedelta(days=3)
    imported(client, alice, "alice", calendar(weekly("walk@up", first, "Europe/Paris", 4)), publish=True)
    r = imported(client, alice, "alice", calendar(weekly("walk@up", first, "Europe/Paris", 2)), publish=True)
    assert (r["cancelled"], r["unchanged"]) == (2, 2), r
    assert [e.status for e in stored_events(client)] == ["confirmed", "confirmed", "cancelled", "cancelled"]


def test_an_rdate_adds_an_occurrence(client) -> None:
    alice = sign_up(client, "alice@example.org", "alice")
    first = date.today() + timedelta(days=3)
    extra = first + timedelta(days=2)
    r = imported(client, alice, "alice", calendar(weekly("walk@up", first, "Europe/Paris", 2,
                                                       f"RDATE;TZID=Europe/Paris:{extra:%Y%m%d}T100000")))
    assert r["created"] == 3, r
    assert extra in [e.begins_at.date() for e in stored_events(client)]


def test_an_endless_rule_stops_at_the_horizon(data_dir) -> None:
    with ical_instance(data_dir, import_horizon_days=10) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        first = date.today() + timedelta(days=1)
        daily = "\n".join(["BEGIN:VEVENT", "UID:daily@up", "SUMMARY:Stand-up", f"DTSTART:{first:%Y%m%d}T090000Z",
                           "RRULE:FREQ=DAILY", "END:VEVENT"])
        r = imported(client, alice, "alice", calendar(daily))
        assert r["created"] in (9, 10), r  # from tomorrow to ten days from now
        assert not r["cut"]


def test_a_series_across_the_change_to_summer_time_keeps_its_local_hour(data_dir) -> None:
    with ical_instance(data_dir, import_horizon_days=400) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        march = next_in(3).date()
        imported(client, alice, "alice", calendar(weekly("paris@up", march, "Europe/Paris", 6),
                                                weekly("ny@up", march, "America/New_York", 6)))
        events = stored_events(client)
        paris = [e.begins_at.astimezone(UTC).hour for e in events if e.timezone == "Europe/Paris"]
        new_york = [e.begins_at.astimezone(UTC).hour for e in events if e.timezone == "America/New_York"]
        # 10:00 local: 09:00 UTC in Paris' winter, 08:00 in its summer; 15:00 and 14:00 UTC in New York
        assert paris[0] == 9 and paris[-1] == 8 and sorted(set(paris)) == [8, 9]
        assert new_york[0] == 15 and new_york[-1] == 14 and sorted(set(new_york)) == [14, 15]
