"""The OpenAPI document says what the API answers and what its rules are.

The statuses are derived from what each operation takes (core.api.openapi), and the rules
come from the constants the services check with; these tests hold the document to both,
and check the claims the document makes against the running API (401 where it says a
token is required, ``Allow`` on a 405).
"""

from __future__ import annotations

from typing import Any

import pytest
from litestar.testing import TestClient

from core.accounts.models import ROLES
from core.accounts.service import PASSWORD_MAX, PASSWORD_MIN
from core.app import create_app
from core.events.listing import MY_TABS
from core.events.models import CATEGORIES, JOIN_MODES, STATUSES, VISIBILITIES
from core.events.models import ROLES as PARTICIPATION_ROLES
from core.events.validation import timezone_names
from core.i18n import languages
from core.identities.service import USERNAME_MAX, USERNAME_PATTERN
from core.settings import DEFAULT_PLUGINS
from helpers import field_errors, make_settings, sign_up

METHODS = ("get", "put", "post", "delete", "patch")
ERROR_BODY = {"$ref": "#/components/schemas/ErrorOut"}


@pytest.fixture
def client(data_dir):  # noqa: ANN001, ANN201
    """Every built-in plugin on, so their operations are in the document too."""
    settings = make_settings(data_dir, plugins={"enabled": [*DEFAULT_PLUGINS, "webpush"]})
    with TestClient(create_app(settings), base_url="http://testserver.local") as test_client:
        yield test_client


@pytest.fixture
def document(client: TestClient) -> dict[str, Any]:
    response = client.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, operation) for path, item in document["paths"].items()
            for method, operation in item.items() if method in METHODS]


def prop(document: dict[str, Any], schema: str, name: str) -> dict[str, Any]:
    return document["components"]["schemas"][schema]["properties"][name]


def requires_token(operation: dict[str, Any]) -> bool:
    return operation.get("security") == [{"bearer": []}]


def enum_of(schema: dict[str, Any]) -> list[Any]:
    """The choices a property lists, on itself or on the one variant of a field that may be left out."""
    return schema["enum"] if "enum" in schema else next(v["enum"] for v in schema["oneOf"] if "enum" in v)


def well_formed(path: str, operation: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """A URL for the operation with every path parameter filled and its required query parameters given."""
    url = path.replace("{uuid}", "00000000-0000-0000-0000-000000000000").replace("{", "").replace("}", "")
    query = {p["name"]: "abcd" for p in operation.get("parameters", []) if p["in"] == "query" and p.get("required")}
    return url, query


def test_the_document_covers_every_api_operation(document):
    found = operations(document)
    assert len(found) >= 48
    assert all(path.startswith("/api/v1/") for _, path, _ in found)


def test_every_operation_documents_its_refusals_with_the_error_body(document):
    for method, path, operation in operations(document):
        responses = operation["responses"]
        where = f"{method} {path}"
        if "{" in path:
            assert "404" in responses, where
            assert "400" in responses, where
        if "requestBody" in operation:
            assert {"400", "413", "422"} <= set(responses), where
        if "security" in operation:
            assert "401" in responses, where
        for status, response in responses.items():
            if status.startswith("4"):
                assert response["content"]["application/json"]["schema"] == ERROR_BODY, (where, status)


def test_the_bearer_scheme_is_what_operations_name(document):
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": document["components"]["securitySchemes"]["bearer"]["description"]}
    for method, path, operation in operations(document):
        for requirement in operation.get("security", []):
            assert set(requirement) <= {"bearer"}, f"{method} {path}"


def test_the_rate_limited_operations_document_429(document):
    for path in ("/api/v1/accounts", "/api/v1/auth/token", "/api/v1/password/reset-request"):
        assert "429" in document["paths"][path]["post"]["responses"], path


def test_operations_that_require_a_token_refuse_anonymous_callers_with_401(client, document):
    required = [(method, path, operation) for method, path, operation in operations(document) if requires_token(operation)]
    assert len(required) >= 35
    for method, path, operation in required:
        url, query = well_formed(path, operation)
        response = client.request(method, url, params=query)
        assert response.status_code == 401, (method, path, response.status_code, response.text)
        assert set(response.json()) == {"status_code", "detail"}, (method, path)


def test_every_operation_that_reads_a_token_refuses_an_unknown_one_with_401(client, document):
    unknown = {"Authorization": "Bearer not-a-token-of-this-instance"}
    for method, path, operation in operations(document):
        if "security" not in operation:
            continue
        url, query = well_formed(path, operation)
        response = client.request(method, url, params=query, headers=unknown)
        assert response.status_code == 401, (method, path, response.status_code, response.text)


def test_operations_that_do_not_require_a_token_work_without_one(client, document):
    optional = [(method, path, operation) for method, path, operation in operations(document)
                if operation.get("security") == [{"bearer": []}, {}]]
    assert {("GET", "/api/v1/events/{uuid}"), ("GET", "/api/v1/events/{uuid}/comments")} <= {o[:2] for o in optional}
    for method, path, operation in optional:
        url, query = well_formed(path, operation)
        assert client.request(method, url, params=query).status_code != 401, (method, path)


def test_the_username_rule_in_the_document_is_the_services(client, document):
    for schema in ("SignUp", "IdentityCreate"):
        username = prop(document, schema, "username")
        assert username["pattern"] == USERNAME_PATTERN and username["maxLength"] == USERNAME_MAX, schema
    alice = sign_up(client, "alice@example.org", "alice")
    # the service applies the very rule the document shows, and answers 422 naming the field
    refused = client.post("/api/v1/identities", headers=alice, json={"username": "Not Valid!"})
    assert refused.status_code == 422 and "username" in field_errors(refused)
    assert client.post("/api/v1/identities", headers=alice, json={"username": "x" * USERNAME_MAX}).status_code == 201


def test_the_password_rule_in_the_document_is_the_services(client, document):
    new_passwords = [("SignUp", "password"), ("PasswordReset", "password"), ("PasswordChange", "new_password")]
    for schema, name in new_passwords:
        password = prop(document, schema, name)
        assert (password["minLength"], password["maxLength"]) == (PASSWORD_MIN, PASSWORD_MAX), schema
    # a password that proves who you are is only bounded: an account may predate a longer minimum
    for schema, name in [("Login", "password"), ("PasswordChange", "current_password"), ("PasswordConfirm", "password")]:
        assert "minLength" not in prop(document, schema, name) and prop(document, schema, name)["maxLength"] == PASSWORD_MAX
    short = "x" * (PASSWORD_MIN - 1)
    refused = client.post("/api/v1/accounts", json={"email": "a@example.org", "password": short, "username": "a"})
    assert refused.status_code == 422 and "password" in field_errors(refused)


def test_timezones_in_the_document_are_the_ones_the_service_accepts(client, document):
    names = sorted(timezone_names())
    for schema in ("EventInput", "EventCreate"):
        assert enum_of(prop(document, schema, "timezone")) == names, schema
    assert prop(document, "Preferences", "timezone")["enum"] == [*names, None]
    assert prop(document, "Preferences", "locale")["enum"] == [*languages(), None]
    alice = sign_up(client, "alice@example.org", "alice")
    assert client.patch("/api/v1/account", headers=alice, json={"timezone": names[-1]}).status_code == 200
    refused = client.patch("/api/v1/account", headers=alice, json={"timezone": "Mars/Olympus"})
    assert refused.status_code == 422 and "timezone" in field_errors(refused)


def test_choices_in_the_document_are_the_models(document):
    for schema in ("EventInput", "EventCreate"):
        assert enum_of(prop(document, schema, "visibility")) == list(VISIBILITIES)
        assert enum_of(prop(document, schema, "join_mode")) == list(JOIN_MODES)
        assert enum_of(prop(document, schema, "category")) == list(CATEGORIES)
        assert set(enum_of(prop(document, schema, "status"))) | {"cancelled"} == set(STATUSES)
    assert prop(document, "EventOut", "status")["enum"] == list(STATUSES)
    assert prop(document, "ParticipationOut", "role")["enum"] == list(PARTICIPATION_ROLES)
    assert prop(document, "AccountOut", "role")["enum"] == list(ROLES)
    kind = next(p for p in document["paths"]["/api/v1/me/events"]["get"]["parameters"] if p["name"] == "kind")
    assert kind["schema"]["enum"] == list(MY_TABS)


def test_a_method_an_api_path_does_not_have_is_a_405_with_allow(client):
    response = client.delete("/api/v1/instance")
    assert response.status_code == 405
    assert "GET" in response.headers["allow"].split(", ")
    assert response.json()["status_code"] == 405
    alice = sign_up(client, "alice@example.org", "alice")
    response = client.put("/api/v1/events", headers=alice)
    assert response.status_code == 405 and set(response.headers["allow"].split(", ")) >= {"GET", "POST"}


def test_a_method_a_page_does_not_have_is_a_405_with_allow(client):
    response = client.delete("/about")
    assert response.status_code == 405
    assert "GET" in response.headers["allow"].split(", ")


def test_every_json_body_says_unknown_fields_are_refused(client, document):
    for method, path, operation in operations(document):
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            name = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
            assert document["components"]["schemas"][name]["additionalProperties"] is False, (method, path)
    alice = sign_up(client, "alice@example.org", "alice")
    refused = client.post("/api/v1/identities", headers=alice, json={"username": "bob", "colour": "red"})
    assert refused.status_code == 400 and "colour" in field_errors(refused)


def test_an_upload_documents_its_file_part_as_required(document):
    for path in ("/api/v1/identities/{username}/avatar", "/api/v1/events/{uuid}/banner"):
        schema = document["paths"][path]["put"]["requestBody"]["content"]["multipart/form-data"]["schema"]
        assert schema == {"$ref": "#/components/schemas/PictureUpload"}, path
    assert document["components"]["schemas"]["PictureUpload"]["required"] == ["data"]
