"""One event to any calendar (plugins/ical/export.py, vevent.py): ``/events/{uuid}/export/ics``
read back by two parsers (tests/ical_parsing.py), who may download it, what a hostile title
cannot do to it, the ``ical_vevent`` hook, and the "Add to calendar" links."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image

from core.plugins import hookimpl
from helpers import future, new_event, sign_up
from ical_parsing import both, export, property_names
from testkit import instance
from webhelpers import log_in, second_browser

TESTKIT_HOLDING = {"testkit_policy": {"hold_accounts_younger_than_hours": 24}}


def instant(value: str) -> datetime:
    """An API date-time (``...Z``) as an aware UTC datetime."""
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)


def upload_banner(client, headers, uuid: str) -> str:  # noqa: ANN001
    out = io.BytesIO()
    Image.new("RGB", (1200, 400), (0, 90, 200)).save(out, format="JPEG")
    r = client.put(f"/api/v1/events/{uuid}/banner", headers=headers, files={"data": ("b.jpg", out.getvalue(), "image/jpeg")})
    assert r.status_code == 200, r.text
    return r.json()["banner_url"]


def full_event(client, alice) -> dict:  # noqa: ANN001
    return new_event(
        client, alice, title="Jazz night", begins_at=future(20, 20), ends_at=future(20, 23, 30),
        timezone="Europe/Paris", category="FOOD_DRINK", tags=["jazz", "night out"], status="tentative",
        description='<p>Bring <strong>friends</strong>.</p><ul><li>Doors at 8</li><li><a href="https://example.org/map">'
                    'the map</a></li></ul>',
        address={"name": "Le Duc", "street": "42 rue des Lombards", "postal_code": "75001", "locality": "Paris",
                 "country": "France", "latitude": 48.8597, "longitude": 2.3499},
        online_url="https://video.example.org/jazz")


def test_every_field_reads_back_equal_in_both_parsers_and_the_uid_stays(client):
    alice = sign_up(client, "alice@example.org", "alice")
    event = full_event(client, alice)
    uuid = event["uuid"]
    banner = upload_banner(client, alice, uuid)
    data = export(client, uuid)
    first, second = both(data)
    begins, ends = instant(event["begins_at"]), instant(event["ends_at"])

    assert str(first["summary"]) == second.summary.value == "Jazz night"
    assert first["dtstart"].params["TZID"] == second.dtstart.params["X-VOBJ-ORIGINAL-TZID"][0] == "Europe/Paris"
    assert first.start == second.dtstart.value == begins and first.end == second.dtend.value == ends
    location = "Le Duc, 42 rue des Lombards, 75001 Paris, France"
    assert str(first["location"]) == second.location.value == location
    assert (first["geo"].latitude, first["geo"].longitude) == (48.8597, 2.3499)
    assert [float(part) for part in second.geo.value.split(";")] == [48.8597, 2.3499]
    categories = ["Food and drink", *event["tags"]]  # the category in words, then the tags
    assert event["tags"] == ["jazz", "night-out"]
    assert list(first.categories) == categories
    assert [c for line in second.contents["categories"] for c in line.value] == categories
    page = f"http://testserver.local/events/{uuid}"
    assert str(first["url"]) == second.url.value == page
    assert str(first["organizer"]) == second.organizer.value == "http://testserver.local/@alice"
    assert first["organizer"].params["CN"] == second.organizer.params["CN"][0] == "alice"
    assert str(first["status"]) == second.status.value == "TENTATIVE"
    assert str(first["image"]) == second.image.value == banner
    assert first["image"].params["VALUE"] == "URI"
    assert str(first["conference"]) == second.conference.value == "https://video.example.org/jazz"
    assert first["conference"].params["FEATURE"] == "VIDEO"
    assert str(first["class"]) == second.contents["class"][0].value == "PUBLIC"
    uid = f"{uuid}@testserver.local"
    assert str(first["uid"]) == second.uid.value == uid
    description = "Bring friends.\n\n- Doors at 8\n- the map (https://example.org/map)"
    assert str(first["description"]) == second.description.value == description

    r = client.patch(f"/api/v1/events/{uuid}", headers=alice, json={"title": "Jazz night, moved", "status": "confirmed",
                                                                  "visibility": "unlisted"})
    assert r.status_code == 200, r.text
    first, second = both(export(client, uuid))
    assert str(first["uid"]) == second.uid.value == uid
    assert str(first["summary"]) == "Jazz night, moved" and str(first["status"]) == second.status.value == "CONFIRMED"
    assert str(first["class"]) == "PRIVATE"  # unlisted: not for a public calendar's listing
    assert client.post(f"/api/v1/events/{uuid}/cancel", headers=alice, json={}).status_code == 200
    first, second = both(export(client, uuid))
    assert str(first["status"]) == second.status.value == "CANCELLED" and str(first["uid"]) == uid


def test_the_file_is_named_after_the_title_in_ascii_and_in_utf8(client):
    alice = sign_up(client, "alice@example.org", "alice")
    uuid = new_event(client, alice, title='Café "répétition" / 2')["uuid"]
    r = client.get(f"/events/{uuid}/export/ics")
    assert r.headers["content-disposition"] == (
        "attachment; filename=\"cafe-repetition-2.ics\"; filename*=UTF-8''Caf%C3%A9%20r%C3%A9p%C3%A9tition%202.ics")
    assert str(both(r.content)[0]["summary"]) == 'Café "répétition" / 2'


def sequence(client, uuid: str) -> int:  # noqa: ANN001
    first, second = both(export(client, uuid))
    assert int(second.sequence.value) == first["sequence"]
    return int(first["sequence"])


def test_sequence_grows_with_an_edit_a_banner_and_a_cancellation_not_with_joining(client):
    alice = sign_up(client, "alice@example.org", "alice")
    bob = sign_up(client, "bob@example.org", "bob")
    uuid = new_event(client, alice)["uuid"]
    seen = [sequence(client, uuid)]
    assert client.patch(f"/api/v1/events/{uuid}", headers=alice, json={"title": "Book club: Dune"}).status_code == 200
    seen.append(sequence(client, uuid))
    upload_banner(client, alice, uuid)
    seen.append(sequence(client, uuid))
    assert client.post(f"/api/v1/events/{uuid}/participations", headers=bob, json={}).status_code == 201
    seen.append(sequence(client, uuid))
    assert client.delete(f"/api/v1/events/{uuid}/participations", headers=bob).status_code == 204
    seen.append(sequence(client, uuid))
    assert client.post(f"/api/v1/events/{uuid}/cancel", headers=alice, json={}).status_code == 200
    seen.append(sequence(client, uuid))
    edit, banner, joined, left, cancelled = (b - a for a, b in zip(seen, seen[1:], strict=False))
    assert edit > 0 and banner > 0 and cancelled > 0, seen
    assert joined == left == 0, seen


@pytest.mark.parametrize("title", [
    "Evil\r\nATTENDEE:mailto:victim@example.org\r\nEND:VEVENT",
    "semi;colon, comma \\ backslash\nBEGIN:VALARM",
])
def test_a_hostile_title_or_address_never_adds_a_property_or_a_line(client, title):
    alice = sign_up(client, "alice@example.org", "alice")
    clean = new_event(client, alice, title="Plain", address={"street": "1 rue X"})
    hostile = new_event(client, alice, title=title, address={"street": title, "locality": "a;b,c\\d"},
                        description="<p>Hello <script>alert(1)</script><b>there</b></p><img src=x onerror=alert(2)>")
    data = export(client, hostile["uuid"])
    names = property_names(data)
    # the same properties as a plain event's, and its description: nothing added by the text
    assert Counter(names) == Counter(property_names(export(client, clean["uuid"]))) + Counter(["DESCRIPTION"])
    assert names.count("SUMMARY") == names.count("LOCATION") == 1
    assert "ATTENDEE" not in names and "BEGIN" not in names[1:] and "END" not in names
    lines = data.replace(b"\r\n ", b"").split(b"\r\n")
    assert lines.count(b"BEGIN:VEVENT") == lines.count(b"END:VEVENT") == 1
    assert not [line for line in lines if line.startswith((b"BEGIN:VALARM", b"ATTENDEE"))]
    first, second = both(data)
    stored = client.get(f"/api/v1/events/{hostile['uuid']}").json()
    # what the core stored comes back whole, in one property (a CR LF becomes a line break in the text)
    assert str(first["summary"]).replace("\r\n", "\n") == second.summary.value.replace("\r\n", "\n") \
        == stored["title"].replace("\r\n", "\n")
    assert "a;b,c\\d" in str(first["location"]) and "a;b,c\\d" in second.location.value
    assert "<" not in str(first["description"]) and str(first["description"]) == second.description.value


def test_a_very_long_title_is_folded_at_75_octets_never_inside_a_character(client):
    alice = sign_up(client, "alice@example.org", "alice")
    title = ("Fête des lumières à Lyon 🎆 " * 8)[:200].strip()
    data = export(client, new_event(client, alice, title=title)["uuid"])
    lines = data.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # each folded line is whole UTF-8: no character cut in two
    first, second = both(data)
    assert str(first["summary"]) == second.summary.value == title


def test_who_may_download(data_dir):
    with instance(data_dir) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        sign_up(client, "bob@example.org", "bob")
        public = new_event(client, alice)["uuid"]
        draft = new_event(client, alice, title="Draft", publish=False)["uuid"]
        private = new_event(client, alice, title="Private", visibility="private")["uuid"]
        alice_web, bob_web = second_browser(client), second_browser(client)
        log_in(alice_web, "alice@example.org")
        log_in(bob_web, "bob@example.org")
        client.cookies.clear()
        for reader in (client, bob_web, alice_web):
            assert reader.get(f"/events/{public}/export/ics").status_code == 200
        for hidden in (draft, private):
            assert client.get(f"/events/{hidden}/export/ics").status_code == 404
            assert bob_web.get(f"/events/{hidden}/export/ics").status_code == 404
            assert alice_web.get(f"/events/{hidden}/export/ics").status_code == 200  # the organiser sees it
        for unknown in ("00000000-0000-0000-0000-000000000000", "not-a-uuid"):
            assert client.get(f"/events/{unknown}/export/ics").status_code == 404
        assert client.delete(f"/api/v1/events/{public}", headers=alice).status_code == 204
        assert client.get(f"/events/{public}/export/ics").status_code == 410


def test_an_event_held_for_review_is_not_downloaded(data_dir):
    with instance(data_dir, "testkit_policy", **TESTKIT_HOLDING) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        held = new_event(client, alice)
        assert held["review"] is not None
        assert client.get(f"/events/{held['uuid']}/export/ics").status_code == 404


class Rsvp:
    """Another plugin adding a property to every VEVENT through the calendar plugin's hook."""

    @hookimpl
    async def ical_vevent(self, ctx, event, vevent):  # noqa: ANN001, ANN201
        vevent.add("x-convene-participants", str(event.participant_count))


def test_a_plugin_adds_a_property_through_ical_vevent(client):
    alice = sign_up(client, "alice@example.org", "alice")
    uuid = new_event(client, alice)["uuid"]
    plugin = Rsvp()
    client.app.state.pm.register(plugin)
    try:
        first, second = both(export(client, uuid))
    finally:
        client.app.state.pm.unregister(plugin)
    assert str(first["x-convene-participants"]) == second.x_convene_participants.value == "0"
    assert "X-CONVENE-PARTICIPANTS" not in property_names(export(client, uuid))


def test_add_to_calendar_links_on_the_page_and_in_the_api(client):
    alice = sign_up(client, "alice@example.org", "alice")
    event = new_event(client, alice, title="Choir & friends", begins_at=future(12, 19), ends_at=future(12, 21),
                      description="<p>" + "Sing along. " * 60 + "</p>", address={"locality": "Lyon"})
    uuid = event["uuid"]
    links = client.get(f"/api/v1/events/{uuid}").json()["links"]
    by_label = {link["label"]: link for link in links}
    assert list(by_label) == ["Calendar file (.ics)", "Google Calendar", "Outlook.com", "Office 365"]
    assert {link["group"] for link in links} == {"Add to calendar"}
    assert by_label["Calendar file (.ics)"]["url"] == f"http://testserver.local/events/{uuid}/export/ics"
    assert by_label["Calendar file (.ics)"]["media_type"] == "text/calendar"

    begins, ends = instant(event["begins_at"]), instant(event["ends_at"])
    google = urlsplit(by_label["Google Calendar"]["url"])
    assert (google.scheme, google.netloc, google.path) == ("https", "calendar.google.com", "/calendar/render")
    query = {key: values[0] for key, values in parse_qs(google.query).items()}
    assert query["action"] == "TEMPLATE" and query["text"] == "Choir & friends" and query["location"] == "Lyon"
    assert query["dates"] == f"{begins:%Y%m%dT%H%M%SZ}/{ends:%Y%m%dT%H%M%SZ}"
    assert len(query["details"]) < 400 and query["details"].endswith(f"http://testserver.local/events/{uuid}")
    assert "+" not in google.query and "%20" in google.query  # spaces percent-encoded
    for label, host in (("Outlook.com", "outlook.live.com"), ("Office 365", "outlook.office.com")):
        outlook = urlsplit(by_label[label]["url"])
        assert outlook.netloc == host
        query = {key: values[0] for key, values in parse_qs(outlook.query).items()}
        assert query["rru"] == "addevent" and query["subject"] == "Choir & friends"
        assert query["startdt"] == f"{begins:%Y-%m-%dT%H:%M:%SZ}" and query["enddt"] == f"{ends:%Y-%m-%dT%H:%M:%SZ}"

    page = client.get(f"/events/{uuid}").text
    assert '<h2 id="links-1">Add to calendar</h2>' in page
    assert f'href="http://testserver.local/events/{uuid}/export/ics" rel="alternate" type="text/calendar"' in page
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE&amp;text=Choir%20%26%20friends" in page
    french = client.get(f"/events/{uuid}", headers={"Accept-Language": "fr"}).text
    assert ">Ajouter à l’agenda</h2>" in french and ">Google Agenda</a>" in french

    assert client.post(f"/api/v1/events/{uuid}/cancel", headers=alice, json={}).status_code == 200
    labels = [link["label"] for link in client.get(f"/api/v1/events/{uuid}").json()["links"]]
    assert labels == ["Calendar file (.ics)"]  # a cancelled event is not added anew; its file says it is off
