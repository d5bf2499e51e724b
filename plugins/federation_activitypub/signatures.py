"""HTTP signatures: how our requests prove their sender, and how we check theirs.

Outgoing requests carry a draft-cavage-http-signatures-12 ``rsa-sha256`` signature,
the one every fediverse server verifies: ``(request-target) host date`` on GET,
plus ``digest`` on POST.

Inbound requests may carry either standard:

- draft-cavage (``Signature: keyId=...``), ``rsa-sha256`` or ``hs2019`` (read, as
  Mastodon does, as "the algorithm of the key"). It must cover ``(request-target)``
  and ``date``; ``host`` on GET and HEAD; ``digest`` on requests with a body.
- RFC 9421 (``Signature-Input`` + ``Signature``), which Fedify 2.x and recent
  Mastodon send first: ``rsa-v1_5-sha256``, ``rsa-pss-sha512`` or ``ed25519``. It must
  cover ``@method`` and ``@target-uri``, ``content-digest`` (RFC 9530) with a body,
  and carry a ``created`` parameter. When ``Signature-Input`` is present the request
  is judged by RFC 9421 alone.

Freshness: the signed time (``Date``, or ``created``) may be at most ``MAX_AGE``
(1 hour) old and ``MAX_FUTURE`` (5 minutes) ahead. Senders sign each retry anew, so
honest traffic never needs more, and the short window bounds how long the inbox must
remember ``VerifiedSignature.replay_key`` to refuse replays (until ``valid_until``).

A covered ``Host`` must name the URL the caller says it served, so a request signed
for another server cannot be replayed to us; the body must match its digest. Any
failure raises ``SignatureError`` with a reason fit for a log line and a 401 body.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any, Literal

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from core.guarded_http import FetchError, host_of, normalize_host, normalize_url

from .keys import KeyFormatError, PublicKey, load_public_key
from .structured_fields import Member, Token, UnparseableField, parse_dictionary

MAX_AGE = timedelta(hours=1)
MAX_FUTURE = timedelta(minutes=5)
BODYLESS_METHODS = frozenset({"GET", "HEAD"})

KeyLookup = Callable[[str, bool], Awaitable[PublicKey | str | None]]
"""``(key_id, refresh) -> key``: a key object or its PEM, None when it cannot be had.

Called with ``refresh=False`` first (a cached key is fine); when the signature does
not verify, called once more with ``refresh=True``: fetch the key again (the actor
may have rotated it), rate-limited as the caller sees fit. May raise
``SignatureError`` itself (e.g. "refetch rate-limited").
"""

_CAVAGE_ALGORITHMS: dict[str, str | None] = {"rsa-sha256": "rsa-v1_5-sha256", "hs2019": None}
_RFC9421_ALGORITHMS = frozenset({"rsa-v1_5-sha256", "rsa-pss-sha512", "ed25519"})
_BODY_HASHES = {"sha-256": hashlib.sha256, "sha-512": hashlib.sha512}


class SignatureError(Exception):
    """An inbound signature we refuse; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class VerifiedSignature:
    """What a valid signature proves, and what the inbox needs to check next."""

    key_id: str
    key_host: str
    """Normalized ``host[:port]`` of ``key_id``: compare with the actor's (``require_actor_host``)."""
    standard: Literal["draft-cavage", "rfc9421"]
    covered: tuple[str, ...]
    signed_at: datetime
    valid_until: datetime
    """After this moment the same request is refused as stale: keep ``replay_key`` until then."""
    replay_key: str
    """SHA-256 (hex) of the signature bytes: a request seen twice carries the same key."""

    def require_actor_host(self, actor_id: str) -> None:
        """Refuse an activity whose actor lives on another host than the key that signed it."""
        try:
            actor_host = host_of(actor_id)
        except FetchError as exc:
            raise SignatureError(f"actor id {actor_id!r} is not a usable URL: {exc.reason}") from exc
        if actor_host != self.key_host:
            raise SignatureError(f"keyId host {self.key_host} differs from actor host {actor_host}")


@dataclass(frozen=True)
class Signer:
    """One of our actors' keys, signing outgoing requests (a ``core.guarded_http.RequestSigner``)."""

    key_id: str
    private_key: rsa.RSAPrivateKey

    def sign(self, method: str, url: str, body: bytes | None = None, *, now: datetime | None = None) -> dict[str, str]:
        """The ``Host``, ``Date``, (``Digest``) and ``Signature`` headers to send with the request."""
        target = normalize_url(url)
        headers = {"Host": host_of(target), "Date": format_datetime(now or _utcnow(), usegmt=True)}
        if body is not None:
            headers["Digest"] = body_digest(body)
        covered = ("(request-target)", *(name.lower() for name in headers))
        message = _cavage_signing_string(covered, method, target, _HeaderFields(headers.items()), {})
        signature = self.private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())
        headers["Signature"] = (
            f'keyId="{self.key_id}",algorithm="rsa-sha256",headers="{" ".join(covered)}",'
            f'signature="{base64.b64encode(signature).decode("ascii")}"'
        )
        return headers


def body_digest(body: bytes) -> str:
    """The draft-cavage ``Digest`` header value: ``SHA-256=<base64>``."""
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode("ascii")


async def verify_request(
    method: str,
    url: str,
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
    body: bytes,
    get_key: KeyLookup,
    *,
    now: datetime | None = None,
    max_age: timedelta = MAX_AGE,
    max_future: timedelta = MAX_FUTURE,
) -> VerifiedSignature:
    """Check the signature of an inbound request, or raise ``SignatureError``.

    ``url`` is the absolute URL the request was for, built from the instance's public
    base URL and the request's path and query. ``headers`` may be any mapping whose
    ``items()`` yields repeated headers (Litestar's ``request.headers`` does), or the
    raw list of pairs: a repeated ``Signature``, ``Date``, ``Host`` or digest header is
    refused, not guessed at.
    """
    method = method.upper()
    fields = _HeaderFields(headers.items() if isinstance(headers, Mapping) else headers)
    target = normalize_url(url)
    if fields.single("signature-input") is not None:
        claim = _rfc9421_claim(fields, method, target, body)
    else:
        claim = _cavage_claim(fields, method, target, body)
    valid_until = _check_freshness(claim, now or _utcnow(), max_age, max_future)
    try:
        key_host = host_of(claim.key_id)
    except FetchError as exc:
        raise SignatureError(f"keyId {claim.key_id!r} is not an http(s) URL: {exc.reason}") from exc
    await _check_with_key(get_key, claim)
    return VerifiedSignature(
        key_id=claim.key_id,
        key_host=key_host,
        standard=claim.standard,
        covered=claim.covered,
        signed_at=claim.signed_at,
        valid_until=valid_until,
        replay_key=hashlib.sha256(claim.signature).hexdigest(),
    )


# --- what both standards share ----------------------------------------------------


@dataclass(frozen=True)
class _Claim:
    """A parsed signature, its covered content checked, its cryptography not yet."""

    standard: Literal["draft-cavage", "rfc9421"]
    key_id: str
    algorithm: str | None
    """An RFC 9421 algorithm name, or None for "whatever the key is"."""
    signature: bytes
    message: bytes
    covered: tuple[str, ...]
    signed_at: datetime
    expires_at: datetime | None = None


class _HeaderFields:
    """Request headers by lower-case name, each with all the values it was sent with."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._values: dict[str, list[str]] = {}
        for name, value in pairs:
            self._values.setdefault(name.lower(), []).append(value.strip())

    def single(self, name: str) -> str | None:
        values = self._values.get(name, [])
        if len(values) > 1:
            raise SignatureError(f"{len(values)} {name} headers: refusing to choose")
        return values[0] if values else None

    def required(self, name: str) -> str:
        value = self.single(name)
        if value is None:
            raise SignatureError(f"signed header {name} is missing")
        return value

    def joined(self, name: str) -> str:
        """A covered header's value; repeated ones joined as both standards say."""
        if name not in self._values:
            raise SignatureError(f"signed header {name} is missing")
        return ", ".join(self._values[name])


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _require_covered(covered: tuple[str, ...], needed: tuple[str, ...]) -> None:
    missing = [name for name in needed if name not in covered]
    if missing:
        raise SignatureError(f"signature does not cover {', '.join(missing)}")
    if len(set(covered)) != len(covered):
        raise SignatureError("signature covers a component twice")


def _check_host(fields: _HeaderFields, target: httpx.URL) -> None:
    value = fields.required("host")
    try:
        host = normalize_host(value)
    except FetchError as exc:
        raise SignatureError(f"unusable Host header {value!r}") from exc
    if host != host_of(target):
        raise SignatureError(f"signed Host {value} is not this server ({host_of(target)})")


def _check_body_hashes(hashes_sent: list[tuple[str, bytes]], body: bytes, header: str) -> None:
    known = [(name, expected) for name, expected in hashes_sent if name in _BODY_HASHES]
    if not known:
        raise SignatureError(f"{header} has no sha-256 or sha-512 hash")
    for name, expected in known:
        if not hmac.compare_digest(_BODY_HASHES[name](body).digest(), expected):
            raise SignatureError(f"{header} does not match the body")


def _decode_base64(value: str, what: str) -> bytes:
    try:
        return base64.b64decode(value, validate=True)
    except ValueError as exc:  # binascii.Error, or a character beyond ASCII (a header is latin-1)
        raise SignatureError(f"{what} is not valid base64") from exc


def _timestamp(value: Any, what: str) -> datetime:
    if not isinstance(value, int) or isinstance(value, bool):
        raise SignatureError(f"{what} is not an integer timestamp")
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise SignatureError(f"{what} is out of range") from exc


def _check_freshness(claim: _Claim, now: datetime, max_age: timedelta, max_future: timedelta) -> datetime:
    """Refuse a stale, future or expired signature; return until when it stays acceptable."""
    if claim.signed_at < now - max_age:
        raise SignatureError(f"signed at {claim.signed_at.isoformat()}, more than {max_age} ago")
    if claim.signed_at > now + max_future:
        raise SignatureError(f"signed at {claim.signed_at.isoformat()}, more than {max_future} ahead")
    valid_until = claim.signed_at + max_age
    if claim.expires_at is not None:
        if claim.expires_at <= now:
            raise SignatureError(f"signature expired at {claim.expires_at.isoformat()}")
        valid_until = min(valid_until, claim.expires_at)
    return valid_until


async def _check_with_key(get_key: KeyLookup, claim: _Claim) -> None:
    for refresh in (False, True):
        key = await _public_key(get_key, claim.key_id, refresh)
        if _signature_matches(key, claim):
            return
    raise SignatureError(f"signature does not verify with key {claim.key_id}")


async def _public_key(get_key: KeyLookup, key_id: str, refresh: bool) -> PublicKey:
    found = await get_key(key_id, refresh)
    if found is None:
        raise SignatureError(f"key {key_id} is unknown")
    if not isinstance(found, str):
        return found
    try:
        return load_public_key(found)
    except KeyFormatError as exc:
        raise SignatureError(f"key {key_id} is unusable: {exc}") from exc


def _signature_matches(key: PublicKey, claim: _Claim) -> bool:
    algorithm, signature, message = claim.algorithm, claim.signature, claim.message
    try:
        if isinstance(key, ed25519.Ed25519PublicKey) and algorithm in (None, "ed25519"):
            key.verify(signature, message)
        elif isinstance(key, rsa.RSAPublicKey) and algorithm in (None, "rsa-v1_5-sha256"):
            key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, rsa.RSAPublicKey) and algorithm == "rsa-pss-sha512":
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64)
            key.verify(signature, message, pss, hashes.SHA512())
        else:
            raise SignatureError(f"algorithm {algorithm} does not fit the key of {claim.key_id}")
    except InvalidSignature:
        return False
    return True


# --- draft-cavage -----------------------------------------------------------------

_CAVAGE_PARAMETER = re.compile(r'\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"([^"]*)"|(\d+))\s*(?:,|\Z)')


def _cavage_parameters(value: str) -> dict[str, str]:
    parameters: dict[str, str] = {}
    position = 0
    while position < len(value):
        match = _CAVAGE_PARAMETER.match(value, position)
        if match is None:
            raise SignatureError(f"unparseable Signature header near {value[position:position + 20]!r}")
        name = match[1].lower()
        if name in parameters:
            raise SignatureError(f"Signature header repeats {name}")
        parameters[name] = match[2] if match[2] is not None else match[3]
        position = match.end()
    return parameters


def _cavage_claim(fields: _HeaderFields, method: str, target: httpx.URL, body: bytes) -> _Claim:
    header = fields.single("signature")
    if header is None:
        raise SignatureError("request is not signed")
    parameters = _cavage_parameters(header)
    key_id, encoded = parameters.get("keyid"), parameters.get("signature")
    if not key_id or not encoded:
        raise SignatureError("Signature header lacks keyId or signature")
    algorithm_name = parameters.get("algorithm", "hs2019").lower()
    if algorithm_name not in _CAVAGE_ALGORITHMS:
        raise SignatureError(f"unsupported signature algorithm {algorithm_name}")
    covered = tuple(parameters.get("headers", "date").lower().split())
    _require_covered(covered, ("(request-target)", "date", "host" if method in BODYLESS_METHODS else "digest"))
    if "host" in covered:
        _check_host(fields, target)
    if method not in BODYLESS_METHODS:
        _check_body_hashes(_digest_header_hashes(fields.required("digest")), body, "Digest")
    return _Claim(
        standard="draft-cavage",
        key_id=key_id,
        algorithm=_CAVAGE_ALGORITHMS[algorithm_name],
        signature=_decode_base64(encoded, "signature"),
        message=_cavage_signing_string(covered, method, target, fields, parameters),
        covered=covered,
        signed_at=_http_date(fields.required("date")),
        expires_at=_cavage_expiry(parameters.get("expires", "")),
    )


def _cavage_expiry(value: str) -> datetime | None:
    """The ``expires`` parameter, if any: ASCII digits only (``int()`` takes "٣" and raises on "²")."""
    if not value:
        return None
    return _timestamp(int(value) if value.isascii() and value.isdigit() else value, "expires")


def _cavage_signing_string(
    covered: tuple[str, ...], method: str, target: httpx.URL, fields: _HeaderFields, parameters: Mapping[str, str]
) -> bytes:
    lines = []
    for name in covered:
        if name == "(request-target)":
            value = f"{method.lower()} {target.raw_path.decode('ascii')}"
        elif name in ("(created)", "(expires)"):
            value = parameters.get(name.strip("()"), "")
            if not value:
                raise SignatureError(f"signature covers {name} without a {name.strip('()')} parameter")
        else:
            value = fields.joined(name)
        lines.append(f"{name}: {value}")
    return "\n".join(lines).encode("utf-8")


def _digest_header_hashes(value: str) -> list[tuple[str, bytes]]:
    """``SHA-256=<b64>[,SHA-512=<b64>]`` as (lower-case algorithm, hash) pairs."""
    hashes_sent = []
    for part in value.split(","):
        name, separator, encoded = part.strip().partition("=")
        if not separator:
            raise SignatureError("unparseable Digest header")
        hashes_sent.append((name.lower(), _decode_base64(encoded, "Digest")))
    return hashes_sent


def _http_date(value: str) -> datetime:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError) as exc:
        raise SignatureError(f"unparseable Date header {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# --- RFC 9421 ---------------------------------------------------------------------


def _rfc9421_claim(fields: _HeaderFields, method: str, target: httpx.URL, body: bytes) -> _Claim:
    inputs = _dictionary(fields.required("signature-input"), "Signature-Input")
    signatures = _dictionary(fields.required("signature"), "Signature")
    label, signature_input = next(iter(inputs.items()))
    signature = signatures.get(label)
    if signature is None or not isinstance(signature.value, bytes):
        raise SignatureError(f"Signature has no byte sequence for {label}")
    if not isinstance(signature_input.value, list):
        raise SignatureError(f"Signature-Input {label} is not a list of components")
    parameters = signature_input.parameters
    key_id, algorithm = parameters.get("keyid"), parameters.get("alg")
    if not isinstance(key_id, str) or isinstance(key_id, Token):
        raise SignatureError(f"Signature-Input {label} has no keyid string")
    if algorithm is not None and algorithm not in _RFC9421_ALGORITHMS:
        raise SignatureError(f"unsupported signature algorithm {algorithm}")
    if "created" not in parameters:
        raise SignatureError(f"Signature-Input {label} has no created time")
    covered = tuple(_component_name(item) for item in signature_input.value)
    with_body = () if method in BODYLESS_METHODS else ("content-digest",)
    _require_covered(covered, ("@method", "@target-uri", *with_body))
    if "host" in covered:
        _check_host(fields, target)
    if method not in BODYLESS_METHODS:
        _check_body_hashes(_content_digest_hashes(fields.required("content-digest")), body, "Content-Digest")
    lines = [f'"{name}": {_component_value(name, method, target, fields)}' for name in covered]
    lines.append(f'"@signature-params": {signature_input.raw}')
    return _Claim(
        standard="rfc9421",
        key_id=key_id,
        algorithm=algorithm,
        signature=signature.value,
        message="\n".join(lines).encode("utf-8"),
        covered=covered,
        signed_at=_timestamp(parameters["created"], "created"),
        expires_at=_timestamp(parameters["expires"], "expires") if "expires" in parameters else None,
    )


def _content_digest_hashes(value: str) -> list[tuple[str, bytes]]:
    """RFC 9530 ``sha-256=:<b64>:[, sha-512=:<b64>:]`` as (algorithm, hash) pairs."""
    hashes_sent = []
    for name, member in _dictionary(value, "Content-Digest").items():
        if not isinstance(member.value, bytes):
            raise SignatureError(f"Content-Digest {name} is not a byte sequence")
        hashes_sent.append((name, member.value))
    return hashes_sent


def _component_name(item: Member) -> str:
    if not isinstance(item.value, str) or isinstance(item.value, Token):
        raise SignatureError("Signature-Input component is not a string")
    if item.parameters:
        raise SignatureError(f"unsupported parameters on component {item.value}")
    if item.value != item.value.lower():
        raise SignatureError(f"component {item.value} is not lower case")
    return item.value


def _component_value(name: str, method: str, target: httpx.URL, fields: _HeaderFields) -> str:
    """A header's value, or one of the derived components we support (others are refused)."""
    if not name.startswith("@"):
        return fields.joined(name)
    request_target = target.raw_path.decode("ascii")
    path, _, query = request_target.partition("?")
    derived = {
        "@method": method,
        "@target-uri": str(target),
        "@authority": host_of(target),
        "@scheme": target.scheme,
        "@request-target": request_target,
        "@path": path,
        "@query": f"?{query}",
    }
    if name not in derived:
        raise SignatureError(f"unsupported derived component {name}")
    return derived[name]


def _dictionary(value: str, header: str) -> dict[str, Member]:
    """A structured-field dictionary header; what cannot be parsed is a refused signature."""
    try:
        return parse_dictionary(value, header)
    except UnparseableField as exc:
        raise SignatureError(str(exc)) from exc
