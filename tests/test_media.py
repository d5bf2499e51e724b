"""Uploaded pictures: bombs refused before decoding, decoding away from the event loop, /media serving
only what was stored.

The pictures are decoded by the instance's pool of worker processes (core.image_workers); these tests
use that pool as it runs, and watch its processes from outside (their ids, SIGSTOP, SIGKILL),
never replacing any of it.
"""

from __future__ import annotations

import io
import os
import signal
import struct
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path

import pytest
from litestar.testing import TestClient
from PIL import ExifTags, Image, PngImagePlugin

from core.context import Ctx
from core.identities.service import local_identity, update_identity
from core.image_decoding import MAX_PIXELS, MAX_SIDE
from core.image_workers import ImageWorkers, image_workers
from core.media import TOO_LARGE_TO_PROCESS
from core.viewer import ANONYMOUS
from helpers import field_errors, new_event, sign_up, wait_for
from test_web_events import event_form
from webhelpers import field_error, log_in, png_bytes, second_browser, submit

TOO_LARGE = "this picture is too large: at most 8000 pixels a side and 16 megapixels"
SECRET = "secret-48.8566N-2.3522E"
UNREADABLE = "this file is not a picture we can read (PNG, JPEG, GIF or WebP)"


def png_of_zeros(width: int, height: int, colour_type: int = 2, channels: int = 3) -> bytes:
    """A valid 8-bit PNG of black pixels (RGB by default), built row by row: never held decoded in memory.

    Deflate shrinks the zero rows about a thousand times, so an 8900x8900 RGB picture
    (240 MB once decoded) is a file of about 230 KB: the image bomb of the issue.
    """
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = bytes(1 + width * channels)  # filter byte 0, then the pixels
    packer = zlib.compressobj(9)
    compressed = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", compressed) + chunk(b"IEND", b"")


@cache
def bomb() -> bytes:
    return png_of_zeros(8900, 8900)


def picture(fmt: str, size: int = 64) -> bytes:
    """A noisy picture (it does not compress to almost nothing) in the given format."""
    out = io.BytesIO()
    Image.effect_noise((size, size), 64).convert("RGB").save(out, format=fmt)
    return out.getvalue()


def multipart(*parts: tuple[str, str | None, bytes]) -> tuple[bytes, dict[str, str]]:
    """A multipart body as curl -F makes it: (name, filename or None for a plain field, content)."""
    body = b""
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        body += f"--XyZ\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + content + b"\r\n"
    return body + b"--XyZ--\r\n", {"Content-Type": "multipart/form-data; boundary=XyZ"}


def stored(client: TestClient) -> list[Path]:
    media = client.app.state.settings.media_dir
    return sorted(path for path in media.rglob("*") if path.is_file())


def decoding_processes() -> list[int]:
    """The ids of this process's children that are spawned pool workers (core.image_workers')."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                command = (entry / "cmdline").read_bytes()
            except (OSError, IndexError):
                continue  # the process ended while we looked
            if ppid == os.getpid() and b"spawn_main" in command:
                found.append(int(entry.name))
    return found


@pytest.fixture
def alice(client: TestClient) -> dict[str, str]:
    return sign_up(client, "alice@example.org", "alice")


def put_avatar(client: TestClient, headers: dict[str, str], content: bytes, name: str = "me.png"):  # noqa: ANN201
    return client.put("/api/v1/identities/alice/avatar", headers=headers, files={"data": (name, content, "image/png")})


def test_the_bomb_is_what_the_issue_describes():
    data = bomb()
    assert len(data) < 300 * 1024
    assert data[12:16] == b"IHDR" and struct.unpack(">II", data[16:24]) == (8900, 8900)
    assert MAX_PIXELS < 8900 * 8900 and MAX_SIDE < 8900


def test_an_image_bomb_is_refused_through_the_api_and_nothing_is_stored(client, alice):
    refused = put_avatar(client, alice, bomb())
    assert refused.status_code == 422, refused.text
    assert field_errors(refused) == {"avatar": TOO_LARGE}
    event = new_event(client, alice)
    refused = client.put(f"/api/v1/events/{event['uuid']}/banner", headers=alice,
                         files={"data": ("b.png", bomb(), "image/png")})
    assert refused.status_code == 422 and field_errors(refused) == {"banner": TOO_LARGE}
    assert stored(client) == []
    assert client.get("/api/v1/identities/alice").json()["avatar_url"] is None
    assert client.get(f"/api/v1/events/{event['uuid']}").json() == event


def test_a_picture_over_the_side_limit_is_refused_though_under_the_pixel_limit(client, alice):
    refused = put_avatar(client, alice, png_of_zeros(MAX_SIDE + 1, 10))
    assert refused.status_code == 422 and field_errors(refused) == {"avatar": TOO_LARGE}
    assert put_avatar(client, alice, png_of_zeros(MAX_SIDE, 10)).status_code == 200


def test_an_image_bomb_is_refused_by_the_web_forms_and_nothing_is_stored(client, alice):
    log_in(client, "alice@example.org")
    page = "/identities/alice/edit"
    refused = submit(client, page, page, {"display_name": "Alice B.", "bio": ""},
                     files={"avatar": ("avatar.png", bomb(), "image/png")})
    assert refused.status_code == 422
    assert field_error(refused.text, "edit", "avatar") == TOO_LARGE
    refused = submit(client, "/events/new", "/events/new", event_form(),
                     files={"banner": ("banner.png", bomb(), "image/png")})
    assert refused.status_code == 422
    assert field_error(refused.text, "event", "banner") == TOO_LARGE
    assert stored(client) == []
    assert client.get("/api/v1/identities/alice").json()["display_name"] == "alice", "the profile is unchanged"
    assert "Nothing here yet." in client.get("/my/events?tab=drafts").text


def test_a_bomb_within_the_pixel_limit_but_over_the_memory_bound_is_too_large_to_process(client, alice):
    """16 megapixels of RGBA (64 MB decoded, a 62 KB file) in workers capped at 48 MB of address space.

    The instance's cap (512 MB) is far above what any picture within the pixel limit needs, so
    this test lowers it, before the pool's first use, to show what happens when a decode meets it.
    """
    image_workers(client.app.state.runtime).memory_bytes = 48 * 1024 * 1024
    refused = put_avatar(client, alice, png_of_zeros(4000, 4000, colour_type=6, channels=4))
    assert refused.status_code == 422, refused.text
    assert field_errors(refused) == {"avatar": TOO_LARGE_TO_PROCESS}
    assert stored(client) == []


def test_an_upload_without_its_file_part_is_a_clear_400(client, alice):
    event = new_event(client, alice)
    for path in ("/api/v1/identities/alice/avatar", f"/api/v1/events/{event['uuid']}/banner"):
        for parts, message in (([("b", None, b"1")], "this field is required"),
                               ([("other", "me.png", png_bytes())], "this field is required"),
                               ([("data", None, b"1")], "expected a file")):
            body, headers = multipart(*parts)
            answer = client.put(path, headers={**alice, **headers}, content=body)
            assert answer.status_code == 400, (path, parts[0][:2], answer.text)
            assert field_errors(answer) == {"data": message}
    assert stored(client) == []


@pytest.mark.parametrize(("content", "message"), [
    (b"", "the file is empty"),
    (b"%PDF-1.4 not a picture", UNREADABLE),
    (picture("PNG")[:2000], UNREADABLE),  # a truncated PNG: its header is whole, its pixels are not
    (picture("BMP"), UNREADABLE),  # Pillow reads it, we do not take it
], ids=["empty", "not a picture", "truncated png", "bmp"])
def test_a_file_that_is_not_a_picture_we_take_is_refused(client, alice, content, message):
    event = new_event(client, alice)
    refused = put_avatar(client, alice, content)
    assert refused.status_code == 422 and field_errors(refused) == {"avatar": message}
    refused = client.put(f"/api/v1/events/{event['uuid']}/banner", headers=alice,
                         files={"data": ("b.png", content, "image/png")})
    assert refused.status_code == 422 and field_errors(refused) == {"banner": message}
    assert client.get(f"/api/v1/events/{event['uuid']}").json() == event, "an empty file does not remove the banner"
    assert stored(client) == []


def phone_photo(width: int = 2400, height: int = 1600, orientation: int = 1) -> bytes:
    """A JPEG with what a phone writes in it: GPS coordinates, the camera, an orientation."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (48.0, 51.0, 24.0),
                                  ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (2.0, 21.0, 5.0)}
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(out, format="JPEG", exif=exif, quality=80)
    return out.getvalue()


def test_a_real_picture_is_re_encoded_shrunk_and_stripped_of_its_gps_coordinates(client, alice):
    photo = phone_photo()
    with Image.open(io.BytesIO(photo)) as original:
        assert ExifTags.IFD.GPSInfo in original.getexif(), "the test photo carries GPS coordinates"
    event = new_event(client, alice)
    answer = client.put(f"/api/v1/events/{event['uuid']}/banner", headers=alice,
                        files={"data": ("photo.jpg", photo, "image/jpeg")})
    assert answer.status_code == 200, answer.text
    served = client.get(answer.json()["banner_url"])
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(served.content)) as banner:
        assert banner.format == "JPEG" and banner.size == (1920, 1280)
        assert not banner.getexif(), "no EXIF at all: no GPS, no camera"
    assert b"PhoneMaker" not in served.content


def picture_with_a_secret(fmt: str) -> bytes:
    """A picture of the format carrying ``SECRET`` in each kind of metadata it can hold."""
    exif = Image.Exif()
    exif[ExifTags.Base.ImageDescription] = SECRET
    image = Image.effect_noise((40, 30), 64).convert("RGB")
    options: dict = {"exif": exif}
    if fmt == "PNG":
        options["pnginfo"] = PngImagePlugin.PngInfo()
        options["pnginfo"].add_text("Comment", SECRET)
        options["pnginfo"].add_text("Location", SECRET, zip=True)
    if fmt == "GIF":
        options = {"comment": SECRET}
    if fmt == "WEBP":
        options["xmp"] = f"<x:xmpmeta>{SECRET}</x:xmpmeta>".encode()
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_no_metadata_survives_the_re_encoding(client, alice, fmt):
    original = picture_with_a_secret(fmt)
    assert SECRET.encode() in original
    answer = put_avatar(client, alice, original, f"picture.{fmt.lower()}")
    assert answer.status_code == 200, answer.text
    served = client.get(answer.json()["avatar_url"]).content
    assert SECRET.encode() not in served
    with Image.open(io.BytesIO(served)) as avatar:
        assert avatar.format == fmt and avatar.size == (40, 30)
        assert not avatar.getexif() and "comment" not in avatar.info and "xmp" not in avatar.info
        assert not any(SECRET in str(value) for value in avatar.info.values())


def test_a_picture_is_turned_upright_as_its_exif_orientation_said(client, alice):
    answer = put_avatar(client, alice, phone_photo(60, 20, orientation=6), "photo.jpg")  # 6: turn 90 degrees
    assert answer.status_code == 200, answer.text
    with Image.open(io.BytesIO(client.get(answer.json()["avatar_url"]).content)) as avatar:
        assert avatar.size == (20, 60)


def test_media_serves_only_the_pictures_stored_with_a_safe_type_and_disposition(client, alice):
    answer = put_avatar(client, alice, png_bytes())
    url = answer.json()["avatar_url"].removeprefix("http://testserver.local")
    name = url.rsplit("/", 1)[1]
    served = client.get(url)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png"
    assert served.headers["content-disposition"] == f'inline; filename="{name}"'
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in served.headers["content-security-policy"]
    assert client.head(url).status_code == 200

    media = client.app.state.settings.media_dir
    (media / "notes.html").write_text("<script>alert(1)</script>")
    (media / "avatars" / "page.html").write_text("<script>alert(1)</script>")
    (media / "elsewhere").mkdir()
    (media / "elsewhere" / name).write_bytes(served.content)
    (media / "avatars" / name.replace(".png", ".svg")).write_bytes(b"<svg/>")
    (media / "avatars" / name.upper()).write_bytes(served.content)
    for path in ("/media/notes.html", "/media/avatars/page.html", f"/media/elsewhere/{name}",
                 f"/media/avatars/{name.replace('.png', '.svg')}", f"/media/avatars/{name.upper()}",
                 "/media/avatars/" + "0" * 32 + ".png", "/media/avatars/..%2Fnotes.html", "/media/avatars"):
        assert client.get(path).status_code == 404, path


@contextmanager
def one_stopped_worker(client: TestClient, headers: dict[str, str]) -> Iterator[tuple[ImageWorkers, int]]:
    """The pool reduced to one worker, which decodes a first picture, then is stopped (SIGSTOP)
    until the block ends: what is sent to it waits, as behind a long decode."""
    workers = image_workers(client.app.state.runtime)
    workers.workers = 1
    assert put_avatar(client, headers, png_bytes()).status_code == 200
    [worker] = decoding_processes()
    assert worker != os.getpid(), "the picture was decoded in another process"
    os.kill(worker, signal.SIGSTOP)
    try:
        yield workers, worker
    finally:
        with suppress(ProcessLookupError):  # unless a test killed it
            os.kill(worker, signal.SIGCONT)


def upload_in_background(client: TestClient, headers: dict[str, str], content: bytes) -> tuple[threading.Thread, list]:
    answers: list = []
    thread = threading.Thread(target=lambda: answers.append(put_avatar(second_browser(client), headers, content)))
    thread.start()
    return thread, answers


def test_requests_are_answered_while_a_picture_is_being_decoded(client, alice):
    with one_stopped_worker(client, alice) as (workers, _):
        thread, answers = upload_in_background(client, alice, png_bytes(48))
        wait_for(lambda: workers.pending == 1)  # the upload waits on the stopped worker
        assert client.get("/healthz").status_code == 200
        assert client.get("/api/v1/identities/alice").status_code == 200
        assert workers.pending == 1 and not answers, "those answers came while the picture was still in the worker"
    thread.join()
    assert answers[0].status_code == 200, answers[0].text


def test_a_worker_killed_while_decoding_refuses_that_picture_and_the_pool_is_rebuilt(client, alice):
    with one_stopped_worker(client, alice) as (workers, worker):
        before = client.get("/api/v1/identities/alice").json()["avatar_url"]
        thread, answers = upload_in_background(client, alice, png_bytes(48))
        wait_for(lambda: workers.pending == 1)
        os.kill(worker, signal.SIGKILL)  # as the kernel's OOM killer would
        thread.join()
    assert answers[0].status_code == 422 and field_errors(answers[0]) == {"avatar": TOO_LARGE_TO_PROCESS}
    assert client.get("/api/v1/identities/alice").json()["avatar_url"] == before
    assert len(stored(client)) == 1, "only the first picture"
    again = put_avatar(client, alice, png_bytes(48))
    assert again.status_code == 200, again.text
    assert decoding_processes() not in ([], [worker]), "a new worker decoded it"



def replace_avatar(client: TestClient, commit: bool) -> None:
    """Give alice a new avatar through the service, then commit or roll back the transaction."""

    async def run() -> None:
        async with client.app.state.sessionmaker() as session:
            ctx = Ctx(session, client.app.state.runtime, ANONYMOUS)
            await update_identity(ctx, await local_identity(ctx, "alice"), avatar=png_bytes(40))
            await (session.commit() if commit else session.rollback())

    with client.portal() as portal:
        portal.call(run)


def test_a_stored_picture_follows_the_transaction_that_named_it(client, alice):
    """Rolled back (a form refused further on, a failed request): the new file goes and the old one
    stays; committed: the old file goes."""
    assert put_avatar(client, alice, png_bytes()).status_code == 200
    [first] = stored(client)
    replace_avatar(client, commit=False)
    assert stored(client) == [first]
    replace_avatar(client, commit=True)
    [second] = stored(client)
    assert second != first
    assert client.get(client.get("/api/v1/identities/alice").json()["avatar_url"]).status_code == 200


def test_only_the_first_frame_of_an_animation_is_kept(client, alice):
    frames = [Image.new("RGB", (32, 32), (index * 20, 0, 0)) for index in range(10)]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    answer = put_avatar(client, alice, out.getvalue(), "moving.gif")
    assert answer.status_code == 200, answer.text
    with Image.open(io.BytesIO(client.get(answer.json()["avatar_url"]).content)) as avatar:
        assert avatar.format == "GIF" and getattr(avatar, "n_frames", 1) == 1
