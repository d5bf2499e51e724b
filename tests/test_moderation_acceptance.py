"""Members accept the terms and the code of conduct (plugins/moderation/acceptance.py): at sign-up, in
the API and the form, and again after a material change, before their identities may act again.
"""

from __future__ import annotations

from litestar.testing import TestClient

from core.accounts.models import Account
from helpers import field_errors, future, link_sent_to, new_event, sign_up, token_of
from plugins.moderation.models import PolicyAcceptance
from testkit import PASSWORD, moderator, rows, web_log_in
from webhelpers import confirm_link, field_error, field_value, submit

FIELD = "extra.accept_policies"
REFUSED = "accept the terms and the code of conduct to sign up"


def with_terms(client: TestClient) -> dict[str, str]:
    ada = moderator(client, "ada@example.org", "ada", role="administrator")
    for kind, text in (("terms", "Be kind."), ("code_of_conduct", "No harassment.")):
        r = client.put(f"/api/v1/admin/policies/{kind}", headers=ada, json={"text": text})
        assert r.status_code == 200, r.text
    return ada


def accounts(client: TestClient) -> list[str]:
    return [account.email for account in rows(client, Account)]


def signed_up(client: TestClient, email: str, username: str) -> dict[str, str]:
    """Sign up through the API accepting the documents, confirm, log in: the auth headers."""
    r = client.post("/api/v1/accounts", json={"email": email, "password": PASSWORD, "username": username,
                                              "extra": {"accept_policies": True}})
    assert r.status_code == 201, r.text
    assert client.post("/api/v1/accounts/confirm", json={
        "token": token_of(link_sent_to(client, email, "confirm_email"))}).status_code == 200
    r = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_without_terms_sign_up_asks_nothing(client):
    sign_up(client, "bob@example.org", "bob")
    assert 'name="extra.accept_policies"' not in client.get("/signup").text
    assert rows(client, PolicyAcceptance) == []


def test_an_api_sign_up_without_acceptance_is_a_422_and_writes_nothing(client):
    with_terms(client)
    body = {"email": "bob@example.org", "password": PASSWORD, "username": "bob"}
    refused = client.post("/api/v1/accounts", json=body)
    refused_false = client.post("/api/v1/accounts", json={**body, "extra": {"accept_policies": False}})
    assert (refused.status_code, field_errors(refused)) == (422, {FIELD: REFUSED})
    assert refused_false.status_code == 422
    assert accounts(client) == ["ada@example.org"]


def test_an_api_sign_up_records_the_versions_accepted(client):
    ada = with_terms(client)
    client.put("/api/v1/admin/policies/terms", headers=ada, json={"text": "Be kind, always."})
    signed_up(client, "bob@example.org", "bob")
    accepted = sorted((row.kind, row.version) for row in rows(client, PolicyAcceptance))
    assert accepted == [("code_of_conduct", 1), ("terms", 2)]


def test_the_sign_up_form_refused_without_the_box_keeps_what_was_typed(client):
    with_terms(client)
    form = client.get("/signup").text
    assert 'name="extra.accept_policies"' in form and 'href="/about/terms"' in form
    typed = {"email": "bob@example.org", "password": PASSWORD, "username": "bob", "display_name": "Bob B."}
    refused = submit(client, "/signup", "/signup", typed)
    assert refused.status_code == 422
    assert field_error(refused.text, "signup", FIELD) == REFUSED
    assert (field_value(refused.text, "signup", "email"), field_value(refused.text, "signup", "display_name")) == (
        "bob@example.org", "Bob B.")
    assert accounts(client) == ["ada@example.org"]
    accepted = submit(client, "/signup", "/signup", {**typed, FIELD: "on"})
    assert accepted.status_code == 200
    assert client.get(confirm_link(client, "bob@example.org")).status_code == 200
    assert sorted(row.kind for row in rows(client, PolicyAcceptance)) == ["code_of_conduct", "terms"]


def test_after_a_material_change_a_member_accepts_before_acting_again(client):
    ada = with_terms(client)
    bob = signed_up(client, "bob@example.org", "bob")
    r = client.put("/api/v1/admin/policies/terms", headers=ada, json={"text": "Be kind. No ads.", "material": True})
    assert r.json()["version"] == 2
    refused = client.post("/api/v1/events", headers=bob, json={
        "title": "Book club", "begins_at": future(), "timezone": "Europe/Paris"})
    assert refused.status_code == 403 and "/policies/accept" in refused.json()["detail"]
    mine = client.get("/api/v1/policies/acceptances", headers=bob).json()
    assert [(d["kind"], d["version"]) for d in mine["pending"]] == [("terms", 2)]
    stale = client.post("/api/v1/policies/acceptances", headers=bob, json={"kind": "terms", "version": 1})
    assert stale.status_code == 409
    done = client.post("/api/v1/policies/acceptances", headers=bob, json={"kind": "terms", "version": 2})
    assert done.status_code == 201 and done.json()["version"] == 2
    assert client.get("/api/v1/policies/acceptances", headers=bob).json()["pending"] == []
    new_event(client, bob)


def test_a_change_that_is_not_material_only_bumps_the_version(client):
    ada = with_terms(client)
    bob = signed_up(client, "bob@example.org", "bob")
    client.put("/api/v1/admin/policies/code_of_conduct", headers=ada, json={"text": "No harassment, anywhere."})
    assert client.get("/api/v1/policies/acceptances", headers=bob).json()["pending"] == []
    new_event(client, bob)


def test_after_a_material_change_login_lands_on_the_acceptance_page_until_accepted(client):
    ada = with_terms(client)
    signed_up(client, "bob@example.org", "bob")
    client.put("/api/v1/admin/policies/code_of_conduct", headers=ada, json={"text": "Be gentle.", "material": True})
    landed = submit(client, "/login?next=/settings", "/login",
                    {"email": "bob@example.org", "password": PASSWORD, "next": "/settings"})
    assert str(landed.url).startswith("http://testserver.local/policies/accept")
    assert "Be gentle." in landed.text and 'name="version.code_of_conduct" value="2"' in landed.text
    unticked = submit(client, str(landed.url), "/policies/accept", {"next": "/settings", "version.code_of_conduct": "2"})
    assert unticked.status_code == 422 and field_error(unticked.text, "accept", "accept_policies")
    accepted = submit(client, str(landed.url), "/policies/accept",
                      {"next": "/settings", "version.code_of_conduct": "2", "accept_policies": "on"})
    assert accepted.status_code == 200 and accepted.url.path == "/settings"
    client.cookies.clear()
    web_log_in(client, "bob@example.org")  # now straight in
    assert "Nothing new" not in client.get("/").text


def test_accepting_needs_an_account(client):
    assert client.get("/api/v1/policies/acceptances").status_code == 401
    assert client.get("/policies/accept", follow_redirects=False).status_code in (302, 303, 401)


def test_an_acceptance_is_kept_once_per_version(client):
    with_terms(client)
    bob = signed_up(client, "bob@example.org", "bob")
    for _ in range(2):
        assert client.post("/api/v1/policies/acceptances", headers=bob,
                           json={"kind": "terms", "version": 1}).status_code == 201
    assert sorted((row.kind, row.version) for row in rows(client, PolicyAcceptance)) == [
        ("code_of_conduct", 1), ("terms", 1)]


def test_a_deleted_account_takes_its_acceptances_with_it(client):
    with_terms(client)
    bob = signed_up(client, "bob@example.org", "bob")
    r = client.post("/api/v1/account/delete", headers=bob, json={"password": PASSWORD})
    assert r.status_code == 200, r.text
    assert rows(client, PolicyAcceptance) == [] and accounts(client) == ["ada@example.org"]


def test_the_data_download_holds_the_versions_accepted_and_the_reports_filed_but_not_their_handling(client):
    ada = with_terms(client)
    bob = signed_up(client, "bob@example.org", "bob")
    event = new_event(client, ada, title="Rummage sale")
    target = f"http://testserver.local/events/{event['uuid']}"
    r = client.post("/api/v1/reports", headers=bob, json={"target": target, "rule": "spam", "comment": "Looks fake"})
    assert r.status_code == 201, r.text
    r = client.post(f"/api/v1/admin/reports/{r.json()['id']}/notes", headers=ada, json={"text": "Known seller"})
    assert r.status_code == 201, r.text
    exported = client.get("/api/v1/account/export", headers=bob).json()["moderation"]
    assert sorted((a["document"], a["version"]) for a in exported["accepted_documents"]) == [
        ("code_of_conduct", 1), ("terms", 1)]
    [filed] = exported["reports_filed"]
    assert (filed["identity"], filed["target"], filed["comment"], filed["status"]) == ("bob", target, "Looks fake", "open")
    assert "Known seller" not in str(exported) and "ada" not in str(exported)
