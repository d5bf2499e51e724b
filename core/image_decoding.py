"""Decoding and re-encoding one uploaded picture: what runs in core.image_workers' processes.

This module imports only Pillow and the standard library, so the spawned worker
processes start light; the web process never calls ``reencode`` itself (a picture is
only ever decoded in a worker, whose memory is capped).

The limits, checked from the file's header before a single pixel is decoded:

* ``MAX_SIDE``: at most 8,000 pixels a side;
* ``MAX_PIXELS``: at most 16,000,000 pixels (a 16-megapixel photo, an 8000x2000 banner).
  An 8900x8900 PNG of 300 KB (79 megapixels, about 240 MB once decoded) is refused
  without being decoded.
* Only the first frame of an animated GIF, WebP or PNG is decoded and kept, so the
  frame count does not multiply the cost.

Re-encoding proves the file is the picture it claims to be and drops the metadata a
phone photo carries (EXIF with its GPS coordinates, comments, XMP); the picture is first
turned upright as its EXIF orientation says, since that orientation is dropped too.
Only the transparency and the colour profile are kept: without them the picture would
not look the same.
"""

from __future__ import annotations

import contextlib
import io
import resource

from PIL import Image, ImageOps

FORMATS = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}  # accepted format: extension stored
MAX_SIDE = 8000
MAX_PIXELS = 16_000_000
KEPT_INFO = ("transparency", "icc_profile")
# Pillow's own check, a second fence behind ours (it refuses at twice this, and warns above it)
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

UNREADABLE = "unreadable"
DIMENSIONS = "dimensions"
MEMORY = "memory"


class Refused(Exception):
    """The picture is refused; ``reason`` is UNREADABLE, DIMENSIONS or MEMORY.

    A plain string, so the refusal crosses the process boundary (pickled) and the web
    process words it in the reader's language.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def limit_memory(max_bytes: int) -> None:
    """The pool's initializer: cap this process's address space.

    A picture that would need more makes Pillow's allocation fail (MemoryError) inside
    this process, instead of growing the machine's memory.
    """
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = max_bytes if hard == resource.RLIM_INFINITY else min(max_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def reencode(data: bytes, max_side: int) -> tuple[bytes, str]:
    """The picture re-encoded in its own format, shrunk to ``max_side`` a side at most; and its extension.

    Raises Refused. Pillow's parsers raise many kinds of errors on hostile input
    (OSError, SyntaxError, ValueError, struct.error, EOFError...): each means the file
    is not a picture we can read, except MemoryError, which means it is too large to
    process.
    """
    try:
        return _reencode(data, max_side)
    except Refused:
        raise
    except MemoryError:
        raise Refused(MEMORY) from None
    except Image.DecompressionBombError:
        raise Refused(DIMENSIONS) from None
    except Exception:  # noqa: BLE001 - whatever a parser raises on hostile bytes means "unreadable" (see above)
        raise Refused(UNREADABLE) from None


def _reencode(data: bytes, max_side: int) -> tuple[bytes, str]:
    with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:  # reads the header only
        width, height = image.size
        if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
            raise Refused(DIMENSIONS)
        fmt = image.format or ""
        image.draft(image.mode, (max_side, max_side))  # a JPEG is decoded at a reduced scale when it can be
        image.load()  # the first frame only
        _turn_upright(image)
        image.thumbnail((max_side, max_side))  # in place, like the turn: one copy of the pixels at a time
        for key in [key for key in image.info if key not in KEPT_INFO]:
            del image.info[key]  # what Pillow would write back: comments, EXIF, XMP...
        plain = image.convert("RGB") if fmt == "JPEG" and image.mode not in ("RGB", "L") else image
        out = io.BytesIO()
        plain.save(out, format=fmt)
    return out.getvalue(), FORMATS[fmt]


def _turn_upright(image: Image.Image) -> None:
    """Turn the picture as its EXIF orientation says; a broken EXIF block is ignored (it is dropped all the same)."""
    with contextlib.suppress(OSError, ValueError, SyntaxError, KeyError, TypeError):
        ImageOps.exif_transpose(image, in_place=True)
