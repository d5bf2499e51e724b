"""API: the signed-in account's notification preferences, for each of its identities.

Only the account's owner reads this, so listing its identities together reveals nothing
to anyone else. Labels come in the account's language (its plugins' catalogues merged in,
as on the pages), so a client can show the choices without a catalogue of its own.
"""

from __future__ import annotations

import msgspec
from babel.support import Translations
from litestar import Controller, get, patch

from core.auth import Caller, signed_in
from core.context import Ctx
from core.i18n import translations
from core.identities.models import Identity
from core.identities.schemas import IdentityName
from core.identities.service import own_identity
from core.notifications.preferences import preferences, set_preferences, topics
from core.plugins import call_sync


class ChoiceOut(msgspec.Struct):
    value: str
    label: str


class TopicOut(msgspec.Struct):
    name: str
    label: str
    choices: list[ChoiceOut]
    default: str


class IdentityPreferencesOut(msgspec.Struct):
    identity: str  # the identity's username
    preferences: dict[str, str]  # topic -> value


class NotificationSettingsOut(msgspec.Struct):
    topics: list[TopicOut]
    identities: list[IdentityPreferencesOut]


class PreferencesInput(msgspec.Struct, forbid_unknown_fields=True):
    identity: IdentityName
    # topic -> value; each is checked against the topics (a 422 naming a wrong one, nothing written)
    preferences: dict[str, str]


def catalogue(ctx: Ctx, language: str) -> Translations:
    """Core's catalogue with the plugins' merged in: plugins' topics carry their own labels."""
    folders = tuple(folder for folders in call_sync(ctx.pm, "convene_locale_dirs") for folder in folders)
    return translations(language, folders)


async def _identity_out(ctx: Ctx, identity: Identity) -> IdentityPreferencesOut:
    return IdentityPreferencesOut(identity.username, await preferences(ctx, identity))


class NotificationPreferenceController(Controller):
    path = "/api/v1/me/notifications"
    tags = ["notifications"]

    @get("", guards=[signed_in])
    async def show(self, ctx: Ctx, api: Caller) -> NotificationSettingsOut:
        """The topics you can be notified of (labels in your language), and each of your identities' choices."""
        gettext = catalogue(ctx, api.require_account().locale).gettext
        found = [TopicOut(topic.name, gettext(topic.label), [ChoiceOut(value, gettext(label))
                                                             for value, label in topic.choices], topic.default)
                 for topic in topics(ctx).values()]
        return NotificationSettingsOut(found, [await _identity_out(ctx, identity) for identity in api.identities])

    @patch("", guards=[signed_in])
    async def change(self, ctx: Ctx, api: Caller, data: PreferencesInput) -> IdentityPreferencesOut:
        """Change some of one identity's choices; topics left out keep theirs. An unknown topic or value
        is refused (422, naming it) and nothing is changed."""
        identity = await own_identity(ctx, api.require_account(), data.identity)
        await set_preferences(ctx, identity, data.preferences)
        return await _identity_out(ctx, identity)
