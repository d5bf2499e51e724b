"""Subscribing a device: what the API stores, and what it refuses with a 422 that names the field.

An endpoint that is not https, or whose host leads to a private or loopback address,
is refused before anything is stored (the instance would otherwise post to its own
network on a stranger's behalf); so are keys that are not what RFC 8291 needs.
"""

from __future__ import annotations

import pytest

from helpers import field_errors, sign_up
from push_fixtures import Browser, b64url, pushing_instance

PUBLIC_IP_ENDPOINT = "https://93.184.215.14/wpush/v2/abc"  # an address: no name lookup in tests


@pytest.fixture
def deployed(data_dir):  # noqa: ANN001, ANN201
    """An instance as deployed: push endpoints must lead to public addresses."""
    with pushing_instance(data_dir, allow_private_addresses=False) as client:
        yield client, sign_up(client, "bob@example.org", "bob")


def devices(client, headers) -> list:  # noqa: ANN001
    r = client.get("/api/v1/me/push-subscriptions", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_public_https_endpoint_is_stored_listed_updated_and_removed(deployed):
    client, headers = deployed
    browser = Browser()
    r = client.post("/api/v1/me/push-subscriptions", json=browser.subscription(PUBLIC_IP_ENDPOINT), headers=headers)
    assert r.status_code == 201, r.text
    assert r.json()["service"] == "https://93.184.215.14" and r.json()["last_success_at"] is None
    again = client.post("/api/v1/me/push-subscriptions", json=Browser().subscription(PUBLIC_IP_ENDPOINT), headers=headers)
    assert again.status_code == 201 and again.json()["id"] == r.json()["id"]  # new keys, same device
    assert [d["id"] for d in devices(client, headers)] == [r.json()["id"]]
    r = client.delete("/api/v1/me/push-subscriptions", params={"endpoint": PUBLIC_IP_ENDPOINT}, headers=headers)
    assert r.status_code == 204, r.text
    assert devices(client, headers) == []
    r = client.delete("/api/v1/me/push-subscriptions", params={"endpoint": PUBLIC_IP_ENDPOINT}, headers=headers)
    assert r.status_code == 404


@pytest.mark.parametrize(("endpoint", "message"), [
    ("http://93.184.215.14/wpush/v2/abc", "the endpoint must be an https URL"),
    ("https://127.0.0.1/push/abc", "this push endpoint cannot be reached from this instance"),
    ("https://localhost:8443/push/abc", "this push endpoint cannot be reached from this instance"),
    ("https://[::ffff:10.0.0.7]/push", "this push endpoint cannot be reached from this instance"),
    ("https://push.example.net@10.0.0.7/push", "the endpoint is not a usable URL"),
    ("ftp://93.184.215.14/push", "the endpoint is not a usable URL"),
])
def test_an_endpoint_that_is_not_https_or_not_public_is_refused_and_nothing_is_stored(deployed, endpoint, message):
    client, headers = deployed
    r = client.post("/api/v1/me/push-subscriptions", json=Browser().subscription(endpoint), headers=headers)
    assert r.status_code == 422, r.text
    assert field_errors(r) == {"endpoint": message}
    assert devices(client, headers) == []


def test_keys_of_the_wrong_size_or_not_on_the_curve_are_refused(deployed):
    client, headers = deployed
    good = Browser().subscription(PUBLIC_IP_ENDPOINT)
    not_on_curve = b64url(b"\x04" + b"\x01" * 64)
    for p256dh, auth, fields in [
        (b64url(b"\x04" + b"\x01" * 30), good["keys"]["auth"], {"keys.p256dh"}),
        (not_on_curve, good["keys"]["auth"], {"keys.p256dh"}),
        (good["keys"]["p256dh"], b64url(b"x" * 15), {"keys.auth"}),
        ("not base64!", "***", {"keys.p256dh", "keys.auth"}),
    ]:
        body = {**good, "keys": {"p256dh": p256dh, "auth": auth}}
        r = client.post("/api/v1/me/push-subscriptions", json=body, headers=headers)
        assert r.status_code == 422, r.text
        assert set(field_errors(r)) == fields
    assert devices(client, headers) == []


def test_lengths_and_shape_are_checked_before_anything_else(deployed):
    client, headers = deployed
    good = Browser().subscription(PUBLIC_IP_ENDPOINT)
    for body in ({**good, "endpoint": "https://93.184.215.14/" + "a" * 2100},
                 {**good, "keys": {"p256dh": "a" * 101, "auth": good["keys"]["auth"]}},
                 {**good, "extra": 1}, {"endpoint": PUBLIC_IP_ENDPOINT}):
        r = client.post("/api/v1/me/push-subscriptions", json=body, headers=headers)
        assert r.status_code == 400, r.text
    assert devices(client, headers) == []


def test_the_api_needs_an_account_and_the_key_does_not(deployed):
    client, _ = deployed
    assert client.get("/api/v1/me/push-subscriptions").status_code == 401
    r = client.post("/api/v1/me/push-subscriptions", json=Browser().subscription(PUBLIC_IP_ENDPOINT))
    assert r.status_code == 401
    key = client.get("/api/v1/push/key")
    assert key.status_code == 200 and len(key.json()["public_key"]) == 87  # 65 bytes in base64url
    assert client.get("/api/v1/push/key").json() == key.json()  # made once, then kept


def test_a_device_subscribed_by_another_account_moves_to_the_new_one(deployed):
    client, bob = deployed
    ann = sign_up(client, "ann@example.org", "ann")
    browser = Browser()
    assert client.post("/api/v1/me/push-subscriptions", json=browser.subscription(PUBLIC_IP_ENDPOINT),
                       headers=bob).status_code == 201
    assert client.post("/api/v1/me/push-subscriptions", json=browser.subscription(PUBLIC_IP_ENDPOINT),
                       headers=ann).status_code == 201
    assert devices(client, bob) == [] and len(devices(client, ann)) == 1
    r = client.delete("/api/v1/me/push-subscriptions", params={"endpoint": PUBLIC_IP_ENDPOINT}, headers=bob)
    assert r.status_code == 404 and len(devices(client, ann)) == 1


def test_the_accounts_data_download_lists_its_devices_by_service_without_their_endpoints(deployed):
    client, headers = deployed
    r = client.post("/api/v1/me/push-subscriptions", json=Browser().subscription(PUBLIC_IP_ENDPOINT), headers=headers)
    assert r.status_code == 201, r.text
    exported = client.get("/api/v1/account/export", headers=headers).json()
    assert [(d["service"], d["id"]) for d in exported["webpush"]["devices"]] == [("https://93.184.215.14", r.json()["id"])]
    assert "wpush/v2/abc" not in str(exported)
