"""A real SMTP server (aiosmtpd) on loopback for the email plugin's tests, and what it received.

The server runs in its own thread. A test scripts its answers (``rcpt_answers``,
``data_answers``: the next replies, e.g. "451 ..."), reads the messages that arrived, and
counts the connections messages came over (a client's address and port, seen at MAIL FROM).
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import socket
import ssl
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER, PASSWORD = "convene", "s3cret-smtp"
# a scripted DATA answer: the server takes the message, then hangs up instead of answering
HANG_UP = "hang up"


class Recorder:
    """The server's behaviour: scripted replies first, then accept; every accepted message kept."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.peers: list[Any] = []  # one entry per connection that sent MAIL FROM
        self.rcpt_answers: deque[str] = deque()
        self.data_answers: deque[str] = deque()
        self.sessions: list[Any] = []

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: ANN001, ANN201, N802
        if session.peer not in self.peers:
            self.peers.append(session.peer)
            self.sessions.append(server)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201, N802
        if self.rcpt_answers:
            return self.rcpt_answers.popleft()
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        if self.data_answers:
            answer = self.data_answers.popleft()
            if answer == HANG_UP:
                server.transport.close()
            return answer
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


@contextmanager
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never says a word (a server that hangs)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield sock.getsockname()[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _login(server, session, envelope, mechanism, auth_data):  # noqa: ANN001, ANN202
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


@contextmanager
def smtp_server(port: int | None = None, tls: tuple[Path, Path] | None = None) -> Iterator[tuple[Controller, Recorder]]:
    """A plain server, or (``tls``: certificate and key files) one requiring STARTTLS and AUTH LOGIN."""
    recorder = Recorder()
    options: dict[str, Any] = {}
    if tls is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*tls)
        options = {"tls_context": context, "require_starttls": True, "auth_required": True,
                   "authenticator": _login, "auth_exclude_mechanism": ["PLAIN"]}
    controller = Controller(recorder, hostname="127.0.0.1", port=port or free_port(), **options)
    controller.start()
    try:
        yield controller, recorder
    finally:
        controller.stop()


def close_connections(controller: Controller, recorder: Recorder, goodbye: bytes = b"") -> None:
    """The server hangs up on every connection that sent mail, as an idle timeout would (Postfix says
    ``goodbye``, a 421 line, first)."""

    async def close() -> None:
        for server in recorder.sessions:
            server.transport.write(goodbye)
            server.transport.close()
        await asyncio.sleep(0)

    asyncio.run_coroutine_threadsafe(close(), controller.loop).result(5)


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key; the certificate is its own CA."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                    x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def parts(message: EmailMessage) -> dict[str, str]:
    """The text and HTML parts of a received mail, by content type."""
    return {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}
