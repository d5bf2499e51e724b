"""Uploaded pictures (avatars, banners): checked, re-encoded, stored under the data folder.

Re-encoding with Pillow proves the file is the image it claims to be and drops
metadata such as GPS coordinates that a phone photo carries.
"""

from __future__ import annotations

import io
import secrets
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from core.errors import InvalidInput
from core.i18n import Message

ALLOWED = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}
Image.MAX_IMAGE_PIXELS = 40_000_000


def store_image(media_dir: Path, folder: str, data: bytes, field: str, max_bytes: int, max_side: int) -> str:
    """Validate and save an image; returns its path relative to the media folder."""
    if not data:
        raise InvalidInput.field(field, "the file is empty")
    if len(data) > max_bytes:
        raise InvalidInput.field(field, Message("the file is larger than %(size)s KB", size=max_bytes // 1024))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image: Image.Image = Image.open(io.BytesIO(data))
        fmt = image.format
        if fmt not in ALLOWED:
            raise InvalidInput.field(field, "only PNG, JPEG, GIF and WebP pictures are accepted")
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError):
        raise InvalidInput.field(field, "this file is not a picture we can read (PNG, JPEG, GIF or WebP)") from None
    image.thumbnail((max_side, max_side))
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    relative = f"{folder}/{secrets.token_hex(16)}.{ALLOWED[fmt]}"
    target = media_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    out = io.BytesIO()
    image.save(out, format=fmt)
    target.write_bytes(out.getvalue())
    return relative


def remove_image(media_dir: Path, relative: str | None) -> None:
    if relative:
        (media_dir / relative).unlink(missing_ok=True)
