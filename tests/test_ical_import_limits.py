"""Calendars made to hurt: each is refused with a clear error before anything is written, never a 500."""

from __future__ import annotations

from datetime import date, timedelta

from helpers import field_errors, sign_up
from ical_import_helpers import calendar, finished, ical_instance, imported, stored_events, upload, vevent


def refused(response, text: str) -> None:  # noqa: ANN001
    assert response.status_code == 422, response.text
    assert text in field_errors(response)["data"], response.text


def test_a_50_mb_file_is_refused_before_it_is_read(client) -> None:
    alice = sign_up(client, "alice@example.org", "alice")
    big = calendar(vevent("a@up"), f"X-PADDING:{'x' * (50 * 1024 * 1024)}")
    r = upload(client, alice, "alice", big)
    assert r.status_code == 413  # the request body cap of the instance, before the handler runs
    assert stored_events(client) == []


def test_a_file_over_import_max_bytes_is_refused(data_dir) -> None:
    with ical_instance(data_dir, import_max_bytes=4096) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        refused(upload(client, alice, "alice", calendar(*(vevent(f"{n}@up") for n in range(40)))),
                "the calendar is larger than 4096 bytes")
        assert stored_events(client) == []


def test_100000_vevents_are_refused_as_a_whole(client) -> None:
    alice = sign_up(client, "alice@example.org", "alice")
    many = calendar(*(f"BEGIN:VEVENT\nUID:{n}\nDTSTART:20300101T100000Z\nSUMMARY:E\nEND:VEVENT"
                      for n in range(100_000)))
    refused(upload(client, alice, "alice", many), "the calendar has more than 10000 events")
    assert stored_events(client) == []


def test_occurrences_past_the_cap_are_left_out_and_nothing_is_cancelled(data_dir) -> None:
    with ical_instance(data_dir, import_max_events=5) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        first = date.today() + timedelta(days=1)
        daily = "\n".join(["BEGIN:VEVENT", "UID:daily@up", "SUMMARY:Daily", f"DTSTART:{first:%Y%m%d}T090000Z",
                           "RRULE:FREQ=DAILY", "END:VEVENT"])
        r = imported(client, alice, "alice", calendar(vevent("one@up", "Kept"), daily))
        assert r["cut"] and r["created"] == 5, r
        r = imported(client, alice, "alice", calendar(daily))
        assert r["cut"] and r["cancelled"] == 0, r
        assert "the rest was left out" in r["errors"][-1]["message"]


def test_deep_nesting_is_refused_with_its_line(client) -> None:
    alice = sign_up(client, "alice@example.org", "alice")
    deep = calendar("\n".join(["BEGIN:VEVENT", *["BEGIN:X-NEST"] * 10_000, *["END:X-NEST"] * 10_000, "END:VEVENT"]))
    refused(upload(client, alice, "alice", deep), "line 7: components are nested deeper than 4 levels")
    assert stored_events(client) == []


def test_a_line_too_long_even_when_folded_is_refused(client) -> None:
    alice = sign_up(client, "alice@example.org", "alice")
    folded = "DESCRIPTION:" + "\n ".join(["y" * 70] * 1000)
    refused(upload(client, alice, "alice", calendar(vevent("a@up"), vevent("b@up", **{"X_A": "1"}) + "\n" + folded)),
            "this line is longer than 65536 characters")
    assert stored_events(client) == []


def test_what_is_not_a_calendar_is_refused(client) -> None:
    alice = sign_up(client, "alice@example.org", "alice")
    refused(upload(client, alice, "alice", b"<!doctype html><p>Sign in to see this calendar</p>"),
            "line 1: this is not a calendar")
    refused(upload(client, alice, "alice", b""), "this is not a calendar")
    refused(upload(client, alice, "alice", calendar(vevent("a@up")).replace(b"END:VCALENDAR\r\n", b"")),
            "BEGIN:VCALENDAR is never ended")
    refused(upload(client, alice, "alice", b"BEGIN:VCALENDAR\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"),
            "line 2: END:VEVENT closes nothing that was begun")
    assert stored_events(client) == []


def test_binary_garbage_and_odd_bytes_give_a_report_not_a_500(client) -> None:
    alice = sign_up(client, "alice@example.org", "alice")
    r = upload(client, alice, "alice", calendar(vevent("a@up", "Caf\udcff".encode("utf-8", "surrogateescape")
                                                       .decode("latin-1"))) + b"\xff\xfe\x00")
    assert r.status_code in (202, 422), r.text
    if r.status_code == 202:
        assert finished(client, alice, r.json()["status_url"])["status"] == "imported"
    noise = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID=\"\r\nRRULE:FREQ=NOPE\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    r = imported(client, alice, "alice", noise)
    assert r["created"] == 0 and r["errors"], r


def test_someone_else_cannot_import_into_my_identity(client) -> None:
    sign_up(client, "alice@example.org", "alice")
    mallory = sign_up(client, "mallory@example.org", "mallory")
    r = upload(client, mallory, "alice", calendar(vevent("a@up")))
    assert r.status_code == 404
    assert client.post("/api/v1/identities/alice/imports", files={"data": ("c.ics", b"", "text/calendar")}
                       ).status_code == 401
    assert stored_events(client) == []
