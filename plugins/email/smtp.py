"""Talking SMTP: a small pool of open connections, and what each failure means.

smtplib is blocking, so every call here runs in a thread (``asyncio.to_thread``). A
connection is taken from the pool for one message and given back after it, so a worker
sends message after message on one connection instead of a TCP (and TLS, and login)
handshake per mail; concurrent jobs each take their own. A pooled connection the server
has closed meanwhile fails at ``MAIL FROM``, before any of the message is sent: it is
replaced once, at once. Any later failure closes the connection and is raised.

The outcome of a message is one of: sent; ``MailRefused`` (the server said 5xx to the
recipient or the message: sending again cannot help); anything else raised (4xx,
timeout, connection refused or closed mid-message, TLS or login failure): transient,
the outbox tries again later.
"""

from __future__ import annotations

import smtplib
import ssl
import threading

from plugins.email.config import EmailConfig

# the stage at which a server refuses an address itself: a hard bounce
RECIPIENT_STAGE = "RCPT TO"


class MailRefused(Exception):
    """A permanent refusal (5xx) of this recipient or this message."""

    def __init__(self, stage: str, code: int, reply: str) -> None:
        super().__init__(f"{stage} refused: {code} {reply}")
        self.stage = stage
        self.code = code
        self.reply = reply


class TransientRefusal(Exception):
    """The server answered 4xx (or an unexpected code): try again later."""

    def __init__(self, stage: str, code: int, reply: str) -> None:
        super().__init__(f"{stage} deferred: {code} {reply}")
        self.code = code


def tls_context(config: EmailConfig) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if config.smtp_ca_file:
        context.load_verify_locations(cafile=config.smtp_ca_file)
    return context


def connect(config: EmailConfig, local_hostname: str) -> smtplib.SMTP:
    """A connection ready for ``MAIL FROM``: TLS as configured, logged in if there is a user name."""
    timeout = config.timeout_seconds
    conn: smtplib.SMTP
    if config.smtp_security == "tls":
        conn = smtplib.SMTP_SSL(config.smtp_host, config.smtp_port, local_hostname, timeout=timeout,
                                context=tls_context(config))
    else:
        conn = smtplib.SMTP(config.smtp_host, config.smtp_port, local_hostname, timeout=timeout)
    try:
        conn.ehlo()
        if config.smtp_security == "starttls":
            conn.starttls(context=tls_context(config))
            conn.ehlo()
        if config.smtp_username:
            conn.login(config.smtp_username, config.smtp_password)
    except BaseException:
        close_quietly(conn)
        raise
    return conn


def close_quietly(conn: smtplib.SMTP) -> None:
    try:
        conn.quit()
    except (smtplib.SMTPException, OSError):
        conn.close()


class SmtpPool:
    """Open connections of one instance's mailer, reused message after message."""

    def __init__(self, config: EmailConfig, local_hostname: str) -> None:
        self.config = config
        self.local_hostname = local_hostname
        self._idle: list[smtplib.SMTP] = []
        self._lock = threading.Lock()

    def send(self, sender: str, recipient: str, message: bytes) -> None:
        """Send one message (blocking); raises ``MailRefused`` for a permanent refusal, anything else for a transient one."""
        conn, reused = self._take()
        try:
            if reused and not _still_open(conn, sender):
                # the server closed the pooled connection while idle: nothing was sent, open a new one
                close_quietly(conn)
                conn = connect(self.config, self.local_hostname)
                _expect("MAIL FROM", *conn.mail(sender))
            elif not reused:
                _expect("MAIL FROM", *conn.mail(sender))
            _expect(RECIPIENT_STAGE, *conn.rcpt(recipient), permanent=True)
            reply: tuple[int, bytes | str]
            try:
                reply = conn.data(message)
            except smtplib.SMTPDataError as exc:  # DATA itself answered something else than 354
                reply = (exc.smtp_code, exc.smtp_error)
            _expect("DATA", *reply, permanent=True)
        except MailRefused:
            self._reset_or_close(conn)
            raise
        except BaseException:
            close_quietly(conn)
            raise
        self._give_back(conn)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            close_quietly(conn)

    def _take(self) -> tuple[smtplib.SMTP, bool]:
        """A connection, and whether it comes from the pool (then the server may have closed it since)."""
        with self._lock:
            if self._idle:
                return self._idle.pop(), True
        return connect(self.config, self.local_hostname), False

    def _give_back(self, conn: smtplib.SMTP) -> None:
        with self._lock:
            self._idle.append(conn)

    def _reset_or_close(self, conn: smtplib.SMTP) -> None:
        """After a refusal the connection is still good once the transaction is reset."""
        try:
            code, _ = conn.rset()
        except (smtplib.SMTPException, OSError):
            conn.close()
            return
        if code == 250:
            self._give_back(conn)
        else:
            close_quietly(conn)


def _still_open(conn: smtplib.SMTP, sender: str) -> bool:
    """``MAIL FROM`` on a pooled connection: False if the server had hung up (silently, or saying 421 as it
    does after an idle timeout), so the caller opens a new one; other answers count as on a new connection."""
    try:
        code, reply = conn.mail(sender)
    except (smtplib.SMTPServerDisconnected, ConnectionError):
        return False
    if code == 421:
        return False
    _expect("MAIL FROM", code, reply)
    return True


def reply_text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def _expect(stage: str, code: int, reply: bytes | str, permanent: bool = False) -> None:
    """250/251 go on; 5xx on a recipient or message is ``MailRefused``; anything else may pass later."""
    if code in (250, 251):
        return
    text = reply_text(reply)
    if permanent and 500 <= code < 600:
        raise MailRefused(stage, code, text)
    raise TransientRefusal(stage, code, text)
