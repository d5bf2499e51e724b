"""Actor keys: our PEM formats, and the public keys real peers publish."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from plugins.federation_activitypub.keys import (
    KeyFormatError,
    generate_private_key,
    load_private_key,
    load_public_key,
    private_key_to_pem,
    public_key_to_pem,
    published_key,
)

INTEROP = Path(__file__).parents[1] / "fixtures" / "interop"
ALICE_KEY = "https://remote.example/users/alice#main-key"
ACTORS_WITH_KEYS = ["mastodon-actor.json", "mastodon-tcit-tcit.json", "gancio-actor.json"]


def published_pem(name: str) -> str:
    document = json.loads((INTEROP / name).read_text())
    actor = document.get("object", document) if document.get("type") == "Update" else document
    return actor["publicKey"]["publicKeyPem"]


def test_generated_key_round_trips_through_pem(actor_key: rsa.RSAPrivateKey) -> None:
    private_pem = private_key_to_pem(actor_key)
    public_pem = public_key_to_pem(actor_key.public_key())
    assert actor_key.key_size == 2048
    assert private_pem.startswith("-----BEGIN PRIVATE KEY-----")  # PKCS#8
    assert public_pem.startswith("-----BEGIN PUBLIC KEY-----")  # SubjectPublicKeyInfo
    assert load_private_key(private_pem).private_numbers() == actor_key.private_numbers()
    assert load_public_key(public_pem).public_numbers() == actor_key.public_key().public_numbers()


def test_fresh_keys_differ() -> None:
    assert generate_private_key().public_key().public_numbers() != generate_private_key().public_key().public_numbers()


@pytest.mark.parametrize("name", ACTORS_WITH_KEYS)
def test_spki_keys_of_real_peers_load(name: str) -> None:
    pem = published_pem(name)
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    key = load_public_key(pem)
    assert isinstance(key, rsa.RSAPublicKey) and key.key_size >= 2048


@pytest.mark.parametrize("name", ACTORS_WITH_KEYS)
def test_pkcs1_form_of_real_peer_keys_loads(name: str) -> None:
    """Some Mobilizon and Pleroma peers publish ``BEGIN RSA PUBLIC KEY`` (PKCS#1).

    The interop payloads only hold SPKI keys, so the same real keys are re-encoded
    as PKCS#1 here, with the Windows line ends some peers also send.
    """
    spki = load_public_key(published_pem(name))
    pkcs1 = spki.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1).decode()
    assert pkcs1.startswith("-----BEGIN RSA PUBLIC KEY-----")
    assert load_public_key(pkcs1.replace("\n", "\r\n")).public_numbers() == spki.public_numbers()


def test_damaged_key_in_real_payload_is_refused() -> None:
    """mastodon-update.json (a Mobilizon test fixture) carries a key with characters cut out."""
    with pytest.raises(KeyFormatError, match="not a public key"):
        load_public_key(published_pem("mastodon-update.json"))


def test_ed25519_key_loads() -> None:
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    assert isinstance(load_public_key(public_key_to_pem(key)), ed25519.Ed25519PublicKey)


@pytest.mark.parametrize(
    ("pem", "reason"),
    [
        ("not a key", "not a public key"),
        ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "not a public key"),
        (public_key_to_pem(rsa.generate_private_key(65537, 1024).public_key()), "too weak"),
        (
            ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            ).decode(),
            "unsupported",
        ),
        ("-----BEGIN PUBLIC KEY-----\né\n-----END PUBLIC KEY-----", "not a public key"),
    ],
    ids=["garbage", "truncated", "rsa-1024", "ec", "non-ascii"],
)
def test_unusable_public_keys_are_refused(pem: str, reason: str) -> None:
    with pytest.raises(KeyFormatError, match=reason):
        load_public_key(pem)


def test_private_key_garbage_is_refused() -> None:
    with pytest.raises(KeyFormatError):
        load_private_key("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")


@pytest.mark.parametrize("name", ACTORS_WITH_KEYS)
def test_key_published_by_a_real_actor_is_found_with_its_owner(name: str) -> None:
    document = json.loads((INTEROP / name).read_text())
    key_id = document["publicKey"]["id"]
    found = published_key(document, key_id)
    assert found.owner == document["id"]
    assert found.public_key.public_numbers() == load_public_key(published_pem(name)).public_numbers()


def test_key_from_a_list_or_a_key_document(actor_key: rsa.RSAPrivateKey) -> None:
    pem = public_key_to_pem(actor_key.public_key())
    actor = {
        "id": "https://remote.example/users/alice",
        "publicKey": [
            {"id": "https://remote.example/users/alice#old", "owner": "https://remote.example/users/alice"},
            {"id": "https://remote.example/users/alice#main-key", "publicKeyPem": pem},
        ],
    }
    assert published_key(actor, "https://remote.example/users/alice#main-key").owner == actor["id"]
    key_document = {"id": "https://gts.example/users/a/main-key", "owner": "https://gts.example/users/a"}
    key_document["publicKeyPem"] = pem
    assert published_key(key_document, key_document["id"]).owner == "https://gts.example/users/a"


@pytest.mark.parametrize(
    ("public_key", "reason"),
    [
        ({"id": ALICE_KEY, "owner": "https://remote.example/users/bob", "publicKeyPem": "PEM"}, "owned by"),
        ({"id": "https://remote.example/users/alice#other", "publicKeyPem": "PEM"}, "no key"),
        ({"id": ALICE_KEY}, "no owner or no publicKeyPem"),
        ("https://remote.example/users/alice/key", "no key"),
        (None, "no key"),
    ],
    ids=["someone else's key", "other key id", "no pem", "reference only", "no publicKey"],
)
def test_unusable_published_keys_are_refused(public_key: dict | str | None, reason: str) -> None:
    if isinstance(public_key, dict) and "publicKeyPem" in public_key:
        public_key["publicKeyPem"] = published_pem("mastodon-actor.json")
    actor = {"id": "https://remote.example/users/alice", "publicKey": public_key}
    with pytest.raises(KeyFormatError, match=reason):
        published_key(actor, ALICE_KEY)
