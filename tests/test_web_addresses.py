"""Web addresses are checked and normalised once, on the way in (core.web_addresses), and leave clean."""

from __future__ import annotations

import pytest

from core.web_addresses import BadAddress, web_address
from helpers import field_errors, new_event, sign_up
from test_web_events import create as create_on_the_form
from webhelpers import field_error, member

ACTIVITY_JSON = "application/activity+json"


@pytest.mark.parametrize(("given", "kept"), [
    ("https://meet.example/room", "https://meet.example/room"),
    ("  HTTPS://Meet.Example/Room  ", "https://meet.example/Room"),
    ('https://meet.example/"><script>alert(1)</script>', "https://meet.example/%22%3E%3Cscript%3Ealert(1)%3C/script%3E"),
    ("https://meet.example/?q=<b>&x='1'", "https://meet.example/?q=%3Cb%3E&x=%271%27"),
    ("https://Bücher.example/straße", "https://xn--bcher-kva.example/stra%C3%9Fe"),
    ("https://meet.example/100%", "https://meet.example/100%25"),
    ("https://meet.example/a%20b", "https://meet.example/a%20b"),
    ("http://[2001:DB8::1]:8080/", "http://[2001:db8::1]:8080/"),
    ("https://my_host.example/", "https://my_host.example/"),
    ("", ""),
])
def test_addresses_are_normalised(given, kept):
    assert web_address(given) == kept


@pytest.mark.parametrize(("given", "reason"), [
    ("javascript:alert(1)", "http:// or https://"),
    ("data:text/html,<script>alert(1)</script>", "http:// or https://"),
    ("JaVaScRiPt:alert(1)", "http:// or https://"),
    ("ftp://files.example/", "http:// or https://"),
    ("//meet.example/room", "http:// or https://"),
    ("https://bank.example@evil.example/", "user information"),
    ("https://user:secret@meet.example/", "user information"),
    ("https://meet.example/a b", "whitespace or control"),
    ("https://meet.example/\x00", "whitespace or control"),
    ("https://meet.example/\u202e", "whitespace or control"),
    ("https:///room", "host name"),
    ("https://a..example/", "host name is not valid"),
    ("https://evil.example\\.good.example/", "host name is not valid"),
    ("https://[::1/", "not a web address"),
    ("https://meet.example:99999/", "not a web address"),
    ("https://meet.example/" + "a" * 2000, "at most 2000 characters"),
])
def test_addresses_we_cannot_take_are_refused_with_a_reason(given, reason):
    with pytest.raises(BadAddress, match=reason.replace("(", r"\(")):
        web_address(given)


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "data:text/html,x", "https://u:p@meet.example/"])
def test_the_api_refuses_what_is_no_web_address(client, bad):
    headers = sign_up(client, "ada@example.org", "ada")
    for field in ("online_url", "external_participation_url"):
        r = client.post("/api/v1/events", headers=headers,
                        json={"title": "Talk", "begins_at": "2199-01-01T10:00:00", field: bad})
        assert r.status_code == 422, r.text
        assert set(field_errors(r)) == {field}
    event = new_event(client, headers)
    r = client.patch(f"/api/v1/events/{event['uuid']}", headers=headers, json={"online_url": bad})
    assert r.status_code == 422 and set(field_errors(r)) == {"online_url"}, r.text


def test_the_form_refuses_what_is_no_web_address(client):
    member(client, "alice@example.org", "alice")
    response = create_on_the_form(client, online_url="javascript:alert(1)", join_mode="external",
                                  external_participation_url="data:text/html,x")
    assert response.status_code == 422
    assert field_error(response.text, "event", "online_url") == "must be an http:// or https:// address"
    assert field_error(response.text, "event", "external_participation_url") == "must be an http:// or https:// address"


def test_quotes_and_brackets_are_stored_encoded_and_federate_as_a_clean_href(client):
    headers = sign_up(client, "ada@example.org", "ada")
    event = new_event(client, headers, online_url='https://meet.example/room?"><img/src=x>', join_mode="external",
                      external_participation_url="https://tickets.example/<1>")
    clean_room, clean_tickets = "https://meet.example/room?%22%3E%3Cimg/src=x%3E", "https://tickets.example/%3C1%3E"
    assert (event["online_url"], event["external_participation_url"]) == (clean_room, clean_tickets)
    document = client.get(f"/events/{event['uuid']}", headers={"Accept": ACTIVITY_JSON}).json()
    assert [a["href"] for a in document["attachment"] if a.get("type") == "Link"] == [clean_room]
    assert document["externalParticipationUrl"] == clean_tickets
