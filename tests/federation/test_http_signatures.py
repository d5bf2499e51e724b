"""draft-cavage HTTP signatures: our signer against our verifier, and hand-made
requests (built here from the draft, not with the module's code) for each refusal."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from urllib.parse import urlsplit

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from plugins.federation_activitypub.keys import PublicKey, public_key_to_pem
from plugins.federation_activitypub.signatures import (
    MAX_AGE,
    SignatureError,
    Signer,
    VerifiedSignature,
    verify_request,
)

KEY_ID = "https://remote.example/users/alice#main-key"
INBOX = "https://events.example/inbox"
ACTOR_URL = "https://events.example/@bob"
BODY = b'{"type": "Follow", "actor": "https://remote.example/users/alice"}'


def key_lookup(*keys: rsa.RSAPrivateKey, calls: list[tuple[str, bool]] | None = None):  # noqa: ANN201
    """get_key answering with the first key, then (on refresh) with the last."""

    async def get_key(key_id: str, refresh: bool) -> PublicKey:
        if calls is not None:
            calls.append((key_id, refresh))
        return (keys[-1] if refresh else keys[0]).public_key()

    return get_key


def hand_signed(
    key: rsa.RSAPrivateKey,
    method: str,
    url: str,
    covered: str,
    body: bytes | None = None,
    *,
    date: datetime | None = None,
    algorithm: str = "rsa-sha256",
    key_id: str = KEY_ID,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """A request signed as draft-cavage-http-signatures-12 section 2.3 says, covering ``covered``:
    RSASSA-PKCS1-v1_5 over SHA-1 for ``rsa-sha1``, over SHA-256 for the others."""
    parts = urlsplit(url)
    headers = {"host": parts.netloc, "date": format_datetime(date or datetime.now(UTC), usegmt=True)}
    if body is not None:
        headers["digest"] = "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()
    headers.update(extra or {})
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [
        f"(request-target): {method.lower()} {target}" if name == "(request-target)" else f"{name}: {headers[name]}"
        for name in covered.split()
    ]
    digest = hashes.SHA1() if algorithm == "rsa-sha1" else hashes.SHA256()
    signature = base64.b64encode(key.sign("\n".join(lines).encode(), padding.PKCS1v15(), digest)).decode()
    headers["signature"] = f'keyId="{key_id}",algorithm="{algorithm}",headers="{covered}",signature="{signature}"'
    return headers


async def test_signed_get_verifies(actor_key: rsa.RSAPrivateKey) -> None:
    headers = Signer(KEY_ID, actor_key).sign("GET", ACTOR_URL)
    verified = await verify_request("GET", ACTOR_URL, headers, b"", key_lookup(actor_key))
    assert isinstance(verified, VerifiedSignature)
    assert verified.standard == "draft-cavage"
    assert verified.key_id == KEY_ID and verified.key_host == "remote.example"
    assert verified.covered == ("(request-target)", "host", "date")
    assert verified.valid_until == verified.signed_at + MAX_AGE


async def test_signed_post_verifies(actor_key: rsa.RSAPrivateKey) -> None:
    headers = Signer(KEY_ID, actor_key).sign("POST", INBOX, BODY)
    assert headers["Digest"].startswith("SHA-256=")
    verified = await verify_request("POST", INBOX, headers, BODY, key_lookup(actor_key))
    assert verified.covered == ("(request-target)", "host", "date", "digest")


async def test_mastodon_style_post_with_content_type_and_hs2019(actor_key: rsa.RSAPrivateKey) -> None:
    headers = hand_signed(
        actor_key, "POST", INBOX, "(request-target) host date digest content-type", BODY,
        algorithm="hs2019", extra={"content-type": "application/activity+json"},
    )
    verified = await verify_request("POST", INBOX, headers, BODY, key_lookup(actor_key))
    assert "content-type" in verified.covered


async def test_same_request_gives_same_replay_key(actor_key: rsa.RSAPrivateKey) -> None:
    headers = Signer(KEY_ID, actor_key).sign("POST", INBOX, BODY)
    first = await verify_request("POST", INBOX, headers, BODY, key_lookup(actor_key))
    again = await verify_request("POST", INBOX, headers, BODY, key_lookup(actor_key))
    other_headers = Signer(KEY_ID, actor_key).sign("POST", INBOX, b"{}")
    other = await verify_request("POST", INBOX, other_headers, b"{}", key_lookup(actor_key))
    assert first.replay_key == again.replay_key != other.replay_key


async def test_date_inside_the_window_is_accepted(actor_key: rsa.RSAPrivateKey) -> None:
    signed_at = datetime.now(UTC) - timedelta(minutes=50)
    headers = Signer(KEY_ID, actor_key).sign("POST", INBOX, BODY, now=signed_at)
    await verify_request("POST", INBOX, headers, BODY, key_lookup(actor_key))


async def test_date_thirteen_hours_old_is_refused(actor_key: rsa.RSAPrivateKey) -> None:
    signed_at = datetime.now(UTC) - timedelta(hours=13)
    headers = Signer(KEY_ID, actor_key).sign("POST", INBOX, BODY, now=signed_at)
    with pytest.raises(SignatureError, match="ago"):
        await verify_request("POST", INBOX, headers, BODY, key_lookup(actor_key))


async def test_date_in_the_future_is_refused(actor_key: rsa.RSAPrivateKey) -> None:
    signed_at = datetime.now(UTC) + timedelta(minutes=30)
    headers = Signer(KEY_ID, actor_key).sign("GET", ACTOR_URL, now=signed_at)
    with pytest.raises(SignatureError, match="ahead"):
        await verify_request("GET", ACTOR_URL, headers, b"", key_lookup(actor_key))


async def test_digest_header_not_matching_the_body_is_refused(actor_key: rsa.RSAPrivateKey) -> None:
    headers = Signer(KEY_ID, actor_key).sign("POST", INBOX, BODY)
    headers["Digest"] = "SHA-256=" + base64.b64encode(hashlib.sha256(b"something else").digest()).decode()
    with pytest.raises(SignatureError, match="Digest does not match the body"):
        await verify_request("POST", INBOX, headers, BODY, key_lookup(actor_key))


async def test_body_changed_after_signing_is_refused(actor_key: rsa.RSAPrivateKey) -> None:
    headers = Signer(KEY_ID, actor_key).sign("POST", INBOX, BODY)
    with pytest.raises(SignatureError, match="Digest does not match the body"):
        await verify_request("POST", INBOX, headers, BODY.replace(b"Follow", b"Block"), key_lookup(actor_key))


async def test_body_and_digest_both_replaced_fail_the_signature(actor_key: rsa.RSAPrivateKey) -> None:
    forged = BODY.replace(b"Follow", b"Block")
    headers = Signer(KEY_ID, actor_key).sign("POST", INBOX, BODY)
    headers["Digest"] = "SHA-256=" + base64.b64encode(hashlib.sha256(forged).digest()).decode()
    with pytest.raises(SignatureError, match="does not verify"):
        await verify_request("POST", INBOX, headers, forged, key_lookup(actor_key))


@pytest.mark.parametrize(
    ("method", "covered", "missing"),
    [
        ("POST", "(request-target) host digest", "date"),
        ("POST", "(request-target) host date", "digest"),
        ("GET", "(request-target) date", "host"),
        ("POST", "host date digest", "(request-target)"),
    ],
    ids=["unsigned date", "unsigned digest on POST", "unsigned host on GET", "unsigned request-target"],
)
async def test_required_headers_must_be_signed(
    actor_key: rsa.RSAPrivateKey, method: str, covered: str, missing: str
) -> None:
    body = BODY if method == "POST" else None
    url = INBOX if method == "POST" else ACTOR_URL
    headers = hand_signed(actor_key, method, url, covered, body)
    with pytest.raises(SignatureError, match=f"does not cover {re.escape(missing)}"):
        await verify_request(method, url, headers, body or b"", key_lookup(actor_key))


@pytest.mark.parametrize(
    ("signature", "reason"),
    [
        ("garbage", "unparseable Signature header near 'garbage'"),
        ("", "Signature header lacks keyId or signature"),
        ('keyId="https://remote.example/k"', "Signature header lacks keyId or signature"),
        (
            'keyId="https://remote.example/k",headers="(request-target) host date",signature="%%%not base64%%%"',
            "signature is not valid base64",
        ),
        ('keyId="https://remote.example/k" signature="abc"', "unparseable Signature header near"),
        (
            'keyId="https://remote.example/k",keyId="https://evil.example/k",signature="abc="',
            "Signature header repeats keyid",
        ),
    ],
    ids=["garbage", "empty", "no signature", "bad base64", "no comma", "repeated keyId"],
)
async def test_garbage_signature_header_is_refused(
    actor_key: rsa.RSAPrivateKey, signature: str, reason: str
) -> None:
    headers = Signer(KEY_ID, actor_key).sign("GET", ACTOR_URL)
    headers["Signature"] = signature
    with pytest.raises(SignatureError, match=re.escape(reason)):
        await verify_request("GET", ACTOR_URL, headers, b"", key_lookup(actor_key))


async def test_rsa_sha1_is_refused_for_its_algorithm_alone(actor_key: rsa.RSAPrivateKey) -> None:
    """A true rsa-sha1 signature (the draft's RSASSA-PKCS1-v1_5 over SHA-1) of a request
    that covers all it must: only the algorithm, too weak to trust, is wrong with it."""
    headers = hand_signed(actor_key, "GET", ACTOR_URL, "(request-target) host date", algorithm="rsa-sha1")
    with pytest.raises(SignatureError, match="unsupported signature algorithm rsa-sha1"):
        await verify_request("GET", ACTOR_URL, headers, b"", key_lookup(actor_key))


async def test_two_signature_headers_are_refused(actor_key: rsa.RSAPrivateKey, other_key: rsa.RSAPrivateKey) -> None:
    ours = Signer(KEY_ID, actor_key).sign("GET", ACTOR_URL)
    theirs = Signer("https://evil.example/actor#key", other_key).sign("GET", ACTOR_URL)
    pairs = [*ours.items(), ("Signature", theirs["Signature"])]
    with pytest.raises(SignatureError, match="2 signature headers"):
        await verify_request("GET", ACTOR_URL, pairs, b"", key_lookup(actor_key))


async def test_unsigned_request_is_refused() -> None:
    with pytest.raises(SignatureError, match="not signed"):
        await verify_request("GET", ACTOR_URL, {"Host": "events.example"}, b"", key_lookup())


async def test_signature_made_for_another_server_is_refused(actor_key: rsa.RSAPrivateKey) -> None:
    headers = Signer(KEY_ID, actor_key).sign("POST", "https://elsewhere.example/inbox", BODY)
    with pytest.raises(SignatureError, match="not this server"):
        await verify_request("POST", INBOX, headers, BODY, key_lookup(actor_key))


async def test_key_id_host_differing_from_actor_host_is_refused(actor_key: rsa.RSAPrivateKey) -> None:
    headers = Signer(KEY_ID, actor_key).sign("POST", INBOX, BODY)
    verified = await verify_request("POST", INBOX, headers, BODY, key_lookup(actor_key))
    verified.require_actor_host("https://REMOTE.example./users/alice")
    with pytest.raises(SignatureError, match="differs from actor host"):
        verified.require_actor_host("https://other.example/users/alice")
    with pytest.raises(SignatureError, match="differs from actor host"):
        verified.require_actor_host("https://remote.example:8443/users/alice")


async def test_key_id_must_be_an_http_url(actor_key: rsa.RSAPrivateKey) -> None:
    headers = hand_signed(actor_key, "GET", ACTOR_URL, "(request-target) host date", key_id="acct:alice@remote.example")
    with pytest.raises(SignatureError, match="keyId"):
        await verify_request("GET", ACTOR_URL, headers, b"", key_lookup(actor_key))


async def test_rotated_key_is_fetched_again_once(actor_key: rsa.RSAPrivateKey, other_key: rsa.RSAPrivateKey) -> None:
    calls: list[tuple[str, bool]] = []
    headers = Signer(KEY_ID, actor_key).sign("POST", INBOX, BODY)
    await verify_request("POST", INBOX, headers, BODY, key_lookup(other_key, actor_key, calls=calls))
    assert calls == [(KEY_ID, False), (KEY_ID, True)]


async def test_wrong_key_is_refused_after_one_refresh(
    actor_key: rsa.RSAPrivateKey, other_key: rsa.RSAPrivateKey
) -> None:
    calls: list[tuple[str, bool]] = []
    headers = Signer(KEY_ID, actor_key).sign("POST", INBOX, BODY)
    with pytest.raises(SignatureError, match="does not verify"):
        await verify_request("POST", INBOX, headers, BODY, key_lookup(other_key, calls=calls))
    assert calls == [(KEY_ID, False), (KEY_ID, True)]


async def test_key_may_be_given_as_pem_and_unknown_key_is_refused(actor_key: rsa.RSAPrivateKey) -> None:
    headers = Signer(KEY_ID, actor_key).sign("GET", ACTOR_URL)

    async def pem_lookup(key_id: str, refresh: bool) -> str:
        return public_key_to_pem(actor_key.public_key())

    async def no_key(key_id: str, refresh: bool) -> None:
        return None

    await verify_request("GET", ACTOR_URL, headers, b"", pem_lookup)
    with pytest.raises(SignatureError, match="unknown"):
        await verify_request("GET", ACTOR_URL, headers, b"", no_key)
