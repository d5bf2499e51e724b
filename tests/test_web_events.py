"""The event form and the organiser's pages, through the HTML forms."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from helpers import next_in
from webhelpers import field_error, field_value, member, png_bytes, second_browser, submit

STARTS = next_in(5, weekday=3)  # a Thursday in May, 18:00: the pages write the weekday and the month out
BEGINS_AT = STARTS.isoformat(timespec="minutes")  # as a datetime-local field holds it


def event_form(**fields: Any) -> dict[str, Any]:
    """What a person fills in on /events/new (the browser sends every field)."""
    form = {"identity": "alice", "title": "Book club", "description": "<p>We read <em>Dune</em>.</p>",
            "begins_at": BEGINS_AT, "ends_at": (STARTS + timedelta(hours=2)).isoformat(timespec="minutes"),
            "timezone": "Europe/Paris",
            "address.name": "Library", "address.street": "1 rue des Livres", "address.postal_code": "75001",
            "address.locality": "Paris", "address.region": "", "address.country": "France",
            "address.latitude": "", "address.longitude": "", "online_url": "", "category": "BOOK_CLUBS",
            "status": "confirmed", "visibility": "public", "join_mode": "free", "external_participation_url": "",
            "max_participants": "", "comments_enabled": "on", "tags": "books, reading", "action": "draft"}
    form.update(fields)
    return {k: v for k, v in form.items() if v is not None}


def create(client, **fields: Any):  # noqa: ANN001, ANN201
    return submit(client, "/events/new", "/events/new", event_form(**fields))


def event_path(response) -> str:  # noqa: ANN001
    return re.search(r"(/events/[0-9a-f-]{36})", str(response.url)).group(1)


def test_draft_with_wrong_fields_shows_each_error_next_to_its_field_and_writes_nothing(client):
    member(client, "alice@example.org", "alice")
    response = create(client, title="x" * 201, max_participants="0")
    assert response.status_code == 422
    assert field_error(response.text, "event", "title") == "Expected `str` of length <= 200"
    assert field_error(response.text, "event", "max_participants") == "Expected `int` >= 1"
    assert field_value(response.text, "event", "address.locality") == "Paris"
    assert field_value(response.text, "event", "tags") == "books, reading"

    response = create(client, ends_at=(STARTS - timedelta(hours=1)).isoformat(timespec="minutes"),
                      timezone="Mars/Olympus")
    assert field_error(response.text, "event", "ends_at") == "the end must be after the start"
    assert field_error(response.text, "event", "timezone").startswith("unknown timezone 'Mars/Olympus'")
    assert field_value(response.text, "event", "title") == "Book club"
    assert field_value(response.text, "event", "begins_at") == BEGINS_AT
    assert "We read &lt;em&gt;Dune&lt;/em&gt;." in response.text  # the description is kept, escaped in its textarea

    assert "Nothing here yet." in client.get("/my/events?tab=drafts").text


def test_a_refused_banner_leaves_no_event_behind(client):
    member(client, "alice@example.org", "alice")
    response = submit(client, "/events/new", "/events/new", event_form(),
                      files={"banner": ("banner.png", b"this is not a picture", "image/png")})
    assert field_error(response.text, "event", "banner").startswith("this file is not a picture we can read")
    assert field_value(response.text, "event", "title") == "Book club"
    assert "Nothing here yet." in client.get("/my/events?tab=drafts").text


def test_save_a_draft_with_a_banner_then_publish_it(client):
    member(client, "alice@example.org", "alice")
    response = submit(client, "/events/new", "/events/new", event_form(),
                      files={"banner": ("banner.png", png_bytes(), "image/png")})
    assert "The draft was saved. Only you can see it until you publish it." in response.text
    assert f"Thursday, May {STARTS.day}, {STARTS.year}, 6:00\u202fPM" in response.text  # in the event's timezone
    assert '<img class="banner" src="/media/banners/' in response.text
    assert "<strong>Book club</strong>" not in client.get("/").text
    path = event_path(response)

    response = submit(client, path, f"{path}/publish")
    assert "The event is published." in response.text
    assert "This is a draft" not in response.text
    assert "<strong>Book club</strong>" in client.get("/").text


def test_publish_directly_from_the_form(client):
    member(client, "alice@example.org", "alice")
    response = create(client, action="publish")
    assert "The event is published." in response.text
    assert "Book club" in client.get("/my/events?tab=organising").text


def test_edit_keeps_times_in_the_event_timezone(client):
    member(client, "alice@example.org", "alice")
    path = event_path(create(client, action="publish"))
    page = client.get(f"{path}/edit")
    assert field_value(page.text, "event", "begins_at") == BEGINS_AT
    assert field_value(page.text, "event", "tags") == "books, reading"

    form = event_form(title="Book club: Dune, part 2", timezone="America/New_York", max_participants="12",
                      comments_enabled=None, action="save")
    form.pop("identity")
    response = submit(client, f"{path}/edit", f"{path}/edit", form)
    assert "The event was saved." in response.text
    assert "Book club: Dune, part 2" in response.text
    assert "6:00\u202fPM" in response.text and "(America/New_York)" in response.text
    assert "12 of 12 places left" in response.text
    assert "Comments are closed." in response.text


def test_cancel_with_a_message(client):
    member(client, "alice@example.org", "alice")
    path = event_path(create(client, action="publish"))
    response = submit(client, f"{path}/cancel", f"{path}/cancel", {"message": "The library is closed, sorry!"})
    assert "This event is cancelled." in response.text
    assert "The library is closed, sorry!" in response.text
    assert f'href="{path}/edit"' not in response.text


def test_delete_after_a_confirmation_page(client):
    member(client, "alice@example.org", "alice")
    path = event_path(create(client, action="publish"))
    confirmation = client.get(f"{path}/delete")
    assert "This cannot be undone." in confirmation.text
    assert client.get(path).status_code == 200  # looking at the confirmation deleted nothing
    response = submit(client, f"{path}/delete", f"{path}/delete")
    assert "The event was deleted." in response.text
    gone = second_browser(client).get(path)
    assert gone.status_code == 410, "an old link to a deleted event says it was deleted, not that it never was"
    assert "<h1>This event was deleted</h1>" in gone.text and 'href="/"' in gone.text


def test_a_deleted_draft_or_private_event_stays_unknown(client):
    member(client, "alice@example.org", "alice")
    for fields in ({}, {"visibility": "private", "action": "publish"}):
        path = event_path(create(client, **fields))
        submit(client, f"{path}/delete", f"{path}/delete")
        assert client.get(path).status_code == 404, "deleting it reveals nothing of an address nobody was given"


def test_someone_elses_draft_is_not_found(client):
    member(client, "alice@example.org", "alice")
    path = event_path(create(client))
    bob = second_browser(client)
    member(bob, "bob@example.org", "bob")
    assert bob.get(path).status_code == 404
    assert bob.get(f"{path}/edit").status_code == 404
    assert client.get(path).status_code == 200


def test_someone_elses_published_event_cannot_be_edited(client):
    member(client, "alice@example.org", "alice")
    path = event_path(create(client, action="publish"))
    bob = second_browser(client)
    member(bob, "bob@example.org", "bob")
    page = bob.get(path)
    assert "You organise this event" not in page.text
    refused = bob.get(f"{path}/edit")
    assert refused.status_code == 403
    assert "<h1>You may not do this</h1>" in refused.text and "only the organiser may do this" in refused.text


def test_my_events_tabs(client):
    member(client, "alice@example.org", "alice")
    create(client, title="Draft picnic")
    create(client, title="Published concert", action="publish")
    create(client, title="Old fair", begins_at="2001-05-01T18:00", ends_at="2001-05-01T20:00", action="publish")
    organising = client.get("/my/events?tab=organising").text
    assert "Published concert" in organising and "Draft picnic" not in organising and "Old fair" not in organising
    drafts = client.get("/my/events?tab=drafts").text
    assert "Draft picnic" in drafts and "Published concert" not in drafts
    assert "Old fair" in client.get("/my/events?tab=past").text
    assert "Nothing here yet." in client.get("/my/events?tab=going").text
    assert client.get("/my/events?tab=nonsense").status_code == 422


def test_home_lists_and_searches_upcoming_public_events(client):
    member(client, "alice@example.org", "alice")
    create(client, title="Chess night", action="publish")
    create(client, title="Choir", action="publish", tags="music")
    create(client, title="Hidden", action="publish", visibility="unlisted")
    home = client.get("/").text
    assert "Chess night" in home and "Choir" in home and "Hidden" not in home
    found = client.get("/?q=chess").text
    assert "Chess night" in found and "Choir" not in found
    tagged = client.get("/?tag=music").text
    assert "Choir" in tagged and "Chess night" not in tagged
