"""Who may use each page and API route of the moderation plugin: a table of every route, checked.

The table must name every route the plugin serves (a new route fails the first test
until it is placed), and each route is asked by each kind of person: a visitor, a
member, a moderator and an administrator, on the web with a session and its CSRF token
or on the API with a token. A refusal is what the person would see: the API answers
401 (visitor) or 403; a page sends a visitor to the login page and answers others 403.
The people allowed are not refused (what they then get depends on the body: a 404 for an
unknown domain, a 422 for a missing field, but never 401 or 403).
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from core.app import create_app
from helpers import empty_database, make_settings, new_event, sign_up
from testkit import moderator, web_log_in
from webhelpers import csrf_token, second_browser

VISITOR, MEMBER, MODERATOR, ADMINISTRATOR = "visitor", "member", "moderator", "administrator"
PEOPLE = (VISITOR, MEMBER, MODERATOR, ADMINISTRATOR)
# who may use each route: everyone (VISITOR), members, moderators (and administrators), or administrators only
ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/about/{slug:str}"): VISITOR,
    ("GET", "/api/v1/policies"): VISITOR,
    ("GET", "/api/v1/reports/challenge"): VISITOR,
    ("GET", "/report/sent"): VISITOR,
    ("GET", "/api/v1/policies/acceptances"): MEMBER,
    ("POST", "/api/v1/policies/acceptances"): MEMBER,
    ("GET", "/policies/accept"): MEMBER,
    ("POST", "/policies/accept"): MEMBER,
    ("POST", "/api/v1/reports"): MEMBER,
    ("GET", "/report"): MEMBER,
    ("POST", "/report"): MEMBER,
    ("GET", "/api/v1/admin/reports"): MODERATOR,
    ("GET", "/api/v1/admin/reports/{report_id:str}"): MODERATOR,
    ("POST", "/api/v1/admin/reports/{report_id:str}/notes"): MODERATOR,
    ("POST", "/api/v1/admin/reports/{report_id:str}/assign"): MODERATOR,
    ("DELETE", "/api/v1/admin/reports/{report_id:str}/assign"): MODERATOR,
    ("POST", "/api/v1/admin/reports/{report_id:str}/resolve"): MODERATOR,
    ("POST", "/api/v1/admin/reports/{report_id:str}/close"): MODERATOR,
    ("POST", "/api/v1/admin/reports/{report_id:str}/reopen"): MODERATOR,
    ("POST", "/api/v1/admin/reports/{report_id:str}/forward"): MODERATOR,
    ("GET", "/admin/reports"): MODERATOR,
    ("GET", "/admin/reports/{report_id:str}"): MODERATOR,
    ("POST", "/admin/reports/{report_id:str}/notes"): MODERATOR,
    ("POST", "/admin/reports/{report_id:str}/assign"): MODERATOR,
    ("POST", "/admin/reports/{report_id:str}/unassign"): MODERATOR,
    ("POST", "/admin/reports/{report_id:str}/resolve"): MODERATOR,
    ("POST", "/admin/reports/{report_id:str}/close"): MODERATOR,
    ("POST", "/admin/reports/{report_id:str}/reopen"): MODERATOR,
    ("POST", "/admin/reports/{report_id:str}/forward"): MODERATOR,
    ("POST", "/api/v1/admin/domains/{domain:str}/suspend"): MODERATOR,
    ("POST", "/api/v1/admin/domains/{domain:str}/limit"): MODERATOR,
    ("POST", "/api/v1/admin/domains/{domain:str}/unsuspend"): MODERATOR,
    ("POST", "/api/v1/admin/remote-identities/{handle:str}/suspend"): MODERATOR,
    ("POST", "/api/v1/admin/remote-identities/{handle:str}/limit"): MODERATOR,
    ("POST", "/api/v1/admin/remote-identities/{handle:str}/unsuspend"): MODERATOR,
    ("GET", "/admin/log"): MODERATOR,
    ("GET", "/admin/review"): MODERATOR,
    ("GET", "/admin/actions/new"): MODERATOR,
    ("POST", "/admin/actions"): MODERATOR,
    ("POST", "/admin/actions/{line_id:str}/reverse"): MODERATOR,
    ("GET", "/api/v1/admin/actions"): MODERATOR,
    ("POST", "/api/v1/admin/actions"): MODERATOR,
    ("POST", "/api/v1/admin/actions/{line_id:str}/reverse"): MODERATOR,
    ("GET", "/admin/policies"): ADMINISTRATOR,
    ("POST", "/admin/policies/documents/{kind:str}"): ADMINISTRATOR,
    ("POST", "/admin/policies/rules"): ADMINISTRATOR,
    ("POST", "/admin/policies/rules/{rule_id:str}"): ADMINISTRATOR,
    ("POST", "/admin/policies/rules/{rule_id:str}/move"): ADMINISTRATOR,
    ("POST", "/admin/policies/rules/{rule_id:str}/delete"): ADMINISTRATOR,
    ("GET", "/api/v1/admin/rules"): ADMINISTRATOR,
    ("POST", "/api/v1/admin/rules"): ADMINISTRATOR,
    ("PATCH", "/api/v1/admin/rules/{rule_id:str}"): ADMINISTRATOR,
    ("DELETE", "/api/v1/admin/rules/{rule_id:str}"): ADMINISTRATOR,
    ("PUT", "/api/v1/admin/policies/{kind:str}"): ADMINISTRATOR,
}
RANK = {VISITOR: 0, MEMBER: 1, MODERATOR: 2, ADMINISTRATOR: 3}
# a valid body where a route needs one, so that what is checked is who asks, not what is sent
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/reports"): {"target": "/@ada", "rule": "spam", "identity": "alice"},
    ("POST", "/api/v1/admin/reports/{report_id:str}/notes"): {"text": "Seen before"},
    ("POST", "/api/v1/admin/rules"): {"text": "No spam"},
    ("PUT", "/api/v1/admin/policies/{kind:str}"): {"text": "Be excellent to each other.", "material": False},
    ("POST", "/api/v1/policies/acceptances"): {"kind": "terms", "version": 1},
    ("POST", "/api/v1/admin/actions"): {"action": "warn", "target": "/@alice", "reason": "be kind"},
}


def plugin_routes(client: TestClient) -> set[tuple[str, str]]:
    """Every (method, path) the moderation plugin serves on this instance."""
    return {(method, route.path) for route in client.app.routes for handler in route.route_handlers
            if handler.fn.__module__.startswith("plugins.moderation")
            for method in handler.http_methods if method not in ("HEAD", "OPTIONS")}


def concrete(path: str, values: dict[str, str]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + ":str}", value)
    return path


def refused(response: Any, person: str) -> bool:
    if response.status_code in (401, 403):
        return True
    return response.status_code in (302, 303) and response.headers["location"].startswith("/login")


@pytest.fixture(scope="module")
def people(tmp_path_factory, migrated_template):  # noqa: ANN001, ANN201
    """One instance for the module (each route is asked on it; what one allowed request changes does not
    change who is refused), a report and a rule to name in paths, and a browser and API headers per person."""
    folder = tmp_path_factory.mktemp("permissions")
    empty_database(folder, migrated_template)
    with TestClient(create_app(make_settings(folder)), base_url="http://testserver.local") as client:
        yield setup(client)


def setup(client: TestClient) -> tuple[TestClient, dict[str, TestClient], dict[str, dict[str, str]], dict[str, str]]:
    alice = sign_up(client, "alice@example.org", "alice")
    event = new_event(client, alice, title="Garden party")
    admin_api = moderator(client, "ada@example.org", "ada", role="administrator")
    mod_api = moderator(client, "mona@example.org", "mona")
    rule = client.post("/api/v1/admin/rules", headers=admin_api, json={"text": "Be kind"}).json()
    report = client.post("/api/v1/reports", headers=alice, json={
        "target": f"/events/{event['uuid']}", "rule": "spam", "identity": "alice"}).json()
    browsers = {VISITOR: second_browser(client)}
    for person, email in ((MEMBER, "alice@example.org"), (MODERATOR, "mona@example.org"),
                          (ADMINISTRATOR, "ada@example.org")):
        browsers[person] = second_browser(client)
        web_log_in(browsers[person], email)
    api = {VISITOR: {}, MEMBER: alice, MODERATOR: mod_api, ADMINISTRATOR: admin_api}
    values = {"report_id": str(report["id"]), "rule_id": str(rule["id"]), "kind": "terms", "slug": "terms",
              "domain": "spam.example", "handle": "bob@spam.example", "line_id": "1"}
    return client, browsers, api, values


def ask(people: Any, person: str, method: str, path: str) -> Any:
    client, browsers, api, values = people
    url = concrete(path, values)
    if path.startswith("/api/"):
        body = BODIES.get((method, path), {}) if method in ("POST", "PUT", "PATCH") else None
        return client.request(method, url, headers=api[person], json=body)
    browser = browsers[person]
    if method == "GET":
        return browser.get(url, follow_redirects=False)
    token = csrf_token(browser.get("/login" if person == VISITOR else "/settings").text)
    return browser.request(method, url, data={"_csrf_token": token}, follow_redirects=False)


def test_the_table_names_every_route_of_the_plugin(people):
    client = people[0]
    assert plugin_routes(client) == set(ROUTES)


@pytest.mark.parametrize(("method", "path"), sorted(ROUTES))
def test_each_route_refuses_whom_it_should(people, method, path):
    allowed = ROUTES[(method, path)]
    outcomes = {person: ask(people, person, method, path) for person in PEOPLE}
    wrong = {person: (r.status_code, r.headers.get("location", "")) for person, r in outcomes.items()
             if refused(r, person) != (RANK[person] < RANK[allowed])}
    assert wrong == {}
