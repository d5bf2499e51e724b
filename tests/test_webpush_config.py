"""``[plugins.webpush]``: a key from the environment, and bad values that stop start-up naming the key."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from core.app import create_app
from core.settings import ConfigError
from helpers import make_settings
from push_fixtures import b64url, push_plugins, pushing_instance


def public(key: ec.EllipticCurvePrivateKey) -> str:
    return b64url(key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))


def test_the_environment_gives_the_key_in_pem(data_dir, monkeypatch):
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                            serialization.NoEncryption()).decode()
    monkeypatch.setenv("CONVENE_VAPID_PRIVATE_KEY", pem)
    with pushing_instance(data_dir) as client:
        assert client.get("/api/v1/push/key").json()["public_key"] == public(key)


@pytest.mark.parametrize(("options", "named"), [
    ({"vapid_private_key": "not a key"}, "vapid_private_key: not a PEM or base64url private key"),
    ({"vapid_private_key": ec.generate_private_key(ec.SECP384R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()},
     "vapid_private_key: not a P-256"),
    ({"vapid_subject": "ops@example.org"}, "vapid_subject"),
    ({"ca_file": "/nowhere/ca.pem"}, "ca_file: no such file"),
    ({"ttl_seconds": -1}, "ttl_seconds"),
])
def test_a_bad_value_stops_start_up_naming_the_key(data_dir, options, named):
    with pytest.raises(ConfigError, match=f"plugins.webpush: .*{named}"):
        create_app(make_settings(data_dir, plugins=push_plugins(**options)))
