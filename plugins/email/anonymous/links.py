"""The links mailed to an anonymous participant: confirm (short-lived) and cancel (in every mail)."""

from __future__ import annotations

from datetime import timedelta

from core.db.base import utcnow
from core.settings import Settings
from plugins.email.anonymous import tokens
from plugins.email.anonymous.models import AnonymousParticipation

# how long a confirmation link works; an unconfirmed participation is purged after that
CONFIRM_FOR = timedelta(hours=48)
# a cancel link is written into every mail, so each mail's link outlives any event it is about
CANCEL_FOR = timedelta(days=400)
CONFIRM_PATH, CANCEL_PATH = "/anonymous/confirm/", "/anonymous/cancel/"


def confirm_url(settings: Settings, row: AnonymousParticipation) -> str:
    token = tokens.sign(settings.secret_key, "confirm", row.uuid, utcnow() + CONFIRM_FOR)
    return settings.url(CONFIRM_PATH + token)


def cancel_url(settings: Settings, row: AnonymousParticipation) -> str:
    token = tokens.sign(settings.secret_key, "cancel", row.uuid, utcnow() + CANCEL_FOR)
    return settings.url(CANCEL_PATH + token)
