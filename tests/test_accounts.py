"""Accounts through the API: sign-up policies, confirmation, login, password and email changes, export, deletion."""

from __future__ import annotations

from click.testing import CliRunner
from litestar.testing import TestClient

from core.app import create_app
from core.cli import main
from core.settings import load_settings
from helpers import field_errors, link_sent_to, make_settings, new_event, outbox_rows, sign_up, token_of


def test_sign_up_requires_confirmation_before_login(client):
    r = client.post("/api/v1/accounts", json={"email": "Bob@Example.ORG", "password": "long enough", "username": "bob"})
    assert r.status_code == 201
    assert r.json() == {"email": "bob@example.org", "username": "bob", "confirmed": False}
    r = client.post("/api/v1/auth/token", json={"email": "bob@example.org", "password": "long enough"})
    assert r.status_code == 403 and "confirm" in r.json()["detail"]
    link = link_sent_to(client, "bob@example.org", "confirm_email")
    assert link.startswith("http://testserver.local/confirm/")
    assert client.post("/api/v1/accounts/confirm", json={"token": token_of(link)}).status_code == 200
    assert client.post("/api/v1/accounts/confirm", json={"token": token_of(link)}).status_code == 200, "a second click"
    assert client.post("/api/v1/accounts/confirm", json={"token": token_of(link) + "x"}).status_code == 422, "forged"
    assert client.post("/api/v1/auth/token", json={"email": "bob@example.org", "password": "long enough"}).status_code == 201


def test_sign_up_field_errors(client):
    sign_up(client, "taken@example.org", "taken")
    cases = [
        ({"email": "not-an-email", "password": "long enough", "username": "x1"}, "email"),
        ({"email": "a@example.org", "password": "short", "username": "x2"}, "password"),
        ({"email": "b@example.org", "password": "long enough", "username": "Bad Name"}, "username"),
        ({"email": "c@example.org", "password": "long enough", "username": "taken"}, "username"),
        ({"email": "d@example.org", "password": "long enough", "username": "admin"}, "username"),
        ({"email": "e@example.org", "password": "long enough"}, "username"),
    ]
    for body, field in cases:
        r = client.post("/api/v1/accounts", json=body)
        assert r.status_code in (400, 422), (body, r.text)
        assert field in field_errors(r), (body, r.text)
    # nothing half-written: the refused sign-ups left no account behind
    for body, _ in cases[:5]:
        r = client.post("/api/v1/auth/token", json={"email": body["email"], "password": "long enough"})
        assert r.status_code == 401


def test_sign_up_with_an_address_in_use_answers_as_a_new_one_and_mails_its_owner(client):
    sign_up(client, "alice@example.org", "alice")
    fresh = client.post("/api/v1/accounts", json={"email": "new@example.org", "password": "long enough", "username": "n"})
    again = client.post("/api/v1/accounts", json={"email": "Alice@Example.org", "password": "long enough", "username": "m"})
    assert (fresh.status_code, fresh.json()) == (201, {"email": "new@example.org", "username": "n", "confirmed": False})
    assert (again.status_code, again.json()) == (201, {"email": "alice@example.org", "username": "m", "confirmed": False})
    assert fresh.headers.keys() == again.headers.keys()
    link = link_sent_to(client, "alice@example.org", "sign_up_attempt")
    assert link == "http://testserver.local/login"
    mail = [r.payload for r in outbox_rows(client, "notification") if r.payload["kind"] == "sign_up_attempt"][0]
    assert mail["subject"] == "Someone tried to sign up on Convene with your address"
    assert "If it was you, log in, or reset your password" in mail["text"]
    # nothing changed: no identity @m, and the password sent does not open the account
    assert client.get("/api/v1/identities/m").status_code == 404
    assert client.post("/api/v1/auth/token", json={"email": "alice@example.org", "password": "long enough"}).status_code == 401
    assert client.post("/api/v1/auth/token", json={"email": "alice@example.org", "password": "correct horse"}).status_code == 201


def test_sign_up_with_an_address_in_use_refuses_what_a_new_one_refuses(client):
    sign_up(client, "alice@example.org", "alice")
    for body in ({"password": "short", "username": "x"}, {"password": "long enough", "username": "alice"},
                 {"password": "long enough", "username": "Bad Name"}, {"password": "long enough", "username": "admin"},
                 {"password": "long enough", "username": "x", "display_name": "x" * 101}):
        taken = client.post("/api/v1/accounts", json={"email": "alice@example.org", **body})
        free = client.post("/api/v1/accounts", json={"email": "free@example.org", **body})
        assert taken.status_code == free.status_code and taken.status_code in (400, 422), body
        assert taken.json() == free.json(), body
    assert not [r for r in outbox_rows(client, "notification") if r.payload["kind"] == "sign_up_attempt"]


def test_signing_up_again_before_confirming_sends_a_new_confirmation_link(client):
    client.post("/api/v1/accounts", json={"email": "bob@example.org", "password": "long enough", "username": "bob"})
    first = link_sent_to(client, "bob@example.org", "confirm_email")
    r = client.post("/api/v1/accounts", json={"email": "bob@example.org", "password": "other one", "username": "bob2"})
    assert r.status_code == 201
    second = link_sent_to(client, "bob@example.org", "confirm_email")
    assert second != first
    assert client.post("/api/v1/accounts/confirm", json={"token": token_of(second)}).status_code == 200
    assert client.post("/api/v1/auth/token", json={"email": "bob@example.org", "password": "long enough"}).status_code == 201


def test_closed_and_allowlisted_registrations(data_dir):
    closed = make_settings(data_dir, registrations={"mode": "closed"})
    with TestClient(create_app(closed), base_url="http://testserver.local") as client:
        r = client.post("/api/v1/accounts", json={"email": "a@example.org", "password": "long enough", "username": "a"})
        assert r.status_code == 403 and "closed" in r.json()["detail"]
    allow = make_settings(data_dir, registrations={"mode": "allowlist", "email_domains": ["school.example"]})
    with TestClient(create_app(allow), base_url="http://testserver.local") as client:
        r = client.post("/api/v1/accounts", json={"email": "a@example.org", "password": "long enough", "username": "a"})
        assert r.status_code == 422 and "email" in field_errors(r)
        r = client.post("/api/v1/accounts", json={"email": "a@school.example", "password": "long enough", "username": "a"})
        assert r.status_code == 201


def test_wrong_password_and_unknown_email_answer_alike(client):
    sign_up(client, "alice@example.org", "alice")
    wrong = client.post("/api/v1/auth/token", json={"email": "alice@example.org", "password": "nope nope"})
    unknown = client.post("/api/v1/auth/token", json={"email": "nobody@example.org", "password": "nope nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


def test_password_reset_changes_password_and_logs_out_everywhere(client):
    alice = sign_up(client, "alice@example.org", "alice", password="old password")
    assert client.post("/api/v1/password/reset-request", json={"email": "alice@example.org"}).status_code == 202
    assert client.post("/api/v1/password/reset-request", json={"email": "ghost@example.org"}).status_code == 202
    token = token_of(link_sent_to(client, "alice@example.org", "reset_password"))
    r = client.post("/api/v1/password/reset", json={"token": token, "password": "new password"})
    assert r.status_code == 200
    assert client.get("/api/v1/account", headers=alice).status_code == 401, "old tokens are revoked"
    assert client.post("/api/v1/auth/token", json={"email": "alice@example.org", "password": "old password"}).status_code == 401
    assert client.post("/api/v1/auth/token", json={"email": "alice@example.org", "password": "new password"}).status_code == 201
    r = client.post("/api/v1/password/reset", json={"token": "made-up", "password": "new password"})
    assert r.status_code == 422 and "token" in field_errors(r)


def test_change_password_keeps_current_token_only(client):
    alice = sign_up(client, "alice@example.org", "alice", password="old password")
    other = client.post("/api/v1/auth/token", json={"email": "alice@example.org", "password": "old password"}).json()
    r = client.post("/api/v1/account/password", headers=alice,
                    json={"current_password": "wrong one", "new_password": "new password"})
    assert r.status_code == 422 and "current_password" in field_errors(r)
    r = client.post("/api/v1/account/password", headers=alice,
                    json={"current_password": "old password", "new_password": "new password"})
    assert r.status_code == 200
    assert client.get("/api/v1/account", headers=alice).status_code == 200
    assert client.get("/api/v1/account", headers={"Authorization": f"Bearer {other['token']}"}).status_code == 401


def test_change_email_needs_the_new_address_confirmed(client):
    alice = sign_up(client, "alice@example.org", "alice")
    r = client.post("/api/v1/account/email", headers=alice,
                    json={"current_password": "correct horse", "new_email": "alice@new.example"})
    assert r.status_code == 202
    assert client.get("/api/v1/account", headers=alice).json()["email"] == "alice@example.org"
    token = token_of(link_sent_to(client, "alice@new.example", "change_email"))
    assert client.post("/api/v1/account/email/confirm", json={"token": token}).status_code == 200
    assert client.get("/api/v1/account", headers=alice).json()["email"] == "alice@new.example"


def test_preferences_validate_locale_and_timezone(client):
    alice = sign_up(client, "alice@example.org", "alice")
    r = client.patch("/api/v1/account", headers=alice, json={"locale": "fr", "timezone": "Europe/Paris"})
    assert r.status_code == 200 and r.json()["timezone"] == "Europe/Paris"
    r = client.patch("/api/v1/account", headers=alice, json={"timezone": "Mars/Olympus"})
    assert r.status_code == 422 and "timezone" in field_errors(r)


def test_export_contains_everything_about_the_account(client):
    alice = sign_up(client, "alice@example.org", "alice")
    client.post("/api/v1/identities", headers=alice, json={"username": "alice_sports", "display_name": "Alice runs"})
    event = new_event(client, alice, title="Picnic", identity="alice_sports")
    client.post(f"/api/v1/events/{event['uuid']}/comments", headers=alice, json={"text": "Bring fruit"})
    data = client.get("/api/v1/account/export", headers=alice).json()
    assert data["account"]["email"] == "alice@example.org"
    assert {i["username"] for i in data["identities"]} == {"alice", "alice_sports"}
    assert data["events"][0]["title"] == "Picnic" and data["events"][0]["organizer"] == "alice_sports"
    assert data["participations"][0]["role"] == "creator"
    assert data["comments"][0]["text"] == "<p>Bring fruit</p>" or "Bring fruit" in data["comments"][0]["text"]


def test_export_holds_each_identitys_notification_choices(client):
    alice = sign_up(client, "alice@example.org", "alice")
    client.post("/api/v1/identities", headers=alice, json={"username": "alice_sports"})
    r = client.patch("/api/v1/me/notifications", headers=alice,
                     json={"identity": "alice_sports", "preferences": {"reminders": "60"}})
    assert r.status_code == 200, r.text
    choices = client.get("/api/v1/account/export", headers=alice).json()["notification_preferences"]
    assert [(c["identity"], c["topic"], c["value"]) for c in choices] == [("alice_sports", "reminders", "60")]


def test_account_deletion_removes_identities_events_and_places_and_anonymises_comments(client):
    alice = sign_up(client, "alice@example.org", "alice")
    bob = sign_up(client, "bob@example.org", "bob")
    alices_event = new_event(client, alice, title="Alice's party")
    bobs_event = new_event(client, bob, title="Bob's run", max_participants=2)
    assert client.post(f"/api/v1/events/{bobs_event['uuid']}/participations", headers=alice, json={}).status_code == 201
    client.post(f"/api/v1/events/{bobs_event['uuid']}/comments", headers=alice, json={"text": "See you there"})
    assert client.get(f"/api/v1/events/{bobs_event['uuid']}").json()["participant_count"] == 1

    r = client.post("/api/v1/account/delete", headers=alice, json={"password": "wrong password"})
    assert r.status_code == 422
    assert client.post("/api/v1/account/delete", headers=alice, json={"password": "correct horse"}).status_code == 200
    [goodbye] = [row.payload for row in outbox_rows(client, "notification") if row.payload["kind"] == "account_deleted"]
    assert goodbye["to_email"] == "alice@example.org" and "deleted" in goodbye["subject"]

    assert client.get("/api/v1/account", headers=alice).status_code == 401
    assert client.get(f"/api/v1/events/{alices_event['uuid']}").status_code == 404
    assert client.get("/api/v1/identities/alice").status_code == 404
    assert client.get(f"/api/v1/events/{bobs_event['uuid']}").json()["participant_count"] == 0
    comment = client.get(f"/api/v1/events/{bobs_event['uuid']}/comments").json()[0]
    assert comment["deleted"] is True and comment["author"] is None and comment["text"] == ""
    # the address is free again
    r = client.post("/api/v1/accounts", json={"email": "alice@example.org", "password": "long enough", "username": "alice2"})
    assert r.status_code == 201


def test_operator_creates_confirmed_administrator(tmp_path):
    config = tmp_path / "convene.toml"
    config.write_text(f'secret_key = "{"k" * 40}"\ndata_dir = "{tmp_path}"\n')
    runner = CliRunner()
    assert runner.invoke(main, ["--config", str(config), "migrate"]).exit_code == 0
    result = runner.invoke(main, ["--config", str(config), "users", "create", "--email", "root@example.org",
                                  "--password", "long enough", "--role", "administrator", "--username", "root_op"])
    assert result.exit_code == 0, result.output
    assert "created administrator root@example.org with identity @root_op" in result.output
    again = runner.invoke(main, ["--config", str(config), "users", "create", "--email", "root@example.org",
                                 "--password", "long enough"])
    assert again.exit_code != 0 and "already uses this email" in again.output


def test_operator_confirms_an_account_signed_up_on_an_instance_without_mail(tmp_path):
    config = tmp_path / "convene.toml"
    config.write_text(f'secret_key = "{"k" * 40}"\ndata_dir = "{tmp_path}"\n')
    runner = CliRunner()
    assert runner.invoke(main, ["--config", str(config), "migrate"]).exit_code == 0
    with TestClient(create_app(load_settings(config))) as client:
        assert client.post("/api/v1/accounts", json={"email": "Kim@Example.org", "password": "long enough",
                                                     "username": "kim"}).status_code == 201
        login = {"email": "kim@example.org", "password": "long enough"}
        assert client.post("/api/v1/auth/token", json=login).status_code == 403  # not confirmed yet
        result = runner.invoke(main, ["--config", str(config), "users", "confirm", "--email", "KIM@example.org"])
        assert result.exit_code == 0 and "confirmed kim@example.org" in result.output, result.output
        assert client.post("/api/v1/auth/token", json=login).status_code == 201
    unknown = runner.invoke(main, ["--config", str(config), "users", "confirm", "--email", "nobody@example.org"])
    assert unknown.exit_code != 0 and "no account uses this email address" in unknown.output


def test_an_instance_that_auto_confirms_lets_new_accounts_log_in_at_once(data_dir):
    settings = make_settings(data_dir, registrations={"auto_confirm": True})
    with TestClient(create_app(settings), base_url="http://testserver.local") as client:
        r = client.post("/api/v1/accounts", json={"email": "kim@example.org", "password": "long enough", "username": "kim"})
        assert r.status_code == 201 and r.json()["confirmed"] is True
        login = {"email": "kim@example.org", "password": "long enough"}
        assert client.post("/api/v1/auth/token", json=login).status_code == 201
        assert [row.payload["kind"] for row in outbox_rows(client, "notification")] == [], "no confirmation link"
