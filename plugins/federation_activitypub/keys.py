"""Actor key pairs, and the public keys remote actors publish.

Our own actors sign with RSA-2048: it is the one algorithm every fediverse server
verifies (Mastodon, Mobilizon, Gancio, Pleroma, Fedify). We store the private key as
PKCS#8 and publish the public key as SubjectPublicKeyInfo (``BEGIN PUBLIC KEY``),
the form Mastodon publishes.

Peers are less uniform: some Mobilizon and Pleroma versions publish PKCS#1
(``BEGIN RSA PUBLIC KEY``), Fedify adds Ed25519 keys. ``load_public_key`` accepts
what real peers send and refuses what would make a forged signature cheap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

PublicKey = rsa.RSAPublicKey | ed25519.Ed25519PublicKey
"""A key we can verify HTTP signatures with."""

KEY_SIZE = 2048
MIN_REMOTE_RSA_BITS = 2048
"""Shorter RSA keys can be factored by a determined attacker; no current server makes them."""


class KeyFormatError(ValueError):
    """A PEM that is not a usable key (garbage, unsupported type, too weak), or no such key."""


@dataclass(frozen=True)
class PublishedKey:
    """A remote key and the actor it belongs to: the inbox checks that actor is the sender."""

    key_id: str
    owner: str
    public_key: PublicKey


def generate_private_key() -> rsa.RSAPrivateKey:
    """A fresh RSA-2048 key for a new actor."""
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)


def private_key_to_pem(key: rsa.RSAPrivateKey) -> str:
    """PKCS#8 PEM, unencrypted: the database column is the protection."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def public_key_to_pem(key: PublicKey) -> str:
    """SubjectPublicKeyInfo PEM (``BEGIN PUBLIC KEY``), as an actor's ``publicKeyPem``."""
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def load_private_key(pem: str) -> rsa.RSAPrivateKey:
    """Read back a key written by ``private_key_to_pem``."""
    try:
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise KeyFormatError(f"not a private key PEM: {exc}") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KeyFormatError("private key is not RSA")
    return key


def load_public_key(pem: str) -> PublicKey:
    """A remote actor's ``publicKeyPem``: SPKI or PKCS#1 RSA, or SPKI Ed25519."""
    try:
        key = serialization.load_pem_public_key(pem.strip().encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise KeyFormatError(f"not a public key PEM: {exc}") from exc
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < MIN_REMOTE_RSA_BITS:
            raise KeyFormatError(f"RSA key of {key.key_size} bits is too weak")
        return key
    if isinstance(key, ed25519.Ed25519PublicKey):
        return key
    raise KeyFormatError(f"unsupported public key type {type(key).__name__}")


def published_key(document: Mapping[str, Any], key_id: str) -> PublishedKey:
    """The key ``key_id`` from a fetched document: an actor or a key document.

    An actor publishes ``publicKey`` (one object, or a list of them) and owns each of
    its keys: an entry naming another owner is refused, or a server could vouch for
    keys of actors it does not host. A standalone key document (GoToSocial serves
    these) names its ``owner`` itself; the caller checks that owner's host.
    """
    if "publicKeyPem" in document:
        entries: list[Any] = [document]
    else:
        published = document.get("publicKey")
        entries = published if isinstance(published, list) else [published]
    for entry in entries:
        if isinstance(entry, Mapping) and entry.get("id") == key_id:
            owner = entry.get("owner", document.get("id"))
            pem = entry.get("publicKeyPem")
            if not isinstance(owner, str) or not isinstance(pem, str):
                raise KeyFormatError(f"key {key_id} has no owner or no publicKeyPem")
            if entry is not document and owner != document.get("id"):
                raise KeyFormatError(f"actor {document.get('id')} publishes key {key_id} owned by {owner}")
            return PublishedKey(key_id, owner, load_public_key(pem))
    raise KeyFormatError(f"document publishes no key {key_id}")
