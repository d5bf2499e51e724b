"""Hostile input gets a clear 4xx and writes nothing: never a 500.

Each test sends what an attacker would (JSON nested thousands deep, ...) and checks
both the answer and that the database is as it was. The route walks list the routes
from the application itself, every installed plugin enabled, so a route added later is
checked without anyone listing it here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import TestClient
from sqlalchemy import func, select

from core.accounts.models import Account, Credential
from core.app import create_app
from core.events.models import Event
from core.json_limits import MAX_DEPTH
from helpers import EVERY_PLUGIN, field_errors, make_settings, new_event, sign_up
from test_web_events import create as create_on_the_form
from webhelpers import csrf_token, field_error, member, submit

# wall-clock times whose UTC instant is beyond what a datetime holds (year 10000, year 0)
OVERFLOWING = [("9999-12-31T23:59:59", "Pacific/Pago_Pago"), ("0001-01-01T00:00:00", "Asia/Tokyo")]
YEARS = "choose a year between 1900 and 2200"
DEEP = b'{"a":' * 10_000 + b"1" + b"}" * 10_000
NUL_REFUSED = "must not contain a NUL character"
DUMMY = {"int": "1", "path": "nothing"}  # any other parameter type: a uuid, which also reads as a string


@pytest.fixture
def every_plugin(data_dir) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(data_dir, plugins=EVERY_PLUGIN)),
                    base_url="http://testserver.local") as client:
        yield client


def count(client: TestClient, model: type) -> int:
    async def counted() -> int:
        async with client.app.state.sessionmaker() as session:
            return await session.scalar(select(func.count()).select_from(model)) or 0

    with client.portal() as portal:
        return portal.call(counted)


def filled(path: str) -> str:
    return re.sub(r"\{\w+:(\w+)\}", lambda m: DUMMY.get(m.group(1), "7d2b6c52-8a55-4a0e-9d0e-2a1b3c4d5e6f"), path)


def json_bodied(app: Litestar) -> Iterator[tuple[str, str]]:
    """(method, concrete path) of every handler that takes a JSON body as ``data``."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            data = handler.parsed_fn_signature.parameters.get("data")
            if data is None or (data.kwarg_definition and getattr(data.kwarg_definition, "media_type", None)
                                not in (None, "application/json")):
                continue
            for method in sorted(handler.http_methods):
                yield method, filled(route.path)


def test_deeply_nested_json_on_login_is_a_400_not_a_500(client):
    sign_up(client, "ada@example.org", "ada")
    tokens = count(client, Credential)
    r = client.post("/api/v1/auth/token", content=DEEP, headers={"content-type": "application/json"})
    assert r.status_code == 400, r.text
    assert r.json()["detail"] == f"JSON nested deeper than {MAX_DEPTH} levels"
    assert count(client, Credential) == tokens


def test_deeply_nested_json_on_event_creation_is_a_400_and_creates_nothing(client):
    headers = sign_up(client, "ada@example.org", "ada")
    for body in (DEEP, b"[" * 100_000 + b"]" * 100_000, b'{"title": "x", "extra": {"a": ' + b"[" * 40 + b"]" * 40 + b"}}"):
        r = client.post("/api/v1/events", content=body, headers={**headers, "content-type": "application/json"})
        assert r.status_code == 400, r.text
        assert "deeper than" in r.json()["detail"]
    assert count(client, Event) == 0


def test_json_limits_hold_whatever_content_type_the_body_claims(client):
    """Litestar decodes a handler's JSON ``data`` whatever the Content-Type says."""
    r = client.post("/api/v1/accounts", content=DEEP, headers={"content-type": "text/plain"})
    assert r.status_code == 400, r.text
    assert count(client, Account) == 0


def test_every_json_body_of_every_route_is_bounded(every_plugin):
    """Signed in, with the CSRF token the pages' scripts send, so that the guards let every request reach its
    body, which is refused before the handler runs."""
    headers = {**sign_up(every_plugin, "ada@example.org", "ada"), "content-type": "application/json",
               "X-CSRFToken": csrf_token(every_plugin.get("/login").text)}
    accounts = count(every_plugin, Account)
    requests = list(json_bodied(every_plugin.app))
    assert ("POST", "/api/v1/events") in requests and ("POST", "/api/v1/auth/token") in requests
    for method, path in requests:
        r = every_plugin.request(method, path, content=DEEP, headers=headers)
        assert r.status_code == 400, (method, path, r.status_code, r.text)
        wide = b"[" + b",".join([b"0"] * 10_001) + b"]"
        r = every_plugin.request(method, path, content=wide, headers=headers)
        assert r.status_code == 400, (method, path, r.status_code, r.text)
    assert count(every_plugin, Account) == accounts


@pytest.mark.parametrize(("moment", "zone"), OVERFLOWING)
def test_a_date_that_overflows_in_utc_is_refused_by_the_api(client, moment, zone):
    headers = sign_up(client, "ada@example.org", "ada")
    r = client.post("/api/v1/events", headers=headers, json={"title": "Far", "begins_at": moment, "timezone": zone})
    assert r.status_code == 422, r.text
    assert field_errors(r) == {"begins_at": YEARS}
    assert count(client, Event) == 0
    event = new_event(client, headers, timezone=zone)
    for body in ({"begins_at": moment}, {"ends_at": moment}, {"begins_at": f"{moment}+14:00"}):
        r = client.patch(f"/api/v1/events/{event['uuid']}", headers=headers, json=body)
        assert r.status_code == 422, r.text
        assert set(field_errors(r).values()) == {YEARS}
    assert client.get(f"/api/v1/events/{event['uuid']}").json()["begins_at"] == event["begins_at"]


@pytest.mark.parametrize(("moment", "zone"), OVERFLOWING)
def test_a_date_that_overflows_in_utc_is_refused_by_the_form(client, moment, zone):
    member(client, "alice@example.org", "alice")
    response = create_on_the_form(client, begins_at=moment[:16], ends_at="", timezone=zone)
    assert response.status_code == 422
    assert field_error(response.text, "event", "begins_at") == YEARS
    assert count(client, Event) == 0


@pytest.mark.parametrize("bound", ["9999-12-31T23:59:59-11:00", "0001-01-01T00:00:00+09:00", "0001-01-01T00:00:00",
                                   "9999-12-31T23:59:59"])
def test_listing_bounds_out_of_range_are_a_4xx(client, bound):
    for name in ("starts_after", "starts_before"):
        r = client.get("/api/v1/events", params={name: bound})
        assert r.status_code == 422, r.text
        assert field_errors(r) == {name: YEARS}


def test_listing_bounds_without_offset_are_read_in_utc(client):
    headers = sign_up(client, "ada@example.org", "ada")
    event = new_event(client, headers, begins_at="2199-06-01T12:00:00", timezone="UTC")
    found = client.get("/api/v1/events", params={"starts_after": "2199-06-01T11:59:00"}).json()["items"]
    assert [e["uuid"] for e in found] == [event["uuid"]]
    assert client.get("/api/v1/events", params={"starts_after": "2199-06-01T12:01:00"}).json()["items"] == []


@pytest.mark.parametrize(("name", "day"), [("to", "9999-12-31"), ("from", "0001-01-01"), ("from", "9999-12-31")])
def test_explore_dates_out_of_range_are_named_on_the_page(client, name, day):
    member(client, "alice@example.org", "alice")
    page = client.get("/", params={name: day})
    assert page.status_code == 400, page.text
    assert YEARS in page.text


def refused_for_nul(response, field: str) -> bool:
    return response.status_code == 400 and (not response.headers.get("content-type", "").startswith(
        "application/json") or field_errors(response) == {field: NUL_REFUSED})


def test_nul_in_an_email_is_refused_everywhere_an_email_is_typed(client):
    sign_up(client, "ada@example.org", "ada")
    accounts = count(client, Account)
    email = "ada\x00@example.org"
    for path, body in [("/api/v1/accounts", {"email": email, "password": "correct horse", "username": "bob"}),
                       ("/api/v1/auth/token", {"email": email, "password": "correct horse"}),
                       ("/api/v1/password/reset-request", {"email": email})]:
        r = client.post(path, json=body)
        assert refused_for_nul(r, "body"), (path, r.status_code, r.text)
    for page, body in [("/signup", {"email": email, "password": "correct horse", "username": "bob"}),
                       ("/login", {"email": email, "password": "correct horse"}),
                       ("/password/forgot", {"email": email})]:
        r = submit(client, page, page, body)
        assert r.status_code == 400 and NUL_REFUSED in r.text, (page, r.status_code)
    assert count(client, Account) == accounts


def test_nul_in_query_filters_is_refused(client):
    for path, params in [("/api/v1/events", {"tag": "a\x00b"}), ("/api/v1/events", {"text": "\x00"}),
                         ("/", {"tag": "\x00"}), ("/", {"q": "x\x00"})]:
        r = client.get(path, params=params)
        assert refused_for_nul(r, next(iter(params))), (path, params, r.status_code, r.text)


def test_nul_in_webfinger_resource_is_refused(every_plugin):
    sign_up(every_plugin, "ada@example.org", "ada")
    r = every_plugin.get("/.well-known/webfinger", params={"resource": "acct:ada\x00@testserver.local"})
    assert refused_for_nul(r, "resource"), r.text
    assert every_plugin.get("/.well-known/webfinger", params={"resource": "acct:ada@testserver.local"}).status_code == 200


def test_an_escaped_backslash_before_u0000_is_ordinary_text(client):
    """A JSON backslash escaped, then the letters u0000: ordinary text, kept."""
    headers = sign_up(client, "ada@example.org", "ada")
    r = client.post("/api/v1/events", headers=headers, content=rb'{"title": "C:\\u0000", "begins_at": "2199-01-01T10:00:00"}')
    assert r.status_code == 201, r.text
    assert r.json()["title"] == "C:\\u0000"


def every_request(app: Litestar) -> Iterator[tuple[str, str]]:
    """(method, route path) of every method of every route of the application."""
    for route in app.routes:
        for method in sorted(getattr(route, "methods", ())):
            if method not in ("HEAD", "OPTIONS"):
                yield method, route.path


def test_every_route_refuses_nul_in_path_query_and_body(every_plugin):
    """Routes listed from the application: one added later, in core or a plugin, is checked too."""
    client = every_plugin
    headers = sign_up(client, "ada@example.org", "ada")
    page = client.get("/login").text
    token = csrf_token(page)
    walked = 0
    for method, path in every_request(client.app):
        concrete = filled(path)
        r = client.request(method, concrete, params={"x": "\x00"}, headers=headers)
        assert refused_for_nul(r, "x"), (method, path, "query", r.status_code, r.text)
        if "{" in path:
            with_nul = re.sub(r"\{\w+:(\w+)\}", "a%00b", path)
            r = client.request(method, with_nul, headers=headers)
            assert refused_for_nul(r, "path"), (method, path, "path", r.status_code, r.text)
        if method != "GET":
            r = client.request(method, concrete, json={"name": "a\x00b"}, headers=headers)
            assert refused_for_nul(r, "body"), (method, path, "json", r.status_code, r.text)
            r = client.request(method, concrete, data={"name": "a\x00b", "_csrf_token": token}, headers=headers)
            assert refused_for_nul(r, "name"), (method, path, "form", r.status_code, r.text)
            r = client.request(method, concrete, files={"name": ("n.txt", b"\x00", "text/plain")},
                               data={"title": "\x00"}, headers=headers)
            assert refused_for_nul(r, "title"), (method, path, "multipart", r.status_code, r.text)
        walked += 1
    assert walked > 80, walked
