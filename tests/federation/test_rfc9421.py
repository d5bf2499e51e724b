"""RFC 9421 signatures: requests signed here by hand from the RFC's text (signature
base of section 2.5, RFC 9530 Content-Digest), and real requests captured from a
Fedify 2.3.6 peer (tests/federation/fixtures/fedify_follow.json: its first attempt
in RFC 9421, its retry in draft-cavage)."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from plugins.federation_activitypub.keys import PublicKey
from plugins.federation_activitypub.signatures import SignatureError, verify_request

KEY_ID = "https://remote.example/users/alice#main-key"
INBOX = "https://events.example/inbox"
BODY = b'{"type": "Follow"}'
POST_COMPONENTS = ("@method", "@target-uri", "@authority", "content-digest", "date")
FEDIFY = json.loads((Path(__file__).parent / "fixtures" / "fedify_follow.json").read_text())

SigningKey = rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def sign_base(key: SigningKey, alg: str, base: bytes) -> bytes:
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(base)
    if alg == "rsa-pss-sha512":
        return key.sign(base, padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64), hashes.SHA512())
    return key.sign(base, padding.PKCS1v15(), hashes.SHA256())


def rfc9421_signed(
    key: SigningKey,
    method: str,
    url: str,
    components: tuple[str, ...],
    body: bytes | None = None,
    *,
    alg: str | None = "rsa-v1_5-sha256",
    parameters: str | None = None,
) -> dict[str, str]:
    """Headers of a request signed per RFC 9421 sections 2.3-2.5 and 3.1."""
    parts = urlsplit(url)
    headers = {"host": parts.netloc, "date": format_datetime(datetime.now(UTC), usegmt=True)}
    if body is not None:
        headers["content-digest"] = f"sha-256=:{b64(hashlib.sha256(body).digest())}:"
    derived = {"@method": method, "@target-uri": url, "@authority": parts.netloc, "@path": parts.path}
    if parameters is None:
        parameters = f';created={int(datetime.now(UTC).timestamp())};keyid="{KEY_ID}"'
        parameters += f';alg="{alg}"' if alg else ""
    signature_params = "(" + " ".join(f'"{name}"' for name in components) + ")" + parameters
    lines = [f'"{name}": {derived.get(name) or headers[name]}' for name in components]
    lines.append(f'"@signature-params": {signature_params}')
    signature = sign_base(key, alg or "", "\n".join(lines).encode())
    headers["signature-input"] = f"sig1={signature_params}"
    headers["signature"] = f"sig1=:{b64(signature)}:"
    return headers


def lookup(key: PublicKey | str):  # noqa: ANN201
    async def get_key(key_id: str, refresh: bool) -> PublicKey | str:
        return key

    return get_key


@pytest.mark.parametrize("alg", ["rsa-v1_5-sha256", "rsa-pss-sha512", None])
async def test_rsa_signed_post_verifies(actor_key: rsa.RSAPrivateKey, alg: str | None) -> None:
    headers = rfc9421_signed(actor_key, "POST", INBOX, POST_COMPONENTS, BODY, alg=alg)
    verified = await verify_request("POST", INBOX, headers, BODY, lookup(actor_key.public_key()))
    assert verified.standard == "rfc9421"
    assert verified.key_host == "remote.example"
    assert verified.covered == POST_COMPONENTS


async def test_ed25519_signed_get_verifies() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    url = "https://events.example/events/1?lang=fr"
    headers = rfc9421_signed(key, "GET", url, ("@method", "@target-uri", "@authority"), alg="ed25519")
    await verify_request("GET", url, headers, b"", lookup(key.public_key()))


async def test_ed25519_key_refuses_an_rsa_algorithm() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    headers = rfc9421_signed(key, "POST", INBOX, POST_COMPONENTS, BODY, alg="rsa-v1_5-sha256")
    with pytest.raises(SignatureError, match="does not fit"):
        await verify_request("POST", INBOX, headers, BODY, lookup(key.public_key()))


async def test_body_changed_after_signing_is_refused(actor_key: rsa.RSAPrivateKey) -> None:
    headers = rfc9421_signed(actor_key, "POST", INBOX, POST_COMPONENTS, BODY)
    with pytest.raises(SignatureError, match="Content-Digest does not match the body"):
        await verify_request("POST", INBOX, headers, b'{"type": "Block"}', lookup(actor_key.public_key()))


@pytest.mark.parametrize(
    ("components", "missing"),
    [
        (("@method", "@target-uri", "date"), "content-digest"),
        (("@target-uri", "content-digest"), "@method"),
        (("@method", "@authority", "@path", "content-digest"), "@target-uri"),
    ],
)
async def test_required_components_must_be_covered(
    actor_key: rsa.RSAPrivateKey, components: tuple[str, ...], missing: str
) -> None:
    headers = rfc9421_signed(actor_key, "POST", INBOX, components, BODY)
    with pytest.raises(SignatureError, match=f"does not cover {missing}"):
        await verify_request("POST", INBOX, headers, BODY, lookup(actor_key.public_key()))


def created_at(moment: datetime) -> str:
    return f';created={int(moment.timestamp())};keyid="{KEY_ID}";alg="rsa-v1_5-sha256"'


@pytest.mark.parametrize(
    ("parameters", "reason"),
    [
        (created_at(datetime.now(UTC) - timedelta(hours=13)), "ago"),
        (created_at(datetime.now(UTC) + timedelta(hours=1)), "ahead"),
        (created_at(datetime.now(UTC)) + f";expires={int(time.time()) - 5}", "expired"),
        (f';keyid="{KEY_ID}";alg="rsa-v1_5-sha256"', "no created"),
        (';created=1;alg="rsa-v1_5-sha256"', "no keyid"),
        (created_at(datetime.now(UTC)).replace("rsa-v1_5-sha256", "hmac-sha256"), "unsupported"),
    ],
    ids=["13 hours old", "future", "expired", "no created", "no keyid", "hmac"],
)
async def test_signature_parameters_are_checked(actor_key: rsa.RSAPrivateKey, parameters: str, reason: str) -> None:
    headers = rfc9421_signed(actor_key, "POST", INBOX, POST_COMPONENTS, BODY, parameters=parameters)
    with pytest.raises(SignatureError, match=reason):
        await verify_request("POST", INBOX, headers, BODY, lookup(actor_key.public_key()))


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("signature-input", "sig1=", "unparseable Signature-Input"),
        ("signature-input", 'sig1=("@method" "@target-uri"', "unparseable Signature-Input"),
        ("signature-input", 'sig1=(method target);created=1;keyid="k"', "not a string"),
        ("signature-input", 'sig1=("@method");created=1, sig1=("@method");created=2', "repeated key"),
        (
            "signature-input",
            'sig1=("@method" "@target-uri" "@query-param";name="a");created=1;keyid="k"',
            "unsupported parameters",
        ),
        (
            "signature-input",
            'sig1=("@method" "@target-uri" "@status" "content-digest");created=1;keyid="k"',
            "unsupported derived component",
        ),
        ("signature", "sig2=:AAAA:", "no byte sequence for sig1"),
        ("signature", "sig1=:not base64!:", "unparseable Signature"),
        ("signature", 'sig1="a string"', "no byte sequence"),
        ("content-digest", "sha-256=abc", "not a byte sequence"),
        ("content-digest", "sha-256=:AAAA", "unparseable Content-Digest"),
        ("content-digest", "md5=:AAAA:", "no sha-256"),
    ],
)
async def test_garbage_fields_are_refused(actor_key: rsa.RSAPrivateKey, field: str, value: str, reason: str) -> None:
    headers = rfc9421_signed(actor_key, "POST", INBOX, POST_COMPONENTS, BODY)
    headers[field] = value
    with pytest.raises(SignatureError, match=reason):
        await verify_request("POST", INBOX, headers, BODY, lookup(actor_key.public_key()))


async def test_two_signature_input_headers_are_refused(actor_key: rsa.RSAPrivateKey) -> None:
    headers = rfc9421_signed(actor_key, "POST", INBOX, POST_COMPONENTS, BODY)
    pairs = [*headers.items(), ("Signature-Input", headers["signature-input"])]
    with pytest.raises(SignatureError, match="2 signature-input headers"):
        await verify_request("POST", INBOX, pairs, BODY, lookup(actor_key.public_key()))


# --- real requests from Fedify ---------------------------------------------------


def fedify_request(standard: str) -> tuple[dict[str, Any], datetime]:
    request = FEDIFY[standard]
    date = next(value for name, value in request["headers"] if name.lower() == "date")
    return request, parsedate_to_datetime(date)


@pytest.mark.parametrize(("standard", "expected"), [("rfc9421", "rfc9421"), ("cavage", "draft-cavage")])
async def test_real_fedify_request_verifies(standard: str, expected: str) -> None:
    request, sent_at = fedify_request(standard)
    verified = await verify_request(
        request["method"], request["url"], request["headers"], request["body"].encode(),
        lookup(FEDIFY["public_key_pem"]), now=sent_at + timedelta(seconds=2),
    )
    assert verified.standard == expected
    assert verified.key_id == FEDIFY["key_id"]
    verified.require_actor_host(json.loads(request["body"])["actor"])


@pytest.mark.parametrize("standard", ["rfc9421", "cavage"])
async def test_real_fedify_request_with_changed_body_is_refused(standard: str) -> None:
    request, sent_at = fedify_request(standard)
    body = request["body"].replace("Follow", "Block").encode()
    with pytest.raises(SignatureError, match="does not match the body"):
        await verify_request(
            request["method"], request["url"], request["headers"], body, lookup(FEDIFY["public_key_pem"]), now=sent_at
        )


@pytest.mark.parametrize("standard", ["rfc9421", "cavage"])
async def test_real_fedify_request_replayed_a_day_later_is_refused(standard: str) -> None:
    request, sent_at = fedify_request(standard)
    with pytest.raises(SignatureError, match="ago"):
        await verify_request(
            request["method"], request["url"], request["headers"], request["body"].encode(),
            lookup(FEDIFY["public_key_pem"]), now=sent_at + timedelta(days=1),
        )
