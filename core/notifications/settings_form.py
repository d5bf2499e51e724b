"""The "Notifications" form of the settings page: every identity's choice for every topic, in one form.

A field is named ``<username>.<topic>`` (usernames have no dot), so one form saves all the
account's identities, and the service's refusal of a value is shown next to its select.
Its owner alone sees this page, so the identities may stand side by side here.
"""

from __future__ import annotations

from typing import Any

from core.context import Ctx
from core.errors import InvalidInput
from core.identities.models import Identity
from core.notifications.preferences import preferences, set_preferences
from core.web.forms import FORM_ERROR

FORM = "notifications"


def field_name(identity: Identity, topic: str) -> str:
    return f"{identity.username}.{topic}"


async def current_values(ctx: Ctx, identities: list[Identity]) -> dict[str, str]:
    """What the form shows before anything is sent: each identity's choices, defaults filled in."""
    return {field_name(identity, topic): value
            for identity in identities for topic, value in (await preferences(ctx, identity)).items()}


async def save(ctx: Ctx, identities: list[Identity], data: dict[str, Any]) -> None:
    """Store what the form sent; any wrong field refuses it (the caller's transaction is then undone)."""
    chosen: dict[str, dict[str, str]] = {identity.username: {} for identity in identities}
    for key, value in data.items():
        username, dot, topic = key.partition(".")
        if not dot or not isinstance(value, str):
            continue  # the CSRF token
        if username not in chosen:
            raise InvalidInput.field(FORM_ERROR, "this is not one of your identities")
        chosen[username][topic] = value
    for identity in identities:
        try:
            await set_preferences(ctx, identity, chosen[identity.username])
        except InvalidInput as refused:
            raise InvalidInput({_field(identity, name): message for name, message in refused.errors.items()}) from None


def _field(identity: Identity, refused: str) -> str:
    """The form's field for a field the service refused (``topics.<name>``); the whole form for an unknown topic."""
    _, dot, topic = refused.partition(".")
    return field_name(identity, topic) if dot else FORM_ERROR
