"""Sharing an event to a Mastodon account on any server.

Mastodon (and Pleroma, Akkoma, GoToSocial...) open a pre-filled post at
``https://<server>/share?text=...``. We ask for the person's server in a small form and
redirect there. The redirect target is built, never taken: only ``https://`` plus a
checked hostname plus ``/share``, so the form cannot be used to send people to an
arbitrary address (no open redirect).

Browsers hold that redirect to the ``form-action`` of the page the form is on, so a
page carrying the form sends ``SHARING_PAGE_POLICY``: the usual policy
(core.web.security_headers) with form submissions allowed to lead to any https server.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from core.web.security_headers import content_security_policy

LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
MAX_HOSTNAME = 253
SHARING_PAGE_POLICY = content_security_policy({"form-action": "'self' https:"})


def server_hostname(typed: str) -> str | None:
    """The server's hostname from what a person typed, or None when it is not one.

    Accepts ``mastodon.social``, ``https://mastodon.social/`` and ``@me@mastodon.social``;
    internationalised names become their ASCII form. Refuses ports, paths, user info,
    IP addresses and single-label names.
    """
    text = typed.strip().lower().removeprefix("https://").removesuffix("/")
    if text.startswith("@") and text.count("@") == 2:
        text = text.rsplit("@", 1)[1]
    try:
        host = text.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = host.split(".")
    if len(host) > MAX_HOSTNAME or len(labels) < 2 or not all(LABEL.match(label) for label in labels):
        return None
    if labels[-1].isdigit():  # an IPv4 address, not a server name
        return None
    return host


def mastodon_share_url(host: str, text: str) -> str:
    """Where to send the person: their server's share page with the post written for them."""
    return f"https://{host}/share?text={quote(text, safe='')}"
