"""What the pages offer for push and for installing the instance as an app.

The manifest (every instance, push or not), the service worker at the site's root (only
with the webpush plugin; a theme may replace it), and the settings section whose script
posts the browser's subscription with the session cookie and the page's CSRF token.
"""

from __future__ import annotations

import re

from helpers import make_settings, sign_up
from push_fixtures import Browser, pushing_instance
from webhelpers import csrf_token, log_in, submit

ENDPOINT = "https://93.184.215.14/wpush/v2/abc"  # an address: no name lookup in tests


def test_every_instance_has_a_manifest_for_installing_it_as_an_app(client):
    page = client.get("/")
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page.text
    r = client.get("/manifest.webmanifest")
    assert r.status_code == 200 and r.headers["content-type"] == "application/manifest+json"
    manifest = r.json()
    assert manifest["name"] == "Convene" and manifest["short_name"] == "Convene"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/" and manifest["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    assert {"src": "/static/favicon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"} in manifest["icons"]
    assert client.get(manifest["icons"][0]["src"]).status_code == 200


def test_the_manifest_carries_the_instance_branding(data_dir, tmp_path):
    from litestar.testing import TestClient

    from core.app import create_app

    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n")
    settings = make_settings(data_dir, instance={"name": "Les Rencontres du Port", "logo": str(logo),
                                                 "primary_color": "#C0FFEE"})
    with TestClient(create_app(settings), base_url="http://testserver.local") as client:
        manifest = client.get("/manifest.webmanifest").json()
    assert manifest["name"] == "Les Rencontres du Port" and manifest["short_name"] == "Les Rencont…"
    assert manifest["theme_color"] == "#c0ffee"
    assert manifest["icons"][0] == {"src": "/brand/logo", "sizes": "any", "type": "image/png", "purpose": "any"}


def test_the_service_worker_is_served_from_the_root_as_javascript(data_dir, client):
    assert client.get("/service-worker.js").status_code == 404  # without the plugin
    with pushing_instance(data_dir) as pushing:
        r = pushing.get("/service-worker.js")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
        assert 'addEventListener("push"' in r.text and 'addEventListener("notificationclick"' in r.text


def test_the_settings_section_subscribes_and_unsubscribes_this_browser_with_its_csrf_token(data_dir):
    with pushing_instance(data_dir, allow_private_addresses=False) as client:
        headers = sign_up(client, "bob@example.org", "bob")
        log_in(client, "bob@example.org")
        page = client.get("/settings").text
        assert "Turn on notifications on this device" in page and '<script src="/static/push-settings.js"' in page
        key = client.get("/api/v1/push/key").json()["public_key"]
        assert f'data-push-key="{key}"' in page
        token = {"X-CSRFToken": csrf_token(page)}
        assert client.post("/settings/push-subscriptions", json=Browser().subscription(ENDPOINT)).status_code == 403
        r = client.post("/settings/push-subscriptions", json=Browser().subscription(ENDPOINT), headers=token)
        assert r.status_code == 204, r.text
        assert len(client.get("/api/v1/me/push-subscriptions", headers=headers).json()) == 1
        assert "1 device receives your notifications." in client.get("/settings").text
        r = client.post("/settings/push-subscriptions", json=Browser().subscription("http://93.184.215.14/"),
                        headers=token)
        assert r.status_code == 422
        r = client.post("/settings/push-subscriptions/remove", json={"endpoint": ENDPOINT}, headers=token)
        assert r.status_code == 204, r.text
        assert client.get("/api/v1/me/push-subscriptions", headers=headers).json() == []


def test_the_settings_section_speaks_french(data_dir):
    with pushing_instance(data_dir) as client:
        sign_up(client, "zoe@example.org", "zoe")
        log_in(client, "zoe@example.org")
        submit(client, "/settings", "/settings/preferences", {"locale": "fr", "timezone": "Europe/Paris"})
        page = client.get("/settings").text
        assert "Activer les notifications sur cet appareil" in page and "Notifications sur cet appareil" in page
