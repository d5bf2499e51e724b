"""The import page of an identity in the settings: upload (imported in the background) with its report, subscribe, refused forms,
and nobody else's identity reachable."""

from __future__ import annotations

from helpers import sign_up, wait_for
from ical_import_helpers import calendar, stored_events, vevent
from webhelpers import log_in, member, submit


def test_the_settings_link_to_each_identitys_import_page_and_an_upload_reports_lines(client) -> None:
    member(client, "alice@example.org", "alice")
    settings = client.get("/settings")
    assert 'href="/settings/imports/alice"' in settings.text
    data = calendar(vevent("a@up", "Choir"), "BEGIN:VEVENT\nUID:b@up\nSUMMARY:No start\nEND:VEVENT")
    r = submit(client, "/settings/imports/alice", "/settings/imports/alice/upload", {"publish": "1"},
               files={"data": ("club.ics", data, "text/calendar")})
    assert r.status_code == 200 and "Uploaded files" in r.text, r.text  # back on the page, the import queued
    page = wait_for(lambda: "Created:" in (shown := client.get("/settings/imports/alice").text) and shown)
    assert "Created: 1, updated: 0" in page
    line = data.decode().split("\r\n").index("UID:b@up")
    assert f"Line {line}:" in page and "this VEVENT has no DTSTART" in page
    assert [(e.title, e.draft) for e in stored_events(client)] == [("Choir", False)]


def test_a_refused_file_and_a_refused_address_show_on_the_form(client) -> None:
    member(client, "alice@example.org", "alice")
    r = submit(client, "/settings/imports/alice", "/settings/imports/alice/upload",
               files={"data": ("page.ics", b"<html>", "text/calendar")})
    assert r.status_code == 422 and "this is not a calendar" in r.text
    r = submit(client, "/settings/imports/alice", "/settings/imports/alice/subscriptions",
               {"url": "http://192.168.1.20/cal.ics"})
    assert r.status_code == 422 and "192.168.1.20 is a private address" in r.text
    assert "No subscriptions yet." in client.get("/settings/imports/alice").text
    assert stored_events(client) == []


def test_a_post_without_the_csrf_token_is_refused(client) -> None:
    member(client, "alice@example.org", "alice")
    r = client.post("/settings/imports/alice/subscriptions", data={"url": "https://example.org/cal.ics"})
    assert r.status_code == 403


def test_another_accounts_identity_page_is_not_found(client) -> None:
    sign_up(client, "alice@example.org", "alice")
    member(client, "mallory@example.org", "mallory")
    assert client.get("/settings/imports/alice").status_code == 404
    assert client.get("/settings/imports/mallory").status_code == 200
    log_in(client, "alice@example.org")
    assert client.get("/settings/imports/alice").status_code == 200
