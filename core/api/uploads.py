"""The multipart body of the API's picture uploads (an avatar, a banner)."""

from __future__ import annotations

from dataclasses import dataclass

from litestar.datastructures import UploadFile


@dataclass
class PictureUpload:
    """One file part named ``data``.

    A model rather than a bare ``UploadFile``: Litestar then checks that the part is there
    and is a file (a body without it is a 400 naming ``data``), where a bare
    ``UploadFile`` takes any file part and fails with a server error when there is none.
    """

    data: UploadFile
