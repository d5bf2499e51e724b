"""Every route answers with the security headers, and every form a browser posts is protected
against cross-site request forgery.

The routes are listed from the application itself, with every installed plugin enabled, so a
route added later, in core or in a plugin, is checked without anyone listing it here. Path
parameters get dummy values: whatever the status (mostly 404), the headers must be there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from httpx import Response
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from core.app import create_app
from core.web.branding import LOGO_POLICY
from core.web.security_headers import FRAMABLE, HSTS
from helpers import EVERY_PLUGIN, make_settings, new_event, sign_up
from test_web_theme import LOGO
from webhelpers import log_in

PUBLIC_URL = "https://events.example.org"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
DUMMY = {"path": "nothing.css", "int": "1"}  # any other parameter type: "nothing"
CSRF_REFUSAL = "CSRF token verification failed"
# posts a browser may make without the CSRF token, each because something else stops a forgery
CSRF_EXEMPT = {
    "/inbox": "ActivityPub: other servers post here, each request signed (HTTP Signatures); no browser session counts",
    "/{handle:str}/inbox": "ActivityPub: as /inbox, for one identity",
    "/language": "the switcher is on cached anonymous pages, which carry no token; it refuses posts another site "
                 "makes (Sec-Fetch-Site, Origin)",
    "/events/{uuid:str}/anonymous-join": "visitors without an account join from cached event pages, which carry no "
                                         "token; it refuses posts another site makes (Sec-Fetch-Site, Origin)",
    "/notifications/unsubscribe/{token:str}": "a mail's one-click link (RFC 8058): the mail client posts without "
                                              "cookie or token; the link's signed token is the authority",
    "/mail/stop-shared-events/{token:str}": "as /notifications/unsubscribe: a mail's one-click link",
    "/anonymous/confirm/{token:str}": "a link mailed to someone without an account: its signed token is the authority",
    "/anonymous/cancel/{token:str}": "as /anonymous/confirm",
}
# exemptions whose authority is a signed token in the path: another site cannot make one
SIGNED_LINKS = {route for route in CSRF_EXEMPT if route.endswith("{token:str}")}
# the API is excluded from CSRF as a whole (core/app.py): it takes a bearer token, never the session cookie
API_PREFIX = "/api/"


def filled(path: str) -> str:
    return re.sub(r"\{\w+:(\w+)\}", lambda match: DUMMY.get(match.group(1), "nothing"), path)


def framable_routes(app: Litestar) -> set[str]:
    """The paths of the routes marked ``opt=FRAMABLE`` (embeds)."""
    return {route.path for route in app.routes for handler in getattr(route, "route_handlers", [])
            if handler.opt.get(next(iter(FRAMABLE)))}


def every_request(app: Litestar) -> Iterator[tuple[str, str, str]]:
    """(method, route path, concrete path) for every method of every route of the application."""
    for route in app.routes:
        assert isinstance(route, HTTPRoute), f"{route.path}: a kind of route this test does not request"
        for method in sorted(route.methods):
            yield method, route.path, filled(route.path)


def directives(response: Response) -> dict[str, set[str]]:
    policy = response.headers.get("content-security-policy", "")
    return {name: set(sources) for name, *sources in (part.split() for part in policy.split(";") if part.strip())}


def weaknesses(response: Response, https: bool = True, framable: bool = False) -> list[str]:
    """What the response lacks of the headers every response must carry, named; a ``FRAMABLE`` route's
    page may be framed by any site (an embed), and by nothing else does it differ."""
    policy = directives(response)
    default = policy.get("default-src", set())
    found = []
    if not policy:
        found.append("no Content-Security-Policy")
    if not policy.get("script-src", default) <= {"'self'", "'none'"}:
        found.append("scripts from elsewhere than the instance, or inline")
    if not policy.get("style-src", default) <= {"'self'", "'none'"}:
        found.append("styles from elsewhere than the instance, or inline")
    if policy.get("object-src", default) != {"'none'"}:
        found.append("plugins (object-src) allowed")
    if policy.get("frame-ancestors") != ({"*"} if framable else {"'none'"}):
        found.append("may be framed by another site" if not framable else "an embed that other sites may not frame")
    if policy.get("base-uri") != {"'none'"}:
        found.append("base-uri not 'none'")
    if not policy.get("form-action", {"*"}) <= {"'self'", "'none'"}:
        found.append("forms may be sent to another site")
    expected = {"x-content-type-options": "nosniff", "referrer-policy": "same-origin"}
    if https:
        expected["strict-transport-security"] = HSTS
    found += [f"{name}: {response.headers.get(name)!r}" for name, value in expected.items()
              if response.headers.get(name) != value]
    return found


@pytest.fixture
def site(data_dir: Path) -> Iterator[TestClient]:
    """An instance served over https, every installed plugin enabled."""
    settings = make_settings(data_dir, public_url=PUBLIC_URL, plugins=EVERY_PLUGIN)
    with TestClient(create_app(settings), base_url=PUBLIC_URL) as client:
        yield client


def test_every_route_answers_every_method_with_the_security_headers(site):
    picture = "avatars/" + "0" * 32 + ".png"  # a name core.media writes: /media serves no other
    (site.app.state.settings.media_dir / "avatars").mkdir()
    (site.app.state.settings.media_dir / picture).write_bytes(b"\x89PNG\r\n\x1a\n")
    requests = [*every_request(site.app), ("GET", "", "/static/convene.css"), ("GET", "", f"/media/{picture}"),
                ("GET", "", "/no/such/page"), ("DELETE", "", "/about"), ("GET", "", "/api/v1/no/such/thing")]
    sign_up(site, "ann@example.org", "ann")
    missing: dict[str, list[str]] = {}
    framable = framable_routes(site.app)
    for who in ("anonymous", "member"):
        if who == "member":
            log_in(site, "ann@example.org")
        for method, route, path in requests:
            response = site.request(method, path, follow_redirects=False)
            assert response.status_code < 500, f"{method} {path}: {response.status_code}"
            # only the embed itself is framable: Litestar answers OPTIONS on its own, unframable
            if problems := weaknesses(response, framable=route in framable and method == "GET"):
                missing[f"{who} {method} {path} ({response.status_code})"] = problems
    assert site.get("/static/convene.css").status_code == 200 and site.get(f"/media/{picture}").status_code == 200
    assert not missing, missing


def test_every_form_a_browser_posts_needs_the_csrf_token(site):
    sign_up(site, "ann@example.org", "ann")
    log_in(site, "ann@example.org")
    unprotected = {}
    checked = 0
    for method, route, path in every_request(site.app):
        if method not in UNSAFE or route.startswith(API_PREFIX):
            continue
        checked += 1
        response = site.request(method, path, data={"next": "/"}, follow_redirects=False)
        if response.status_code != 403 or CSRF_REFUSAL not in response.text:
            unprotected[route] = f"{method} {path}: {response.status_code}"
    assert checked > 30, "the walk found too few forms: is the route listing broken?"
    assert set(unprotected) == set(CSRF_EXEMPT), (
        "a state-changing route without CSRF protection (or a stale exemption): " + repr(unprotected))
    settings = site.get("/settings")
    assert settings.status_code == 200 and "ann@example.org" in settings.text, \
        "the refused posts (log out, delete the account...) changed nothing"


def test_each_csrf_exemption_refuses_a_post_another_site_makes(site):
    """A page elsewhere can make a browser post a form; as JSON, only as text/plain."""
    sign_up(site, "ann@example.org", "ann")
    forged = {"Origin": "https://elsewhere.example", "Sec-Fetch-Site": "cross-site"}
    follow = json.dumps({"id": "https://elsewhere.example/follows/1", "type": "Follow",
                         "actor": "https://elsewhere.example/mallory", "object": f"{PUBLIC_URL}/@ann"})
    for route in CSRF_EXEMPT:
        path = route.replace("{handle:str}", "@ann")
        if path.endswith("/inbox"):
            response = site.post(path, content=follow, headers={**forged, "Content-Type": "text/plain"})
        else:
            response = site.post(path.replace("{token:str}", "forged").replace("{uuid:str}", "any"),
                                 data={"language": "fr", "next": "/", "email": "ann@example.org"}, headers=forged,
                                 follow_redirects=False)
        refused = (400, 422) if route in SIGNED_LINKS else (401, 403)
        assert response.status_code in refused, f"{path}: {response.status_code} {response.text}"
    assert '<html lang="en">' in site.get("/").text, "the forged switch to French did not happen"


def test_the_api_never_takes_the_session_cookie_so_it_needs_no_csrf_token(site):
    for route in site.app.routes:
        if route.path.startswith(API_PREFIX):
            for handler in route.route_handlers:
                assert "web" not in handler.parsed_fn_signature.parameters, \
                    f"{route.path} reads the browser session: it would need CSRF protection"
    sign_up(site, "ann@example.org", "ann")
    log_in(site, "ann@example.org")
    refused = site.post("/api/v1/identities", json={"username": "forged"})
    assert refused.status_code == 401, refused.text
    assert "forged" not in site.get("/identities").text


def test_the_event_page_keeps_the_policy_when_served_from_the_page_cache(client):
    """The share form posts to our own page (core.web.share), so the event page needs no exception either."""
    event = new_event(client, sign_up(client, "ann@example.org", "ann"), title="Picnic")
    for reader in ("the first anonymous reader", "the next one, served from the page cache"):
        page = client.get(f"/events/{event['uuid']}")
        assert page.status_code == 200 and "Share on Mastodon" in page.text
        assert weaknesses(page, https=False) == [], reader


def test_the_logo_keeps_its_own_narrower_policy(data_dir, tmp_path):
    logo = tmp_path / "logo.svg"
    logo.write_text(LOGO)
    with TestClient(create_app(make_settings(data_dir, instance={"logo": str(logo)})),
                    base_url="http://testserver.local") as client:
        served = client.get("/brand/logo")
    assert served.status_code == 200
    assert served.headers.get_list("content-security-policy") == [LOGO_POLICY]
    assert served.headers["x-content-type-options"] == "nosniff"


def test_no_hsts_when_the_instance_is_served_over_plain_http(client):
    answer = client.get("/")
    assert "strict-transport-security" not in answer.headers
    assert weaknesses(answer, https=False) == []


def test_only_embeds_may_be_framed(site):
    """Each framable route is an embed a plugin offers; every other page keeps frame-ancestors 'none'."""
    assert framable_routes(site.app) == {"/{handle:str}/embed", "/embed/instance"}
    sign_up(site, "ann@example.org", "ann")
    assert directives(site.get("/@ann/embed"))["frame-ancestors"] == {"*"}
    assert directives(site.get("/@ann"))["frame-ancestors"] == {"'none'"}
