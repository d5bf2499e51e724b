"""Property: whatever bytes are uploaded as an avatar or a banner, the answer is a stored picture or a
4xx that stored nothing, never a server error.

Hypothesis makes arbitrary bytes, valid pictures of each accepted format with bytes of their
headers replaced or their end cut off, and PNG headers claiming any size, depth and colour
type in front of pixels that may not match. The examples are the same on every run
(derandomized), so a failure found once is found again.
"""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient
from PIL import Image

from helpers import new_event, sign_up
from test_media import picture, stored

VALID = {fmt: picture(fmt, size=24) for fmt in ("PNG", "JPEG", "GIF", "WEBP")}


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A valid picture with some of its first 300 bytes replaced, then perhaps cut short."""
    data = bytearray(VALID[draw(st.sampled_from(sorted(VALID)))])
    for _ in range(draw(st.integers(1, 8))):
        data[draw(st.integers(0, min(len(data), 300) - 1))] = draw(st.integers(0, 255))
    return bytes(data[: draw(st.integers(1, len(data)))]) if draw(st.booleans()) else bytes(data)


@st.composite
def png_headers(draw: st.DrawFn) -> bytes:
    """A PNG whose header (with a correct checksum) claims any size, depth and colour type, before some pixels."""
    header = struct.pack(">IIBBBBB", draw(st.integers(0, 2**31 - 1)), draw(st.integers(0, 2**31 - 1)),
                         draw(st.sampled_from([1, 2, 4, 8, 16, 0, 3, 255])), draw(st.sampled_from([0, 2, 3, 4, 6, 1, 7])),
                         0, 0, draw(st.sampled_from([0, 1])))
    pixels = zlib.compress(draw(st.binary(max_size=2000)))
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", pixels) + png_chunk(b"IEND", b"")


uploads = st.one_of(st.binary(max_size=3000), mutated(), png_headers())


@pytest.fixture
def organiser(client: TestClient) -> tuple[dict[str, str], str]:
    headers = sign_up(client, "alice@example.org", "alice")
    return headers, new_event(client, headers)["uuid"]


@settings(max_examples=400, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=uploads, banner=st.booleans())
def test_an_upload_is_a_stored_picture_or_a_4xx_that_stored_nothing(client, organiser, content, banner):
    headers, uuid = organiser
    before = stored(client)
    path = f"/api/v1/events/{uuid}/banner" if banner else "/api/v1/identities/alice/avatar"
    answer = client.put(path, headers=headers, files={"data": ("upload.bin", content, "application/octet-stream")})
    assert answer.status_code < 500, answer.text
    event(f"answered {answer.status_code}")
    if answer.status_code != 200:
        assert 400 <= answer.status_code < 500
        assert stored(client) == before, "a refused upload stored nothing"
        return
    served = client.get(answer.json()["banner_url" if banner else "avatar_url"])
    assert served.status_code == 200
    with Image.open(io.BytesIO(served.content)) as shown:
        shown.load()  # what is served is a whole picture
    assert len(stored(client)) <= 2, "a new avatar or banner replaces the old one, whose file goes"
