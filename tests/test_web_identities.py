"""Identities: profiles, creating, editing (avatar), switching and deleting, through the pages."""

from __future__ import annotations

from test_web_events import create
from webhelpers import field_error, field_value, member, png_bytes, submit


def test_public_profile_shows_name_bio_and_upcoming_public_events(client):
    member(client, "alice@example.org", "alice")
    create(client, title="Poetry evening", action="publish")
    create(client, title="Secret draft")
    submit(client, "/identities/alice/edit", "/identities/alice/edit",
           {"display_name": "Alice Liddell", "bio": "<p>Curious</p><script>x()</script>"})
    submit(client, "/", "/logout")
    page = client.get("/@alice")
    assert "<h1>Alice Liddell</h1>" in page.text
    assert "<p>Curious</p>" in page.text and "x()" not in page.text
    assert "Poetry evening" in page.text and "Secret draft" not in page.text
    assert client.get("/@nobody").status_code == 404
    assert client.get("/nobody").status_code == 404


def test_create_an_identity_with_errors_kept_then_valid(client):
    member(client, "alice@example.org", "alice")
    response = submit(client, "/identities", "/identities", {"username": "alice", "display_name": "Again"})
    assert field_error(response.text, "create", "username") == "this name is already taken"
    assert field_value(response.text, "create", "display_name") == "Again"
    response = submit(client, "/identities", "/identities", {"username": "white_rabbit", "display_name": "Rabbit"})
    assert "The identity was created." in response.text
    assert "<strong>Rabbit (@white_rabbit)</strong>" in response.text


def test_avatar_upload_and_a_non_image_refused(client):
    member(client, "alice@example.org", "alice")
    page = "/identities/alice/edit"
    refused = submit(client, page, page, {"display_name": "Alice", "bio": ""},
                     files={"avatar": ("avatar.png", b"%PDF-1.4 not a picture", "image/png")})
    assert refused.status_code == 422
    assert field_error(refused.text, "edit", "avatar").startswith("this file is not a picture we can read")
    assert field_value(refused.text, "edit", "display_name") == "Alice"

    response = submit(client, page, page, {"display_name": "Alice", "bio": ""},
                      files={"avatar": ("avatar.png", png_bytes(), "image/png")})
    assert "The identity was saved." in response.text
    avatar = response.text.split('<img class="avatar" src="')[1].split('"')[0]
    assert client.get(avatar).content.startswith(b"\x89PNG")

    response = submit(client, page, page, {"display_name": "Alice", "bio": "", "remove_avatar": "on"})
    assert '<img class="avatar"' not in response.text


def test_switching_identity_changes_the_header_and_the_preselected_identity(client):
    member(client, "alice@example.org", "alice")
    submit(client, "/identities", "/identities", {"username": "rabbit", "display_name": "White Rabbit"})
    response = submit(client, "/events/new", "/identities/switch", {"username": "rabbit", "next": "/events/new"})
    assert str(response.url).endswith("/events/new?done=switched")
    assert "You act as <strong>White Rabbit (@rabbit)</strong>" in response.text
    organiser_choice = response.text.split('id="event-identity"')[1].split("</select>")[0]
    assert '<option value="rabbit" selected>' in organiser_choice

    unsafe = submit(client, "/", "/identities/switch", {"username": "alice", "next": "https://evil.example/"},
                    follow=False)
    assert unsafe.headers["location"] == "/identities?done=switched"


def test_make_default_and_delete_with_confirmation(client):
    member(client, "alice@example.org", "alice")
    submit(client, "/identities", "/identities", {"username": "rabbit"})
    response = submit(client, "/identities", "/identities/rabbit/default")
    assert "This identity is now your default." in response.text

    confirmation = client.get("/identities/rabbit/delete")
    assert "This cannot be undone." in confirmation.text
    response = submit(client, "/identities/rabbit/delete", "/identities/rabbit/delete")
    assert "The identity was deleted." in response.text
    assert "(@rabbit)" not in response.text
    assert client.get("/@rabbit").status_code == 404

    last = submit(client, "/identities/alice/delete", "/identities/alice/delete")
    assert last.status_code == 409
    assert "an account keeps at least one identity" in last.text


def test_another_accounts_identity_cannot_be_edited(client):
    member(client, "alice@example.org", "alice")
    submit(client, "/", "/logout")
    member(client, "bob@example.org", "bob")
    assert client.get("/identities/alice/edit").status_code == 404
