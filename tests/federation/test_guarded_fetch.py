"""The guarded HTTP client against real servers on 127.0.0.1.

Tests about something other than address checks allow private addresses; the SSRF
tests use the default policy, or allow only 127.0.0.1 so that a redirect or a name
leading anywhere else is refused. Refused destinations are refused before any
connection, so nothing here sends a packet beyond loopback.
"""

from __future__ import annotations

import gzip
import socket
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from core.guarded_http import (
    BlockedDestination,
    FetchPolicy,
    RefusedResponse,
    Resolver,
    TransportFailure,
    host_of,
    normalize_host,
    normalize_url,
    origin_of,
)
from plugins.federation_activitypub.fetch import ACCEPT_ACTIVITY, ActivityPubClient
from plugins.federation_activitypub.keys import PublicKey
from plugins.federation_activitypub.signatures import Signer, verify_request
from security_fixtures import LocalServer, answer

OPEN = FetchPolicy(allow_private=True)
LOOPBACK_ONLY = FetchPolicy(allowed_networks=("127.0.0.1/32",))


def actor(server: LocalServer, path: str = "/users/alice") -> dict:
    return {"id": server.url(path), "type": "Person", "inbox": server.url(path + "/inbox")}


def table_resolver(table: dict[str, list[str]], calls: list[str] | None = None) -> Resolver:
    """A name lookup answering from ``table``: names that resolve where a test needs."""

    async def resolve(host: str, port: int) -> Sequence[str]:
        if calls is not None:
            calls.append(host)
        return table[host]

    return resolve


# --- URL and host normalisation --------------------------------------------------


def test_urls_and_hosts_are_normalized() -> None:
    assert str(normalize_url("HTTPS://Example.COM:443/a?b=1#frag")) == "https://example.com/a?b=1"
    assert str(normalize_url("http://example.com.:8080/")) == "http://example.com:8080/"
    assert host_of("https://Bücher.Example.:8443/x") == "xn--bcher-kva.example:8443"
    assert host_of("http://[::1]:80/") == "[::1]"
    assert origin_of("https://example.com/a") != origin_of("http://example.com/a")
    assert normalize_host("Bücher.Example.") == "xn--bcher-kva.example"
    assert normalize_host("events.example:8443") == "events.example:8443"


@pytest.mark.parametrize(
    "host", ["good.example/social", "good.example@evil.example", "good.example\\evil", "good example", "good.example?x"]
)
def test_host_tricks_are_refused(host: str) -> None:
    with pytest.raises(BlockedDestination):
        normalize_host(host)


# --- ActivityPub object fetches --------------------------------------------------


async def test_fetch_object_returns_the_document(local_server: LocalServer) -> None:
    document = actor(local_server)
    local_server.serve_document("/users/alice", document)
    async with ActivityPubClient(OPEN) as client:
        assert await client.fetch_object(local_server.url("/users/alice")) == document
    assert dict(local_server.received[0].headers)["Accept"] == ACCEPT_ACTIVITY


async def test_ld_json_with_activitystreams_profile_is_accepted(local_server: LocalServer) -> None:
    content_type = 'application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
    local_server.serve_document("/users/alice", actor(local_server), content_type)
    async with ActivityPubClient(OPEN) as client:
        await client.fetch_object(local_server.url("/users/alice"))


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "application/json", "application/ld+json"])
async def test_other_content_types_are_refused(local_server: LocalServer, content_type: str) -> None:
    local_server.serve_document("/users/alice", actor(local_server), content_type)
    async with ActivityPubClient(OPEN) as client:
        with pytest.raises(RefusedResponse, match="not ActivityStreams"):
            await client.fetch_object(local_server.url("/users/alice"))


async def test_document_claiming_another_id_is_refused(local_server: LocalServer) -> None:
    local_server.serve_document("/users/alice", actor(local_server, "/users/mallory"))
    async with ActivityPubClient(OPEN) as client:
        with pytest.raises(RefusedResponse, match="does not match the URL fetched"):
            await client.fetch_object(local_server.url("/users/alice"))


async def test_fragment_is_not_part_of_the_id_check(local_server: LocalServer) -> None:
    local_server.serve_document("/users/alice", actor(local_server))
    async with ActivityPubClient(OPEN) as client:
        await client.fetch_object(local_server.url("/users/alice#main-key"))
    assert local_server.received[0].path == "/users/alice"


async def test_same_origin_redirect_may_name_the_final_url(local_server: LocalServer) -> None:
    local_server.redirect("/users/Alice", "/users/alice", 301)
    local_server.serve_document("/users/alice", actor(local_server))
    async with ActivityPubClient(OPEN) as client:
        await client.fetch_object(local_server.url("/users/Alice"))


@pytest.mark.parametrize("claims_requested_id", [False, True], ids=["names other origin", "names requested URL"])
async def test_cross_origin_redirect(
    local_server: LocalServer, other_server: LocalServer, claims_requested_id: bool
) -> None:
    """Accepted only when the document found elsewhere is the one we asked for."""
    local_server.redirect("/users/alice", other_server.url("/users/alice"))
    other_server.serve_document("/users/alice", actor(local_server if claims_requested_id else other_server))
    async with ActivityPubClient(OPEN) as client:
        if claims_requested_id:
            await client.fetch_object(local_server.url("/users/alice"))
        else:
            with pytest.raises(RefusedResponse, match="does not match the URL fetched"):
                await client.fetch_object(local_server.url("/users/alice"))


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [(410, b"{}", "HTTP 410"), (200, b"{not json", "invalid JSON"), (200, b"[" * 100 + b"]" * 100, "deeper")],
)
async def test_unusable_answers_are_refused(local_server: LocalServer, status: int, body: bytes, reason: str) -> None:
    local_server.routes["/users/alice"] = answer(status, body, {"Content-Type": "application/activity+json"})
    async with ActivityPubClient(OPEN) as client:
        with pytest.raises(RefusedResponse, match=reason):
            await client.fetch_object(local_server.url("/users/alice"))


# --- signed requests --------------------------------------------------------------


def lookup(key: rsa.RSAPrivateKey):  # noqa: ANN201
    async def get_key(key_id: str, refresh: bool) -> PublicKey:
        return key.public_key()

    return get_key


async def test_signed_get_verifies_on_arrival(local_server: LocalServer, actor_key: rsa.RSAPrivateKey) -> None:
    local_server.serve_document("/users/bob", actor(local_server, "/users/bob"))
    signer = Signer("https://events.example/@relay#main-key", actor_key)
    async with ActivityPubClient(OPEN) as client:
        await client.fetch_object(local_server.url("/users/bob"), signer=signer)
    received = local_server.received[0]
    verified = await verify_request("GET", local_server.url(received.path), received.headers, b"", lookup(actor_key))
    assert verified.covered == ("(request-target)", "host", "date")


async def test_signed_post_verifies_on_arrival(local_server: LocalServer, actor_key: rsa.RSAPrivateKey) -> None:
    local_server.routes["/inbox"] = answer(202, b"")
    body = b'{"type": "Follow"}'
    async with ActivityPubClient(OPEN) as client:
        signer = Signer("https://events.example/@a#k", actor_key)
        response = await client.post(local_server.url("/inbox"), body, signer=signer)
    assert response.status == 202
    received = local_server.received[0]
    assert received.body == body and dict(received.headers)["Content-Type"] == "application/activity+json"
    await verify_request("POST", local_server.url("/inbox"), received.headers, received.body, lookup(actor_key))


async def test_post_does_not_follow_redirects(local_server: LocalServer) -> None:
    local_server.redirect("/inbox", "/elsewhere", 307)
    async with ActivityPubClient(OPEN) as client:
        response = await client.post(local_server.url("/inbox"), b"{}")
    assert response.status == 307
    assert [r.path for r in local_server.received] == ["/inbox"]


# --- SSRF --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/",
        "http://[::1]:{port}/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",
        "http://[fc00::1]/",
        "http://[fe80::1]/",
        "http://224.0.0.1/",
        "http://0.0.0.0:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://[::ffff:169.254.169.254]/",
        "http://localhost:{port}/",
        "http://2130706433:{port}/",
        "http://0x7f.1:{port}/",
    ],
)
async def test_non_public_destinations_are_refused(local_server: LocalServer, target: str) -> None:
    local_server.serve_document("/", actor(local_server, "/"))
    async with ActivityPubClient() as client:
        with pytest.raises(BlockedDestination, match="non-public address"):
            await client.get(target.format(port=local_server.port))
    assert local_server.received == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "scheme"),
        ("ftp://example.com/", "scheme"),
        ("gopher://example.com/", "scheme"),
        ("https://good.example@evil.example/", "user information"),
        ("http://127.0.0.1:1\\@good.example/", "backslash"),
        (" https://good.example/", "whitespace"),
        ("https://good.example/\r\nX-Injected: 1", "whitespace"),
    ],
)
async def test_unsafe_urls_are_refused(url: str, reason: str) -> None:
    async with ActivityPubClient() as client:
        with pytest.raises(BlockedDestination, match=reason):
            await client.get(url)


async def test_name_resolving_to_loopback_is_refused(local_server: LocalServer) -> None:
    resolver = table_resolver({"peer.test": ["127.0.0.1"]})
    async with ActivityPubClient(resolver=resolver) as client:
        with pytest.raises(BlockedDestination, match="127.0.0.1"):
            await client.get(f"http://peer.test:{local_server.port}/")
    assert local_server.received == []


async def test_name_with_one_forbidden_address_among_several_is_refused(local_server: LocalServer) -> None:
    resolver = table_resolver({"mixed.test": ["127.0.0.1", "10.0.0.1"]})
    async with ActivityPubClient(LOOPBACK_ONLY, resolver=resolver) as client:
        with pytest.raises(BlockedDestination, match="10.0.0.1"):
            await client.get(f"http://mixed.test:{local_server.port}/")
    assert local_server.received == []


async def test_connection_goes_to_the_checked_address_with_the_host_name_kept(local_server: LocalServer) -> None:
    """One lookup per connection, then the socket opens to that very address: no second
    lookup exists for a rebinding DNS server to answer differently."""
    calls: list[str] = []
    local_server.routes["/x"] = answer(200, b"ok")
    async with ActivityPubClient(LOOPBACK_ONLY, resolver=table_resolver({"peer.test": ["127.0.0.1"]}, calls)) as client:
        response = await client.get(f"http://peer.test:{local_server.port}/x")
    assert response.body == b"ok"
    assert calls == ["peer.test"]
    assert dict(local_server.received[0].headers)["Host"] == f"peer.test:{local_server.port}"


@pytest.mark.parametrize(
    "location",
    [
        "http://10.0.0.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/",
        "http://internal.test/",
        "file:///etc/passwd",
    ],
)
async def test_redirect_into_a_forbidden_destination_is_refused(local_server: LocalServer, location: str) -> None:
    """127.0.0.1 is allowed, so the first hop is served; the second hop is checked anew."""
    local_server.redirect("/hop", location.format(port=local_server.port))
    resolver = table_resolver({"internal.test": ["192.168.1.10"]})
    async with ActivityPubClient(LOOPBACK_ONLY, resolver=resolver) as client:
        with pytest.raises(BlockedDestination):
            await client.get(local_server.url("/hop"))
    assert [r.path for r in local_server.received] == ["/hop"]


async def test_proxy_environment_is_ignored(
    local_server: LocalServer, other_server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A proxy would open the connection itself, past the address check."""
    monkeypatch.setenv("HTTP_PROXY", other_server.url(""))
    monkeypatch.setenv("ALL_PROXY", other_server.url(""))
    monkeypatch.delenv("NO_PROXY", raising=False)
    local_server.routes["/x"] = answer(200, b"direct")
    async with ActivityPubClient(OPEN) as client:
        assert (await client.get(local_server.url("/x"))).body == b"direct"
    assert other_server.received == []


# --- limits ------------------------------------------------------------------------


async def test_three_redirects_are_followed_and_a_fourth_is_refused(local_server: LocalServer) -> None:
    for hop in range(1, 5):
        local_server.redirect(f"/r/{hop}", f"/r/{hop - 1}")
    local_server.routes["/r/0"] = answer(200, b"arrived")
    async with ActivityPubClient(OPEN) as client:
        assert (await client.get(local_server.url("/r/3"))).body == b"arrived"
        with pytest.raises(RefusedResponse, match="more than 3 redirects"):
            await client.get(local_server.url("/r/4"))


def without_length(body: bytes, headers: dict[str, str] | None = None):  # noqa: ANN201
    """An answer whose end is the connection's end, so only counting can stop it."""

    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        try:
            for start in range(0, len(body), 65536):
                handler.wfile.write(body[start : start + 65536])
        except (BrokenPipeError, ConnectionResetError):
            pass
        handler.close_connection = True

    return respond


@pytest.mark.parametrize(
    ("responder", "reason"),
    [
        (answer(200, b"x" * 1_000_001), "body of 1000001 bytes exceeds"),
        (without_length(b"x" * 3_000_000), "body exceeds 1000000 bytes"),
        (without_length(gzip.compress(b"\0" * 5_000_000), {"Content-Encoding": "gzip"}), "decompressed body exceeds"),
    ],
    ids=["declared", "undeclared", "gzip bomb"],
)
async def test_oversized_bodies_are_refused(local_server: LocalServer, responder, reason: str) -> None:  # noqa: ANN001
    local_server.routes["/big"] = responder
    async with ActivityPubClient(OPEN) as client:
        with pytest.raises(RefusedResponse, match=reason):
            await client.get(local_server.url("/big"))


async def test_compressed_document_is_decoded(local_server: LocalServer) -> None:
    body = b'{"id": "x"}' * 1000
    local_server.routes["/z"] = answer(200, gzip.compress(body), {"Content-Encoding": "gzip"})
    async with ActivityPubClient(OPEN) as client:
        assert (await client.get(local_server.url("/z"))).body == body


async def test_slow_drip_is_cut_by_the_total_timeout(local_server: LocalServer) -> None:
    """Each byte arrives well within a per-read timeout; only a total deadline stops it."""

    def drip(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", "100")
        handler.end_headers()
        try:
            for _ in range(100):
                handler.wfile.write(b"x")
                handler.wfile.flush()
                time.sleep(0.05)
        except (BrokenPipeError, ConnectionResetError):
            pass

    local_server.routes["/slow"] = drip
    started = time.monotonic()
    async with ActivityPubClient(FetchPolicy(allow_private=True, total_timeout=0.5)) as client:
        with pytest.raises(TransportFailure, match="within 0.5 s"):
            await client.get(local_server.url("/slow"))
    assert time.monotonic() - started < 2


async def test_connection_refused_is_a_transport_failure() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with ActivityPubClient(OPEN) as client:
        with pytest.raises(TransportFailure):
            await client.get(f"http://127.0.0.1:{port}/")


async def test_hanging_name_lookup_is_cut_by_the_total_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """The system resolver runs in a thread; a lookup that hangs must not hold the request."""

    def hanging_getaddrinfo(*args: object, **kwargs: object) -> list:
        time.sleep(2)
        return []

    monkeypatch.setattr(socket, "getaddrinfo", hanging_getaddrinfo)
    started = time.monotonic()
    async with ActivityPubClient(FetchPolicy(total_timeout=0.3)) as client:
        with pytest.raises(TransportFailure, match="within 0.3 s"):
            await client.get("http://slow-dns.example/")
    assert time.monotonic() - started < 1.5
