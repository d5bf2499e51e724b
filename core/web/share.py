"""Sharing an event to a Mastodon account on any server.

Mastodon (and Pleroma, Akkoma, GoToSocial...) open a pre-filled post at
``https://<server>/share?text=...``. We ask for the person's server in a small form and
build the address there: only ``https://`` plus a checked hostname plus ``/share``.

We answer with a page holding that link, naming the server, and never redirect. Any
hostname passes the check, so a redirect would let anyone write a link to this site
that lands on a server of their choosing (an open redirect for phishing). Vouching for
the host instead (asking it whether it is a fediverse server) would need the federation
plugin's guarded client from core, make every share a request to a host a stranger
typed, and still vouch for any server an attacker sets up; showing where the link goes,
one click away, needs none of that.
"""

from __future__ import annotations

import re
from urllib.parse import quote

LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
MAX_HOSTNAME = 253


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
