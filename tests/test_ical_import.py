"""Importing an .ics file through the API: create, import again (no duplicate), removed upstream
cancelled, each property mapped, and one broken VEVENT reported with its line while the rest imports."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from helpers import sign_up
from ical_import_helpers import calendar, stored_events, upload, vevent


def test_an_uploaded_calendar_becomes_drafts_and_a_second_upload_updates_them(client) -> None:
    alice = sign_up(client, "alice@example.org", "alice")
    first = calendar(vevent("one@up", "Choir practice"), vevent("two@up", "Repair café", days=30))
    r = upload(client, alice, "alice", first)
    assert r.status_code == 200, r.text
    assert r.json() | {"errors": []} == {"created": 2, "updated": 0, "unchanged": 0, "cancelled": 0,
                                          "skipped": 0, "cut": False, "errors": []}
    events = stored_events(client)
    assert [(e.title, e.draft) for e in events] == [("Choir practice", True), ("Repair café", True)]

    again = calendar(vevent("one@up", "Choir practice (new room)"), vevent("two@up", "Repair café", days=30))
    r = upload(client, alice, "alice", again)
    assert (r.json()["created"], r.json()["updated"], r.json()["unchanged"]) == (0, 1, 1)
    events = stored_events(client)
    assert [e.title for e in events] == ["Choir practice (new room)", "Repair café"]
    assert events[0].sequence == 1 and events[1].sequence == 0


def test_an_event_removed_upstream_is_cancelled_and_a_cancelled_one_too(client) -> None:
    alice = sign_up(client, "alice@example.org", "alice")
    r = upload(client, alice, "alice", calendar(vevent("a@up", "Stays"), vevent("b@up", "Goes away"),
                                                vevent("c@up", "Called off")), publish=True)
    assert r.json()["created"] == 3
    r = upload(client, alice, "alice", calendar(vevent("a@up", "Stays"), vevent("c@up", "Called off",
                                                                                   STATUS="CANCELLED")))
    assert (r.json()["cancelled"], r.json()["unchanged"]) == (2, 1), r.json()
    status = {e.title: e.status for e in stored_events(client)}
    assert status == {"Stays": "confirmed", "Goes away": "cancelled", "Called off": "cancelled"}


def test_published_on_request_and_every_property_mapped(client) -> None:
    alice = sign_up(client, "alice@example.org", "alice")
    text = vevent("full@up", "Picnic", DESCRIPTION="Bring <food>\\, drinks.\\n\\nSecond paragraph",
                  LOCATION="Parc de la Tête d'Or", GEO="45.7772;4.8553", URL="https://example.org/picnic",
                  CATEGORIES="Outdoor,Food", STATUS="TENTATIVE")
    r = upload(client, alice, "alice", calendar(text), publish=True)
    assert r.json()["created"] == 1, r.text
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
    r = upload(client, alice, "alice", calendar(text, head="X-WR-TIMEZONE:America/New_York"))
    assert r.json()["created"] == 1, r.text
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
    r = upload(client, alice, "alice", data)
    assert r.status_code == 200, r.text
    body = r.json()
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
