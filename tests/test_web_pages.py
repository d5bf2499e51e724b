"""Pages that are not about one domain: about, errors, login redirects, the stylesheet."""

from __future__ import annotations

from litestar.testing import TestClient

from core.app import create_app
from helpers import make_settings, sign_up
from webhelpers import submit

INSTANCE = {"name": "Riverside Commons", "description": "Gatherings along the river.",
            "rules": "Be kind.\nNo ads.", "contact_email": "hello@riverside.example"}


def test_about_shows_the_instance_settings(data_dir):
    with TestClient(create_app(make_settings(data_dir, instance=INSTANCE)), base_url="http://testserver.local") as c:
        page = c.get("/about").text
        assert "<h1>About Riverside Commons</h1>" in page
        assert "Gatherings along the river." in page
        assert "Be kind.\nNo ads." in page
        assert 'href="mailto:hello@riverside.example"' in page


def test_a_page_for_members_sends_visitors_to_login_and_back(client):
    sign_up(client, "ann@example.org", "ann")
    response = client.get("/events/new", follow_redirects=False)
    assert response.headers["location"] == "/login?next=/events/new"
    response = submit(client, "/login?next=/events/new", "/login",
                      {"email": "ann@example.org", "password": "correct horse", "next": "/events/new"})
    assert str(response.url).endswith("/events/new?done=logged-in")
    assert "<h1>New event</h1>" in response.text


def test_unknown_pages_and_events_get_the_friendly_error_page(client):
    response = client.get("/events/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.text and "no such event" in response.text
    assert "Back to the home page" in response.text
    assert client.get("/events/not-a-uuid").status_code == 404


def test_unknown_confirmation_messages_are_not_shown(client):
    page = client.get("/?done=<script>alert(1)</script>").text
    assert "alert(1)" not in page
    assert 'class="done"' not in page


def test_the_stylesheet_is_served(client):
    response = client.get("/static/convene.css")
    assert response.status_code == 200
    assert "header.site" in response.text



def test_error_pages_keep_the_header_and_a_logged_out_post_returns_to_its_page(client):
    from webhelpers import csrf_token, log_in

    sign_up(client, "erin@example.org", "erin")
    log_in(client, "erin@example.org")
    page = client.get("/events/00000000-0000-0000-0000-000000000000")
    assert page.status_code == 404 and "@erin" in page.text, "the header still shows who is logged in"
    client.post("/logout", data={"_csrf_token": csrf_token(client.get("/").text)})
    token = csrf_token(client.get("/login").text)
    response = client.post("/events/00000000-0000-0000-0000-000000000000/join", data={"_csrf_token": token},
                           headers={"referer": "http://testserver.local/events/abc?x=1"}, follow_redirects=False)
    assert response.status_code in (302, 303) and response.headers["location"] == "/login?next=/events/abc"
