"""Account pages through their HTML forms: sign-up, confirmation, login, logout, password
reset and the settings page."""

from __future__ import annotations

import pytest
from litestar.testing import TestClient

from core.app import create_app
from helpers import link_sent_to, make_settings, sign_up
from webhelpers import confirm_link, field_error, field_value, log_in, member, second_browser, submit

SIGNUP = {"email": "ada@example.org", "password": "correct horse", "username": "ada", "display_name": "Ada L."}


def test_sign_up_confirm_log_in_and_out(client):
    response = submit(client, "/signup", "/signup", SIGNUP)
    assert "we sent you an email" in response.text
    refused = submit(client, "/login", "/login", {"email": "ada@example.org", "password": "correct horse"})
    assert "please confirm your email address first" in refused.text

    response = client.get(confirm_link(client, "ada@example.org"))
    assert "Your email address is confirmed. You can log in now." in response.text
    response = log_in(client, "ada@example.org")
    assert "You act as <strong>Ada L. (@ada)</strong>" in response.text

    response = submit(client, "/", "/logout")
    assert "You are logged out." in response.text
    assert "You act as" not in response.text
    assert client.get("/settings", follow_redirects=False).headers["location"] == "/login?next=/settings"


def test_sign_up_errors_are_shown_next_to_fields_with_values_kept(client):
    response = submit(client, "/signup", "/signup", {**SIGNUP, "username": "Not Valid!"})
    assert response.status_code == 422
    assert field_error(response.text, "signup", "username") == "use 1 to 30 lowercase letters, digits or underscores"
    assert field_value(response.text, "signup", "email") == "ada@example.org"
    assert "correct horse" not in response.text  # a password is never sent back
    # nothing was written: the same address can still sign up
    assert "we sent you an email" in submit(client, "/signup", "/signup", SIGNUP).text


def test_signing_up_with_an_address_in_use_shows_what_a_new_sign_up_shows(client):
    sign_up(client, "ada@example.org", "ada")
    fresh = submit(second_browser(client), "/signup", "/signup", {**SIGNUP, "email": "new@example.org", "username": "n"},
                   follow=False)
    again = submit(second_browser(client), "/signup", "/signup", {**SIGNUP, "email": "ADA@example.org", "username": "m"},
                   follow=False)
    assert (again.status_code, again.headers["location"]) == (fresh.status_code, fresh.headers["location"])
    assert again.headers["location"] == "/login?done=check-email"
    assert "we sent you an email" in second_browser(client).get(again.headers["location"]).text
    assert link_sent_to(client, "ada@example.org", "sign_up_attempt") == "http://testserver.local/login"
    assert client.get("/@m").status_code == 404


@pytest.mark.parametrize(("registrations", "message"), [
    ({"mode": "closed"}, "Registrations are closed on this instance."),
    ({"mode": "allowlist", "email_domains": ["school.example"]}, "limited to email addresses at: school.example"),
])
def test_sign_up_page_says_when_registrations_are_limited(data_dir, registrations, message):
    with TestClient(create_app(make_settings(data_dir, registrations=registrations)),
                    base_url="http://testserver.local") as limited:
        assert message in limited.get("/signup").text


def test_allowlist_refuses_other_domains_next_to_the_email_field(data_dir):
    settings = make_settings(data_dir, registrations={"mode": "allowlist", "email_domains": ["school.example"]})
    with TestClient(create_app(settings), base_url="http://testserver.local") as limited:
        response = submit(limited, "/signup", "/signup", SIGNUP)
        assert field_error(response.text, "signup", "email") == "sign-up on this instance is limited to some email domains"


def test_login_goes_back_to_a_local_page_only(client):
    member(client, "bob@example.org", "bob")
    submit(client, "/", "/logout")
    page = client.get("/login?next=/my/events")
    assert 'name="next" value="/my/events"' in page.text
    response = submit(client, "/login?next=/my/events", "/login",
                      {"email": "bob@example.org", "password": "correct horse", "next": "/my/events"}, follow=False)
    assert response.headers["location"] == "/my/events?done=logged-in"
    submit(client, "/", "/logout")
    response = submit(client, "/login", "/login",
                      {"email": "bob@example.org", "password": "correct horse", "next": "//evil.example/x"}, follow=False)
    assert response.headers["location"] == "/?done=logged-in"


def test_wrong_password_is_refused_on_the_login_page(client):
    member(client, "bob@example.org", "bob")
    submit(client, "/", "/logout")
    response = submit(client, "/login", "/login", {"email": "bob@example.org", "password": "not the one"})
    assert response.status_code == 401
    assert "wrong email or password" in response.text
    assert field_value(response.text, "login", "email") == "bob@example.org"


def test_forms_without_the_csrf_token_are_refused(client):
    client.get("/login")
    response = client.post("/login", data={"email": "bob@example.org", "password": "correct horse"})
    assert response.status_code == 403


def test_password_reset_through_the_emailed_link(client):
    member(client, "cy@example.org", "cy")
    submit(client, "/", "/logout")
    response = submit(client, "/password/forgot", "/password/forgot", {"email": "cy@example.org"})
    assert "we sent it a link to choose a new password" in response.text
    link = confirm_link(client, "cy@example.org", "reset_password")

    short = submit(client, link, link, {"password": "short"})
    assert field_error(short.text, "reset", "password") == "must be at least 8 characters"
    response = submit(client, link, link, {"password": "a brand new secret"})
    assert "Your password was changed. Log in with the new one." in response.text
    log_in(client, "cy@example.org", "a brand new secret")
    used_again = submit(client, link, link, {"password": "yet another secret"})
    assert "this link is invalid or has expired" in used_again.text


def test_settings_preferences_and_password(client):
    member(client, "dee@example.org", "dee")
    response = submit(client, "/settings", "/settings/preferences", {"locale": "fr", "timezone": "Mars/Olympus"})
    assert field_error(response.text, "preferences", "timezone").startswith("unknown timezone")
    response = submit(client, "/settings", "/settings/preferences", {"locale": "en", "timezone": "Europe/Paris"})
    assert "Your preferences were saved." in response.text
    assert field_value(response.text, "preferences", "timezone") == "Europe/Paris"
    assert '<option value="en" selected>' in response.text  # French pages: tests/test_web_i18n.py

    wrong = submit(client, "/settings", "/settings/password", {"current_password": "nope", "new_password": "new secret!"})
    assert field_error(wrong.text, "password", "current_password") == "this is not your current password"
    response = submit(client, "/settings", "/settings/password",
                      {"current_password": "correct horse", "new_password": "new secret!"})
    assert "Your password was changed." in response.text
    assert "You act as" in response.text  # this session stays logged in
    submit(client, "/", "/logout")
    old = submit(client, "/login", "/login", {"email": "dee@example.org", "password": "correct horse"})
    assert "wrong email or password" in old.text
    log_in(client, "dee@example.org", "new secret!")


def test_change_email_with_a_link_sent_to_the_new_address(client):
    member(client, "eve@example.org", "eve")
    response = submit(client, "/settings", "/settings/email",
                      {"new_email": "eve@new.example", "current_password": "correct horse"})
    assert "We sent a link to the new address" in response.text
    assert "Your account: eve@example.org" in response.text
    response = client.get(confirm_link(client, "eve@new.example", "change_email"))
    assert "Your email address was changed." in response.text
    assert "Your account: eve@new.example" in response.text


def test_export_my_data_as_json(client):
    member(client, "fay@example.org", "fay")
    response = client.get("/settings/export")
    assert response.headers["content-type"].startswith("application/json")
    assert "attachment" in response.headers["content-disposition"]
    data = response.json()
    assert data["account"]["email"] == "fay@example.org"
    assert [i["username"] for i in data["identities"]] == ["fay"]


def test_delete_account_needs_the_password(client):
    member(client, "gus@example.org", "gus")
    wrong = submit(client, "/settings", "/settings/delete", {"current_password": "not mine"})
    assert field_error(wrong.text, "delete", "current_password") == "this is not your current password"
    assert client.get("/@gus").status_code == 200
    response = submit(client, "/settings", "/settings/delete", {"current_password": "correct horse"})
    assert "Your account and everything it held were deleted." in response.text
    assert "You act as" not in response.text
    assert client.get("/@gus").status_code == 404
    refused = submit(client, "/login", "/login", {"email": "gus@example.org", "password": "correct horse"})
    assert "wrong email or password" in refused.text
