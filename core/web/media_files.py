"""``/media``: the pictures core.media stored, and nothing else.

Only a name core.media writes is served (``avatars/`` or ``banners/``, 32 hexadecimal
digits, an image extension); any other path is a 404, so a file that landed in the media
folder some other way is never served. The Content-Type comes from the stored extension
alone (the file was re-encoded to that format), with ``X-Content-Type-Options: nosniff``
(added to every response) so a browser never takes a picture for something else; it is
shown ``inline`` under its own safe name. Its own Content-Security-Policy allows nothing
at all, since a picture needs no script, style or form, should the file ever be opened
as a document.
"""

from __future__ import annotations

import re

from litestar import get, head
from litestar.datastructures import State
from litestar.response import File

from core.errors import NotFound

MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}
FOLDERS = ("avatars", "banners")
STORED_NAME = re.compile(r"[0-9a-f]{32}\.(png|jpg|gif|webp)")
MEDIA_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox"
PATH = "/media/{folder:str}/{name:str}"


def _picture(state: State, folder: str, name: str) -> File:
    stored = STORED_NAME.fullmatch(name)
    path = state.settings.media_dir / folder / name
    if folder not in FOLDERS or stored is None or not path.is_file():
        raise NotFound("no such picture")
    return File(path, filename=name, media_type=MEDIA_TYPES[stored.group(1)], content_disposition_type="inline",
                headers={"Cache-Control": "public, max-age=86400", "Content-Security-Policy": MEDIA_POLICY})


@get(PATH, include_in_schema=False, sync_to_thread=False)
def picture(state: State, folder: str, name: str) -> File:
    """A stored avatar or banner."""
    return _picture(state, folder, name)


@head(PATH, include_in_schema=False, sync_to_thread=False)
def picture_head(state: State, folder: str, name: str) -> File:
    return _picture(state, folder, name)
