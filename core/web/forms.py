"""Reading HTML forms and answering a refused one.

A refused form is shown again with what the person typed and a message next to each
field. Before that, the request's transaction is rolled back, so a half-done action
(an event created but its banner refused) never commits; the objects the page still
shows are then reloaded, since a rollback leaves them expired.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from litestar import Response
from litestar.datastructures import UploadFile
from litestar.params import MultipartBody, URLEncodedBody

from core.auth import Caller
from core.context import Ctx
from core.errors import DomainError, InvalidInput

Form = URLEncodedBody[dict[str, str]]
UploadForm = MultipartBody[dict[str, Any]]
FORM_ERROR = "_form"  # the key of a message about the whole form rather than one field


@dataclass
class FormState:
    """What a form shows: the values in its fields and, once refused, a message per field.

    ``form`` names the form, so a page with several (settings, an event's comments)
    shows a refusal in the form that was sent and leaves the others blank.
    """

    form: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    status_code: int = 200

    def of(self, form: str, values: dict[str, Any] | None = None) -> FormState:
        """This state if it is the named form's, else that form blank (or with ``values``)."""
        return self if form == self.form else FormState(form, dict(values or {}))


def refused(form: str, exc: DomainError, data: dict[str, Any]) -> FormState:
    """The form sent back with the service's messages; passwords and files are never echoed."""
    errors = exc.errors if isinstance(exc, InvalidInput) else {FORM_ERROR: exc.message}
    kept = {k: v for k, v in data.items()
            if isinstance(v, str) and "password" not in k and k != "_csrf_token"}
    return FormState(form, kept, errors, exc.status_code)


async def attempt(
    ctx: Ctx, me: Caller, form: str, data: dict[str, Any],
    action: Callable[[], Awaitable[Response]],
    show_again: Callable[[FormState], Response | Awaitable[Response]],
    *shown: object,
) -> Response:
    """Run a form's action; when a service refuses it, undo its writes and show the form again.

    ``shown`` are objects the page displays besides the caller's own (e.g. the event).
    """
    try:
        return await action()
    except DomainError as exc:
        await undo(ctx, me, *shown)
        answer = show_again(refused(form, exc, data))
        shown_again = await answer if inspect.isawaitable(answer) else answer
        shown_again.headers.update(exc.headers)  # e.g. a rate limit's Retry-After
        return shown_again


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
