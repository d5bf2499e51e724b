"""Property tests of the signature headers' parsers (draft-cavage ``Signature``, RFC 9421
``Signature-Input`` and ``Signature``, RFC 8941 structured fields): whatever headers arrive,
the request is verified or refused with ``SignatureError`` (the inbox's 401), never with
another exception."""

from __future__ import annotations

import asyncio
import re

from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import given
from hypothesis import strategies as st

from hostile_strategies import HOSTILE, header_text
from plugins.federation_activitypub.keys import PublicKey
from plugins.federation_activitypub.signatures import SignatureError, Signer, verify_request
from plugins.federation_activitypub.structured_fields import UnparseableField, parse_dictionary
from test_rfc9421 import BODY, INBOX, KEY_ID, POST_COMPONENTS, rfc9421_signed

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
SIGNATURE_HEADERS = ["signature", "signature-input", "date", "host", "digest", "content-digest"]
# the characters that structure these headers, so that generated values get past the first character
STRUCTURE = st.sampled_from(list('=;,:()" ?*-./+') + ["keyId", "sig1", "headers", "signature", "created",
                                                       "expires", "alg", "keyid", "(request-target)", "@method",
                                                       "sha-256", "SHA-256", "hs2019", "rsa-sha256"])
structured_text = st.lists(STRUCTURE | header_text.map(lambda text: text[:3]), max_size=25).map("".join)


async def our_key(key_id: str, refresh: bool) -> PublicKey | None:
    return KEY.public_key() if key_id == KEY_ID else None


def verified_or_refused(method: str, headers: dict[str, str] | list[tuple[str, str]], body: bytes) -> None:
    try:
        asyncio.run(verify_request(method, INBOX, headers, body, our_key))
    except SignatureError as exc:
        assert exc.reason


def cavage_headers() -> dict[str, str]:
    return {name.lower(): value for name, value in Signer(KEY_ID, KEY).sign("POST", INBOX, BODY).items()}


@st.composite
def changed_headers(draw: st.DrawFn, headers: dict[str, str]) -> dict[str, str]:
    """A signed request's headers, one to three of them cut, spliced with arbitrary text, added or removed."""
    changed = dict(headers)
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(changed)) | st.sampled_from(SIGNATURE_HEADERS))
        value = changed.get(name, "")
        start = draw(st.integers(0, len(value)))
        end = draw(st.integers(start, len(value)))
        action = draw(st.sampled_from(["splice", "replace", "remove"]))
        if action == "remove":
            changed.pop(name, None)
        elif action == "replace":
            changed[name] = draw(structured_text | header_text)
        else:
            changed[name] = value[:start] + draw(structured_text | header_text) + value[end:]
    return changed


def test_a_valid_signature_of_each_standard_verifies() -> None:
    """The starting points of the properties below are accepted as they are."""
    for headers in (cavage_headers(), rfc9421_signed(KEY, "POST", INBOX, POST_COMPONENTS, BODY)):
        verified = asyncio.run(verify_request("POST", INBOX, headers, BODY, our_key))
        assert verified.key_id == KEY_ID


@HOSTILE
@given(st.deferred(lambda: changed_headers(cavage_headers())), st.sampled_from(["POST", "GET"]))
def test_a_changed_draft_cavage_signature_is_verified_or_refused(headers: dict[str, str], method: str) -> None:
    verified_or_refused(method, headers, BODY)


CAVAGE_PARAMETERS = re.compile(r'([A-Za-z]+)="([^"]*)"')
# values latin-1 allows in a quoted parameter: anything but the quote itself
parameter_text = header_text.map(lambda text: text.replace('"', ""))
# numbers as latin-1 writes them: 0-9, and ¹ ² ³ ¼ ½ ¾, which str.isdigit() partly counts as digits
numerals = st.text(alphabet=st.characters(max_codepoint=0xFF, categories=["Nd", "No"]), min_size=1, max_size=12)


@st.composite
def changed_parameters(draw: st.DrawFn) -> dict[str, str]:
    """A valid draft-cavage request whose ``Signature`` parameters are changed, added or dropped one by one."""
    headers = cavage_headers()
    parameters = dict(CAVAGE_PARAMETERS.findall(headers["signature"]))
    for name in draw(st.sets(st.sampled_from([*parameters, "created", "expires", "extra"]), min_size=1, max_size=3)):
        value = draw(st.none() | parameter_text | numerals | st.integers(-(10**20), 10**20).map(str))
        if value is None:
            parameters.pop(name, None)
        else:
            parameters[name] = value
    headers["signature"] = ",".join(f'{name}="{value}"' for name, value in parameters.items())
    return headers


@HOSTILE
@given(changed_parameters())
def test_draft_cavage_parameters_of_any_value_are_verified_or_refused(headers: dict[str, str]) -> None:
    verified_or_refused("POST", headers, BODY)


@HOSTILE
@given(st.deferred(lambda: changed_headers(rfc9421_signed(KEY, "POST", INBOX, POST_COMPONENTS, BODY))),
       st.sampled_from(["POST", "GET"]))
def test_a_changed_rfc9421_signature_is_verified_or_refused(headers: dict[str, str], method: str) -> None:
    verified_or_refused(method, headers, BODY)


@HOSTILE
@given(st.lists(st.tuples(st.sampled_from(SIGNATURE_HEADERS), structured_text | header_text), max_size=6),
       st.sampled_from(["POST", "GET"]), st.binary(max_size=20))
def test_any_signature_headers_are_verified_or_refused(pairs: list[tuple[str, str]], method: str, body: bytes) -> None:
    verified_or_refused(method, pairs, body)


@HOSTILE
@given(structured_text | header_text)
def test_any_structured_field_is_a_dictionary_or_refused(text: str) -> None:
    try:
        members = parse_dictionary(text, "Signature-Input")
    except UnparseableField as exc:
        assert "Signature-Input" in str(exc)
    else:
        assert members, "a dictionary that parses has a member"


