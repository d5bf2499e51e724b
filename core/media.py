"""Uploaded pictures (avatars, banners): checked, re-encoded away from the event loop, stored under the data folder.

The picture is decoded and re-encoded by core.image_workers (core.image_decoding states
the limits); a refused picture writes nothing, since the file is only written once a
worker has re-encoded it.

The files follow the request's transaction, as the rows naming them do: a picture
written in a transaction that is rolled back (a form refused further on, a failed
request) is deleted, and a replaced or deleted one is removed only once the transaction
that stopped naming it has committed. So a refusal leaves no stray file behind, and a
failure never leaves a row naming a file that is gone.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from core.errors import InvalidInput
from core.i18n import N_, Message
from core.image_decoding import DIMENSIONS, MAX_PIXELS, MAX_SIDE, MEMORY, UNREADABLE, Refused
from core.image_workers import image_workers

if TYPE_CHECKING:
    from core.context import Ctx

AVATAR_SIDE = 512  # a stored avatar is at most this many pixels a side (larger ones are shrunk)
BANNER_SIDE = 1920  # the same for a banner
TOO_LARGE_TO_PROCESS = N_("this picture is too large to process")
_FILES = "media_files"  # session.info: {"written": [...], "removed": [...]} in the current transaction


def _refusal(reason: str) -> str:
    if reason == DIMENSIONS:
        return Message("this picture is too large: at most %(side)s pixels a side and %(megapixels)s megapixels",
                       side=MAX_SIDE, megapixels=MAX_PIXELS // 1_000_000)
    if reason == MEMORY:
        return TOO_LARGE_TO_PROCESS
    assert reason == UNREADABLE, reason
    return N_("this file is not a picture we can read (PNG, JPEG, GIF or WebP)")


async def store_image(ctx: Ctx, folder: str, data: bytes, field: str, max_bytes: int, max_side: int) -> str:
    """Check, re-encode and save a picture; returns its path relative to the media folder."""
    if not data:
        raise InvalidInput.field(field, "the file is empty")
    if len(data) > max_bytes:
        raise InvalidInput.field(field, Message("the file is larger than %(size)s KB", size=max_bytes // 1024))
    try:
        encoded, extension = await image_workers(ctx.runtime).reencode(data, max_side)
    except Refused as refused:
        raise InvalidInput.field(field, _refusal(refused.reason)) from None
    relative = f"{folder}/{secrets.token_hex(16)}.{extension}"
    target = ctx.settings.media_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    _files(ctx.session.sync_session)["written"].append(target)
    target.write_bytes(encoded)
    return relative


def remove_image(ctx: Ctx, relative: str | None) -> None:
    """Remove a stored picture once the transaction commits (it stays if the transaction is rolled back)."""
    if relative:
        _files(ctx.session.sync_session)["removed"].append(ctx.settings.media_dir / relative)


def _files(session: Session) -> dict[str, list[Path]]:
    return session.info.setdefault(_FILES, {"written": [], "removed": []})


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the transaction goes on
        return
    for path in session.info.pop(_FILES, {}).get("removed", []):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is None:  # the whole transaction, not a savepoint within it
        for path in session.info.pop(_FILES, {}).get("written", []):
            path.unlink(missing_ok=True)
