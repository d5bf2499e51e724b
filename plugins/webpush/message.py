"""What a push carries: the notification as JSON, encrypted for one browser (RFC 8291).

The service worker (themes/default/static/service-worker.js) reads ``title``, ``body``,
``url`` and ``kind``. Push services promise to carry 4096 bytes of encrypted body; the
aes128gcm header (86 bytes with our key), the padding delimiter and the tag (17) leave
``MAX_PLAINTEXT`` for the JSON, so a long text is cut (with an ellipsis) to fit.
"""

from __future__ import annotations

import json
import os

import http_ece
from cryptography.hazmat.primitives.asymmetric import ec

from core.notifications import Notification
from plugins.webpush.vapid import b64url_decode

PUSH_BODY_LIMIT = 4096
MAX_PLAINTEXT = PUSH_BODY_LIMIT - 86 - 17
ELLIPSIS = "…"


def payload(notification: Notification) -> bytes:
    """The notification's JSON, its text shortened until the whole fits ``MAX_PLAINTEXT``."""

    def encoded(body: str) -> bytes:
        return json.dumps({"title": notification.subject, "body": body, "url": notification.link,
                           "kind": notification.kind}, ensure_ascii=False).encode("utf-8")

    whole = encoded(notification.text)
    if len(whole) <= MAX_PLAINTEXT:
        return whole
    shortest, longest = 0, len(notification.text)  # the longest prefix that fits, by bisection
    while shortest < longest:
        middle = (shortest + longest + 1) // 2
        if len(encoded(notification.text[:middle] + ELLIPSIS)) <= MAX_PLAINTEXT:
            shortest = middle
        else:
            longest = middle - 1
    return encoded(notification.text[:shortest] + ELLIPSIS)


def encrypt(plaintext: bytes, p256dh: str, auth: str) -> bytes:
    """``plaintext`` for the browser whose public key and secret these are: a fresh key and salt each time."""
    return http_ece.encrypt(plaintext, salt=os.urandom(16), private_key=ec.generate_private_key(ec.SECP256R1()),
                            dh=b64url_decode(p256dh), auth_secret=b64url_decode(auth), version="aes128gcm")
