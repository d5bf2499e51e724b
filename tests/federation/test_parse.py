"""Every real payload in tests/fixtures/interop parses, or is refused with a reason."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from helpers import future_dt
from plugins.federation_activitypub.parse import Refused, parse_actor, parse_event, parse_note

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "interop"


def load(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def inner(name: str) -> dict:
    doc = load(name)
    return doc["object"] if isinstance(doc.get("object"), dict) else doc


def test_mobilizon_event_with_place_and_postal_address():
    event = parse_event(inner("mobilizon-post-activity.json"))
    assert event.title == "My first event"
    assert event.begins_at == datetime(2018, 2, 12, 14, 8, 20, tzinfo=UTC) and event.ends_at is None
    assert event.place.name == "Locaux de Framasoft" and event.place.locality == "Lyon"
    assert event.place.street == "10 Rue Jangot" and event.place.postal_code == "69007"
    assert event.attributed_to == "https://mobilizon.fr/@metacartes" and event.public
    assert event.category == "MEETING", "an unknown category falls back to the default"


def test_gancio_event_whose_location_has_only_a_name():
    event = parse_event(inner("gancio-event-activity.json"))
    assert event.place.name == "Colosseo" and event.place.locality == ""
    assert event.begins_at == datetime(2021, 7, 14, 15, 30, 57, tzinfo=UTC)
    assert event.ends_at == datetime(2021, 7, 14, 16, 30, 57, tzinfo=UTC)
    assert event.tags == ["test"]


@pytest.mark.parametrize("name", ["mobilizon-post-activity-group.json", "mobilizon-post-activity-media.json",
                                  "mobilizon-post-activity-media-1.json", "mobilizon-post-activity-media-2.json"])
def test_other_mobilizon_events_parse(name):
    assert parse_event(inner(name)).title


@pytest.mark.parametrize("name", ["mastodon-post-activity.json", "mastodon-post-activity-hashtag.json",
                                  "mastodon-post-activity-private.json", "mastodon-status.json", "mastodon-status-2.json",
                                  "mastodon-status-3.json", "mastodon-status-4.json", "mastodon-status-5.json",
                                  "pleroma-comment-object.json", "https__info.pleroma.site_activity.json"])
def test_notes_become_comment_candidates(name):
    note = parse_note(inner(name))
    assert note.content and note.attributed_to.startswith("http")
    assert "<script" not in note.content


def test_private_mastodon_note_is_not_public():
    assert parse_note(inner("mastodon-post-activity-private.json")).public is False
    assert parse_note(inner("mastodon-post-activity.json")).public is True


@pytest.mark.parametrize("name", ["mastodon-actor.json", "mastodon-tcit-tcit.json", "gancio-actor.json"])
def test_actors_parse_with_their_keys(name):
    actor = parse_actor(inner(name))
    assert actor.inbox.startswith("http") and "PUBLIC KEY" in actor.public_key_pem and actor.username


@pytest.mark.parametrize("name", ["peertube-video.json", "prismo-url-map.json"])
def test_objects_we_cannot_use_are_refused_with_a_reason(name):
    with pytest.raises(Refused, match="expected an Event"):
        parse_event(inner(name))


DAY = future_dt().date()


def _event(**changes):
    base = {"type": "Event", "id": "https://a.example/e/1", "name": "Meet", "startTime": f"{DAY}T10:00:00Z",
            "attributedTo": "https://a.example/@x", "to": ["https://www.w3.org/ns/activitystreams#Public"]}
    base.update(changes)
    return base


@pytest.mark.parametrize("changes, reason", [
    ({"endTime": f"{DAY}T09:00:00Z"}, "endTime is not after startTime"),
    ({"timezone": "Mars/Olympus"}, "unknown timezone"),
    ({"name": "<script>alert(1)</script>"}, "name is empty"),
    ({"startTime": "yesterday"}, "startTime is not"),
    ({"startTime": None}, "startTime is missing"),
    ({"id": "javascript:alert(1)"}, "id is not an http"),
    ({"name": "x" * 5000}, "name is longer"),
    ({"attributedTo": 42}, "attributedTo must be a string"),
    ({"startTime": "9999-12-31T23:59:59-11:00"}, "startTime is out of range"),
    ({"endTime": "0001-01-01T00:00:00+09:00"}, "endTime is out of range"),
    ({"startTime": "2201-01-01T00:00:00Z"}, "startTime is out of range"),
])
def test_bad_events_are_refused(changes, reason):
    with pytest.raises(Refused, match=reason):
        parse_event(_event(**changes))


def test_markup_in_names_is_removed_and_rich_text_sanitised():
    event = parse_event(_event(name="<b>Party</b> <img src=x onerror=alert(1)>",
                               content='<p onclick="x()">Hi<script>x</script></p>'))
    assert event.title == "Party" and event.description == "<p>Hi</p>"


def test_actor_whose_key_lives_on_another_host_is_refused():
    actor = inner("mastodon-actor.json")
    actor["publicKey"] = dict(actor["publicKey"], id="https://evil.example/key", owner=actor["id"])
    with pytest.raises(Refused, match="actor's host"):
        parse_actor(actor)


@pytest.mark.parametrize(("icon", "url", "shown_icon", "shown_url"), [
    ("https://a.example/x.png", "https://a.example/@x", "https://a.example/x.png", "https://a.example/@x"),
    ('https://a.example/"><img/src=x>.png', 'https://a.example/@x"><b>', "https://a.example/%22%3E%3Cimg/src=x%3E.png",
     "https://a.example/@x%22%3E%3Cb%3E"),
    ("http://a.example/x.png", "javascript:alert(1)", "", None),
])
def test_an_actors_picture_and_page_are_normalised_or_left_out(icon, url, shown_icon, shown_url):
    """Pages show a remote avatar and link its profile page: https pictures only (the pages' img-src), and
    the address normalised as our members' are; an unusable page address falls back to the actor's id."""
    document = dict(inner("mastodon-actor.json"), icon={"type": "Image", "url": icon}, url=url)
    actor = parse_actor(document)
    assert actor.icon_url == shown_icon
    assert actor.url == (shown_url or document["id"])


def test_mobilizon_banner_is_the_picture_named_banner_and_the_website_its_online_address():
    event = parse_event(inner("mobilizon-post-activity-media-2.json"))
    assert event.banner_url == "https://mobilizon.fr/some-image-2"
    assert event.online_url == "https://google.com"
    assert [(a.name, a.url) for a in event.attachments] == [
        ("Another link", "https://something.org"), ("", "https://mobilizon.fr/some-image-1")]
    assert event.dropped == []


def test_mobilizon_image_is_the_banner_when_no_attachment_is_named_banner():
    event = parse_event(inner("mobilizon-post-activity-media-1.json"))
    assert event.banner_url == "https://mobilizon.fr/some-image-1"
    assert "https://mobilizon.fr/some-image" in [a.url for a in event.attachments]


def test_gancio_picture_is_the_banner_and_its_online_places_are_links():
    """Gancio attaches its online places as Links named by their address, and one picture."""
    event = parse_event(_event(attachment=[
        {"type": "Link", "mediaType": "text/html", "name": "https://meet.example/room", "href": "https://meet.example/room"},
        {"type": "Document", "mediaType": "image/jpeg", "url": "https://gancio.example/media/a.jpg", "name": "Demo",
         "focalPoint": [0, 0]},
    ]))
    assert event.banner_url == "https://gancio.example/media/a.jpg"
    assert [(a.name, a.url, a.media_type) for a in event.attachments] == [
        ("https://meet.example/room", "https://meet.example/room", "text/html")]


@pytest.mark.parametrize(("attachment", "reason"), [
    ({"type": "Link", "name": "Click", "href": "javascript:alert(1)"}, "not an http(s) URL"),
    ({"type": "Document", "name": "Banner", "url": "data:image/png;base64,AAAA"}, "not an http(s) URL"),
    ({"type": "Link", "name": "Long", "href": "https://a.example/" + "x" * 2000}, "longer than 2000"),
    ({"type": "Link", "name": "Files", "href": "ftp://a.example/file"}, "not an http(s) URL"),
    ({"type": "Link", "name": "Bank", "href": "https://bank.example@evil.example/"}, "user information"),
    ({"type": "Link", "name": "Tab", "href": "https://a.example/\tx"}, "whitespace or control"),
    ({"type": "Document", "name": "Banner", "url": "http://a.example/banner.png"}, "banner is not an https URL"),
])
def test_attachments_that_cannot_be_shown_are_left_out_with_a_reason(attachment, reason):
    event = parse_event(_event(attachment=[attachment, {"type": "Link", "name": "Kept", "href": "https://ok.example/"}]))
    assert event.title == "Meet", "the event itself is kept"
    assert event.banner_url == "" and [a.name for a in event.attachments] == ["Kept"]
    assert len(event.dropped) == 1 and reason in event.dropped[0]


def test_attachment_markup_is_removed_and_their_number_bounded():
    links = [{"type": "Link", "name": f"<b>Link {n}</b>", "href": f"https://a.example/{n}"} for n in range(15)]
    event = parse_event(_event(attachment=[{"type": "PropertyValue", "name": "mz:x", "value": "y"}, *links]))
    assert [a.name for a in event.attachments] == [f"Link {n}" for n in range(10)]
    assert event.dropped == ["attachments beyond the first 10"]


def test_remote_addresses_are_normalised_or_dropped_as_our_own_are():
    event = parse_event(_event(
        location={"type": "VirtualLocation", "url": 'https://Meet.example/r?"><script>'},
        url="javascript:alert(1)",
        attachment=[{"type": "Link", "name": "Notes", "href": "https://notes.example/<b>"}]))
    assert event.online_url == "https://meet.example/r?%22%3E%3Cscript%3E"
    assert event.url == event.ap_id  # the unusable address is left out, its reason kept
    assert [a.url for a in event.attachments] == ["https://notes.example/%3Cb%3E"]
    assert event.dropped == ["url is not an http(s) URL"]
    assert parse_event(_event(onlineUrl="data:text/html,x")).online_url == ""
