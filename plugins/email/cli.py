"""``convene mail test --to ADDRESS``: send one message now and say what failed, if anything.

For an operator setting up SMTP: it runs the real sending path (the pool, TLS, login,
templates) synchronously, outside the outbox, and names the kind of failure (DNS,
connection, TLS, authentication, refusal) with the server's own words.
"""

from __future__ import annotations

import smtplib
import socket
import ssl

import click

from core.i18n import N_
from core.notifications import Notification
from core.runtime import Runtime
from core.settings import ConfigError, load_settings
from plugins.email.addresses import InvalidAddress, single_address
from plugins.email.mailer import mailer
from plugins.email.messages import wire_bytes
from plugins.email.smtp import MailRefused, TransientRefusal, reply_text

TEST_SUBJECT = N_("Test message from %(instance)s")
TEST_TEXT = N_("This message was sent by `convene mail test`: the instance's mail settings work.")


def describe_failure(exc: BaseException, host: str, port: int) -> str:
    """What went wrong, by kind, for an operator."""
    where = f"{host}:{port}"
    if isinstance(exc, socket.gaierror):
        return f"DNS: cannot resolve the SMTP host {host!r} ({exc.strerror or exc})"
    if isinstance(exc, ssl.SSLError | ssl.CertificateError) or (
            isinstance(exc, smtplib.SMTPNotSupportedError) and "STARTTLS" in str(exc)):
        return f"TLS: the secure connection to {where} failed ({exc})"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"authentication: {where} refused the login ({exc.smtp_code} {reply_text(exc.smtp_error)})"
    if isinstance(exc, smtplib.SMTPNotSupportedError | smtplib.SMTPException) and "AUTH" in str(exc):
        return f"authentication: {where} offers no login this client can use ({exc})"
    if isinstance(exc, MailRefused | TransientRefusal):
        return f"refusal: {where} {exc}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"refusal: {where} answered {exc.smtp_code} {reply_text(exc.smtp_error)}"
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"connection: {where} did not answer in time"
    if isinstance(exc, OSError | smtplib.SMTPException):
        return f"connection: cannot talk to {where} ({exc})"
    return f"unexpected failure: {exc!r}"


@click.group()
def mail() -> None:
    """Email: check the SMTP settings."""


@mail.command("test")
@click.option("--to", "to", required=True, help="Address to send the test message to.")
@click.pass_context
def mail_test(ctx: click.Context, to: str) -> None:
    """Send a test message now, through the configured SMTP server."""
    try:
        runtime = Runtime.start(load_settings(ctx.find_root().obj.get("config")))
        address = single_address(to)
    except (ConfigError, InvalidAddress) as exc:
        raise click.ClickException(str(exc)) from None
    mail_out = mailer(runtime)
    config = mail_out.config
    catalogue = mail_out.catalogue(runtime.settings.instance.language)
    notification = Notification(
        kind="mail_test", to_email=address, locale=runtime.settings.instance.language,
        subject=catalogue.gettext(TEST_SUBJECT) % {"instance": runtime.settings.instance.name},
        text=catalogue.gettext(TEST_TEXT), link=runtime.settings.public_url,
    )
    try:
        mail_out.pool.send(mail_out.from_address, address, wire_bytes(mail_out.compose(notification, address)))
    except Exception as exc:  # noqa: BLE001 - every failure is told to the operator, by kind
        raise click.ClickException(describe_failure(exc, config.smtp_host, config.smtp_port)) from None
    finally:
        mail_out.pool.close()
    click.echo(f"sent: {config.smtp_host}:{config.smtp_port} accepted the test message to {address}")
