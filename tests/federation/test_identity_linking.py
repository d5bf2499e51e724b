"""Nothing public tells whether two identities belong to one account.

Two worlds do the same things under the same names: in world X one account holds the
identities @a and @b; in world Y @a and @b are two people's. A third person, @c, and a
remote actor, mallory, act alike in both. Then every surface another person or server can
read is fetched anonymously, as @c (web session and API token) and as a server would, and
the two worlds' answers must be the same once what differs for honest reasons is set aside:
random identifiers (event and comment uuids, keys, CSRF tokens) and the moments things
happened. A difference would let anyone link @a and @b.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from litestar.testing import TestClient

from core.app import create_app
from helpers import empty_database, new_event, outbox_rows, sign_up, wait_for
from peer_fixtures import PUBLIC_URL, RemoteActor, federating_settings, host_actor, signed_post
from security_fixtures import LocalServer
from webhelpers import log_in, second_browser

AP = "application/activity+json"
HTML, JSON = "text/html", "application/json"

# (path, what it is asked for, why it could link @a and @b); {A}, {B}, {C}, {A2}, {B2}: the events' uuids
SURFACES: list[tuple[str, str, str]] = [
    ("/.well-known/nodeinfo", JSON, "NodeInfo discovery, read by every crawler of the fediverse"),
    ("/.well-known/nodeinfo/2.0", JSON, "NodeInfo's users.total: a count of accounts would stay still as @b appears"),
    ("/.well-known/nodeinfo/2.1", JSON, "the same counters in the other version"),
    ("/api/v1/instance", JSON, "the instance API: any count of members it gives"),
    ("/about", HTML, "the about page: any count of members it shows"),
    ("/.well-known/webfinger?resource=acct:a@testserver.local", JSON, "WebFinger: aliases or links to other names"),
    ("/.well-known/webfinger?resource=acct:b@testserver.local", JSON, "the same for @b"),
    ("/@a", HTML, "@a's profile page: other identities, shared avatars, account age"),
    ("/@b", HTML, "@b's profile page"),
    ("/@a", AP, "@a's actor document: alsoKnownAs, shared keys, shared endpoints, creation dates"),
    ("/@b", AP, "@b's actor document"),
    ("/@a/followers", AP, "@a's followers collection: its count and members"),
    ("/@b/followers", AP, "@b's followers collection"),
    ("/@a/following", AP, "@a's following collection"),
    ("/@b/following", AP, "@b's following collection"),
    ("/@a/outbox", AP, "@a's outbox: activities of the other identity would show here"),
    ("/@b/outbox", AP, "@b's outbox"),
    ("/api/v1/identities/a", JSON, "@a through the API"),
    ("/api/v1/identities/b", JSON, "@b through the API"),
    ("/", HTML, "the home page: its listings and counters"),
    ("/feed", HTML, "the explore page"),
    ("/search?q=@b@testserver.local", HTML, "looking @b up by handle"),
    ("/api/v1/search?q=@b@testserver.local", JSON, "looking @b up through the API"),
    ("/api/v1/events", JSON, "the list of events, with organisers and participant counts"),
    ("/api/v1/events?text=picnic", JSON, "events found by their words"),
    ("/events/{A}", HTML, "@a's event: @b joined it (one account joining its own event?)"),
    ("/events/{B}", HTML, "@b's event, which @a joined"),
    ("/events/{C}", HTML, "@c's event: participant list and counters, comments by @a and @b"),
    ("/events/{C}", AP, "@c's event as servers read it"),
    ("/events/{A}", AP, "@a's event as servers read it"),
    ("/api/v1/events/{A}", JSON, "@a's event through the API: participant count, places left"),
    ("/api/v1/events/{B}", JSON, "@b's event through the API"),
    ("/api/v1/events/{C}", JSON, "@c's event through the API"),
    ("/api/v1/events/{C}/comments", JSON, "the comments of @a and @b, and @b's reply to @a"),
    ("/api/v1/events/{C}/participations", JSON, "the organiser @c's list of participants and their messages"),
    ("/events/{A2}", HTML, "an event @a made after mallory followed"),
    ("/events/{B2}", HTML, "an event @b made after mallory followed"),
]
# what differs between two runs for honest reasons: the moments things happened, and random values
HONEST = [
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?"), "<moment>"),
    (re.compile(r'(<time datetime="<moment>">)[^<]*(</time>)'), r"\1<moment>\2"),  # as pages write it
    (re.compile(r"-----BEGIN PUBLIC KEY-----.*?-----END PUBLIC KEY-----", re.S), "<key>"),
    (re.compile(r'name="_csrf_token" value="[^"]+"'), "<csrf>"),
    (re.compile(r'nonce-[A-Za-z0-9+/=_-]+|nonce="[^"]+"'), "<nonce>"),
    (re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}"), "<uuid>"),
]


def world(folder: Path, template: Path | None, mallory: RemoteActor, together: bool) -> dict[str, Any]:
    """Build a world and give what is read in it: the answers of every surface, what mallory received
    and the messages sent. ``together``: @a and @b are identities of one account (world X)."""
    empty_database(folder, template)
    received_before = len(mallory.deliveries())
    with TestClient(create_app(federating_settings(folder)), base_url=PUBLIC_URL) as client:
        a = sign_up(client, "one@example.org", "a")
        b = client.post("/api/v1/identities", json={"username": "b"}, headers=a) if together else None
        assert b is None or b.status_code == 201, b
        b_headers = a if together else sign_up(client, "two@example.org", "b")
        c = sign_up(client, "carol@example.org", "c")
        for name, headers, display in (("a", a, "Ada"), ("b", b_headers, "Bea")):
            assert client.patch(f"/api/v1/identities/{name}", json={"display_name": display}, headers=headers).status_code == 200
        uuids = {
            "A": new_event(client, a, title="Picnic of a", identity="a")["uuid"],
            "B": new_event(client, b_headers, title="Run of b", identity="b")["uuid"],
            "C": new_event(client, c, title="Picnic concert of c", identity="c", max_participants=10)["uuid"],
        }
        for event, name, headers in (("C", "a", a), ("C", "b", b_headers), ("A", "b", b_headers), ("B", "a", a)):
            r = client.post(f"/api/v1/events/{uuids[event]}/participations", json={"identity": name, "message": "hi"},
                            headers=headers)
            assert r.status_code == 201, r.text
        comments = f"/api/v1/events/{uuids['C']}/comments"
        first = client.post(comments, json={"text": "Looking forward", "identity": "a"}, headers=a).json()["uuid"]
        for body in ({"text": "Me too", "identity": "b", "in_reply_to": first}, {"text": "Bring chairs", "identity": "b"}):
            assert client.post(comments, json=body, headers=b_headers).status_code == 201
        for number, name in enumerate(("a", "b"), start=1):
            body, headers = signed_post(mallory, "/inbox", mallory.follow(f"{PUBLIC_URL}/@{name}", number))
            assert client.post("/inbox", content=body, headers=headers).status_code == 202
        wait_for(lambda: all(client.get(f"/@{n}/followers", headers={"Accept": AP}).json()["totalItems"] == 1
                             for n in ("a", "b")))
        uuids["A2"] = new_event(client, a, title="Talk of a", identity="a")["uuid"]
        uuids["B2"] = new_event(client, b_headers, title="Walk of b", identity="b")["uuid"]
        wait_for(lambda: all(row.state == "done" for row in outbox_rows(client)))

        carol_browser = second_browser(client)
        log_in(carol_browser, "carol@example.org")
        readers = {"anonymous": (client, {}), "@c on the web": (carol_browser, {}), "@c through the API": (client, c)}
        answers = {}
        for path, kind, _why in SURFACES:
            url = path.format(**uuids)
            for reader, (browser, headers) in readers.items():
                if kind == HTML and reader == "@c through the API":
                    continue
                r = browser.get(url, headers={**headers, "Accept": kind})
                answers[f"{reader}: GET {path} ({kind})"] = (r.status_code, r.headers.get("content-type"),
                                                             honest(r.text, uuids))
        return {
            "answers": answers,
            # in the order of the worker's deliveries, which may change from run to run
            "mallory received": sorted(honest(r.body.decode(), uuids) for r in mallory.deliveries()[received_before:]),
            "messages": [message for row in outbox_rows(client) for message in (
                [row.payload] if row.kind == "notification" else row.payload.get("notifications", []))],
        }


def honest(text: str, uuids: dict[str, str]) -> str:
    """``text`` with what differs between runs for honest reasons set aside."""
    for name, uuid in uuids.items():
        text = text.replace(uuid, f"<event {name}>")
    for pattern, placeholder in HONEST:
        text = pattern.sub(placeholder, text)
    return text


@pytest.fixture
def worlds(tmp_path: Path, migrated_template: Path | None, local_server: LocalServer,
           actor_key: rsa.RSAPrivateKey) -> tuple[dict[str, Any], dict[str, Any]]:
    mallory = host_actor(local_server, "mallory", actor_key)
    for name in ("x", "y"):
        (tmp_path / name).mkdir()
    x = world(tmp_path / "x", migrated_template, mallory, together=True)
    return x, world(tmp_path / "y", migrated_template, mallory, together=False)


def test_every_public_surface_answers_alike_whether_two_identities_share_an_account(worlds):
    x, y = worlds
    assert x["answers"].keys() == y["answers"].keys()
    differing = [surface for surface in x["answers"] if x["answers"][surface] != y["answers"][surface]]
    assert not differing, differing
    for path, kind, _ in SURFACES:  # each surface was really read, by one reader at least
        assert any(status == 200 for key, (status, _, _) in x["answers"].items() if f"GET {path} ({kind})" in key), path
    assert x["mallory received"] == y["mallory received"], "servers that follow @a and @b are told the same"


def test_no_message_to_an_account_names_another_identity(worlds):
    """Messages go to private addresses; none names an identity, so none tells one person of another's."""
    for world_messages in (worlds[0]["messages"], worlds[1]["messages"]):
        assert world_messages, "the sign-ups were mailed"
        for message in world_messages:
            words = set(re.findall(r"@?\w+", f"{message['subject']} {message['text']}"))
            assert not words & {"@a", "@b", "@c", "Ada", "Bea"}, message
