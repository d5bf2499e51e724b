"""The one HTTP client for every request Convene sends to another server.

Federation makes the instance fetch URLs that strangers choose (actor ids, key ids,
inboxes, attachments), and Web Push posts to endpoints that browsers hand us, so a
careless client is a server-side request forgery tool against the instance's own
network. Every outgoing request goes through ``GuardedClient``, which:

- accepts only ``http`` and ``https`` URLs without user information, whitespace,
  control characters or backslashes (``https://good.example@evil.example/`` and
  ``https://good.example\\@evil.example/`` are refused, not "fixed");
- resolves names itself, refuses the request when *any* address is not public
  (private, loopback, link-local, multicast, reserved, unspecified, shared, and the
  IPv4 address inside an IPv4-mapped, 6to4 or NAT64 IPv6 address), and connects to
  the very address it checked, so DNS rebinding cannot swap it. The check lives in
  the connection layer, so redirects and pooled connections cannot skip it; TLS still
  verifies the certificate against the host name, and the Host header is unchanged;
- ignores proxy environment variables (a proxy would connect on our behalf unchecked);
- caps the body (1 MB, compressed or not), the time (10 s in total, redirects
  included) and the redirects (3, each one checked again);
- never tells whoever chose the URL what the network looks like from here: which names
  resolve, to which addresses, which of them answer. Such a failure's ``reason`` goes to
  the operator's log, and the person (or server) is told ``CANNOT_FETCH`` (``disclosed``).

A protocol's own checks live with its plugin (the ActivityPub document rules in
``plugins.federation_activitypub.fetch``, a subclass with its Accept header).
``check_destination`` asks the same question before a URL is stored (a push
endpoint), so a refusal is seen when the URL is given rather than at each send.

Tests on loopback pass ``FetchPolicy(allow_private=True)``, or allow just their own
network with ``allowed_networks``, and trust their own certificate with ``ca_file``;
an instance config can do the same for a peer on its private network.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
import ssl
import zlib
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import anyio
import httpcore
import httpx

from core.i18n import N_

log = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_PORTS = {"http": 80, "https": 443}
POOL_CONNECTIONS = 100
KEEPALIVE_SECONDS = 30.0
_UNSAFE_URL_CHARACTERS = re.compile(r"[\s\\\x00-\x1f\x7f]")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
"""``(host, port) -> addresses``: the name lookup, replaceable in tests."""
Destination = Callable[[httpx.URL], Awaitable[None]]
"""Asked before each request of a GET (the URL, then every redirect target); raises to stop it."""

CANNOT_FETCH = N_("this address cannot be fetched")


class FetchError(Exception):
    """An outgoing request that did not give a usable answer; ``reason`` says why, for the operator."""

    describes_network = False
    """True when ``reason`` tells how the network looks from here, which a stranger must not learn."""

    def __init__(self, reason: str, *, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status

    def disclosed(self) -> str:
        """What to tell the person or server that chose the URL: the reason, or ``CANNOT_FETCH``
        when it describes our network (written to this module's log instead, for the operator).

        Otherwise a search or a keyId would be a probe of the instance's network: "leads to
        non-public address 10.0.0.7" maps internal names, "cannot resolve" tells which exist.
        """
        if not self.describes_network:
            return self.reason
        log.warning("refused to tell a requester why a fetch failed: %s", self.reason)
        return CANNOT_FETCH


class BlockedDestination(FetchError):
    """The URL or the address it leads to is not allowed: retrying cannot help."""


class RefusedAddress(BlockedDestination):
    """The URL's host leads to an address we do not connect to (private, loopback, ...)."""

    describes_network = True


class TransportFailure(FetchError):
    """No answer (name not found, connection refused, timeout): a later retry may work."""

    describes_network = True


class RefusedResponse(FetchError):
    """The peer answered, but with something we refuse (status, size, type, id, redirects)."""


class RequestSigner(Protocol):
    """Adds signature headers to a request (``signatures.Signer`` is one)."""

    def sign(self, method: str, url: str, body: bytes | None = None) -> dict[str, str]: ...


@dataclass(frozen=True)
class FetchPolicy:
    """What the client may reach and how much it will take."""

    allow_private: bool = False
    allowed_networks: tuple[str, ...] = ()
    """Networks reachable even though not public, e.g. ``("127.0.0.1/32",)``."""
    max_body_bytes: int = 1_000_000
    total_timeout: float = 10.0
    max_redirects: int = 3
    user_agent: str = "Convene"
    """Instances should name themselves: ``Convene/0.1 (+https://events.example/)``."""
    ca_file: str = ""
    """A CA bundle (PEM) trusted besides the system's: a peer with a private certificate, or a test's."""


@dataclass(frozen=True)
class FetchResponse:
    """A complete, size-checked answer; ``url`` is the last one after redirects."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes


# --- URLs and hosts --------------------------------------------------------------


def normalize_url(url: str) -> httpx.URL:
    """Check a remote URL and give its canonical form (no fragment, no default port).

    Hosts are lower-cased, IDNA-encoded and lose one trailing dot, so that two
    spellings of one URL compare equal.
    """
    if _UNSAFE_URL_CHARACTERS.search(url):
        raise BlockedDestination("URL contains whitespace, a control character or a backslash")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise BlockedDestination(f"invalid URL: {exc}") from exc
    if parsed.scheme not in DEFAULT_PORTS:
        raise BlockedDestination(f"scheme {parsed.scheme!r} is not http or https")
    if parsed.userinfo:
        raise BlockedDestination("URL carries user information before the host")
    host = parsed.raw_host.decode("ascii").lower()
    if host.endswith("."):
        host = host[:-1]
    if not host:
        raise BlockedDestination("URL has no host")
    port = None if parsed.port == DEFAULT_PORTS[parsed.scheme] else parsed.port
    return parsed.copy_with(host=host, port=port, fragment=None)


def host_of(url: str | httpx.URL) -> str:
    """The normalized ``host[:port]`` of a URL (port only when not the default)."""
    parsed = normalize_url(str(url))
    host = parsed.raw_host.decode("ascii")
    if ":" in host:
        host = f"[{host}]"
    return host if parsed.port is None else f"{host}:{parsed.port}"


def origin_of(url: str | httpx.URL) -> str:
    """``scheme://host[:port]``: what "same origin" compares."""
    return f"{normalize_url(str(url)).scheme}://{host_of(url)}"


def normalize_host(host: str) -> str:
    """A configured or remote domain (``Bücher.Example.``) as ``host_of`` would give it.

    Anything that is not a bare ``host[:port]`` (``good.example/social``,
    ``good.example@evil.example``) is refused. Port 443 counts as the default.
    """
    if any(character in host for character in "/?#@"):
        raise BlockedDestination(f"{host!r} is not a bare host name")
    return host_of(f"https://{host}")


# --- addresses -------------------------------------------------------------------


def is_public_address(address: IPAddress) -> bool:
    """True when ``address`` is globally routable unicast, judged on the IPv4 inside if any."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public_address(embedded)
    return address.is_global and not address.is_multicast and not address.is_reserved


async def resolve_with_getaddrinfo(host: str, port: int) -> list[str]:
    """The system resolver, in a worker thread so the event loop keeps running.

    A lookup that hangs is abandoned when the request's deadline passes.
    """
    try:
        infos = await anyio.to_thread.run_sync(
            lambda: socket.getaddrinfo(host, port, type=socket.SOCK_STREAM), abandon_on_cancel=True
        )
    except socket.gaierror as exc:
        raise TransportFailure(f"cannot resolve {host}: {exc}") from exc
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _AddressGuard:
    """Decides which addresses the policy lets us connect to."""

    def __init__(self, policy: FetchPolicy, resolver: Resolver) -> None:
        self._allow_private = policy.allow_private
        self._allowed = [ipaddress.ip_network(n) for n in policy.allowed_networks]
        self._resolver = resolver

    def permits(self, address: IPAddress) -> bool:
        return (
            self._allow_private
            or is_public_address(address)
            or any(address in network for network in self._allowed)
        )

    async def checked_addresses(self, host: str, port: int) -> list[IPAddress]:
        """Every address ``host`` stands for, or ``BlockedDestination`` if one is forbidden."""
        try:
            addresses = [ipaddress.ip_address(host)]
        except ValueError:
            addresses = [ipaddress.ip_address(a) for a in await self._resolver(host, port)]
        if not addresses:
            raise TransportFailure(f"{host} resolves to no address")
        for address in addresses:
            if not self.permits(address):
                raise RefusedAddress(f"{host} leads to non-public address {address}")
        return addresses


class _GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """httpcore's socket layer with the address check in front of every connection."""

    def __init__(self, guard: _AddressGuard) -> None:
        self._guard = guard
        self._sockets = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        failure: httpcore.ConnectError | None = None
        for address in await self._guard.checked_addresses(host, port):
            try:
                return await self._sockets.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.AsyncNetworkStream:
        raise RefusedAddress("unix sockets are not a remote destination")

    async def sleep(self, seconds: float) -> None:
        await self._sockets.sleep(seconds)


async def check_destination(url: str, policy: FetchPolicy, resolver: Resolver = resolve_with_getaddrinfo) -> httpx.URL:
    """``url`` normalized, or the ``FetchError`` a request to it would meet before connecting.

    For a URL kept to be used later (a push endpoint): refused when given, not at each
    use. The guarded client checks again when it connects, since a name may change.
    """
    parsed = normalize_url(url)
    with _deadline(policy.total_timeout):
        await _AddressGuard(policy, resolver).checked_addresses(parsed.host, parsed.port or DEFAULT_PORTS[parsed.scheme])
    return parsed


def _ssl_context(policy: FetchPolicy) -> ssl.SSLContext:
    context = httpx.create_ssl_context(trust_env=False)
    if policy.ca_file:
        context.load_verify_locations(cafile=policy.ca_file)
    return context


def _guarded_transport(policy: FetchPolicy, guard: _AddressGuard) -> httpx.AsyncHTTPTransport:
    """httpx's transport, with its connection pool built on the guarded socket layer.

    httpx has no public parameter for httpcore's network backend, so we replace the
    pool it built (its only state). If a future httpx stops using ``_pool``, the
    loopback-refusal tests in tests/federation/test_guarded_fetch.py fail.
    """
    transport = httpx.AsyncHTTPTransport(trust_env=False)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=_ssl_context(policy),
        network_backend=_GuardedNetworkBackend(guard),
        # deliveries spread over many servers: keep more of them open than httpcore's 10
        max_connections=POOL_CONNECTIONS, max_keepalive_connections=POOL_CONNECTIONS, keepalive_expiry=KEEPALIVE_SECONDS,
    )
    return transport


# --- bodies ----------------------------------------------------------------------

_DECOMPRESSION_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}


async def _read_capped(response: httpx.Response, limit: int) -> bytes:
    """The body, decompressed, refused as soon as either form passes ``limit`` bytes."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise RefusedResponse(f"body of {declared} bytes exceeds {limit}", status=response.status_code)
    received = bytearray()
    async for chunk in response.aiter_raw():
        received += chunk
        if len(received) > limit:
            raise RefusedResponse(f"body exceeds {limit} bytes", status=response.status_code)
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding == "identity":
        return bytes(received)
    if encoding not in _DECOMPRESSION_WBITS:
        raise RefusedResponse(f"unsupported Content-Encoding {encoding!r}")
    try:
        body = zlib.decompressobj(_DECOMPRESSION_WBITS[encoding]).decompress(bytes(received), limit + 1)
    except zlib.error as exc:
        raise RefusedResponse(f"corrupt {encoding} body: {exc}") from exc
    if len(body) > limit:
        raise RefusedResponse(f"decompressed body exceeds {limit} bytes", status=response.status_code)
    return body


# --- the client ------------------------------------------------------------------


class GuardedClient:
    """Every outgoing request of the instance; create one, share it, ``aclose`` it at shutdown."""

    accept = "*/*"
    """The Accept header of requests; a protocol's subclass names its own media types."""
    content_type = "application/octet-stream"
    """The Content-Type of a POST body, unless the call names one."""

    def __init__(self, policy: FetchPolicy = FetchPolicy(), *, resolver: Resolver = resolve_with_getaddrinfo) -> None:
        self.policy = policy
        self._client = httpx.AsyncClient(
            transport=_guarded_transport(policy, _AddressGuard(policy, resolver)),
            trust_env=False,
            follow_redirects=False,
            timeout=httpx.Timeout(policy.total_timeout),
            headers={"User-Agent": policy.user_agent, "Accept-Encoding": "gzip, deflate"},
        )

    async def __aenter__(self) -> GuardedClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def get(
        self, url: str, *, accept: str = "", signer: RequestSigner | None = None,
        destination: Destination | None = None, headers: Mapping[str, str] | None = None,
    ) -> FetchResponse:
        """GET ``url``, following up to ``max_redirects`` redirects, each checked and signed anew.

        ``destination`` lets the caller refuse a host (the federation policy) wherever a
        redirect leads; ``headers`` are sent with each request (a conditional GET's
        If-None-Match).
        """
        with _deadline(self.policy.total_timeout):
            current = normalize_url(url)
            for _ in range(self.policy.max_redirects + 1):
                if destination is not None:
                    await destination(current)
                sent = {**(headers or {}), "Accept": accept or self.accept}
                response = await self._send("GET", current, sent, None, signer)
                location = response.headers.get("location")
                if response.status not in REDIRECT_STATUSES or location is None:
                    return response
                current = normalize_url(str(current.join(location)))
        raise RefusedResponse(f"more than {self.policy.max_redirects} redirects from {url}")

    async def post(
        self,
        url: str,
        body: bytes,
        *,
        content_type: str = "",
        headers: Mapping[str, str] | None = None,
        signer: RequestSigner | None = None,
    ) -> FetchResponse:
        """POST ``body`` (a delivery), with the protocol's ``headers``; a redirect is returned as is,
        never followed with the body."""
        with _deadline(self.policy.total_timeout):
            sent = {"Content-Type": content_type or self.content_type, "Accept": self.accept, **(headers or {})}
            return await self._send("POST", normalize_url(url), sent, body, signer)

    async def _send(
        self,
        method: str,
        url: httpx.URL,
        headers: dict[str, str],
        body: bytes | None,
        signer: RequestSigner | None,
    ) -> FetchResponse:
        if signer is not None:
            headers = {**headers, **signer.sign(method, str(url), body)}
        request = self._client.build_request(method, url, headers=headers, content=body)
        try:
            response = await self._client.send(request, stream=True)
        except httpx.TransportError as exc:
            raise TransportFailure(f"{method} {url}: {exc!r}") from exc
        try:
            content = await _read_capped(response, self.policy.max_body_bytes)
        except httpx.TransportError as exc:
            raise TransportFailure(f"{method} {url}: {exc!r}") from exc
        finally:
            await response.aclose()
        return FetchResponse(str(url), response.status_code, response.headers, content)


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """One time limit for a whole exchange, redirects included, as a ``TransportFailure``."""
    try:
        with anyio.fail_after(seconds):
            yield
    except TimeoutError as exc:
        raise TransportFailure(f"no complete answer within {seconds} s") from exc
