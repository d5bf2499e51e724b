"""Reading HTML forms and answering a refused one.

A refused form is shown again with what the person typed and a message next to each
field. Before that, the request's transaction is rolled back, so a half-done action
(an event created but its banner refused) never commits; the objects the page still
shows are then reloaded, since a rollback leaves them expired.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar.datastructures import UploadFile
from litestar.params import MultipartBody, URLEncodedBody

from core.auth import Caller
from core.context import Ctx
from core.errors import DomainError, InvalidInput

Form = URLEncodedBody[dict[str, str]]
UploadForm = MultipartBody[dict[str, Any]]
FORM_ERROR = "_form"  # the key of a message about the whole form rather than one field


@dataclass
class Failure:
    """A refused form: its name (pages with several forms show the message in the right one),
    the message for each field, and the values to show again."""

    form: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)


def failure(form: str, exc: DomainError, values: dict[str, Any]) -> Failure:
    errors = exc.errors if isinstance(exc, InvalidInput) else {FORM_ERROR: exc.message}
    kept = {k: v for k, v in values.items() if not isinstance(v, UploadFile) and k != "_csrf_token"}
    return Failure(form, errors, kept)


async def undo(ctx: Ctx, me: Caller, *shown: object) -> None:
    """Roll back what the refused action wrote, then reload what the page will show again."""
    await ctx.session.rollback()
    for obj in (me.account, me.credential, *me.identities, *shown):
        if obj is not None:
            await ctx.session.refresh(obj)


async def uploaded(data: dict[str, Any], name: str, max_bytes: int) -> bytes | None:
    """The bytes of a file field, or None when no file was chosen.

    One byte more than the limit is read so the image check can say the file is too large.
    """
    upload = data.get(name)
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    return await upload.read(max_bytes + 1)


def checked(data: dict[str, Any], name: str) -> bool:
    """An HTML checkbox: present when ticked, absent otherwise."""
    return name in data


def text(data: dict[str, Any], name: str) -> str:
    """A text field as typed (services trim and clean), or "" when absent."""
    value = data.get(name, "")
    return value if isinstance(value, str) else ""
