"""VAPID (RFC 8292): the instance's P-256 key and the signed token every push carries.

A push service ties a browser's subscription to the public key the page gave when it
subscribed, and accepts a push only with a token signed by that key. So the key must
stay the same for the instance's life: configured, or made once and kept in the
database (``stored_key``). The token is a JWT (ES256) for the endpoint's origin, valid
12 hours (the RFC allows 24), naming who to contact (``sub``).
"""

from __future__ import annotations

import base64
import json
import time

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

TOKEN_LIFETIME = 12 * 3600
RAW_KEY_BYTES = 32


class InvalidKey(ValueError):
    """A configured VAPID key that cannot be used; the message says why."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Base64url with or without padding (``binascii.Error``, a ``ValueError``, when it is not)."""
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


def load_private_key(text: str) -> ec.EllipticCurvePrivateKey:
    """A P-256 private key from PEM, or from base64url: the raw 32-byte value or DER."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        else:
            raw = b64url_decode(text)
            if len(raw) == RAW_KEY_BYTES:
                key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
            else:
                key = serialization.load_der_private_key(raw, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise InvalidKey("not a PEM or base64url private key") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise InvalidKey("not a P-256 (prime256v1) key")
    return key


def new_private_key_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode("ascii")


def public_key_bytes(key: ec.EllipticCurvePrivateKey) -> bytes:
    """The uncompressed point (65 bytes): what a page passes as ``applicationServerKey``."""
    return key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


def authorization(key: ec.EllipticCurvePrivateKey, audience: str, subject: str, now: float | None = None) -> str:
    """The ``Authorization`` header of a push to an endpoint of origin ``audience``."""
    header = b64url(json.dumps({"typ": "JWT", "alg": "ES256"}).encode())
    expires = int(now if now is not None else time.time()) + TOKEN_LIFETIME
    claims = b64url(json.dumps({"aud": audience, "exp": expires, "sub": subject}).encode())
    signing_input = f"{header}.{claims}".encode("ascii")
    r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
    signature = b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
    return f"vapid t={header}.{claims}.{signature}, k={b64url(public_key_bytes(key))}"
