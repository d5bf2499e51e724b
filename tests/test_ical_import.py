"""Importing an .ics file through the API: create, import again (no duplicate), removed upstream
cancelled, each property mapped, and one broken VEVENT reported with its line while the rest imports."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec

from core.events.validation import DESCRIPTION_MAX, EventInput
from helpers import sign_up
from ical_import_helpers import FIXTURES, calendar, imported, stored_events, vevent
from plugins.ical.ics_reading import read_calendar
from plugins.ical.recurrences import expand
from plugins.ical.upstream import default_zone, description_html, event_fields


def test_an_uploaded_calendar_becomes_drafts_and_a_second_upload_updates_them(client) -> None:
    alice = sign_up(client, "alice@example.org", "alice")
    first = calendar(vevent("one@up", "Choir practice"), vevent("two@up", "Repair café", days=30))
    r = imported(client, alice, "alice", first)
    assert r | {"errors": []} == {"created": 2, "updated": 0, "unchanged": 0, "cancelled": 0,
                                          "skipped": 0, "cut": False, "errors": []}
    events = stored_events(client)
    assert [(e.title, e.draft) for e in events] == [("Choir practice", True), ("Repair café", True)]

    again = calendar(vevent("one@up", "Choir practice (new room)"), vevent("two@up", "Repair café", days=30))
    r = imported(client, alice, "alice", again)
    assert (r["created"], r["updated"], r["unchanged"]) == (0, 1, 1)
    events = stored_events(client)
    assert [e.title for e in events] == ["Choir practice (new room)", "Repair café"]
    assert events[0].sequence == 1 and events[1].sequence == 0


def test_an_event_removed_upstream_is_cancelled_and_a_cancelled_one_too(client) -> None:
    alice = sign_up(client, "alice@example.org", "alice")
    r = imported(client, alice, "alice", calendar(vevent("a@up", "Stays"), vevent("b@up", "Goes away"),
                                                vevent("c@up", "Called off")), publish=True)
    assert r["created"] == 3
    r = imported(client, alice, "alice", calendar(vevent("a@up", "Stays"), vevent("c@up", "Called off",
                                                                                   STATUS="CANCELLED")))
    assert (r["cancelled"], r["unchanged"]) == (2, 1), r
    status = {e.title: e.status for e in stored_events(client)}
    assert status == {"Stays": "confirmed", "Goes away": "cancelled", "Called off": "cancelled"}


def test_published_on_request_and_every_property_mapped(client) -> None:
    alice = sign_up(client, "alice@example.org", "alice")
    text = vevent("full@up", "Picnic", DESCRIPTION="Bring <food>\\, drinks.\\n\\nSecond paragraph",
                  LOCATION="Parc de la Tête d'Or", GEO="45.7772;4.8553", URL="https://example.org/picnic",
                  CATEGORIES="Outdoor,Food", STATUS="TENTATIVE")
    r = imported(client, alice, "alice", calendar(text), publish=True)
    assert r["created"] == 1, r
    [event] = stored_events(client)
    assert not event.draft and event.published_at is not None
    assert event.timezone == "Europe/Paris" and event.status == "tentative"
    day = date.today() + timedelta(days=20)
    paris = datetime(day.year, day.month, day.day, 18, tzinfo=UTC)
    assert abs((event.begins_at - paris).total_seconds()) in (3600, 7200)  # 18:00 in Paris: UTC+1 or +2
    assert event.ends_at - event.begins_at == timedelta(hours=2)
    assert "&lt;food&gt;, drinks." in event.description and "<p>Second paragraph</p>" in event.description
    assert 'href="https://example.org/picnic"' in event.description
    assert event.address_name == "Parc de la Tête d'Or" and (event.latitude, event.longitude) == (45.7772, 4.8553)
    assert [t.slug for t in event.tags] == ["food", "outdoor"]


def test_an_all_day_event_runs_from_midnight_to_midnight_in_the_calendars_zone(client) -> None:
    alice = sign_up(client, "alice@example.org", "alice")
    day = date.today() + timedelta(days=10)
    text = "\n".join(["BEGIN:VEVENT", "UID:allday@up", "SUMMARY:Festival", f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                      f"DTEND;VALUE=DATE:{day + timedelta(days=2):%Y%m%d}", "END:VEVENT"])
    r = imported(client, alice, "alice", calendar(text, head="X-WR-TIMEZONE:America/New_York"))
    assert r["created"] == 1, r
    [event] = stored_events(client)
    assert event.timezone == "America/New_York"
    assert event.ends_at - event.begins_at in (timedelta(days=2), timedelta(days=2, hours=1),
                                               timedelta(days=2, hours=-1))  # a DST change may fall inside
    assert event.begins_at.astimezone(ZoneInfo("America/New_York")).hour == 0


def test_one_broken_vevent_is_reported_with_its_line_and_the_rest_imports(client) -> None:
    alice = sign_up(client, "alice@example.org", "alice")
    data = calendar(vevent("good@up", "Good"),
                    "BEGIN:VEVENT\nUID:bad-date@up\nSUMMARY:Bad date\nDTSTART:2027131X\nEND:VEVENT",
                    "BEGIN:VEVENT\nUID:no-start@up\nSUMMARY:No start\nEND:VEVENT",
                    "BEGIN:VEVENT\nUID:zone@up\nSUMMARY:Zone\nDTSTART;TZID=Mars/Olympus:20300101T100000\nEND:VEVENT",
                    vevent("long@up", "x" * 201),
                    vevent("good2@up", "Also good", days=40))
    r = imported(client, alice, "alice", data)
    body = r
    assert body["created"] == 2
    errors = {(e["line"], e["property"]) for e in body["errors"]}
    lines = data.decode().split("\r\n")
    assert (lines.index("DTSTART:2027131X") + 1, "") in errors
    assert (lines.index("UID:no-start@up"), "") in errors  # the BEGIN:VEVENT line before it
    assert (lines.index("DTSTART;TZID=Mars/Olympus:20300101T100000") + 1, "") in errors
    assert (lines.index("SUMMARY:" + "x" * 201) + 1, "SUMMARY") in errors
    messages = " ".join(e["message"] for e in body["errors"])
    assert "DTSTART cannot be read" in messages and "no DTSTART" in messages and "Mars/Olympus" in messages
    assert sorted(e.title for e in stored_events(client)) == ["Also good", "Good"]


# -- calendars written by other software (tests/fixtures/ical/README.md) --------------------------------


def occurrences_of(name: str, now: datetime) -> list[tuple[str, dict]]:
    """Every occurrence of a fixture read as if it were ``now``, with the fields of the event it becomes."""
    data = (FIXTURES / name).read_bytes()
    calendar = read_calendar(data, 10 * 1024 * 1024, 10_000)
    expansion = expand(calendar, now, timedelta(days=365), 10_000)
    assert expansion.problems == [] and not expansion.cut
    zone = default_zone(calendar.properties)
    found = []
    for occurrence in expansion.occurrences:
        fields = event_fields(occurrence.component, zone)
        msgspec.convert(fields, EventInput)  # what the core's service would be given
        found.append((occurrence.recurrence_id, fields))
    return found


def utc(fields: dict) -> tuple[datetime, datetime | None]:
    ends = fields["ends_at"]
    zone = ZoneInfo(fields["timezone"])
    def moment(value: datetime) -> datetime:
        return (value if value.tzinfo else value.replace(tzinfo=zone)).astimezone(UTC)
    return moment(fields["begins_at"]), moment(ends) if ends else None


def test_google_calendar_export() -> None:
    [(recurrence, fields)] = occurrences_of("google_calendar.ics", datetime(2024, 10, 1, tzinfo=UTC))
    assert recurrence == "" and fields["title"] == "event with alarms"
    assert fields["timezone"] == "Europe/London"  # a UTC time shown in the calendar's X-WR-TIMEZONE
    assert utc(fields) == (datetime(2024, 10, 4, 18, 15, tzinfo=UTC), datetime(2024, 10, 4, 19, 0, tzinfo=UTC))


def test_outlook_exchange_export_with_windows_timezones_and_all_day_series() -> None:
    found = occurrences_of("outlook_exchange_2010.ics", datetime(2024, 6, 1, tzinfo=UTC))
    titles = sorted(fields["title"] for _, fields in found)
    assert titles == ["outlook event with alarm", "test123", "test123", "test123 - edited event!!!!",
                      "test123 - edited event!!!!"]
    # every other Monday until 28 July 23:00 UTC (29 July, midnight in London), but not 15 July (EXDATE)
    days = sorted(fields["begins_at"] for _, fields in found if fields["title"] == "test123")
    assert days == [datetime(2024, 7, 1), datetime(2024, 7, 29)]
    single = next(fields for _, fields in found if fields["title"] == "outlook event with alarm")
    assert single["timezone"] == "Europe/London"  # "GMT Standard Time" is London
    assert utc(single)[0] == datetime(2024, 10, 4, 17, 30, tzinfo=UTC)  # 18:30 in British Summer Time
    series = next(fields for _, fields in found if fields["title"] == "test123")
    assert (series["begins_at"], series["ends_at"]) == (datetime(2024, 7, 1), datetime(2024, 7, 8))


def test_thunderbird_export_with_its_long_vtimezone() -> None:
    [(_, fields)] = occurrences_of("thunderbird.ics", datetime(2024, 10, 1, tzinfo=UTC))
    assert fields["timezone"] == "Europe/London"
    assert utc(fields) == (datetime(2024, 10, 23, 14, 0, tzinfo=UTC), datetime(2024, 10, 23, 15, 0, tzinfo=UTC))


def test_a_calendar_written_by_vobject() -> None:
    found = occurrences_of("vobject_club.ics", datetime(2036, 1, 1, tzinfo=UTC))
    by_title = {fields["title"]: (recurrence, fields) for recurrence, fields in found}
    talk = by_title["Talk: calendars, both ways"][1]
    assert utc(talk)[0] == datetime(2036, 3, 12, 18, 0, tzinfo=UTC)
    assert "Bring a friend, or two; &lt;b&gt;not&lt;/b&gt; HTML." in talk["description"]
    assert talk["address"] == {"name": "Salle des fêtes, 1 place de la Mairie", "latitude": 48.8566,
                               "longitude": 2.3522}
    assert talk["tags"] == ["Talks", "Calendars"] and talk["status"] == "tentative"
    fair = by_title["Book fair (two days)"][1]
    assert (fair["begins_at"], fair["ends_at"], fair["timezone"]) == (datetime(2036, 5, 16), datetime(2036, 5, 18),
                                                                       "Europe/Paris")
    practice = sorted((r, utc(f)[0]) for r, f in found if f["title"].startswith("Weekly practice"))
    assert practice == [("20360320T170000Z", datetime(2036, 3, 20, 17, 0, tzinfo=UTC)),
                        ("20360403T160000Z", datetime(2036, 4, 3, 18, 0, tzinfo=UTC)),  # moved to 20:00 (CEST)
                        ("20360410T160000Z", datetime(2036, 4, 10, 16, 0, tzinfo=UTC))]
    assert "Picnic (called off)" in by_title  # read; STATUS:CANCELLED then cancels instead of creating


def test_the_vobject_calendar_through_the_api(client) -> None:
    alice = sign_up(client, "alice@example.org", "alice")
    r = imported(client, alice, "alice", (FIXTURES / "vobject_club.ics").read_bytes())
    # the series is beyond the horizon (183 days); the cancelled picnic was never ours: skipped
    assert (r["created"], r["skipped"], r["errors"]) == (2, 1, []), r
    r = imported(client, alice, "alice", (FIXTURES / "vobject_club.ics").read_bytes())
    assert (r["created"], r["unchanged"]) == (0, 2), r


def test_a_description_too_long_for_the_column_keeps_whole_paragraphs_or_a_cut_first_one() -> None:
    many = "\n\n".join(f"Paragraph {n} " + "words " * 200 for n in range(40))
    kept = description_html(many, "https://example.org/more")
    assert len(kept) <= DESCRIPTION_MAX and kept.endswith('<a href="https://example.org/more">'
                                                          'https://example.org/more</a></p>')
    assert kept.count("<p>Paragraph") == len(kept.split("</p>")) - 2  # whole paragraphs, then the link
    one = description_html('"' * 50_000, "")
    assert len(one) <= DESCRIPTION_MAX and one.startswith("<p>&quot;") and one.endswith("…</p>")
