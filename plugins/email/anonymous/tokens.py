"""Signed links for anonymous participants (confirm, cancel), with no table of tokens.

A token is ``<participation uuid>.<expiry, unix seconds>.<HMAC-SHA256>``; the MAC, keyed by
the instance's ``secret_key``, covers the purpose, the uuid and the expiry, so nobody can
make a link for another participation, stretch one's life, or use a cancel link to confirm.
A link is not spent by use: what it acts on says whether it was used (a confirmed
participation answers "already confirmed"; a cancelled one is gone).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from datetime import datetime

from core.db.base import utcnow
from core.errors import DomainError
from core.i18n import N_

PURPOSES = ("confirm", "cancel")


class BadLink(DomainError):
    """A link that was altered, or made by someone without the key (400)."""


class ExpiredLink(DomainError):
    """A genuine link past its expiry (400)."""


def _mac(secret: str, purpose: str, body: str) -> str:
    digest = hmac.new(secret.encode(), f"convene.email.anonymous:{purpose}:{body}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign(secret: str, purpose: str, key: uuid.UUID, expires_at: datetime) -> str:
    assert purpose in PURPOSES
    body = f"{key.hex}.{int(expires_at.timestamp())}"
    return f"{body}.{_mac(secret, purpose, body)}"


def read(secret: str, purpose: str, token: str) -> uuid.UUID:
    """The participation's uuid a genuine, unexpired ``purpose`` token names; else BadLink or ExpiredLink."""
    parts = token.split(".") if token.isascii() else []
    if len(parts) != 3 or not hmac.compare_digest(_mac(secret, purpose, f"{parts[0]}.{parts[1]}").encode(),
                                                     parts[2].encode()):
        raise BadLink(N_("this link is not valid: copy the whole address from the mail"))
    key, expiry = parts[0], parts[1]
    if not expiry.isdigit() or int(expiry) < utcnow().timestamp():
        raise ExpiredLink(N_("this link has expired: join the event again to get a new one"))
    try:
        return uuid.UUID(hex=key)
    except ValueError:
        raise BadLink(N_("this link is not valid: copy the whole address from the mail")) from None
